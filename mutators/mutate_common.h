/* What the frame mutator (frame_mutate.c) and the schedule mutator (schedule_mutate.c)
 * keep the same way: private copies of the two inputs, because the engine may hand them
 * an `out` that aliases `in`, and an arena for the bytes an operation writes, reset every
 * call. The buffers only grow; mutate_common_free releases them. */
#ifndef RF_MUTATE_COMMON_H
#define RF_MUTATE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mutate_common_bufs {
    uint8_t *input, *donor; /* copies of in and in2 */
    size_t input_cap, donor_cap;
    uint8_t *arena; /* new bytes of this call */
    size_t arena_cap, arena_used;
};

/* Makes *buf hold at least need bytes; false (and *buf, *cap untouched) when memory runs
 * out. */
bool mutate_common_grow(uint8_t **buf, size_t *cap, size_t need);

/* Empties the arena, grows it to arena_need bytes and the copies to one byte more than
 * each input (so an empty input still has a buffer), then copies in and, when not NULL,
 * in2. False on out-of-memory, with the inputs not copied. */
bool mutate_common_load(struct mutate_common_bufs *b, const uint8_t *in, size_t in_size,
                        const uint8_t *in2, size_t in2_size, size_t arena_need);

/* Frees the buffers (not b itself). */
void mutate_common_free(struct mutate_common_bufs *b);

#endif
