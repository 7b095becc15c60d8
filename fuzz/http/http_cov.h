/* Remote coverage, harness side: the region a Go service built with racefuzz/go/cover
 * publishes its 8-bit counters in, and the clear/snapshot requests of the http mode
 * (layout and protocol: http_cov_layout.h; docs/http-mode.md).
 *
 * One struct rcov per supervised service. Typical use:
 *   r = rcov_create(NULL, 0);                 before starting the service
 *   setenv(RCOV_ENV, rcov_path(r)) in the service's environment; start it; wait until ready
 *   rcov_attached(r)?  else black-box feedback
 *   per input: rcov_clear → run the schedule, let it drain → rcov_snapshot → rcov_to_libfuzzer
 *   rcov_reset(r) before restarting the service; rcov_destroy(r) at the end.
 * Not thread-safe: one thread drives one region. */
#ifndef RF_REMOTE_COV_H
#define RF_REMOTE_COV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_cov_layout.h"

/* Counters a region holds when rcov_create is given 0. A service built with
 * -gcflags=all=-d=libfuzzer (the standard library too) has a few hundred thousand; a
 * region is a sparse tmpfs file, so only the pages a snapshot writes cost memory. */
#define RCOV_DEFAULT_CAPACITY (1u << 20)

/* libFuzzer's extra counters racefuzz reserves (rcov_to_libfuzzer). libFuzzer clears and
 * scans them on every input; 128 KiB costs a few microseconds against the milliseconds an
 * HTTP schedule takes, and holds the counters of a service's own packages unfolded. */
#define RCOV_LIBFUZZER_COUNTERS (1u << 17)

enum rcov_status {
    RCOV_OK = 0,
    RCOV_NO_SERVICE, /* no service attached: it does not import racefuzz/go/cover, was built
                        without -tags libfuzzer, did not get RACEFUZZ_COVER_SHM, or has not
                        started yet. Fall back to black-box feedback. */
    RCOV_TIMEOUT,    /* a service attached but did not answer in time (stopped, dead, or its
                        serving thread starved) */
};

struct rcov;

/* A snapshot's view of the region; valid until the next request on it. */
struct rcov_snapshot {
    const uint8_t *counters; /* n counters, in the service's own order */
    size_t n;
    int64_t goroutines; /* runtime.NumGoroutine() when the service took the snapshot */
    bool truncated;     /* the service has more counters than the region holds */
};

/* Creates the region file with room for capacity counters (0: RCOV_DEFAULT_CAPACITY) at
 * path, or at /dev/shm/racefuzz-cov-<pid>-<n> when path is NULL. The file must not exist.
 * NULL, logged, on failure. */
struct rcov *rcov_create(const char *path, size_t capacity);

/* Unmaps and removes the region file. NULL is fine. */
void rcov_destroy(struct rcov *r);

/* The path to hand the service in RACEFUZZ_COVER_SHM (RCOV_ENV). */
const char *rcov_path(const struct rcov *r);

/* True once a service mapped the region (it does so in its init, before main). */
bool rcov_attached(const struct rcov *r);

/* Waits up to timeout_ms for a service to attach; true if one did. */
bool rcov_wait_attached(const struct rcov *r, unsigned timeout_ms);

/* Counters the attached service has (0 when none attached). */
size_t rcov_ncounters(const struct rcov *r);

/* Forgets the attached service, so the next one's attach is seen: call it before
 * (re)starting a service on this region. Leaves request/ack alone (the protocol copes). */
void rcov_reset(struct rcov *r);

/* Asks the service to zero its counters and waits up to timeout_ms for the ack. */
enum rcov_status rcov_clear(struct rcov *r, unsigned timeout_ms);

/* Asks the service for its counters and goroutine count; on RCOV_OK *out views them. */
enum rcov_status rcov_snapshot(struct rcov *r, unsigned timeout_ms, struct rcov_snapshot *out);

/* Folds the last good snapshot into dst[0..n): counter i is added to dst[i % n],
 * saturating at 255, so what dst held (another source's counters) is kept. Folds nothing
 * when there is no snapshot since the last clear (or it failed). Returns the number of
 * non-zero service counters folded. */
size_t rcov_copy_to(const struct rcov *r, uint8_t *dst, size_t n);

/* The last snapshot into libFuzzer's extra counters (a RCOV_LIBFUZZER_COUNTERS array in
 * the __libfuzzer_extra_counters section, which libFuzzer clears before every input and
 * reads after it). Call after rcov_snapshot, before LLVMFuzzerTestOneInput returns. */
size_t rcov_to_libfuzzer(const struct rcov *r);

/* The last snapshot into AFL++'s map (__afl_area_ptr, __afl_map_size), folded modulo the
 * map size over the harness's own edges. 0 when the binary has no AFL++ runtime. AFL++
 * sizes its map to the harness's edges: set AFL_MAP_SIZE (and see docs/http-mode.md). */
size_t rcov_to_afl(const struct rcov *r);

/* "ok", "no remote coverage (...)", "timeout ...": for logs. */
const char *rcov_status_str(enum rcov_status s);

#endif
