#include "sched_seedgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fileio.h"
#include "log.h"
#include "rng.h"
#include "seedgen.h"

/* At most 4 lanes x (set-up, race step, read) plus slack: a seed is a scenario, not a load. */
#define SSEED_MAX_STEPS 16
/* Paths, headers and bodies of one seed's steps; more than a 4096-byte seed can carry, so
 * the seed size, not the pool, is what trims a seed. */
#define SSEED_POOL 16384
/* A frames body holds a few messages; the frame mutator grows them. */
#define SSEED_FRAMES_BODY 512
/* Scaled JSON numbers: thresholds (fraud review, stock, limits) sit above everyday values. */
#define SSEED_SCALE 100.0

/* Step options. */
enum {
    STEP_FRESH = 1,      /* fresh path values instead of the seed's bindings */
    STEP_SCALE = 2,      /* numbers of a JSON example scaled by SSEED_SCALE */
    STEP_NO_HEADERS = 4, /* without the endpoint's fixed headers */
};

struct gen {
    const struct sched_model *m;
    const struct shape_set *shapes;
    struct rng r;
    uint64_t *binding; /* per model param: which value this seed names (see nth_value) */
    struct schedule_step steps[SSEED_MAX_STEPS];
    size_t nsteps;
    uint8_t pool[SSEED_POOL];
    size_t used;
};

/* ---- how endpoints relate ---- */

/* The resource an endpoint acts on: its path up to the first {name} or query, without a
 * trailing '/' ("/v1/orders/{id}/receipt" -> "/v1/orders"). */
static size_t resource_len(const char *path) {
    size_t n = strcspn(path, "{?");
    while (n > 1 && path[n - 1] == '/')
        n--;
    return n;
}

/* The same resource, the same client (identical non-empty fixed headers, e.g. one bearer
 * token), or either. */
enum { REL_RESOURCE = 1, REL_CLIENT = 2, REL_ANY = 3 };

/* Which endpoints a pick may return: any, or only writing / only reading ones. */
enum role { ROLE_ANY, ROLE_WRITER, ROLE_READER };

static bool writes(enum schedule_method m) {
    return m == SCHED_POST || m == SCHED_PUT || m == SCHED_PATCH || m == SCHED_DELETE;
}

static bool related(const struct sched_endpoint *a, const struct sched_endpoint *b, unsigned rel) {
    size_t na = resource_len(a->path);
    bool same_resource = na == resource_len(b->path) && memcmp(a->path, b->path, na) == 0;
    bool same_client = a->headers[0] != '\0' && strcmp(a->headers, b->headers) == 0;
    return ((rel & REL_RESOURCE) && same_resource) || ((rel & REL_CLIENT) && same_client);
}

static bool candidate(const struct gen *g, size_t a, size_t i, unsigned rel, enum role role) {
    const struct sched_endpoint *e = &g->m->eps[i];
    bool w = writes(e->method);
    return (i == a || related(&g->m->eps[a], e, rel)) &&
           (role == ROLE_ANY || (role == ROLE_WRITER) == w);
}

/* A uniformly chosen endpoint related to a (a itself included) in the given role;
 * SIZE_MAX when there is none. */
static size_t pick(struct gen *g, size_t a, unsigned rel, enum role role) {
    size_t n = 0, k;
    for (size_t i = 0; i < g->m->neps; i++)
        n += candidate(g, a, i, rel, role);
    if (n == 0)
        return SIZE_MAX;
    k = rng_below(&g->r, n);
    for (size_t i = 0; i < g->m->neps; i++)
        if (candidate(g, a, i, rel, role) && k-- == 0)
            return i;
    return SIZE_MAX;
}

static size_t pick_related(struct gen *g, size_t a, unsigned rel) {
    return pick(g, a, rel, ROLE_ANY); /* never SIZE_MAX: a itself qualifies */
}

/* The other side of a data race on a's state: a reader when a writes, a writer when it
 * reads; of a's resource if it has one, else of a's client, else anything related. */
static size_t pick_counterpart(struct gen *g, size_t a) {
    enum role role = writes(g->m->eps[a].method) ? ROLE_READER : ROLE_WRITER;
    size_t b = pick(g, a, REL_RESOURCE, role);
    if (b == SIZE_MAX || b == a)
        b = pick(g, a, REL_CLIENT, role);
    return b == SIZE_MAX ? pick_related(g, a, REL_ANY) : b;
}

/* Realistic order inside a session: create or change first, then read, delete last. */
static int method_rank(enum schedule_method m) {
    switch (m) {
    case SCHED_POST:
        return 0;
    case SCHED_PUT:
    case SCHED_PATCH:
        return 1;
    case SCHED_DELETE:
        return 3;
    default:
        return 2;
    }
}

