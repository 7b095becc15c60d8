#include "planted.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define PLANTED_MAX_FRAME 1024
#define PLANTED_MIN_TOKEN 8
#define PLANTED_DATA_NEEDED 3

struct planted_session {
    bool hello, authed;
    unsigned data_seen;
    size_t body_total; /* bytes of DATA bodies: the size of the commit buffer */
};

static enum planted_result on_hello(struct planted_session *s, const uint8_t *p, uint32_t n) {
    if (s->hello || n != 6 || memcmp(p + 2, "PLNT", 4) != 0)
        return PLANTED_ERR_FIELD;
    if (p[1] != 2)
        return PLANTED_ERR_FIELD; /* only protocol version 2 has sessions */
    s->hello = true;
    return PLANTED_OK;
}

static enum planted_result on_auth(struct planted_session *s, const uint8_t *p, uint32_t n) {
    if (!s->hello || s->authed || n < 3)
        return PLANTED_ERR_SEQUENCE;
    uint32_t inner = (uint32_t)p[1] | (uint32_t)p[2] << 8;
    if (inner != n - 3 || inner < PLANTED_MIN_TOKEN)
        return PLANTED_ERR_FIELD;
    s->authed = true;
    return PLANTED_OK;
}

static enum planted_result on_data(struct planted_session *s, const uint8_t *p, uint32_t n) {
    if (!s->authed || n < 2)
        return PLANTED_ERR_SEQUENCE;
    if (p[1] != s->data_seen + 1)
        return PLANTED_ERR_FIELD;
    s->data_seen++;
    s->body_total += n - 2;
    return PLANTED_OK;
}

static enum planted_result on_commit(struct planted_session *s, const uint8_t *p, uint32_t n) {
    if (s->data_seen < PLANTED_DATA_NEEDED || n < 2)
        return PLANTED_ERR_SEQUENCE;
    uint8_t *out = malloc(s->body_total + 1);
    if (out == NULL)
        return PLANTED_ERR_FIELD;
#ifdef PLANTED_FIXED
    /* The fixed variant, for throughput benchmarks that must not stop at the bug. */
    if (p[1] > s->body_total + 1 || (size_t)p[1] + 2 > n) {
        free(out);
        return PLANTED_ERR_FIELD;
    }
#endif
    /* PLANTED BUG: p[1] is trusted; the check against s->body_total is missing. */
    memcpy(out, p + 2, p[1]);
    /* The commit is accepted when its bytes sum to zero (the last byte balances them). */
    uint8_t sum = 0;
    for (size_t i = 0; i < p[1]; i++)
        sum = (uint8_t)(sum + out[i]);
    free(out);
    return sum == 0 ? PLANTED_OK : PLANTED_ERR_FIELD;
}

static enum planted_result on_frame(struct planted_session *s, const struct frame *f) {
    if (f->len == 0)
        return PLANTED_ERR_SEQUENCE;
    switch (f->data[0]) {
    case 0x01:
        return on_hello(s, f->data, f->len);
    case 0x02:
        return on_auth(s, f->data, f->len);
    case 0x03:
        return on_data(s, f->data, f->len);
    case 0x04:
        return on_commit(s, f->data, f->len);
    default:
        return PLANTED_ERR_SEQUENCE;
    }
}

enum planted_result planted_decode(const uint8_t *buf, size_t len) {
    if (!frame_is_well_formed(buf, len, PLANTED_MAX_FRAME))
        return PLANTED_ERR_FRAMING;
    struct planted_session s = {0};
    struct frame_iter it;
    struct frame f;
    frame_iter_init(&it, buf, len, PLANTED_MAX_FRAME);
    while (frame_iter_next(&it, &f) == FRAME_OK) {
        enum planted_result r = on_frame(&s, &f);
        if (r != PLANTED_OK)
            return r;
    }
    return PLANTED_OK;
}
