#include "schedule_mutate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "frame.h"
#include "json_mutate.h"
#include "mutate_common.h"
#include "rf_config.h"
#include "rng.h"

/* Arena room per stacked operation: one new field (path, headers or body) plus slack for
 * the salvage and the model-built steps of a fresh schedule. */
#define SMUT_ARENA_SLOTS (RF_MUT_STACK + 6)
#define SMUT_ARENA_SLACK 4096
/* Step frame overhead: the frame's length field plus the fixed step fields. */
#define STEP_OVERHEAD (FRAME_HEADER_LEN + SCHED_STEP_MIN_LEN)
/* Most {name} segments of one template the path-param operation considers. */
#define SMUT_MAX_SEGMENTS 16
/* Longest header line or query parameter the operations parse out of a field. */
#define SMUT_MAX_LINES 64

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct smut {
    const struct smut_opts *o;
    struct rng rng;
    struct schedule s; /* header fields; s.steps points at steps when serializing */
    struct sched_step steps[SCHED_MAX_STEPS];
    size_t n;
    struct sched_step donor[SCHED_MAX_STEPS];
    size_t ndonor;
    uint8_t donor_lanes;
    struct mutate_common_bufs buf; /* input copies; the arena holds new fields */
    struct fmut *fm;               /* frames bodies */
    uint8_t applied[RF_MUT_STACK + 1];
    const char *detail[RF_MUT_STACK + 1]; /* sub-operation of a body edit, or NULL */
    size_t napplied;
    const char *extra[4]; /* "salvage_prefix", "json_broken", "crossover_lanes", ... */
    size_t nextra;
    char desc[256];
    uint64_t counts[SMUT_OP_COUNT];
};

typedef bool (*smut_op_fn)(struct smut *m);

struct smut *smut_new(void) {
    struct smut *m = calloc(1, sizeof(*m));
    if (m != NULL && (m->fm = fmut_new()) == NULL) {
        free(m);
        return NULL;
    }
    return m;
}

void smut_free(struct smut *m) {
    if (m == NULL)
        return;
    fmut_free(m->fm);
    mutate_common_free(&m->buf);
    free(m);
}

void smut_default_opts(struct smut_opts *o, size_t max_size) {
    memset(o, 0, sizeof(*o));
    o->max_size = max_size;
    o->invalid_one_in = RF_SMUT_INVALID_JSON_ONE_IN;
}

static void note_extra(struct smut *m, const char *what) {
    if (m->nextra < COUNT_OF(m->extra))
        m->extra[m->nextra++] = what;
}

/* ---- sizes and the step list ------------------------------------------------------------ */

static size_t step_size(const struct sched_step *st) {
    return STEP_OVERHEAD + (size_t)st->path_len + st->headers_len + st->body_len;
}

static size_t total_size(const struct smut *m) {
    size_t t = SMUT_MIN_SIZE;
    for (size_t i = 0; i < m->n; i++)
        t += step_size(&m->steps[i]);
    return t;
}

static size_t room(const struct smut *m) {
    size_t t = total_size(m);
    return t < m->o->max_size ? m->o->max_size - t : 0;
}

static bool insert_step(struct smut *m, size_t at, struct sched_step st) {
    if (m->n >= SCHED_MAX_STEPS || room(m) < step_size(&st))
        return false;
    bytes_move(&m->steps[at + 1], &m->steps[at], (m->n - at) * sizeof(st));
    m->steps[at] = st;
    m->n++;
    return true;
}

static struct sched_step remove_step(struct smut *m, size_t at) {
    struct sched_step st = m->steps[at];
    bytes_move(&m->steps[at], &m->steps[at + 1], (m->n - at - 1) * sizeof(st));
    m->n--;
    return st;
}

static size_t pick_step(struct smut *m) {
    return m->n > 0 ? rng_below(&m->rng, m->n) : SIZE_MAX;
}

/* An unused barrier group, or a random one when all 255 are taken. */
static uint8_t new_group(struct smut *m) {
    bool used[256] = {false};
    for (size_t i = 0; i < m->n; i++)
        used[m->steps[i].barrier] = true;
    size_t start = rng_below(&m->rng, 255);
    for (size_t k = 0; k < 255; k++) {
        size_t g = 1 + (start + k) % 255;
        if (!used[g])
            return (uint8_t)g;
    }
    return (uint8_t)(1 + start);
}

/* A lane other than `lane` (which is below the lane count): a new one half the time, and
 * always when there is only one, while SCHED_MAX_LANES allows. */
static uint8_t other_lane(struct smut *m, uint8_t lane) {
    if (m->s.lanes < SCHED_MAX_LANES && (m->s.lanes == 1 || rng_one_in(&m->rng, 2)))
        return m->s.lanes++;
    uint8_t l = (uint8_t)rng_below(&m->rng, m->s.lanes - 1u);
    return l >= lane ? (uint8_t)(l + 1) : l;
}

/* Keeps every lane below the lane count after the count shrank. */
static void remap_lanes(struct smut *m) {
    for (size_t i = 0; i < m->n; i++)
        if (m->steps[i].lane >= m->s.lanes)
            m->steps[i].lane = (uint8_t)(m->steps[i].lane % m->s.lanes);
}

/* ---- arena builder: new field bytes, sized against a limit ------------------------------- */

struct abuf {
    uint8_t *p;
    size_t len, cap;
    bool ok;
};

static struct abuf ab_begin(struct smut *m, size_t limit) {
    size_t free_bytes = m->buf.arena_cap - m->buf.arena_used;
    return (struct abuf){.p = m->buf.arena + m->buf.arena_used,
                         .cap = limit < free_bytes ? limit : free_bytes,
                         .ok = true};
}

static void ab_put(struct abuf *b, const void *d, size_t n) {
    if (!b->ok || b->cap - b->len < n) {
        b->ok = false;
        return;
    }
    if (n > 0)
        bytes_move(b->p + b->len, d, n);
    b->len += n;
}

