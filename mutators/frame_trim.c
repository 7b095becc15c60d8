#include "frame_trim.h"

#include <stdlib.h>
#include <string.h>

static int32_t bit_length(uint32_t v) {
    int32_t n = 0;
    while (v != 0) {
        n++;
        v >>= 1;
    }
    return n;
}

/* Re-splits the accepted buffer after it changed. */
static void resplit(struct frame_trim *t) {
    t->n = frame_split_lenient(t->buf, t->size, UINT32_MAX, t->frames, RF_MUT_MAX_FRAMES);
}

/* Moves to the next trial that is possible, or to FTRIM_DONE. */
static void advance(struct frame_trim *t) {
    for (;;) {
        if (t->phase == FTRIM_DROP_FRAMES) {
            if (t->n > 1 && t->idx > 0) {
                t->idx--;
                return;
            }
            t->phase = FTRIM_SHORTEN_PAYLOADS;
            t->idx = 0;
            if (t->n > 0 && t->frames[0].len > 0)
                return;
        } else if (t->phase == FTRIM_SHORTEN_PAYLOADS) {
            if (++t->idx < t->n && t->frames[t->idx].len > 0)
                return;
            if (t->idx >= t->n)
                t->phase = FTRIM_DONE;
        } else {
            return;
        }
    }
}

int32_t frame_trim_init(struct frame_trim *t, const uint8_t *buf, size_t size, uint32_t max_len) {
    memset(t, 0, sizeof(*t));
    t->buf = malloc(size + FRAME_HEADER_LEN);
    t->cand = malloc(size + FRAME_HEADER_LEN);
    if (t->buf == NULL || t->cand == NULL) {
        frame_trim_free(t);
        return -1;
    }
    /* Normalise once so every later candidate is well-formed and no larger. */
    struct frame tmp[RF_MUT_MAX_FRAMES];
    size_t n = frame_split_lenient(buf, size, max_len, tmp, RF_MUT_MAX_FRAMES);
    /* A 1..3-byte tail becomes a frame 4 bytes longer than it was; AFL++ refuses a trim
     * that grows the input, so that tail is dropped up front. */
    if (n > 0 && frame_serialized_size(tmp, n) > size)
        n--;
    t->size = frame_serialize(tmp, n, t->buf, size + FRAME_HEADER_LEN);
    resplit(t);
    t->steps = (int32_t)t->n;
    for (size_t i = 0; i < t->n; i++)
        t->steps += bit_length(t->frames[i].len) + 1;
    t->phase = FTRIM_DROP_FRAMES;
    t->idx = t->n; /* advance() pre-decrements: drop from the last frame backwards */
    advance(t);
    if (t->phase == FTRIM_DONE)
        t->steps = 0;
    return t->steps;
}

size_t frame_trim_candidate(struct frame_trim *t, const uint8_t **out) {
    struct frame saved = t->n > 0 ? t->frames[t->idx < t->n ? t->idx : 0] : (struct frame){0};
    *out = t->cand;
    if (t->phase == FTRIM_DROP_FRAMES) {
        memmove(&t->frames[t->idx], &t->frames[t->idx + 1],
                (t->n - t->idx - 1) * sizeof(struct frame));
        t->cand_size = frame_serialize(t->frames, t->n - 1, t->cand, t->size + FRAME_HEADER_LEN);
        memmove(&t->frames[t->idx + 1], &t->frames[t->idx],
                (t->n - t->idx - 1) * sizeof(struct frame));
        t->frames[t->idx] = saved;
    } else if (t->phase == FTRIM_SHORTEN_PAYLOADS) {
        t->frames[t->idx].len = saved.len / 2;
        t->cand_size = frame_serialize(t->frames, t->n, t->cand, t->size + FRAME_HEADER_LEN);
        t->frames[t->idx] = saved;
    } else {
        memcpy(t->cand, t->buf, t->size);
        t->cand_size = t->size;
    }
    return t->cand_size;
}

int32_t frame_trim_result(struct frame_trim *t, bool success) {
    if (t->phase == FTRIM_DONE)
        return t->steps;
    t->step++;
    if (success) {
        memcpy(t->buf, t->cand, t->cand_size);
        t->size = t->cand_size;
        resplit(t);
        /* Keep halving the same payload while that works; a dropped frame's index now
         * names the next one, which advance() visits. */
        if (t->phase == FTRIM_SHORTEN_PAYLOADS && t->frames[t->idx].len > 0)
            return t->step < t->steps ? t->step : t->steps;
    }
    advance(t);
    if (t->phase == FTRIM_DONE || t->step >= t->steps)
        return t->steps;
    return t->step;
}

const uint8_t *frame_trim_accepted(const struct frame_trim *t, size_t *size) {
    *size = t->size;
    return t->buf;
}

void frame_trim_free(struct frame_trim *t) {
    free(t->buf);
    free(t->cand);
    t->buf = NULL;
    t->cand = NULL;
}
