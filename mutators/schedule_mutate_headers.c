/* Schedule mutator operations on a step's header lines: drop one (the credentials first),
 * add one from a donor or a stock list, alter a value or swap a bearer token. Contracts:
 * schedule_mutate_ops.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rf_config.h"
#include "rng.h"
#include "schedule.h"
#include "schedule_mutate_ops.h"

struct line {
    const uint8_t *p;
    size_t len; /* without the "\r\n" */
};

/* Splits a header block into lines; a last line without "\r\n" counts as a line. */
static size_t split_lines(const uint8_t *h, size_t n, struct line *out, size_t cap) {
    size_t k = 0, start = 0;
    for (size_t p = 0; p < n && k < cap; p++) {
        bool crlf = p + 1 < n && h[p] == '\r' && h[p + 1] == '\n';
        if (crlf || p + 1 == n) {
            size_t end = crlf ? p : n;
            out[k++] = (struct line){h + start, end - start};
            start = end + 2;
            p += crlf;
        }
    }
    return k;
}

static bool line_is(const struct line *l, const char *name) {
    size_t n = strlen(name);
    if (l->len <= n || l->p[n] != ':')
        return false;
    for (size_t k = 0; k < n; k++)
        if ((l->p[k] | 0x20) != (name[k] | 0x20))
            return false;
    return true;
}

/* Picks a step and splits its headers into lines[SMUT_MAX_LINES]; SIZE_MAX (and *n
 * untouched) when there is no step. */
static size_t pick_lines(struct schedule_mutate *m, struct line *lines, size_t *n) {
    size_t i = schedule_mutate_pick_step(m);
    if (i != SIZE_MAX)
        *n = split_lines(m->steps[i].headers, m->steps[i].headers_len, lines, SMUT_MAX_LINES);
    return i;
}

/* Rebuilds step i's headers with line `skip` left out and `add` (may be NULL) at `at`. */
static bool rebuild_headers(struct schedule_mutate *m, size_t i, const struct line *lines, size_t n,
                            size_t skip, const struct line *add, size_t at) {
    struct schedule_mutate_abuf b = schedule_mutate_ab_begin(
        m, schedule_mutate_field_limit(m, m->steps[i].headers_len, UINT16_MAX));
    for (size_t k = 0; k <= n; k++) {
        if (add != NULL && k == at) {
            schedule_mutate_ab_put(&b, add->p, add->len);
            schedule_mutate_ab_str(&b, "\r\n");
        }
        if (k < n && k != skip) {
            schedule_mutate_ab_put(&b, lines[k].p, lines[k].len);
            schedule_mutate_ab_str(&b, "\r\n");
        }
    }
    return schedule_mutate_set_field16(m, &b, &m->steps[i].headers, &m->steps[i].headers_len);
}

bool schedule_mutate_op_drop_header(struct schedule_mutate *m) {
    struct line lines[SMUT_MAX_LINES];
    size_t n = 0, i = pick_lines(m, lines, &n);
    if (i == SIZE_MAX || n == 0)
        return false;
    size_t skip = rng_below(&m->rng, n);
    /* Dropping the credentials is the classic authorization probe: favour it. */
    for (size_t k = 0; k < n && rng_one_in(&m->rng, 2); k++)
        if (line_is(&lines[k], "Authorization"))
            skip = k;
    return rebuild_headers(m, i, lines, n, skip, NULL, 0);
}

/* A header line from another endpoint of the model or another step; `want` (may be NULL)
 * restricts it to one header name. */
static bool donor_line(struct schedule_mutate *m, const char *want, struct line *out) {
    const struct sched_model *md = schedule_mutate_model(m);
    struct line lines[SMUT_MAX_LINES];
    for (int tries = 0; tries < 8; tries++) {
        const uint8_t *h;
        size_t hl;
        if (md != NULL && (m->n == 0 || rng_one_in(&m->rng, 2))) {
            h = (const uint8_t *)md->eps[rng_below(&m->rng, md->neps)].headers;
            hl = h != NULL ? strlen((const char *)h) : 0;
        } else if (m->n > 0) {
            const struct schedule_step *st = &m->steps[rng_below(&m->rng, m->n)];
            h = st->headers;
            hl = st->headers_len;
        } else {
            return false;
        }
        size_t n = split_lines(h, hl, lines, SMUT_MAX_LINES);
        for (size_t k = 0, start = rng_below(&m->rng, n + 1); k < n; k++) {
            const struct line *l = &lines[(start + k) % n];
            if (want == NULL || line_is(l, want)) {
                *out = *l;
                return true;
            }
        }
    }
    return false;
}