static void ab_str(struct abuf *b, const char *s) {
    ab_put(b, s, strlen(s));
}

static const uint8_t *ab_commit(struct smut *m, const struct abuf *b) {
    if (!b->ok)
        return NULL;
    m->buf.arena_used += b->len;
    return b->p;
}

/* Field setters: each checks the format's width and max_size. */
static size_t field_limit(struct smut *m, size_t old, size_t width_max) {
    size_t lim = room(m) + old;
    return lim < width_max ? lim : width_max;
}

static bool set_path(struct smut *m, size_t i, const struct abuf *b) {
    const uint8_t *p = ab_commit(m, b);
    if (p == NULL)
        return false;
    m->steps[i].path = p;
    m->steps[i].path_len = (uint16_t)b->len;
    return true;
}

static bool set_headers(struct smut *m, size_t i, const struct abuf *b) {
    const uint8_t *p = ab_commit(m, b);
    if (p == NULL)
        return false;
    m->steps[i].headers = p;
    m->steps[i].headers_len = (uint16_t)b->len;
    return true;
}

/* ---- values from the model and the dictionary ------------------------------------------- */

static const struct sched_model *model(const struct smut *m) {
    return m->o->model != NULL && m->o->model->neps > 0 ? m->o->model : NULL;
}

static const char *param_value(struct smut *m, const char *name, size_t name_len) {
    char key[64];
    const struct sched_values *p = NULL, *ids = sched_model_param(m->o->model, "id");
    if (name_len < sizeof(key)) {
        memcpy(key, name, name_len);
        key[name_len] = '\0';
        p = sched_model_param(m->o->model, key);
    }
    /* Learned ids fill any {name} now and then: "{order_id}" names an id too. */
    if (ids != NULL && ids->nvalues > 0 && (p == NULL || p->nvalues == 0 || rng_one_in(&m->rng, 4)))
        p = ids;
    if (p != NULL && p->nvalues > 0)
        return p->values[rng_below(&m->rng, p->nvalues)];
    return NULL;
}

/* Segment values a handler parses: numbers at the edges, traversal, encodings, empty-ish. */
static const char *const odd_segments[] = {
    "0",   "-1",    "1",    "4294967296", "99999999999999999999", "..", ".", "%2e%2e",
    "%00", "a%2fb", "null", "undefined"};

/* A value for a {name} segment or a query value: model, learned id, dict token, odd. */
static void put_value(struct smut *m, struct abuf *b, const char *name, size_t name_len) {
    const char *v = rng_one_in(&m->rng, 8) ? NULL : param_value(m, name, name_len);
    const struct dict *d = m->o->dict;
    if (v != NULL) {
        ab_str(b, v);
    } else if (d != NULL && d->count > 0 && rng_one_in(&m->rng, 2)) {
        const struct dict_token *t = &d->tokens[rng_below(&m->rng, d->count)];
        ab_put(b, t->data, t->len);
    } else {
        ab_str(b, odd_segments[rng_below(&m->rng, COUNT_OF(odd_segments))]);
    }
}

static void fill_template(struct smut *m, struct abuf *b, const char *tmpl) {
    for (const char *t = tmpl; *t != '\0';) {
        const char *close = *t == '{' ? strchr(t, '}') : NULL;
        if (close == NULL) {
            ab_put(b, t++, 1);
            continue;
        }
        put_value(m, b, t + 1, (size_t)(close - t - 1));
        t = close + 1;
    }
}

/* The body kind of the endpoint a step's method and path match; raw when none does. */
static enum sched_body_kind body_kind(const struct smut *m, const struct sched_step *st) {
    const struct sched_endpoint *ep =
        sched_model_match(m->o->model, st->method, st->path, st->path_len);
    return ep != NULL ? ep->body : SCHED_BODY_RAW;
}

/* A step made from a random endpoint: method, filled path, its headers and example body.
 * Without a model, "GET /". Lane, group and delay are the caller's. */
static bool step_from_model(struct smut *m, struct sched_step *st) {
    const struct sched_model *md = model(m);
    memset(st, 0, sizeof(*st));
    if (md == NULL) {
        st->method = SCHED_GET;
        st->path = (const uint8_t *)"/";
        st->path_len = 1;
        return true;
    }
    const struct sched_endpoint *ep = &md->eps[rng_below(&m->rng, md->neps)];
    struct abuf b = ab_begin(m, UINT16_MAX);
    fill_template(m, &b, ep->path);
    if ((st->path = ab_commit(m, &b)) == NULL)
        return false;
    st->path_len = (uint16_t)b.len;
    st->method = ep->method;
    size_t hl = ep->headers != NULL ? strlen(ep->headers) : 0;
    size_t bl = ep->example != NULL ? strlen(ep->example) : 0;
    st->headers = (const uint8_t *)ep->headers;
    st->headers_len = (uint16_t)(hl <= UINT16_MAX ? hl : 0);
    st->body = (const uint8_t *)ep->example;
    st->body_len = (uint32_t)bl;
    return true;
}

/* ---- step operations --------------------------------------------------------------------- */

static bool op_add_step(struct smut *m) {
    struct sched_step st;
    if (!step_from_model(m, &st))
        return false;
    uint8_t lanes = m->s.lanes;
    st.lane = rng_one_in(&m->rng, 3) ? other_lane(m, 0) : (uint8_t)rng_below(&m->rng, m->s.lanes);
    size_t j = pick_step(m);
    if (j != SIZE_MAX && m->steps[j].barrier != 0 && rng_one_in(&m->rng, 4))
        st.barrier = m->steps[j].barrier;
    if (insert_step(m, rng_below(&m->rng, m->n + 1), st))
        return true;
    m->s.lanes = lanes;
    return false;
}

static bool op_delete_step(struct smut *m) {
    if (m->n < 2)
        return false;
    remove_step(m, pick_step(m));
    return true;
}

/* The race maker: a copy of a step, usually on another lane and released together with
 * the original through one barrier group. */
