/* The byte level of the protocol: frames, message headers and sums, TLV fields.
 * Nothing here allocates or keeps state between calls. */
#ifndef ORDERS_WIRE_H
#define ORDERS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Walks the frames of a stream. Never reads past buf + len. */
struct wire_frames {
    const uint8_t *buf;
    size_t len;
    size_t off;
};

void wire_frames_init(struct wire_frames *it, const uint8_t *buf, size_t len);

/* Next frame: 1 with *payload and *plen set (pointing into the stream), 0 at the clean end,
 * ORDERS_ETRUNC when the stream stops inside a frame, ORDERS_ETOOBIG for an empty or
 * oversized frame. */
int wire_frames_next(struct wire_frames *it, const uint8_t **payload, size_t *plen);

/* A verified message: body points into the payload it was parsed from (the sum byte is
 * not part of it). */
struct wire_msg {
    uint8_t type;
    const uint8_t *body;
    size_t body_len;
};

/* Checks the header, the length and the sum of one payload. Returns 0 or ORDERS_EHEADER,
 * ORDERS_ECHECKSUM, ORDERS_EVERSION. The type is not checked here. */
int wire_msg_parse(const uint8_t *payload, size_t plen, struct wire_msg *m);

uint8_t wire_sum8(const uint8_t *p, size_t n);
uint16_t wire_u16(const uint8_t *p);
uint32_t wire_u32(const uint8_t *p);

/* Walks the TLV fields of a body. */
struct wire_tlv {
    const uint8_t *body;
    size_t len;
    size_t off;
};

void wire_tlv_init(struct wire_tlv *it, const uint8_t *body, size_t len);

/* Next field: 1 with *tag, *val and *vlen set, 0 at the end of the body, ORDERS_EBOUNDS when a
 * field's length runs past the body. */
int wire_tlv_next(struct wire_tlv *it, uint8_t *tag, const uint8_t **val, size_t *vlen);

/* First field with this tag: 1 found, 0 absent, or the error of a malformed body. */
int wire_tlv_find(const uint8_t *body, size_t len, uint8_t tag, const uint8_t **val, size_t *vlen);

#endif
