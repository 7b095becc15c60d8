#include "mutate_common.h"

#include <stdlib.h>

#include "bytes.h"

bool mutate_common_grow(uint8_t **buf, size_t *cap, size_t need) {
    if (*cap >= need)
        return true;
    uint8_t *p = realloc(*buf, need);
    if (p == NULL)
        return false;
    *buf = p;
    *cap = need;
    return true;
}

bool mutate_common_load(struct mutate_common_bufs *b, const uint8_t *in, size_t in_size,
                        const uint8_t *in2, size_t in2_size, size_t arena_need) {
    b->arena_used = 0;
    if (!mutate_common_grow(&b->input, &b->input_cap, in_size + 1) ||
        !mutate_common_grow(&b->donor, &b->donor_cap, in2_size + 1) ||
        !mutate_common_grow(&b->arena, &b->arena_cap, arena_need))
        return false;
    if (in_size > 0)
        bytes_move(b->input, in, in_size);
    if (in2 != NULL && in2_size > 0)
        bytes_move(b->donor, in2, in2_size);
    return true;
}

void mutate_common_free(struct mutate_common_bufs *b) {
    free(b->input);
    free(b->donor);
    free(b->arena);
}
