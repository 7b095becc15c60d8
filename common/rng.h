/* A small seeded PRNG (splitmix64). Every mutation decision goes through it, so one
 * seed reproduces one mutation exactly, on any machine. */
#ifndef RF_RNG_H
#define RF_RNG_H

#include <stdint.h>
#include <stddef.h>

struct rng {
    uint64_t state;
};

static inline void rng_seed(struct rng *r, uint64_t seed) {
    r->state = seed;
}

static inline uint64_t rng_next(struct rng *r) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n == 0 yields 0 so callers need no special case for empty ranges.
 * Lemire's multiply-shift instead of %: a 64-bit division costs more than the rest of a
 * typical mutation, and the bias for n < 2^32 is below 2^-32. */
static inline size_t rng_below(struct rng *r, size_t n) {
    return (size_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* True with probability 1/n. */
static inline int rng_one_in(struct rng *r, size_t n) {
    return rng_below(r, n) == 0;
}

#endif