static bool op_dup_step(struct smut *m) {
    size_t i = pick_step(m);
    if (i == SIZE_MAX || m->n >= SCHED_MAX_STEPS || room(m) < step_size(&m->steps[i]))
        return false;
    struct sched_step st = m->steps[i];
    if (!rng_one_in(&m->rng, 4))
        st.lane = other_lane(m, st.lane);
    if (!rng_one_in(&m->rng, 4)) {
        if (m->steps[i].barrier == 0)
            m->steps[i].barrier = new_group(m);
        st.barrier = m->steps[i].barrier;
    }
    st.delay_us = rng_one_in(&m->rng, 2) ? 0 : st.delay_us;
    size_t at = rng_one_in(&m->rng, 2) ? i + 1 : rng_below(&m->rng, m->n + 1);
    return insert_step(m, at, st);
}

static bool op_swap_steps(struct smut *m) {
    if (m->n < 2)
        return false;
    size_t a = pick_step(m), b = rng_below(&m->rng, m->n - 1);
    b += b >= a;
    struct sched_step t = m->steps[a];
    m->steps[a] = m->steps[b];
    m->steps[b] = t;
    return true;
}

static bool op_move_step(struct smut *m) {
    if (m->n < 2)
        return false;
    struct sched_step st = remove_step(m, pick_step(m));
    return insert_step(m, rng_below(&m->rng, m->n + 1), st);
}

static bool op_set_lane(struct smut *m) {
    size_t i = pick_step(m);
    if (i == SIZE_MAX)
        return false;
    m->steps[i].lane = other_lane(m, m->steps[i].lane);
    return true;
}

static bool op_set_lanes(struct smut *m) {
    size_t lanes = m->s.lanes;
    switch (rng_below(&m->rng, 3)) {
    case 0:
        lanes = lanes < SCHED_MAX_LANES ? lanes + 1 : lanes - 1;
        break;
    case 1:
        lanes = lanes > 1 ? lanes - 1 : lanes + 1;
        break;
    default:
        lanes = 1 + rng_below(&m->rng, SCHED_MAX_LANES);
        break;
    }
    if (lanes == m->s.lanes)
        return false;
    m->s.lanes = (uint8_t)lanes;
    remap_lanes(m);
    return true;
}

/* True when a member of group g other than step i runs on `lane`. */
static bool group_uses_lane(const struct smut *m, uint8_t g, size_t i, uint8_t lane) {
    for (size_t k = 0; k < m->n; k++)
        if (k != i && m->steps[k].barrier == g && m->steps[k].lane == lane)
            return true;
    return false;
}

/* Puts step i into group g on a lane no other member uses, when one is free: two members
 * on one lane would wait for each other (the lane runs them one after the other). */
static void join_group(struct smut *m, size_t i, uint8_t g) {
    m->steps[i].barrier = g;
    for (int tries = 0; tries < 4 && group_uses_lane(m, g, i, m->steps[i].lane); tries++)
        m->steps[i].lane = other_lane(m, m->steps[i].lane);
}

static bool op_join_barrier(struct smut *m) {
    if (m->n < 2)
        return false;
    size_t i = pick_step(m), j = rng_below(&m->rng, m->n - 1);
    j += j >= i;
    if (m->steps[j].barrier != 0 && m->steps[j].barrier != m->steps[i].barrier &&
        rng_one_in(&m->rng, 2)) {
        join_group(m, i, m->steps[j].barrier);
        return true;
    }
    uint8_t g = new_group(m);
    m->steps[j].barrier = g;
    join_group(m, i, g);
    return true;
}

static bool op_leave_barrier(struct smut *m) {
    size_t start = rng_below(&m->rng, m->n);
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (start + k) % m->n;
        if (m->steps[i].barrier != 0) {
            m->steps[i].barrier = 0;
            return true;
        }
    }
    return false;
}

/* Largest k with 2^k <= RF_SMUT_MAX_DELAY_US. */
static unsigned delay_top_bit(void) {
    unsigned k = 0;
    while ((2u << k) <= RF_SMUT_MAX_DELAY_US)
        k++;
    return k;
}

static bool op_set_delay(struct smut *m) {
    size_t i = pick_step(m);
    if (i == SIZE_MAX)
        return false;
    uint32_t d;
    switch (rng_below(&m->rng, 4)) {
    case 0:
        d = 0;
        break;
    case 1:
        d = 1 + (uint32_t)rng_below(&m->rng, 100);
        break;
    case 2:
        d = 1u << rng_below(&m->rng, delay_top_bit() + 1);
        break;
    default:
        d = m->steps[i].delay_us / 2 + (uint32_t)rng_below(&m->rng, 64);
        break;
    }
    m->steps[i].delay_us = d < RF_SMUT_MAX_DELAY_US ? d : RF_SMUT_MAX_DELAY_US;
    return true;
}

static bool op_set_method(struct smut *m) {
    size_t i = pick_step(m);
    if (i == SIZE_MAX)
        return false;
    unsigned k = (unsigned)rng_below(&m->rng, SCHED_METHOD_COUNT - 1);
    m->steps[i].method = (enum sched_method)(k + (k >= (unsigned)m->steps[i].method));
    return true;
}

/* ---- path operations --------------------------------------------------------------------- */

static bool op_set_endpoint(struct smut *m) {
    const struct sched_model *md = model(m);
    size_t i = pick_step(m);
    if (md == NULL || i == SIZE_MAX)
        return false;
    const struct sched_endpoint *ep = &md->eps[rng_below(&m->rng, md->neps)];
    struct abuf b = ab_begin(m, field_limit(m, m->steps[i].path_len, UINT16_MAX));
    fill_template(m, &b, ep->path);
    if (!set_path(m, i, &b))
        return false;
    if (rng_one_in(&m->rng, 2))
        m->steps[i].method = ep->method;
    return true;
}

