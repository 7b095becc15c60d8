/* Seed generation: frame streams of several messages drawn from a target's shapes. */
#ifndef RF_SEEDGEN_H
#define RF_SEEDGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shape.h"

/* Writes one seed (2..6 frames) into out; returns its size (at most cap). Deterministic
 * in (shapes, seed). */
size_t seedgen_frames_one(const struct shape_set *s, uint64_t seed, uint8_t *out, size_t cap);

/* Frames-mode seeds carry a schedule frame first (fuzz/frames/frames_sched.h): `workers` > 0
 * makes scheduled seeds of 2..workers sessions, each session's frames on its own worker.
 * Sessions follow frames.sessions (realistic message orders) when the config has them. */
struct seedgen_opts {
    unsigned workers; /* 0: plain frame streams, no schedule frame */
    const cJSON *sessions;
};

/* Writes one scheduled seed; returns its size (at most cap). */
size_t seedgen_scheduled_one(const struct shape_set *s, const struct seedgen_opts *o, uint64_t seed,
                             uint8_t *out, size_t cap);

/* Checks frames.sessions: an array of arrays of message names the shapes define. */
bool seedgen_check_sessions(const struct shape_set *s, const cJSON *sessions, const char *origin);

/* Writes `count` seeds named seed-NNNN.bin into dir (created if needed), atomically. */
bool seedgen_frames_dir(const struct shape_set *s, const struct seedgen_opts *o, uint64_t seed,
                        size_t count, const char *dir);

#endif