/* ---- one step's bytes, appended to the pool ---- */

static bool pool_put(struct gen *g, const void *p, size_t n) {
    if (n > SSEED_POOL - g->used)
        return false;
    if (n > 0)
        memcpy(g->pool + g->used, p, n);
    g->used += n;
    return true;
}

/* Ids often carry their type's initial ("o-1" for an order, "cus_..." for a customer), so
 * a value that starts like the segment before the {name} ("orders/{id}") more likely names
 * an object that exists. Lower-case initial of that segment, or 0 when there is none. */
static char segment_initial(const char *tpl, const char *open) {
    const char *end = open, *start;
    while (end > tpl && end[-1] == '/')
        end--;
    for (start = end; start > tpl && start[-1] != '/'; start--)
        ;
    if (start == end)
        return 0;
    return *start >= 'A' && *start <= 'Z' ? (char)(*start - 'A' + 'a') : *start;
}

/* How well value v suits a segment: 2 when the endpoint's own headers name it (a token of
 * user u1 goes with u1: the caller's own object, which it may touch), 1 when it starts
 * with the segment's initial, 0 otherwise. Only the best level present is used. */
static int fit(const char *v, char initial, const char *headers) {
    char c = *v >= 'A' && *v <= 'Z' ? (char)(*v - 'A' + 'a') : *v;
    if (initial != 0 && c != initial)
        return 0;
    return headers[0] != '\0' && strstr(headers, v) != NULL ? 2 : 1;
}

/* The k-th (mod their count) of p's best-fitting values. */
static const char *nth_value(const struct sched_values *p, char initial, const char *headers,
                             uint64_t k) {
    size_t n = 0;
    int best = 0;
    for (size_t i = 0; i < p->nvalues; i++) {
        int f = fit(p->values[i], initial, headers);
        n = f > best ? 1 : n + (f == best);
        best = f > best ? f : best;
    }
    k %= n;
    for (size_t i = 0; i < p->nvalues; i++)
        if (fit(p->values[i], initial, headers) == best && k-- == 0)
            return p->values[i];
    return p->values[0];
}

/* The value for the {name} of n bytes at name. A fresh pick ignores the hints one time in
 * four: objects of the wrong type or owner are worth a request too. */
static const char *param_value(struct gen *g, const char *name, size_t n, char initial,
                               const char *headers, unsigned opts) {
    for (size_t i = 0; i < g->m->nparams; i++) {
        const struct sched_values *p = &g->m->params[i];
        if (strlen(p->name) != n || memcmp(p->name, name, n) != 0 || p->nvalues == 0)
            continue;
        if ((opts & STEP_FRESH) && rng_one_in(&g->r, 4))
            return p->values[rng_below(&g->r, p->nvalues)];
        return nth_value(p, initial, headers,
                         (opts & STEP_FRESH) ? rng_next(&g->r) : g->binding[i]);
    }
    return NULL;
}

/* Fills the {name} segments of e's template. A name without values stays as written:
 * endpoints_load rejects such models, so this only serves hand-built ones. */
static bool put_path(struct gen *g, const struct sched_endpoint *e, unsigned opts) {
    for (const char *rest = e->path; *rest != '\0';) {
        const char *open = strchr(rest, '{'), *close = open ? strchr(open, '}') : NULL;
        const char *v = close ? param_value(g, open + 1, (size_t)(close - open - 1),
                                            segment_initial(e->path, open), e->headers, opts)
                              : NULL;
        if (v == NULL)
            return pool_put(g, rest, strlen(rest));
        if (!pool_put(g, rest, (size_t)(open - rest)) || !pool_put(g, v, strlen(v)))
            return false;
        rest = close + 1;
    }
    return true;
}

static void scale_numbers(cJSON *j) {
    for (cJSON *c = j; c != NULL; c = c->next) {
        if (cJSON_IsNumber(c))
            cJSON_SetNumberValue(c, c->valuedouble * SSEED_SCALE);
        scale_numbers(c->child);
    }
}

static bool put_json(struct gen *g, const char *example, unsigned opts) {
    if (example == NULL)
        return pool_put(g, "{}", 2);
    if (!(opts & STEP_SCALE))
        return pool_put(g, example, strlen(example));
    cJSON *j = cJSON_Parse(example);
    char *text = NULL;
    if (j != NULL) {
        scale_numbers(j);
        text = cJSON_PrintUnformatted(j);
    }
    bool ok = text != NULL && pool_put(g, text, strlen(text));
    free(text);
    cJSON_Delete(j);
    return ok;
}

