/* Attachments: a file sent in chunks (ATTACH_BEGIN, then ATTACH_DATA until complete),
 * reassembled into one buffer the session owns. One attachment is open at a time. */
#ifndef ORDERS_ATTACH_H
#define ORDERS_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct attach {
    bool open;
    uint32_t id;
    uint32_t size;   /* declared by ATTACH_BEGIN */
    uint32_t filled; /* bytes received so far   */
    uint8_t *buf;    /* size bytes, owned       */
};

/* Opens attachment id of size bytes (1..ORDERS_ATTACH_MAX). ORDERS_ESTATE if one is still
 * open and incomplete, ORDERS_EFIELD for a bad size, ORDERS_ENOMEM. A complete previous
 * attachment is closed first. */
int attach_begin(struct attach *a, uint32_t id, uint32_t size);

/* Appends the chunk an ATTACH_DATA body carries (u32 id, u16 chunk_len, chunk). Returns
 * the number of bytes appended, or ORDERS_EFIELD (short body), ORDERS_ESTATE (no such open
 * attachment), ORDERS_EBOUNDS (the chunk does not fit the attachment or its message). */
int attach_append(struct attach *a, const uint8_t *body, size_t body_len);

bool attach_complete(const struct attach *a);

/* Frees the buffer and closes the attachment; safe on a closed one. */
void attach_close(struct attach *a);

#endif
