/* Structure-preserving trimmer: drops whole frames, then shortens payloads, and every
 * candidate it proposes is a well-formed stream. It is the engine of AFL++'s custom trim
 * trio and of `racefuzz minimize` for frame streams.
 *
 * Protocol: n = ftrim_init(); while (step < n) { cand = ftrim_candidate(); test it;
 * step = ftrim_result(ok); }. The accepted stream only ever shrinks. */
#ifndef RF_FRAME_TRIM_H
#define RF_FRAME_TRIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "rf_config.h"

enum ftrim_phase { FTRIM_DROP_FRAMES, FTRIM_SHORTEN_PAYLOADS, FTRIM_DONE };

struct ftrim {
    uint8_t *buf; /* accepted stream, owned */
    size_t size;
    struct frame frames[RF_MUT_MAX_FRAMES];
    size_t n;
    uint8_t *cand; /* last candidate, owned */
    size_t cand_size;
    enum ftrim_phase phase;
    size_t idx; /* frame under trial */
    int32_t steps, step;
};

/* Returns the step budget (an upper bound), 0 when nothing can be trimmed, -1 on OOM.
 * A malformed input is split leniently, so trimming also repairs its framing. */
int32_t ftrim_init(struct ftrim *t, const uint8_t *buf, size_t size, uint32_t max_len);

/* The next candidate; valid until the next call. Size is never above the accepted size. */
size_t ftrim_candidate(struct ftrim *t, const uint8_t **out);

/* Feeds back whether the last candidate kept the behaviour; returns the next step index,
 * equal to the budget once trimming is done. */
int32_t ftrim_result(struct ftrim *t, bool success);

/* The accepted (smallest behaviour-preserving) stream so far. */
const uint8_t *ftrim_accepted(const struct ftrim *t, size_t *size);

void ftrim_free(struct ftrim *t);

#endif
