/* Sessions: the per-type message decoders, the session rules and the public decode API.
 * The byte level is in orders_wire.c, shared state in orders_catalog.c. */
#include "orders_proto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "orders_attach.h"
#include "orders_bugs.h"
#include "orders_catalog.h"
#include "orders_text.h"
#include "orders_wire.h"

struct session {
    struct orders_result *res;
    bool authed;
    bool ended; /* BYE seen */
    struct attach att;
};

/* ---- fields ------------------------------------------------------------------------ */

/* A required field: 1 found, or ORDERS_EFIELD when absent, or a TLV error. */
static int need(const struct wire_msg *m, uint8_t tag, const uint8_t **v, size_t *n) {
    int rc = wire_tlv_find(m->body, m->body_len, tag, v, n);
    return rc == 0 ? ORDERS_EFIELD : rc;
}

static int need_u16(const struct wire_msg *m, uint8_t tag, uint16_t *out) {
    const uint8_t *v;
    size_t n;
    int rc = need(m, tag, &v, &n);
    if (rc < 0)
        return rc;
    if (n != 2)
        return ORDERS_EFIELD;
    *out = wire_u16(v);
    return 0;
}

static int need_u32(const struct wire_msg *m, uint8_t tag, uint32_t *out) {
    const uint8_t *v;
    size_t n;
    int rc = need(m, tag, &v, &n);
    if (rc < 0)
        return rc;
    if (n != 4)
        return ORDERS_EFIELD;
    *out = wire_u32(v);
    return 0;
}

/* Number of fields with this tag, or a TLV error. */
static int count_tag(const struct wire_msg *m, uint8_t tag) {
    struct wire_tlv it;
    uint8_t t;
    const uint8_t *v;
    size_t n;
    int rc, count = 0;
    wire_tlv_init(&it, m->body, m->body_len);
    while ((rc = wire_tlv_next(&it, &t, &v, &n)) == 1)
        count += t == tag;
    return rc < 0 ? rc : count;
}

/* ---- message decoders ----------------------------------------------------------------- */

static int on_hello(struct session *s, const struct wire_msg *m) {
    const uint8_t *v;
    size_t n;
    if (s->res->frames != 0)
        return ORDERS_ESTATE;
    int rc = need(m, ORDERS_TAG_CLIENT, &v, &n);
    if (rc < 0)
        return rc;
    if (!text_copy_printable(v, n, s->res->client, sizeof(s->res->client)))
        return ORDERS_EFIELD;
    return 0;
}

/* The decoder checks the token's shape; the service verifies it against its sessions. */
static int on_auth(struct session *s, const struct wire_msg *m) {
    const uint8_t *user, *token;
    size_t user_len, token_len;
    int rc = need(m, ORDERS_TAG_USER, &user, &user_len);
    if (rc >= 0)
        rc = need(m, ORDERS_TAG_TOKEN, &token, &token_len);
    if (rc < 0)
        return rc;
    if (token_len < ORDERS_MIN_TOKEN || token_len > ORDERS_MAX_TOKEN ||
        !text_copy_id(user, user_len, s->res->user, sizeof(s->res->user)))
        return ORDERS_EFIELD;
    s->authed = true;
    return 0;
}

static int parse_order(const struct wire_msg *m, struct orders_order *o) {
    const uint8_t *v;
    size_t n;
    int rc = need(m, ORDERS_TAG_SKU, &v, &n);
    if (rc < 0)
        return rc;
    if (!text_copy_id(v, n, o->sku, sizeof(o->sku)))
        return ORDERS_EFIELD;
    if ((rc = need_u16(m, ORDERS_TAG_QTY, &o->qty)) < 0)
        return rc;
    if (o->qty == 0 || o->qty > ORDERS_MAX_QTY)
        return ORDERS_EFIELD;
    rc = wire_tlv_find(m->body, m->body_len, ORDERS_TAG_SHIP_TO, &v, &n);
    if (rc == 1)
        text_normalize(v, n, o->ship_to, sizeof(o->ship_to));
    return rc < 0 ? rc : 0;
}

static int on_order(struct session *s, const struct wire_msg *m) {
    struct orders_order o;
    if (!s->authed)
        return ORDERS_ESTATE;
    memset(&o, 0, sizeof(o));
    int rc = parse_order(m, &o);
    if (rc < 0)
        return rc;
    memcpy(o.user, s->res->user, sizeof(o.user));
    if (s->res->n_orders < ORDERS_RESULT_MAX_ORDERS)
        s->res->orders[s->res->n_orders] = o;
    s->res->n_orders++;
    return 0;
}

static int on_cancel(struct session *s, const struct wire_msg *m) {
    uint32_t id;
    if (!s->authed)
        return ORDERS_ESTATE;
    int rc = need_u32(m, ORDERS_TAG_ORDER_ID, &id);
    if (rc < 0)
        return rc;
    if (id == 0)
        return ORDERS_EFIELD;
    s->res->cancels++;
    return 0;
}