static bool put_body(struct gen *g, const struct sched_endpoint *ep, unsigned opts) {
    size_t room = SSEED_POOL - g->used;
    switch (ep->body) {
    case SCHED_BODY_JSON:
        return put_json(g, ep->example, opts);
    case SCHED_BODY_RAW:
        return ep->example == NULL || pool_put(g, ep->example, strlen(ep->example));
    case SCHED_BODY_FRAMES:
        if (g->shapes == NULL || g->shapes->count == 0)
            return true;
        g->used += seedgen_frames_one(g->shapes, rng_next(&g->r), g->pool + g->used,
                                      room < SSEED_FRAMES_BODY ? room : SSEED_FRAMES_BODY);
        return true;
    default:
        return true;
    }
}

/* Appends a step for endpoint ep; false when the seed is full. */
static bool add_step(struct gen *g, size_t ep, uint8_t lane, uint8_t barrier, uint32_t delay_us,
                     unsigned opts) {
    const struct sched_endpoint *e = &g->m->eps[ep];
    if (g->nsteps == SSEED_MAX_STEPS)
        return false;
    size_t path = g->used;
    if (!put_path(g, e, opts) || g->used - path > UINT16_MAX)
        return false;
    size_t headers = g->used;
    if (!(opts & STEP_NO_HEADERS) && !pool_put(g, e->headers, strlen(e->headers)))
        return false;
    size_t body = g->used;
    if (g->used - headers > UINT16_MAX || !put_body(g, e, opts))
        return false;
    g->steps[g->nsteps++] = (struct schedule_step){
        .lane = lane,
        .barrier = barrier,
        .delay_us = delay_us,
        .method = e->method,
        .path = g->pool + path,
        .path_len = (uint16_t)(headers - path),
        .headers = g->pool + headers,
        .headers_len = (uint16_t)(body - headers),
        .body = g->pool + body,
        .body_len = (uint32_t)(g->used - body),
    };
    return true;
}

static bool scalable(const struct sched_endpoint *e) {
    return e->body == SCHED_BODY_JSON && e->example != NULL;
}

/* ---- the three shapes ---- */

/* One of the session's requests sent again at its end without its headers: the same
 * call, anonymous, right after authenticated ones (state a server keeps per connection or
 * pools per request must not leak into it). */
static void add_anonymous_copy(struct gen *g) {
    size_t start = rng_below(&g->r, g->nsteps);
    for (size_t k = 0; k < g->nsteps && g->nsteps < SSEED_MAX_STEPS; k++) {
        const struct schedule_step *st = &g->steps[(start + k) % g->nsteps];
        if (st->headers_len == 0)
            continue;
        g->steps[g->nsteps] = *st;
        g->steps[g->nsteps++].headers_len = 0;
        return;
    }
}

struct planned {
    size_t ep;
    unsigned opts;
};

/* Sort key: method rank (stable); within a rank an outsized request goes first. */
static int plan_key(const struct gen *g, const struct planned *p) {
    return 2 * method_rank(g->m->eps[p->ep].method) + !(p->opts & STEP_SCALE);
}

static void sort_plan(const struct gen *g, struct planned *p, size_t n) {
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && plan_key(g, &p[j - 1]) > plan_key(g, &p[j]); j--) {
            struct planned t = p[j];
            p[j] = p[j - 1];
            p[j - 1] = t;
        }
}

/* A related reader of a (a itself when a reads and nothing else does). */
static size_t pick_reader(struct gen *g, size_t a, unsigned rel) {
    size_t b = pick(g, a, rel, ROLE_READER);
    return b == SIZE_MAX ? a : b;
}

/* Write, then read back: a writing anchor first (two times in three, when it has a JSON
 * example, sent outsized and then again at its everyday size: what the big one leaves
 * behind, a held lock or a filled queue, meets the normal one) and 1..2 related readers
 * after it; or a reading anchor, after a related writer two times in three, with 0..2
 * more readers. The steps stay on the anchor's client (its fixed headers: one user's
 * journey) two times in three when it has one, else on its resource. Sometimes one
 * request is repeated at the end without its headers. */
