/* What the two AFL++ custom-mutator libraries (glue_afl.c: frame streams,
 * glue_sched_afl.c: schedules) do the same way: grow the output buffer afl-fuzz hands
 * back, and copy a description it can put in a file name. */
#ifndef RF_GLUE_AFL_COMMON_H
#define RF_GLUE_AFL_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Makes *out hold at least max_size bytes; false (and *out untouched) when memory runs
 * out, in which case the caller hands AFL++ its input back unchanged (a no-op). */
static inline bool afl_glue_reserve(uint8_t **out, size_t *cap, size_t max_size) {
    if (*cap >= max_size)
        return true;
    uint8_t *p = realloc(*out, max_size);
    if (p == NULL)
        return false;
    *out = p;
    *cap = max_size;
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