/* PRICE value: u32 cents, then the SKU. */
static bool parse_price(const uint8_t *v, size_t n, struct catalog_price *p) {
    if (n < 5)
        return false;
    p->cents = wire_u32(v);
    return text_copy_id(v + 4, n - 4, p->sku, sizeof(p->sku));
}

/* t has room for exactly the PRICE fields count_tag found in this (private, unchanging)
 * body, so the index cannot run past it. */
static int fill_prices(const struct wire_msg *m, struct catalog_table *t) {
    struct wire_tlv it;
    uint8_t tag;
    const uint8_t *v;
    size_t n, i = 0;
    int rc;
    wire_tlv_init(&it, m->body, m->body_len);
    while ((rc = wire_tlv_next(&it, &tag, &v, &n)) == 1)
        if (tag == ORDERS_TAG_PRICE && !parse_price(v, n, &t->prices[i++]))
            return ORDERS_EFIELD;
    return rc;
}

static int on_catalog(struct session *s, const struct wire_msg *m) {
    uint16_t id;
    int count, rc = need_u16(m, ORDERS_TAG_CATALOG_ID, &id);
    (void)s;
    if (rc < 0)
        return rc;
    if ((count = count_tag(m, ORDERS_TAG_PRICE)) < 0)
        return count;
    if (id == 0 || count == 0 || count > (int)ORDERS_CATALOG_MAX_ENTRIES)
        return ORDERS_EFIELD;
    struct catalog_table *t = catalog_table_new(id, (size_t)count);
    if (t == NULL)
        return ORDERS_ENOMEM;
    if ((rc = fill_prices(m, t)) < 0) {
        catalog_release(t);
        return rc;
    }
    return catalog_publish(t);
}

/* LINE value: u16 qty, then the SKU. Prices one line against the held table t. */
static int price_line(struct session *s, const struct catalog_table *t, const uint8_t *v,
                      size_t n) {
    char sku[ORDERS_MAX_ID + 1];
    if (n < 3)
        return ORDERS_EFIELD;
    uint16_t qty = wire_u16(v);
    if (qty == 0 || qty > ORDERS_MAX_QTY || !text_copy_id(v + 2, n - 2, sku, sizeof(sku)))
        return ORDERS_EFIELD;
    const struct catalog_price *p = catalog_find(t, sku);
    if (p == NULL) {
        s->res->unpriced_lines++;
        return 0;
    }
    s->res->quoted_lines++;
    s->res->quote_total_cents += (uint64_t)qty * p->cents;
    return 0;
}

static int price_lines(struct session *s, const struct wire_msg *m, const struct catalog_table *t) {
    struct wire_tlv it;
    uint8_t tag;
    const uint8_t *v;
    size_t n;
    int rc;
    wire_tlv_init(&it, m->body, m->body_len);
    while ((rc = wire_tlv_next(&it, &tag, &v, &n)) == 1)
        if (tag == ORDERS_TAG_LINE && (rc = price_line(s, t, v, n)) < 0)
            return rc;
    return rc;
}

static int on_quote(struct session *s, const struct wire_msg *m) {
    uint16_t id;
    int lines, rc = need_u16(m, ORDERS_TAG_CATALOG_ID, &id);
    if (rc < 0)
        return rc;
    if ((lines = count_tag(m, ORDERS_TAG_LINE)) < 0)
        return lines;
    if (lines == 0)
        return ORDERS_EFIELD;
    /* The table is held for the whole quote: a CATALOG published meanwhile by another
     * session replaces it for later quotes without changing this one's prices. */
    struct catalog_table *t = catalog_acquire(id);
    if (t == NULL)
        return ORDERS_ENOCATALOG;
    rc = price_lines(s, m, t);
    catalog_release(t);
    return rc;
}

static int on_attach_begin(struct session *s, const struct wire_msg *m) {
    uint32_t id, size;
    const uint8_t *v;
    size_t n;
    char ctype[ORDERS_MAX_ID + 1];
    int rc = need_u32(m, ORDERS_TAG_ATTACH_ID, &id);
    if (rc >= 0)
        rc = need_u32(m, ORDERS_TAG_ATTACH_SIZE, &size);
    if (rc >= 0)
        rc = wire_tlv_find(m->body, m->body_len, ORDERS_TAG_CTYPE, &v, &n);
    if (rc < 0)
        return rc;
    if (rc == 1 && !text_copy_printable(v, n, ctype, sizeof(ctype)))
        return ORDERS_EFIELD;
    return attach_begin(&s->att, id, size);
}

static int on_attach_data(struct session *s, const struct wire_msg *m) {
    int rc = attach_append(&s->att, m->body, m->body_len);
    if (rc < 0)
        return rc;
    s->res->attachment_bytes += (uint64_t)rc;
    if (attach_complete(&s->att)) {
        s->res->attachments_done++;
        attach_close(&s->att);
    }
    return 0;
}

