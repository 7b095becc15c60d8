#include "orders_attach.h"

#include <stdlib.h>
#include <string.h>

#include "orders_bugs.h"
#include "orders_proto.h"
#include "orders_wire.h"

/* ATTACH_DATA body: u32 attach_id, u16 chunk_len, then the chunk. */
#define ATTACH_DATA_HEAD 6u

int attach_begin(struct attach *a, uint32_t id, uint32_t size) {
    if (a->open && !attach_complete(a))
        return ORDERS_ESTATE;
    if (id == 0 || size == 0 || size > ORDERS_ATTACH_MAX)
        return ORDERS_EFIELD;
    attach_close(a);
    a->buf = malloc(size);
    if (a->buf == NULL)
        return ORDERS_ENOMEM;
    a->open = true;
    a->id = id;
    a->size = size;
    a->filled = 0;
    return 0;
}

int attach_append(struct attach *a, const uint8_t *body, size_t body_len) {
    if (body_len < ATTACH_DATA_HEAD)
        return ORDERS_EFIELD;
    uint32_t id = wire_u32(body);
    uint16_t chunk_len = wire_u16(body + 4);
    size_t carried = body_len - ATTACH_DATA_HEAD;
    if (!a->open || id != a->id)
        return ORDERS_ESTATE;
    /* The chunk must fit the attachment it belongs to... */
    if (chunk_len > a->size - a->filled)
        return ORDERS_EBOUNDS;
    /* ...and the message that carries it. BUG C2: the buggy variant trusts chunk_len
     * (checked above against the attachment only) and copies past the end of the
     * frame. */
    if (chunk_len > carried && !orders_bug_on(ORDERS_BUG_C2))
        return ORDERS_EBOUNDS;
    memcpy(a->buf + a->filled, body + ATTACH_DATA_HEAD, chunk_len);
    a->filled += chunk_len;
    return chunk_len;
}

bool attach_complete(const struct attach *a) {
    return a->open && a->filled == a->size;
}

void attach_close(struct attach *a) {
    free(a->buf);
    memset(a, 0, sizeof(*a));
}