/* The template the step's path matches (its own method first, then any); NULL if none. */
static const struct sched_endpoint *template_of(const struct smut *m, const struct sched_step *st,
                                                struct sched_segment *seg, size_t *nseg) {
    const struct sched_model *md = model(m);
    if (md == NULL)
        return NULL;
    const struct sched_endpoint *ep = sched_model_match(md, st->method, st->path, st->path_len);
    for (size_t k = 0; ep == NULL && k < md->neps; k++)
        if (sched_template_match(md->eps[k].path, st->path, st->path_len, NULL, 0, NULL))
            ep = &md->eps[k];
    if (ep == NULL ||
        !sched_template_match(ep->path, st->path, st->path_len, seg, SMUT_MAX_SEGMENTS, nseg))
        return NULL;
    if (*nseg > SMUT_MAX_SEGMENTS)
        *nseg = SMUT_MAX_SEGMENTS;
    return ep;
}

/* Another value for one {name} segment; without a matching template, for any segment. */
static bool op_set_path_param(struct smut *m) {
    size_t i = pick_step(m), nseg = 0;
    if (i == SIZE_MAX)
        return false;
    const struct sched_step *st = &m->steps[i];
    struct sched_segment seg[SMUT_MAX_SEGMENTS], one = {0};
    if (template_of(m, st, seg, &nseg) != NULL && nseg > 0) {
        one = seg[rng_below(&m->rng, nseg)];
    } else {
        /* Segment k of "/a/b?q": from after the k-th '/' to the next '/' or '?'. */
        size_t starts[SMUT_MAX_LINES], ns = 0;
        for (size_t p = 0; p < st->path_len && st->path[p] != '?' && ns < SMUT_MAX_LINES; p++)
            if (st->path[p] == '/')
                starts[ns++] = p + 1;
        if (ns == 0)
            return false;
        one.off = starts[rng_below(&m->rng, ns)];
        while (one.off + one.len < st->path_len && st->path[one.off + one.len] != '/' &&
               st->path[one.off + one.len] != '?')
            one.len++;
        one.name = "id";
        one.name_len = 2;
    }
    struct abuf b = ab_begin(m, field_limit(m, st->path_len, UINT16_MAX));
    ab_put(&b, st->path, one.off);
    put_value(m, &b, one.name, one.name_len);
    ab_put(&b, st->path + one.off + one.len, st->path_len - one.off - one.len);
    return set_path(m, i, &b);
}

/* Query parameter names worth adding: the model's param names and common paging keys. */
static const char *const query_keys[] = {"id",     "limit",  "offset", "page",    "sort",
                                         "fields", "expand", "force",  "dry_run", "version"};

static void put_query_pair(struct smut *m, struct abuf *b) {
    const struct sched_model *md = m->o->model;
    const char *key = query_keys[rng_below(&m->rng, COUNT_OF(query_keys))];
    if (md != NULL && md->nparams > 0 && rng_one_in(&m->rng, 2))
        key = md->params[rng_below(&m->rng, md->nparams)].name;
    ab_str(b, key);
    ab_str(b, "=");
    put_value(m, b, key, strlen(key));
}

/* Adds, drops, changes or repeats one "k=v" of the query, or drops the whole query. */
static bool op_mutate_query(struct smut *m) {
    size_t i = pick_step(m);
    if (i == SIZE_MAX)
        return false;
    const struct sched_step *st = &m->steps[i];
    const uint8_t *q = st->path_len > 0 ? memchr(st->path, '?', st->path_len) : NULL;
    size_t qoff = q != NULL ? (size_t)(q - st->path) : st->path_len;
    size_t pairs[SMUT_MAX_LINES + 1], np = 0; /* offsets where pairs start, then the end */
    for (size_t p = qoff + 1; q != NULL && p <= st->path_len && np < SMUT_MAX_LINES; p++)
        if (p == qoff + 1 || st->path[p - 1] == '&')
            pairs[np++] = p;
    pairs[np] = st->path_len + 1;
    struct abuf b = ab_begin(m, field_limit(m, st->path_len, UINT16_MAX));
    ab_put(&b, st->path, qoff);
    size_t drop = np > 0 && rng_one_in(&m->rng, 2) ? rng_below(&m->rng, np) : SIZE_MAX;
    size_t dup = np > 0 && rng_one_in(&m->rng, 3) ? rng_below(&m->rng, np) : SIZE_MAX;
    bool whole = np > 0 && rng_one_in(&m->rng, 8), first = true;
    for (size_t k = 0; k < np && !whole; k++) {
        if (k == drop && dup != k)
            continue;
        size_t len = pairs[k + 1] - pairs[k] - 1;
        for (int rep = 0; rep < 1 + (k == dup); rep++) {
            ab_str(&b, first ? "?" : "&");
            ab_put(&b, st->path + pairs[k], len);
            first = false;
        }
    }
    if (!whole && (np == 0 || drop == SIZE_MAX || rng_one_in(&m->rng, 2))) {
        ab_str(&b, first ? "?" : "&");
        put_query_pair(m, &b);
    }
    return set_path(m, i, &b);
}

/* ---- header operations ------------------------------------------------------------------- */

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

/* Rebuilds step i's headers with line `skip` left out and `add` (may be NULL) at `at`. */
static bool rebuild_headers(struct smut *m, size_t i, const struct line *lines, size_t n,
                            size_t skip, const struct line *add, size_t at) {
    struct abuf b = ab_begin(m, field_limit(m, m->steps[i].headers_len, UINT16_MAX));
    for (size_t k = 0; k <= n; k++) {
        if (add != NULL && k == at) {
            ab_put(&b, add->p, add->len);
            ab_str(&b, "\r\n");
        }
        if (k < n && k != skip) {
            ab_put(&b, lines[k].p, lines[k].len);
            ab_str(&b, "\r\n");
        }
    }
    return set_headers(m, i, &b);
}

