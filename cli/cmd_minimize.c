/* racefuzz minimize: a crash input made small, still reproducing the same bug. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "log.h"
#include "project.h"
#include "minimize.h"
#include "replay_args.h"
#include "rf_config.h"

/* Attempts per candidate: a race that shows one time in three still shows in 6. */
#define MINIMIZE_ATTEMPTS 6

void cmd_minimize_help(void) {
    printf("usage: racefuzz minimize FILE [--target NAME --mode plain|frames|go]\n"
           "                         [--sanitizer S] [--variant V] [--env K=V]... [-n ATTEMPTS]\n"
           "                         [--time SECONDS] [--out OUT] [--promote] [--no-sandbox]\n\n"
           "Shrinks FILE by structure (schedules: steps, lanes, barriers, delays, headers,\n"
           "bodies and JSON keys; frame streams: frames and payload tails), keeping the length\n"
           "prefixes consistent. A candidate is kept only if it reproduces the same signature\n"
           "in at least half as many of ATTEMPTS (default %d) sandboxed replays as FILE did.\n"
           "Writes OUT (default FILE.min). --promote also copies it into the target's\n"
           "regression corpus (corpus/TARGET/regression/MODE[-thread]/KEY.bin), which the\n"
           "tests replay against the fixed variant. Exit: 0 done, 1 FILE does not reproduce,\n"
           "2 usage, 3 environment.\n",
           MINIMIZE_ATTEMPTS);
}

/* corpus/TARGET/regression/MODE[-thread]/KEY.bin: one file per bug, named by its signature
 * key; the folder says which build replays it (tests/regression/replay_promoted.sh). */
static bool promote(const struct replay_args *a, const uint8_t *b, size_t n) {
    char dir[4096], path[4200];
    bool tsan = strcmp(a->sanitizer, "thread") == 0;
    snprintf(dir, sizeof(dir), "%s/corpus/%s/regression/%s%s", project_home(), a->target, a->mode,
             tsan ? "-thread" : "");
    int w = snprintf(path, sizeof(path), "%s/%s.bin", dir,
                     a->expect.key[0] ? a->expect.key : "unkeyed");
    if (w < 0 || (size_t)w >= sizeof(path) || !fileio_mkdirs(dir) ||
        !fileio_write_atomic(path, b, n))
        return false;
    printf("promoted: %s\n", path);
    return true;
}

int cmd_minimize(int argc, char **argv) {
    static struct replay_args a;
    struct fileio_buf in;
    int rc = replay_args_resolve(argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (!fileio_read(a.file, RF_MAX_FILE_SIZE, &in))
        return CLI_EXIT_USAGE;
    struct minimize_opts o = {.schedule = strcmp(a.mode, "go") == 0 || strcmp(a.mode, "http") == 0,
                              .budget_s = (double)a.time_s};
    replay_args_opts(&a, &o.replay);
    if (a.attempts == 20) /* the replay default; minimisation runs many candidates */
        o.replay.attempts = MINIMIZE_ATTEMPTS;
    uint8_t *out;
    size_t n;
    struct minimize_stats st;
    bool ok = minimize_run(&o, in.data, in.size, &out, &n, &st);
    fileio_buf_free(&in);
    if (!ok)
        return CLI_EXIT_FOUND;
    char path[4200];
    snprintf(path, sizeof(path), "%s%s", a.out != NULL ? a.out : a.file,
             a.out != NULL ? "" : ".min");
    ok = fileio_write_atomic(path, out, n);
    printf("minimized %s: %zu -> %zu bytes (%u candidates, %u kept, %u replays, original "
           "reproduced %u/%u, kept candidates needed %u, result reproduced %u/%u; %.1fs)\n%s%s\n",
           a.file, st.original_size, st.final_size, st.tried, st.accepted, st.attempts,
           st.original_hits, o.replay.attempts, st.need, st.final_hits, o.replay.attempts,
           st.seconds, ok ? "written: " : "", ok ? path : "");
    if (ok && a.promote)
        ok = promote(&a, out, n);
    free(out);
    return ok ? CLI_EXIT_OK : CLI_EXIT_ENV;
}