static int on_ping(struct session *s, const struct wire_msg *m) {
    (void)s;
    (void)m;
    return 0;
}

static int on_bye(struct session *s, const struct wire_msg *m) {
    (void)m;
    s->ended = true;
    return 0;
}

typedef int (*msg_fn)(struct session *s, const struct wire_msg *m);

static const msg_fn msg_handlers[ORDERS_MSG_COUNT] = {
    [ORDERS_MSG_HELLO] = on_hello,
    [ORDERS_MSG_AUTH] = on_auth,
    [ORDERS_MSG_ORDER] = on_order,
    [ORDERS_MSG_CANCEL] = on_cancel,
    [ORDERS_MSG_CATALOG] = on_catalog,
    [ORDERS_MSG_QUOTE] = on_quote,
    [ORDERS_MSG_ATTACH_BEGIN] = on_attach_begin,
    [ORDERS_MSG_ATTACH_DATA] = on_attach_data,
    [ORDERS_MSG_PING] = on_ping,
    [ORDERS_MSG_BYE] = on_bye,
};

/* ---- sessions ------------------------------------------------------------------------ */

static int dispatch(struct session *s, const struct wire_msg *m) {
    if (m->type >= ORDERS_MSG_COUNT || msg_handlers[m->type] == NULL)
        return ORDERS_ETYPE;
    if (s->ended)
        return ORDERS_ESTATE;
    int rc = msg_handlers[m->type](s, m);
    if (rc == 0)
        s->res->by_type[m->type]++;
    return rc;
}

/* Each payload is verified and decoded from a private copy: the sum that was checked is
 * then the sum of the bytes that are decoded even if the caller's buffer changes under us
 * (no double fetch), and nothing decoded points into the caller's memory. */
static int decode_frame(struct session *s, const uint8_t *payload, size_t plen) {
    struct wire_msg m;
    uint8_t *copy = malloc(plen);
    if (copy == NULL)
        return ORDERS_ENOMEM;
    memcpy(copy, payload, plen);
    int rc = wire_msg_parse(copy, plen, &m);
    if (rc == 0)
        rc = dispatch(s, &m);
    free(copy);
    return rc;
}

int orders_proto_decode(const uint8_t *buf, size_t len, struct orders_result *out) {
    struct session s = {.res = out};
    struct wire_frames it;
    const uint8_t *payload;
    size_t plen;
    int rc;

    memset(out, 0, sizeof(*out));
    wire_frames_init(&it, buf, buf != NULL ? len : 0);
    while ((rc = wire_frames_next(&it, &payload, &plen)) == 1) {
        if ((rc = decode_frame(&s, payload, plen)) < 0)
            break;
        out->frames++;
    }
    attach_close(&s.att);
    if (rc < 0) {
        out->err = rc;
        out->err_frame = out->frames;
    }
    return out->err;
}

void orders_proto_reset(void) {
    catalog_reset();
}

/* ---- bug selection and names --------------------------------------------------------- */

void orders_proto_set_bug_mask(unsigned mask) {
    orders_bugs_store(mask);
}

int orders_proto_set_bugs(const char *spec) {
    unsigned mask;
    if (!orders_bugs_parse(spec, &mask))
        return ORDERS_EINVAL;
    orders_bugs_store(mask);
    return 0;
}

unsigned orders_proto_bug_mask(void) {
    return orders_bugs_load();
}

const char *orders_proto_strerror(int err) {
    static const char *const names[] = {
        "ok",
        "truncated frame",
        "bad frame length",
        "bad message length",
        "bad checksum",
        "bad version",
        "unknown type",
        "unexpected message",
        "bad field",
        "length out of bounds",
        "out of memory",
        "unknown catalog",
        "limit reached",
        "invalid argument",
    };
    if (err > 0 || -err >= (int)(sizeof(names) / sizeof(names[0])))
        return "unknown error";
    return names[-err];
}

const char *orders_proto_msg_name(int type) {
    static const char *const names[ORDERS_MSG_COUNT] = {
        [ORDERS_MSG_HELLO] = "hello",
        [ORDERS_MSG_AUTH] = "auth",
        [ORDERS_MSG_ORDER] = "order",
        [ORDERS_MSG_CANCEL] = "cancel",
        [ORDERS_MSG_CATALOG] = "catalog",
        [ORDERS_MSG_QUOTE] = "quote",
        [ORDERS_MSG_ATTACH_BEGIN] = "attach_begin",
        [ORDERS_MSG_ATTACH_DATA] = "attach_data",
        [ORDERS_MSG_PING] = "ping",
        [ORDERS_MSG_BYE] = "bye",
    };
    if (type <= 0 || type >= ORDERS_MSG_COUNT)
        return "unknown";
    return names[type];
}