static bool op_drop_header(struct smut *m) {
    size_t i = pick_step(m);
    struct line lines[SMUT_MAX_LINES];
    if (i == SIZE_MAX)
        return false;
    size_t n = split_lines(m->steps[i].headers, m->steps[i].headers_len, lines, SMUT_MAX_LINES);
    if (n == 0)
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
static bool donor_line(struct smut *m, const char *want, struct line *out) {
    const struct sched_model *md = model(m);
    struct line lines[SMUT_MAX_LINES];
    for (int tries = 0; tries < 8; tries++) {
        const uint8_t *h;
        size_t hl;
        if (md != NULL && (m->n == 0 || rng_one_in(&m->rng, 2))) {
            h = (const uint8_t *)md->eps[rng_below(&m->rng, md->neps)].headers;
            hl = h != NULL ? strlen((const char *)h) : 0;
        } else if (m->n > 0) {
            const struct sched_step *st = &m->steps[rng_below(&m->rng, m->n)];
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

static bool op_add_header(struct smut *m) {
    size_t i = pick_step(m);
    struct line lines[SMUT_MAX_LINES], add;
    if (i == SIZE_MAX)
        return false;
    size_t n = split_lines(m->steps[i].headers, m->steps[i].headers_len, lines, SMUT_MAX_LINES);
    if (rng_one_in(&m->rng, 2) || !donor_line(m, NULL, &add)) {
        const char *s = stock_headers[rng_below(&m->rng, COUNT_OF(stock_headers))];
        add = (struct line){(const uint8_t *)s, strlen(s)};
    }
    return rebuild_headers(m, i, lines, n, SIZE_MAX, &add, rng_below(&m->rng, n + 1));
}

/* A new value for line l: empty, long, an id or dict token, or l's value with one byte
 * changed. Written into b after the name and ": ". */
static void put_header_value(struct smut *m, struct abuf *b, const struct line *l) {
    const uint8_t *colon = memchr(l->p, ':', l->len);
    size_t name = colon != NULL ? (size_t)(colon - l->p) : l->len;
    ab_put(b, l->p, name);
    ab_str(b, ": ");
    switch (rng_below(&m->rng, 4)) {
    case 0:
        break;
    case 1:
        for (size_t k = 1 + rng_below(&m->rng, RF_SMUT_LONG_STRING); k > 0; k--)
            ab_str(b, "A");
        break;
    case 2:
        put_value(m, b, "id", 2);
        break;
    default: {
        /* The old value with one bit of one byte flipped. */
        size_t from = name < l->len ? name + 1 : name, at = b->len;
        while (from < l->len && l->p[from] == ' ')
            from++;
        ab_put(b, l->p + from, l->len - from);
        if (b->ok && b->len > at)
            b->p[at + rng_below(&m->rng, b->len - at)] ^= (uint8_t)(1u << rng_below(&m->rng, 5));
        break;
    }
    }
}

/* Swaps a bearer token for another endpoint's or step's (acting as another user), or
 * rewrites a header's value. */
static bool op_alter_header(struct smut *m) {
    size_t i = pick_step(m);
    struct line lines[SMUT_MAX_LINES], with;
    if (i == SIZE_MAX)
        return false;
    size_t n = split_lines(m->steps[i].headers, m->steps[i].headers_len, lines, SMUT_MAX_LINES);
    if (n == 0)
        return false;
    size_t k = rng_below(&m->rng, n);
    for (size_t j = 0; j < n; j++)
        if (line_is(&lines[j], "Authorization") && rng_one_in(&m->rng, 2))
            k = j;
    if (line_is(&lines[k], "Authorization") && rng_one_in(&m->rng, 2) &&
        donor_line(m, "Authorization", &with))
        return rebuild_headers(m, i, lines, n, k, &with, k);
    struct abuf b = ab_begin(m, RF_SMUT_LONG_STRING + lines[k].len + 64);
    put_header_value(m, &b, &lines[k]);
    const uint8_t *p = ab_commit(m, &b);
    if (p == NULL)
        return false;
    with = (struct line){p, b.len};
    return rebuild_headers(m, i, lines, n, k, &with, k);
}

/* ---- body operations --------------------------------------------------------------------- */

static size_t pick_step_of_kind(struct smut *m, enum sched_body_kind kind) {
    size_t start = rng_below(&m->rng, m->n);
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (start + k) % m->n;
        enum sched_body_kind got = body_kind(m, &m->steps[i]);
        if (got == kind || (kind == SCHED_BODY_RAW && got == SCHED_BODY_NONE))
            return i;
    }
    return SIZE_MAX;
}

static void record_detail(struct smut *m, const char *what) {
    if (m->napplied < COUNT_OF(m->detail))
        m->detail[m->napplied] = what;
}

static bool set_body(struct smut *m, size_t i, const uint8_t *p, size_t n) {
    if (n > UINT32_MAX || n > room(m) + m->steps[i].body_len)
        return false;
    m->steps[i].body = p;
    m->steps[i].body_len = (uint32_t)n;
    return true;
}

/* The JSON text to start from: the body when it is JSON, else the endpoint's example. */
static void json_start(struct smut *m, const struct sched_step *st, const uint8_t **text,
                       size_t *len) {
    const struct sched_endpoint *ep =
        sched_model_match(m->o->model, st->method, st->path, st->path_len);
    *text = st->body;
    *len = st->body_len;
    if (ep != NULL && ep->example != NULL && rng_one_in(&m->rng, 16)) {
        *text = (const uint8_t *)ep->example;
        *len = strlen(ep->example);
    }
}

static bool op_body_json(struct smut *m) {
    size_t i = pick_step_of_kind(m, SCHED_BODY_JSON);
    if (i == SIZE_MAX)
        return false;
    const struct sched_step *st = &m->steps[i];
    const struct sched_endpoint *ep =
        sched_model_match(m->o->model, st->method, st->path, st->path_len);
    const uint8_t *text;
    size_t len, cap = field_limit(m, st->body_len, UINT32_MAX);
    struct abuf b = ab_begin(m, cap);
    struct jmut_src src = {&m->rng, m->o->dict, m->o->model, m->o->engine_mutate, m->o->engine_arg};
    enum jmut_edit edit;
    json_start(m, st, &text, &len);
    size_t n = jmut_mutate(&src, text, len, b.p, b.cap, &edit);
    if (n == 0 && ep != NULL && ep->example != NULL) /* not JSON (any more): the example */
        n = jmut_mutate(&src, (const uint8_t *)ep->example, strlen(ep->example), b.p, b.cap, &edit);
    if (n == 0)
        n = jmut_mutate(&src, (const uint8_t *)"{}", 2, b.p, b.cap, &edit);
    if (n == 0)
        return false;
    record_detail(m, jmut_edit_name(edit));
    if (m->o->invalid_one_in > 0 && rng_one_in(&m->rng, m->o->invalid_one_in) &&
        jmut_break(&m->rng, b.p, &n, b.cap))
        note_extra(m, "json_broken");
    b.len = n;
    const uint8_t *p = ab_commit(m, &b);
    return p != NULL && set_body(m, i, p, n);
}

static bool op_body_frames(struct smut *m) {
    size_t i = pick_step_of_kind(m, SCHED_BODY_FRAMES);
    if (i == SIZE_MAX)
        return false;
    struct fmut_opts fo;
    if (m->o->frame_opts != NULL)
        fo = *m->o->frame_opts;
    else
        fmut_default_opts(&fo, 0);
    fo.skip_first = false;
    struct abuf b = ab_begin(m, field_limit(m, m->steps[i].body_len, UINT32_MAX));
    fo.max_size = b.cap;
    if (fo.max_size < FRAME_HEADER_LEN)
        return false;
    /* A frames body of another step donates frames for splicing. */
    size_t j = pick_step_of_kind(m, SCHED_BODY_FRAMES);
    size_t n = fmut_mutate(m->fm, &fo, m->steps[i].body, m->steps[i].body_len, m->steps[j].body,
                           m->steps[j].body_len, b.p, rng_next(&m->rng));
    if (n == 0 || n > b.cap)
        return false;
    record_detail(m, fmut_describe(m->fm)[0] != '\0' ? "fmut" : "fmut_none");
    b.len = n;
    const uint8_t *p = ab_commit(m, &b);
    return p != NULL && set_body(m, i, p, n);
}

/* Byte-level edits of an opaque body; the engine's own mutator half the time. */
static bool raw_edit(struct smut *m, struct abuf *b, const struct sched_step *st) {
    const struct dict *d = m->o->dict;
    ab_put(b, st->body, st->body_len);
    if (!b->ok)
        return false;
    size_t len = b->len;
    if (m->o->engine_mutate != NULL && rng_one_in(&m->rng, 2)) {
        size_t cap = b->cap, size = len;
        if (size == 0 && cap > 0)
            b->p[size++] = 0;
        size_t n = size > 0 ? m->o->engine_mutate(b->p, size, cap, m->o->engine_arg) : 0;
        b->len = n <= cap ? n : len;
        record_detail(m, "engine");
        return true;
    }
    switch (rng_below(&m->rng, 4)) {
    case 0:
        if (len > 0)
            b->p[rng_below(&m->rng, len)] ^= (uint8_t)(1u << rng_below(&m->rng, 8));
        record_detail(m, "flip");
        return len > 0;
    case 1:
        if (d != NULL && d->count > 0) {
            const struct dict_token *t = &d->tokens[rng_below(&m->rng, d->count)];
            ab_put(b, t->data, t->len);
        } else {
            ab_str(b, "\"");
        }
        record_detail(m, "append");
        return b->ok;
    case 2:
        b->len = len > 0 ? rng_below(&m->rng, len) : 0;
        record_detail(m, "cut");
        return len > 0;
    default:
        for (size_t k = 1 + rng_below(&m->rng, 16); k > 0; k--) {
            uint8_t c = (uint8_t)rng_next(&m->rng);
            ab_put(b, &c, 1);
        }
        record_detail(m, "random");
        return b->ok;
    }
}

static bool op_body_raw(struct smut *m) {
    size_t i = pick_step_of_kind(m, SCHED_BODY_RAW);
    if (i == SIZE_MAX)
        return false;
    struct abuf b = ab_begin(m, field_limit(m, m->steps[i].body_len, UINT32_MAX));
    if (!raw_edit(m, &b, &m->steps[i]))
        return false;
    const uint8_t *p = ab_commit(m, &b);
    return p != NULL && set_body(m, i, p, b.len);
}

/* ---- header-frame operations (rare) and splicing ----------------------------------------- */

static bool op_set_repeat(struct smut *m) {
    static const uint16_t repeats[] = {0, 1, 2, 3, RF_SMUT_MAX_REPEAT};
    uint16_t r = rng_one_in(&m->rng, 2) ? repeats[rng_below(&m->rng, COUNT_OF(repeats))]
                                        : (uint16_t)rng_below(&m->rng, RF_SMUT_MAX_REPEAT + 1);
    if (r == m->s.repeat)
        return false;
    m->s.repeat = r;
    return true;
}

static bool op_set_jitter(struct smut *m) {
    m->s.jitter_seed = rng_one_in(&m->rng, 4) ? 0 : (uint32_t)rng_next(&m->rng);
    return true;
}

static bool op_set_flags(struct smut *m) {
    m->s.flags = rng_one_in(&m->rng, 4) ? 0 : m->s.flags ^ (1u << rng_below(&m->rng, 8));
    return true;
}

/* Inserts a run of the donor's steps; their lanes fold into ours (or ours grow). */
static bool op_splice_steps(struct smut *m) {
    if (m->ndonor == 0)
        return false;
    if (m->donor_lanes > m->s.lanes && rng_one_in(&m->rng, 2))
        m->s.lanes = m->donor_lanes;
    size_t a = rng_below(&m->rng, m->ndonor), at = rng_below(&m->rng, m->n + 1), added = 0;
    size_t k = 1 + rng_below(&m->rng, m->ndonor - a < 4 ? m->ndonor - a : 4);
    for (size_t j = 0; j < k; j++) {
        struct sched_step st = m->donor[a + j];
        st.lane = (uint8_t)(st.lane % m->s.lanes);
        added += insert_step(m, at + added, st);
    }
    return added > 0;
}

/* Weights: races come from duplicated, gated steps and from the bodies; the header
 * frame's repeat, jitter and flags matter little and change rarely. */
static const struct {
    const char *name;
    smut_op_fn fn;
    unsigned weight;
} smut_ops[SMUT_OP_COUNT] = {
    [SMUT_ADD_STEP] = {"add_step", op_add_step, 6},
    [SMUT_DELETE_STEP] = {"delete_step", op_delete_step, 4},
    [SMUT_DUP_STEP] = {"dup_step", op_dup_step, 8},
    [SMUT_SWAP_STEPS] = {"swap_steps", op_swap_steps, 3},
    [SMUT_MOVE_STEP] = {"move_step", op_move_step, 3},
    [SMUT_SET_LANE] = {"set_lane", op_set_lane, 4},
    [SMUT_SET_LANES] = {"set_lanes", op_set_lanes, 2},
    [SMUT_JOIN_BARRIER] = {"join_barrier", op_join_barrier, 6},
    [SMUT_LEAVE_BARRIER] = {"leave_barrier", op_leave_barrier, 2},
    [SMUT_SET_DELAY] = {"set_delay", op_set_delay, 4},
    [SMUT_SET_METHOD] = {"set_method", op_set_method, 2},
    [SMUT_SET_ENDPOINT] = {"set_endpoint", op_set_endpoint, 3},
    [SMUT_SET_PATH_PARAM] = {"set_path_param", op_set_path_param, 4},
    [SMUT_MUTATE_QUERY] = {"mutate_query", op_mutate_query, 3},
    [SMUT_DROP_HEADER] = {"drop_header", op_drop_header, 2},
    [SMUT_ADD_HEADER] = {"add_header", op_add_header, 2},
    [SMUT_ALTER_HEADER] = {"alter_header", op_alter_header, 3},
    [SMUT_BODY_JSON] = {"body_json", op_body_json, 8},
    [SMUT_BODY_FRAMES] = {"body_frames", op_body_frames, 8},
    [SMUT_BODY_RAW] = {"body_raw", op_body_raw, 3},
    [SMUT_SET_REPEAT] = {"set_repeat", op_set_repeat, 1},
    [SMUT_SET_JITTER] = {"set_jitter", op_set_jitter, 1},
    [SMUT_SET_FLAGS] = {"set_flags", op_set_flags, 1},
    [SMUT_SPLICE_STEPS] = {"splice_steps", op_splice_steps, 2},
};

const char *smut_op_name(enum smut_op op) {
    return (unsigned)op < SMUT_OP_COUNT ? smut_ops[op].name : "?";
}

const uint64_t *smut_op_counts(const struct smut *m) {
    return m->counts;
}

static void desc_add(char *buf, size_t cap, const char *name, const char *detail) {
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s%s%s", used > 0 ? "," : "", name,
             detail != NULL ? ":" : "", detail != NULL ? detail : "");
}

const char *smut_describe(struct smut *m) {
    m->desc[0] = '\0';
    for (size_t i = 0; i < m->napplied; i++)
        desc_add(m->desc, sizeof(m->desc), smut_ops[m->applied[i]].name, m->detail[i]);
    for (size_t i = 0; i < m->nextra; i++)
        desc_add(m->desc, sizeof(m->desc), m->extra[i], NULL);
    return m->desc;
}

/* ---- loading, salvage, fitting ----------------------------------------------------------- */

/* Parses buf into steps[] (views into buf). An input that does not parse keeps its longest
 * parsing prefix of whole steps; false when even its header is unusable. */
static bool parse_lenient(const uint8_t *buf, size_t len, struct schedule *hdr,
                          struct sched_step *steps, size_t *n, bool *salvaged) {
    size_t err_step = SCHED_NO_STEP, prefix = 0;
    enum sched_err err = sched_parse(buf, len, hdr, &err_step);
    *salvaged = err != SCHED_OK;
    if (err != SCHED_OK && err_step != SCHED_NO_STEP && err != SCHED_ERR_NOMEM) {
        /* Header plus the err_step steps before the bad one: err_step + 1 whole frames. */
        struct frame_iter it;
        struct frame f;
        frame_iter_init(&it, buf, len, UINT32_MAX);
        for (size_t k = 0; k <= err_step && frame_iter_next(&it, &f) == FRAME_OK; k++)
            prefix = it.off;
        err = sched_parse(buf, prefix, hdr, NULL);
    }
    if (err != SCHED_OK)
        return false;
    *n = hdr->nsteps;
    if (*n > 0)
        bytes_move(steps, hdr->steps, *n * sizeof(*steps));
    sched_free(hdr);
    return true;
}

/* A schedule from nothing: one to three model steps on one to three lanes. */
static void fresh(struct smut *m) {
    m->s = (struct schedule){.version = SCHED_VERSION, .lanes = 1, .repeat = 1};
    m->n = 0;
    m->s.lanes = (uint8_t)(1 + rng_below(&m->rng, 3));
    for (size_t k = 1 + rng_below(&m->rng, RF_SMUT_FRESH_STEPS); k > 0; k--) {
        struct sched_step st;
        if (!step_from_model(m, &st))
            break;
        st.lane = (uint8_t)rng_below(&m->rng, m->s.lanes);
        if (!insert_step(m, m->n, st))
            break;
    }
}

static bool load(struct smut *m, const struct smut_opts *o, const uint8_t *in, size_t in_size,
                 const uint8_t *in2, size_t in2_size, uint64_t seed) {
    bool salvaged;
    m->o = o;
    rng_seed(&m->rng, seed);
    m->napplied = m->nextra = 0;
    if (!mutate_common_load(&m->buf, in, in_size, in2, in2_size,
                            SMUT_ARENA_SLOTS * (o->max_size + SMUT_ARENA_SLACK)))
        return false;
    struct schedule donor;
    m->ndonor = 0;
    m->donor_lanes = 1;
    if (in2 != NULL &&
        parse_lenient(m->buf.donor, in2_size, &donor, m->donor, &m->ndonor, &salvaged))
        m->donor_lanes = donor.lanes;
    if (!parse_lenient(m->buf.input, in_size, &m->s, m->steps, &m->n, &salvaged)) {
        fresh(m);
        note_extra(m, "salvage_fresh");
    } else if (salvaged) {
        note_extra(m, "salvage_prefix");
    }
    return true;
}

/* Makes the schedule fit max_size: drops trailing steps while that still leaves the rest
 * too big, then shortens the last step's body, headers and path, and drops it if it still
 * does not fit. An oversized input is mutated, not replaced. */
static void fit(struct smut *m) {
    size_t max = m->o->max_size, total = total_size(m);
    while (m->n > 0 && total > max) {
        struct sched_step *st = &m->steps[m->n - 1];
        size_t excess = total - max, body = st->body_len, hdrs = st->headers_len;
        if ((m->n > 1 && total - step_size(st) >= max) || excess > body + hdrs + st->path_len) {
            total -= step_size(st);
            remove_step(m, m->n - 1);
            continue;
        }
        size_t cut = excess < body ? excess : body;
        st->body_len = (uint32_t)(body - cut);
        excess -= cut;
        cut = excess < hdrs ? excess : hdrs;
        st->headers_len = (uint16_t)(hdrs - cut);
        excess -= cut;
        st->path_len = (uint16_t)(st->path_len - excess);
        total = max;
        note_extra(m, "fit");
    }
}

static void apply_one(struct smut *m) {
    unsigned total = 0;
    for (size_t k = 0; k < SMUT_OP_COUNT; k++)
        total += smut_ops[k].weight;
    for (int attempt = 0; attempt < 16; attempt++) {
        size_t draw = rng_below(&m->rng, total), op = 0;
        while (draw >= smut_ops[op].weight)
            draw -= smut_ops[op++].weight;
        record_detail(m, NULL);
        if (smut_ops[op].fn(m)) {
            m->counts[op]++;
            if (m->napplied < COUNT_OF(m->applied))
                m->applied[m->napplied++] = (uint8_t)op;
            return;
        }
    }
}

/* Serializes; a schedule the codec would refuse (a bug here) becomes a header-only one
 * rather than bytes that do not parse. */
static size_t emit(struct smut *m, uint8_t *out) {
    if (m->o->max_size < SMUT_MIN_SIZE)
        return 0;
    remap_lanes(m);
    fit(m);
    m->s.version = SCHED_VERSION;
    m->s.steps = m->steps;
    m->s.nsteps = m->n;
    if (sched_check(&m->s, NULL) != SCHED_OK) {
        m->s.nsteps = m->n = 0;
        m->s.lanes = 1;
        note_extra(m, "check_failed");
    }
    size_t n = sched_serialize(&m->s, out, m->o->max_size);
    m->s.steps = NULL;
    return n;
}

size_t smut_mutate(struct smut *m, const struct smut_opts *o, const uint8_t *in, size_t in_size,
                   const uint8_t *in2, size_t in2_size, uint8_t *out, uint64_t seed) {
    if (o->max_size < SMUT_MIN_SIZE || !load(m, o, in, in_size, in2, in2_size, seed))
        return 0;
    fit(m);
    size_t stack = 1 + rng_below(&m->rng, RF_MUT_STACK);
    for (size_t s = 0; s < stack; s++)
        apply_one(m);
    return emit(m, out);
}

/* Our lanes [0, keep) and the donor's lanes [0, take) renumbered after them; the donor's
 * barrier groups get fresh numbers so they do not merge with ours by accident. */
static void cross_lanes(struct smut *m) {
    uint8_t keep = (uint8_t)(1 + rng_below(&m->rng, m->s.lanes));
    uint8_t room_lanes = (uint8_t)(SCHED_MAX_LANES - keep);
    uint8_t take = m->donor_lanes < room_lanes ? m->donor_lanes : room_lanes;
    uint8_t groups[256] = {0};
    for (size_t i = m->n; i-- > 0;)
        if (m->steps[i].lane >= keep)
            remove_step(m, i);
    m->s.lanes = (uint8_t)(keep + take);
    for (size_t j = 0; j < m->ndonor; j++) {
        struct sched_step st = m->donor[j];
        if (st.lane >= take)
            continue;
        st.lane = (uint8_t)(st.lane + keep);
        if (st.barrier != 0 && groups[st.barrier] == 0)
            groups[st.barrier] = new_group(m);
        st.barrier = groups[st.barrier];
        if (!insert_step(m, m->n, st))
            break;
    }
    note_extra(m, "crossover_lanes");
}

/* Our first steps, then the donor's last ones. */
static void cross_cut(struct smut *m) {
    size_t cut = rng_below(&m->rng, m->n + 1), from = rng_below(&m->rng, m->ndonor);
    while (m->n > cut)
        remove_step(m, m->n - 1);
    if (m->donor_lanes > m->s.lanes)
        m->s.lanes = m->donor_lanes;
    for (size_t j = from; j < m->ndonor; j++)
        if (!insert_step(m, m->n, m->donor[j]))
            break;
    note_extra(m, "crossover_cut");
}

size_t smut_crossover(struct smut *m, const struct smut_opts *o, const uint8_t *in1,
                      size_t in1_size, const uint8_t *in2, size_t in2_size, uint8_t *out,
                      uint64_t seed) {
    if (o->max_size < SMUT_MIN_SIZE || !load(m, o, in1, in1_size, in2, in2_size, seed))
        return 0;
    fit(m);
    if (m->ndonor == 0)
        apply_one(m); /* nothing to cross with: still a change */
    else if (rng_one_in(&m->rng, 2))
        cross_lanes(m);
    else
        cross_cut(m);
    return emit(m, out);
}
