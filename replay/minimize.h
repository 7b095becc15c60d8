/* Flaky-aware, structure-aware minimisation of a crash input. Candidates keep the format
 * intact (length prefixes consistent): for a schedule, drop a step, drop a lane, take a
 * step out of its barrier group, zero a delay, drop header lines, empty or halve a body,
 * drop a JSON body's keys, reset repeat and jitter; for a frame stream, ftrim's drops and
 * payload cuts (mutators/frame_trim.h). A candidate is kept only when it reproduces with
 * the same signature in at least min_hits of the replay's attempts, so a race that shows
 * one time in three is not "minimised" into an input that never shows it. Greedy: after
 * each accepted candidate, generation restarts from the smaller input. */
#ifndef RF_MINIMIZE_H
#define RF_MINIMIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay.h"

struct minimize_opts {
    struct replay_opts replay; /* binary, flags, env, expect_key, attempts, sandbox, work_dir;
                                * its input is set per candidate */
    bool schedule;             /* the input is a request schedule (go, http modes) */
    unsigned min_hits;         /* 0: half the original's hits, at least 1 */
    double budget_s;           /* stop trying candidates after this long */
};

struct minimize_stats {
    unsigned original_hits, need, attempts, tried, accepted; /* tried: candidates only */
    unsigned final_hits; /* the result's own check (original_hits when nothing was cut) */
    size_t original_size, final_size;
    double seconds;
};

/* Minimises in[0..n). On success *out is malloc'd (caller frees). false (logged) when the
 * original does not reproduce or nothing could be run; false, unlogged, after an
 * interrupt (procgroup.h says what it stopped). */
bool minimize_run(const struct minimize_opts *o, const uint8_t *in, size_t n, uint8_t **out,
                  size_t *out_n, struct minimize_stats *st);

#endif
