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

/* Writes `count` seeds named seed-NNNN.bin into dir (created if needed), atomically. */
bool seedgen_frames_dir(const struct shape_set *s, uint64_t seed, size_t count, const char *dir);

#endif
