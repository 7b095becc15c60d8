/* Structure-preserving trimmer: drops whole frames, then shortens payloads, and every
 * candidate it proposes is a well-formed stream. It is the engine of AFL++'s custom trim
 * trio and of `racefuzz minimize` for frame streams.
 *
 * Protocol: n = frame_trim_init(); while (step < n) { cand = frame_trim_candidate(); test it;
 * step = frame_trim_result(ok); }. The accepted stream only ever shrinks. */
#ifndef RF_FRAME_TRIM_H
#define RF_FRAME_TRIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "rf_config.h"

enum frame_trim_phase { FTRIM_DROP_FRAMES, FTRIM_SHORTEN_PAYLOADS, FTRIM_DONE };

struct frame_trim {
    uint8_t *buf; /* accepted stream, owned */
    size_t size;
    struct frame frames[RF_MUT_MAX_FRAMES];
    size_t n;
    uint8_t *cand; /* last candidate, owned */
    size_t cand_size;
    enum frame_trim_phase phase;
    size_t idx; /* frame under trial */
    int32_t steps, step;
};

/* Returns the step budget (an upper bound), 0 when nothing can be trimmed, -1 on OOM.
 * A malformed input is split leniently, so trimming also repairs its framing. */
int32_t frame_trim_init(struct frame_trim *t, const uint8_t *buf, size_t size, uint32_t max_len);

/* The next candidate; valid until the next call. Size is never above the accepted size. */
size_t frame_trim_candidate(struct frame_trim *t, const uint8_t **out);

/* Feeds back whether the last candidate kept the behaviour; returns the next step index,
 * equal to the budget once trimming is done. */
int32_t frame_trim_result(struct frame_trim *t, bool success);

/* The accepted (smallest behaviour-preserving) stream so far. */
const uint8_t *frame_trim_accepted(const struct frame_trim *t, size_t *size);

void frame_trim_free(struct frame_trim *t);

#endif