static void gen_session(struct gen *g, size_t anchor) {
    const struct sched_endpoint *a = &g->m->eps[anchor];
    unsigned rel = a->headers[0] != '\0' && !rng_one_in(&g->r, 3) ? REL_CLIENT : REL_RESOURCE;
    bool writer = writes(a->method);
    struct planned p[5];
    size_t n = 0, reads = rng_below(&g->r, 3) + writer;
    if (!writer) {
        size_t w = !rng_one_in(&g->r, 3) ? pick(g, anchor, rel, ROLE_WRITER) : SIZE_MAX;
        if (w != SIZE_MAX)
            p[n++] = (struct planned){w, 0};
    } else if (scalable(a) && !rng_one_in(&g->r, 3)) {
        p[n++] = (struct planned){anchor, STEP_SCALE};
    }
    p[n++] = (struct planned){anchor, 0};
    for (size_t k = 0; k < reads && n < 5; k++)
        p[n++] =
            (struct planned){pick_reader(g, anchor, rel), rng_one_in(&g->r, 4) ? STEP_FRESH : 0};
    sort_plan(g, p, n);
    for (size_t k = 0; k < n; k++)
        if (!add_step(g, p[k].ep, 0, 0, 0, p[k].opts))
            return;
    if (rng_one_in(&g->r, 3))
        add_anonymous_copy(g);
}

/* Barrier group 1 releases: a on lane 0, a again on lane 1 (the same request twice: double
 * submits, lazy initialisation, shared timers), and on lanes 2..3 the counterpart of a (a
 * reader of what a writes, or a writer of what it reads); with two lanes, lane 1 is one
 * or the other. Racers share the seed's path values: both sides on one object. In two
 * self-races of three, the first racer is outsized (when it has a JSON example). Sometimes a
 * related set-up step comes first and a read of a's resource after. */
static void gen_race(struct gen *g, size_t a) {
    uint8_t lanes = (uint8_t)(2 + rng_below(&g->r, 3));
    bool self = lanes > 2 || rng_one_in(&g->r, 2);
    unsigned opts_a = self && scalable(&g->m->eps[a]) && !rng_one_in(&g->r, 3) ? STEP_SCALE : 0;
    if (rng_one_in(&g->r, 3) && !add_step(g, pick_related(g, a, REL_ANY), 0, 0, 0, 0))
        return;
    if (!add_step(g, a, 0, 1, 0, opts_a) ||
        !add_step(g, self ? a : pick_counterpart(g, a), 1, 1, 0, 0))
        return;
    for (uint8_t lane = 2; lane < lanes; lane++)
        if (!add_step(g, pick_counterpart(g, a), lane, 1, 0, 0))
            return;
    if (rng_one_in(&g->r, 3))
        (void)add_step(g, pick_related(g, a, REL_RESOURCE), 0, 0, 0, 0);
}

/* The first step on lane 0, so no lane stays empty. */
static void gen_delayed(struct gen *g, size_t anchor) {
    static const uint32_t delays_us[] = {0, 100, 500, 1000, 5000};
    uint8_t lanes = (uint8_t)(1 + rng_below(&g->r, 2));
    size_t n = 2 + rng_below(&g->r, 3);
    for (size_t k = 0; k < n; k++) {
        size_t ep = k == 0 ? anchor : pick_related(g, anchor, REL_ANY);
        uint8_t lane = k == 0 ? 0 : (uint8_t)rng_below(&g->r, lanes);
        uint32_t delay = delays_us[rng_below(&g->r, sizeof(delays_us) / sizeof(delays_us[0]))];
        if (!add_step(g, ep, lane, 0, delay, rng_one_in(&g->r, 4) ? STEP_FRESH : 0))
            return;
    }
}

/* ---- output ---- */

static uint8_t lanes_used(const struct gen *g) {
    uint8_t lanes = 1;
    for (size_t i = 0; i < g->nsteps; i++)
        if (g->steps[i].lane >= lanes)
            lanes = (uint8_t)(g->steps[i].lane + 1);
    return lanes;
}

/* Serializes, dropping trailing steps until the seed fits cap. */
static size_t emit(struct gen *g, uint8_t *out, size_t cap) {
    struct schedule s = {.version = SCHED_VERSION,
                         .lanes = lanes_used(g),
                         .repeat = 1,
                         .jitter_seed = (uint32_t)rng_next(&g->r),
                         .steps = g->steps,
                         .nsteps = g->nsteps};
    size_t need = 0;
    while (s.nsteps > 0 && ((need = schedule_serialized_size(&s)) == 0 || need > cap))
        s.nsteps--;
    if (s.nsteps == 0 || schedule_check(&s, NULL) != SCHED_OK)
        return 0;
    return schedule_serialize(&s, out, cap);
}