/* Headers that change how a service treats a request, for when no donor has one. */
static const char *const stock_headers[] = {
    "Content-Type: application/json",
    "Content-Type: text/plain",
    "Accept: */*",
    "X-Forwarded-For: 127.0.0.1",
    "If-Match: *",
    "Prefer: respond-async",
    "Idempotency-Key: 1",
    "Connection: close",
    "Authorization: Bearer",
};

bool schedule_mutate_op_add_header(struct schedule_mutate *m) {
    struct line lines[SMUT_MAX_LINES], add;
    size_t n = 0, i = pick_lines(m, lines, &n);
    if (i == SIZE_MAX)
        return false;
    if (rng_one_in(&m->rng, 2) || !donor_line(m, NULL, &add)) {
        const char *s = stock_headers[rng_below(&m->rng, COUNT_OF(stock_headers))];
        add = (struct line){(const uint8_t *)s, strlen(s)};
    }
    return rebuild_headers(m, i, lines, n, SIZE_MAX, &add, rng_below(&m->rng, n + 1));
}

/* A new value for line l: empty, long, an id or dict token, or l's value with one byte
 * changed. Written into b after the name and ": ". */
static void put_header_value(struct schedule_mutate *m, struct schedule_mutate_abuf *b,
                             const struct line *l) {
    const uint8_t *colon = memchr(l->p, ':', l->len);
    size_t name = colon != NULL ? (size_t)(colon - l->p) : l->len;
    schedule_mutate_ab_put(b, l->p, name);
    schedule_mutate_ab_str(b, ": ");
    switch (rng_below(&m->rng, 4)) {
    case 0:
        break;
    case 1:
        for (size_t k = 1 + rng_below(&m->rng, RF_SMUT_LONG_STRING); k > 0; k--)
            schedule_mutate_ab_str(b, "A");
        break;
    case 2:
        schedule_mutate_put_value(m, b, "id", 2);
        break;
    default: {
        /* The old value with one bit of one byte flipped. */
        size_t from = name < l->len ? name + 1 : name, at = b->len;
        while (from < l->len && l->p[from] == ' ')
            from++;
        schedule_mutate_ab_put(b, l->p + from, l->len - from);
        if (b->ok && b->len > at)
            b->p[at + rng_below(&m->rng, b->len - at)] ^= (uint8_t)(1u << rng_below(&m->rng, 5));
        break;
    }
    }
}

/* Swaps a bearer token for another endpoint's or step's (acting as another user), or
 * rewrites a header's value. */
bool schedule_mutate_op_alter_header(struct schedule_mutate *m) {
    struct line lines[SMUT_MAX_LINES], with;
    size_t n = 0, i = pick_lines(m, lines, &n);
    if (i == SIZE_MAX || n == 0)
        return false;
    size_t k = rng_below(&m->rng, n);
    for (size_t j = 0; j < n; j++)
        if (line_is(&lines[j], "Authorization") && rng_one_in(&m->rng, 2))
            k = j;
    if (line_is(&lines[k], "Authorization") && rng_one_in(&m->rng, 2) &&
        donor_line(m, "Authorization", &with))
        return rebuild_headers(m, i, lines, n, k, &with, k);
    struct schedule_mutate_abuf b =
        schedule_mutate_ab_begin(m, RF_SMUT_LONG_STRING + lines[k].len + 64);
    put_header_value(m, &b, &lines[k]);
    const uint8_t *p = schedule_mutate_ab_commit(m, &b);
    if (p == NULL)
        return false;
    with = (struct line){p, b.len};
    return rebuild_headers(m, i, lines, n, k, &with, k);
}
