/* What the two AFL++ custom-mutator libraries (glue_afl.c: frame streams,
 * glue_sched_afl.c: schedules) do the same way: grow the output buffer afl-fuzz hands
 * back (or hand back the input when memory runs out), and copy a description it can put
 * in a file name. */
#ifndef RF_GLUE_AFL_COMMON_H
#define RF_GLUE_AFL_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mutate_common.h"

/* The prologue of afl_custom_fuzz: grows the instance's output buffer (*out, *cap) to
 * max_size and points *out_buf at it. When memory runs out it points *out_buf at the
 * input buf instead and returns false; the caller then returns buf's size, since AFL++
 * treats an unchanged buffer as a no-op mutation. */
static inline bool afl_glue_out_buf(uint8_t **out, size_t *cap, size_t max_size, uint8_t *buf,
                                    uint8_t **out_buf) {
    if (!mutate_common_grow(out, cap, max_size)) {
        *out_buf = buf;
        return false;
    }
    *out_buf = *out;
    return true;
}

/* AFL++ puts the description in a file name: truncate rather than let it refuse the name. */
static inline const char *afl_glue_describe(char *desc, size_t cap, const char *d, size_t max) {
    size_t n = strlen(d);
    if (n >= cap)
        n = cap - 1;
    if (n > max)
        n = max;
    memcpy(desc, d, n);
    desc[n] = '\0';
    return desc;
}

#endif
