/* Shared by the unit tests: random well-formed frame streams, and the predicate the trim
 * tests keep ("a commit frame": payload 0x04 followed by at least one byte). */
#ifndef RF_TEST_STREAMS_H
#define RF_TEST_STREAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "rng.h"

/* Up to max_frames frames of up to max_len bytes each, as many as fit in cap. With
 * mixed_text, half the payloads are printable ASCII. Returns the stream's size. */
static inline size_t test_random_stream(struct rng *r, uint8_t *buf, size_t cap, size_t max_frames,
                                        size_t max_len, bool mixed_text) {
    size_t off = 0, frames = rng_below(r, max_frames + 1);
    for (size_t i = 0; i < frames; i++) {
        size_t len = rng_below(r, max_len + 1);
        if (off + FRAME_HEADER_LEN + len > cap)
            break;
        frame_store_le32(buf + off, (uint32_t)len);
        bool text = mixed_text && rng_one_in(r, 2);
        for (size_t k = 0; k < len; k++)
            buf[off + FRAME_HEADER_LEN + k] =
                text ? (uint8_t)(0x20 + rng_below(r, 95)) : (uint8_t)rng_next(r);
        off += FRAME_HEADER_LEN + len;
    }
    return off;
}

static inline bool test_has_commit(const uint8_t *buf, size_t size) {
    struct frame_iter it;
    struct frame f;
    frame_iter_init(&it, buf, size, UINT32_MAX);
    while (frame_iter_next(&it, &f) == FRAME_OK)
        if (f.len >= 2 && f.data[0] == 0x04)
            return true;
    return false;
}

#endif
