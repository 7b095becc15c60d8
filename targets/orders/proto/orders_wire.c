#include "orders_wire.h"

#include "orders_proto.h"

void wire_frames_init(struct wire_frames *it, const uint8_t *buf, size_t len) {
    it->buf = buf;
    it->len = len;
    it->off = 0;
}

int wire_frames_next(struct wire_frames *it, const uint8_t **payload, size_t *plen) {
    size_t left = it->len - it->off;
    if (left == 0)
        return 0;
    if (left < 4)
        return ORDERS_ETRUNC;
    uint32_t l = wire_u32(it->buf + it->off);
    if (l == 0 || l > ORDERS_MAX_FRAME)
        return ORDERS_ETOOBIG;
    if (l > left - 4)
        return ORDERS_ETRUNC;
    *payload = it->buf + it->off + 4;
    *plen = l;
    it->off += 4 + (size_t)l;
    return 1;
}

uint8_t wire_sum8(const uint8_t *p, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

uint16_t wire_u16(const uint8_t *p) {
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

uint32_t wire_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int wire_msg_parse(const uint8_t *payload, size_t plen, struct wire_msg *m) {
    if (plen < ORDERS_MSG_OVERHEAD)
        return ORDERS_EHEADER;
    if (wire_u16(payload + 2) != plen - ORDERS_MSG_HEADER)
        return ORDERS_EHEADER;
    if (wire_sum8(payload, plen - 1) != payload[plen - 1])
        return ORDERS_ECHECKSUM;
    if (payload[1] != ORDERS_PROTO_VERSION)
        return ORDERS_EVERSION;
    m->type = payload[0];
    m->body = payload + ORDERS_MSG_HEADER;
    m->body_len = plen - ORDERS_MSG_OVERHEAD;
    return 0;
}

void wire_tlv_init(struct wire_tlv *it, const uint8_t *body, size_t len) {
    it->body = body;
    it->len = len;
    it->off = 0;
}

int wire_tlv_next(struct wire_tlv *it, uint8_t *tag, const uint8_t **val, size_t *vlen) {
    size_t left = it->len - it->off;
    if (left == 0)
        return 0;
    if (left < 2 || it->body[it->off + 1] > left - 2)
        return ORDERS_EBOUNDS;
    *tag = it->body[it->off];
    *vlen = it->body[it->off + 1];
    *val = it->body + it->off + 2;
    it->off += 2 + *vlen;
    return 1;
}

int wire_tlv_find(const uint8_t *body, size_t len, uint8_t tag, const uint8_t **val, size_t *vlen) {
    struct wire_tlv it;
    uint8_t t;
    const uint8_t *v;
    size_t n;
    int rc;
    wire_tlv_init(&it, body, len);
    while ((rc = wire_tlv_next(&it, &t, &v, &n)) == 1) {
        if (t == tag) {
            *val = v;
            *vlen = n;
            return 1;
        }
    }
    return rc;
}