static struct gen *gen_new(const struct sched_model *m, const struct shape_set *shapes,
                           uint64_t seed) {
    struct gen *g = calloc(1, sizeof(*g));
    bool ok = false;
    if (g == NULL || m->neps == 0)
        goto out;
    g->m = m;
    g->shapes = shapes;
    rng_seed(&g->r, seed);
    g->binding = calloc(m->nparams + 1, sizeof(*g->binding));
    if (g->binding == NULL)
        goto out;
    for (size_t i = 0; i < m->nparams; i++)
        g->binding[i] = rng_next(&g->r);
    ok = true;
out:
    if (!ok)
        free(g);
    return ok ? g : NULL; /* the caller's on success */
}

static void gen_free(struct gen *g) {
    if (g != NULL)
        free(g->binding);
    free(g);
}

size_t sched_seedgen_one(const struct sched_model *m, const struct shape_set *shapes,
                         enum sched_seedgen_kind kind, size_t anchor, uint64_t seed, uint8_t *out,
                         size_t cap) {
    if ((unsigned)kind >= SSEED_KIND_COUNT || (anchor != SSEED_ANY && anchor >= m->neps))
        return 0;
    struct gen *g = gen_new(m, shapes, seed);
    if (g == NULL)
        return 0;
    if (anchor == SSEED_ANY)
        anchor = rng_below(&g->r, m->neps);
    if (kind == SSEED_SESSION)
        gen_session(g, anchor);
    else if (kind == SSEED_RACE)
        gen_race(g, anchor);
    else
        gen_delayed(g, anchor);
    size_t n = emit(g, out, cap);
    gen_free(g);
    return n;
}

size_t sched_seedgen_endpoint(const struct sched_model *m, const struct shape_set *shapes,
                              size_t ep, uint64_t seed, uint8_t *out, size_t cap) {
    if (ep >= m->neps)
        return 0;
    struct gen *g = gen_new(m, shapes, seed);
    size_t n = g != NULL && add_step(g, ep, 0, 0, 0, 0) ? emit(g, out, cap) : 0;
    gen_free(g);
    return n;
}

static bool write_seed(const char *dir, size_t i, const uint8_t *buf, size_t n) {
    char path[4096];
    int len = snprintf(path, sizeof(path), "%s/seed-%04zu.bin", dir, i);
    if (len <= 0 || (size_t)len >= sizeof(path) || n == 0) {
        LOG_E("%s: cannot write seed %zu", dir, i);
        return false;
    }
    return fileio_write_atomic(path, buf, n);
}

/* A shuffled deck of every endpoint: the seeds of one kind anchor on each endpoint once
 * before any endpoint twice. */
static size_t *shuffled_deck(size_t n, struct rng *r) {
    size_t *deck = malloc((n > 0 ? n : 1) * sizeof(*deck));
    if (deck == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        deck[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(r, i), t = deck[i - 1];
        deck[i - 1] = deck[j];
        deck[j] = t;
    }
    return deck;
}

bool sched_seedgen_dir(const struct sched_model *m, const struct shape_set *shapes, uint64_t seed,
                       size_t count, const char *dir) {
    static const enum sched_seedgen_kind cycle[] = {SSEED_SESSION, SSEED_RACE, SSEED_SESSION,
                                                    SSEED_RACE, SSEED_DELAYED};
    size_t *decks[SSEED_KIND_COUNT] = {NULL}, used[SSEED_KIND_COUNT] = {0};
    uint8_t *buf = malloc(SSEED_MAX_SEED);
    struct rng r;
    rng_seed(&r, seed);
    bool ok = buf != NULL && m->neps > 0;
    for (int k = 0; ok && k < SSEED_KIND_COUNT; k++)
        ok = (decks[k] = shuffled_deck(m->neps, &r)) != NULL;
    if (!ok || !fileio_mkdirs(dir)) {
        LOG_E("%s: cannot write seeds here (no endpoints, no memory, or no directory)", dir);
        ok = false;
    }
    for (size_t i = 0; ok && i < m->neps; i++)
        ok = write_seed(dir, i, buf,
                        sched_seedgen_endpoint(m, shapes, i, rng_next(&r), buf, SSEED_MAX_SEED));
    for (size_t i = 0; ok && i < count; i++) {
        enum sched_seedgen_kind kind = cycle[i % (sizeof(cycle) / sizeof(cycle[0]))];
        size_t anchor = decks[kind][used[kind]++ % m->neps];
        size_t n = sched_seedgen_one(m, shapes, kind, anchor, rng_next(&r), buf, SSEED_MAX_SEED);
        ok = write_seed(dir, m->neps + i, buf, n);
    }
    for (int k = 0; k < SSEED_KIND_COUNT; k++)
        free(decks[k]);
    free(buf);
    return ok;
}
