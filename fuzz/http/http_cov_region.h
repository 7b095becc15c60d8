/* Remote coverage region files: a name nobody else holds, and an owner that can die.
 *
 * A harness dies without cleaning up more often than not: libFuzzer _Exit()s after a
 * crash or a timeout, and a campaign ends with SIGKILL when its grace runs out. So each
 * region file is owned by an flock(2) its creator holds until its last descriptor closes
 * (the kernel drops it when the process dies), and every new default region first sweeps
 * the regions whose lock is free. A PID recycled by a later process (common in a fresh
 * container) then meets no stale file of the same name either. The CLI sweeps once more
 * after an http campaign and its replays. */
#ifndef RF_HTTP_COV_REGION_H
#define RF_HTTP_COV_REGION_H

#include <stdbool.h>
#include <stddef.h>

/* Where default regions live (tmpfs: a region is sparse and never written back). */
#define RCOV_REGION_DIR "/dev/shm"
#define RCOV_REGION_PREFIX "racefuzz-cov-"

/* Creates a region file of size bytes, locked by the returned descriptor (O_CLOEXEC), or
 * -1 (logged). With *path empty, picks RCOV_REGION_DIR/RCOV_REGION_PREFIX<pid>-<n> after
 * sweeping dir, and writes the name into path[size_path]; otherwise creates exactly path,
 * which must not exist. */
int http_cov_region_create(char *path, size_t size_path, size_t size);

/* Removes the region files in dir whose owner is gone (their lock is free); returns how
 * many. Regions of live owners, and files not named like regions, are left alone. */
unsigned http_cov_region_sweep(const char *dir);

#endif
