/* The schedule mutator's driver (schedule_mutate.h): loading and salvage, the operation
 * table and its draw, fitting and serializing; and the helpers the operations share
 * (schedule_mutate_ops.h). The operations live in schedule_mutate_{steps,path,headers,body}.c. */
#include "schedule_mutate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "frame.h"
#include "mutate_common.h"
#include "rf_config.h"
#include "rng.h"
#include "schedule_mutate_ops.h"

/* Arena room per stacked operation: one new field (path, headers or body) plus slack for
 * the salvage and the model-built steps of a fresh schedule. */
#define SMUT_ARENA_SLOTS (RF_MUT_STACK + 6)
#define SMUT_ARENA_SLACK 4096
/* Step frame overhead: the frame's length field plus the fixed step fields. */
#define STEP_OVERHEAD (FRAME_HEADER_LEN + SCHED_STEP_MIN_LEN)

typedef bool (*schedule_mutate_op_fn)(struct schedule_mutate *m);

struct schedule_mutate *schedule_mutate_new(void) {
    struct schedule_mutate *m = calloc(1, sizeof(*m));
    if (m != NULL && (m->fm = frame_mutate_new()) == NULL) {
        free(m);
        return NULL;
    }
    return m;
}

void schedule_mutate_free(struct schedule_mutate *m) {
    if (m == NULL)
        return;
    frame_mutate_free(m->fm);
    mutate_common_free(&m->buf);
    free(m);
}

void schedule_mutate_default_opts(struct schedule_mutate_opts *o, size_t max_size) {
    memset(o, 0, sizeof(*o));
    o->max_size = max_size;
    o->invalid_one_in = RF_SMUT_INVALID_JSON_ONE_IN;
}

void schedule_mutate_note_extra(struct schedule_mutate *m, const char *what) {
    if (m->nextra < COUNT_OF(m->extra))
        m->extra[m->nextra++] = what;
}

void schedule_mutate_record_detail(struct schedule_mutate *m, const char *what) {
    if (m->napplied < COUNT_OF(m->detail))
        m->detail[m->napplied] = what;
}

/* ---- sizes and the step list ------------------------------------------------------------ */

size_t schedule_mutate_step_size(const struct schedule_step *st) {
    return STEP_OVERHEAD + (size_t)st->path_len + st->headers_len + st->body_len;
}

static size_t total_size(const struct schedule_mutate *m) {
    size_t t = SMUT_MIN_SIZE;
    for (size_t i = 0; i < m->n; i++)
        t += schedule_mutate_step_size(&m->steps[i]);
    return t;
}

size_t schedule_mutate_room(const struct schedule_mutate *m) {
    size_t t = total_size(m);
    return t < m->o->max_size ? m->o->max_size - t : 0;
}

bool schedule_mutate_insert_step(struct schedule_mutate *m, size_t at, struct schedule_step st) {
    if (m->n >= SCHED_MAX_STEPS || schedule_mutate_room(m) < schedule_mutate_step_size(&st))
        return false;
    bytes_move(&m->steps[at + 1], &m->steps[at], (m->n - at) * sizeof(st));
    m->steps[at] = st;
    m->n++;
    return true;
}

struct schedule_step schedule_mutate_remove_step(struct schedule_mutate *m, size_t at) {
    struct schedule_step st = m->steps[at];
    bytes_move(&m->steps[at], &m->steps[at + 1], (m->n - at - 1) * sizeof(st));
    m->n--;
    return st;
}

size_t schedule_mutate_pick_step(struct schedule_mutate *m) {
    return m->n > 0 ? rng_below(&m->rng, m->n) : SIZE_MAX;
}

/* An unused barrier group, or a random one when all 255 are taken. */
uint8_t schedule_mutate_new_group(struct schedule_mutate *m) {
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
uint8_t schedule_mutate_other_lane(struct schedule_mutate *m, uint8_t lane) {
    if (m->s.lanes < SCHED_MAX_LANES && (m->s.lanes == 1 || rng_one_in(&m->rng, 2)))
        return m->s.lanes++;
    uint8_t l = (uint8_t)rng_below(&m->rng, m->s.lanes - 1u);
    return l >= lane ? (uint8_t)(l + 1) : l;
}

/* Keeps every lane below the lane count after the count shrank. */
void schedule_mutate_remap_lanes(struct schedule_mutate *m) {
    for (size_t i = 0; i < m->n; i++)
        if (m->steps[i].lane >= m->s.lanes)
            m->steps[i].lane = (uint8_t)(m->steps[i].lane % m->s.lanes);
}

/* ---- arena builder: new field bytes, sized against a limit ------------------------------- */

struct schedule_mutate_abuf schedule_mutate_ab_begin(struct schedule_mutate *m, size_t limit) {
    size_t free_bytes = m->buf.arena_cap - m->buf.arena_used;
    return (struct schedule_mutate_abuf){.p = m->buf.arena + m->buf.arena_used,
                                         .cap = limit < free_bytes ? limit : free_bytes,
                                         .ok = true};
}

void schedule_mutate_ab_put(struct schedule_mutate_abuf *b, const void *d, size_t n) {
    if (!b->ok || b->cap - b->len < n) {
        b->ok = false;
        return;
    }
    if (n > 0)
        bytes_move(b->p + b->len, d, n);
    b->len += n;
}

void schedule_mutate_ab_str(struct schedule_mutate_abuf *b, const char *s) {
    schedule_mutate_ab_put(b, s, strlen(s));
}

const uint8_t *schedule_mutate_ab_commit(struct schedule_mutate *m,
                                         const struct schedule_mutate_abuf *b) {
    if (!b->ok)
        return NULL;
    m->buf.arena_used += b->len;
    return b->p;
}

/* Makes b's bytes a step's path or headers (*field, *len, both 16 bits wide); false when b
 * overflowed. */
bool schedule_mutate_set_field16(struct schedule_mutate *m, const struct schedule_mutate_abuf *b,
                                 const uint8_t **field, uint16_t *len) {
    const uint8_t *p = schedule_mutate_ab_commit(m, b);
    if (p == NULL)
        return false;
    *field = p;
    *len = (uint16_t)b->len;
    return true;
}

/* The longest a field of `old` bytes may become: max_size and the format's width both
 * bound it. */
size_t schedule_mutate_field_limit(struct schedule_mutate *m, size_t old, size_t width_max) {
    size_t lim = schedule_mutate_room(m) + old;
    return lim < width_max ? lim : width_max;
}

/* ---- values from the model and the dictionary ------------------------------------------- */

const struct sched_model *schedule_mutate_model(const struct schedule_mutate *m) {
    return m->o->model != NULL && m->o->model->neps > 0 ? m->o->model : NULL;
}

static const char *param_value(struct schedule_mutate *m, const char *name, size_t name_len) {
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
void schedule_mutate_put_value(struct schedule_mutate *m, struct schedule_mutate_abuf *b,
                               const char *name, size_t name_len) {
    const char *v = rng_one_in(&m->rng, 8) ? NULL : param_value(m, name, name_len);
    const struct dict *d = m->o->dict;
    if (v != NULL) {
        schedule_mutate_ab_str(b, v);
    } else if (d != NULL && d->count > 0 && rng_one_in(&m->rng, 2)) {
        const struct dict_token *t = &d->tokens[rng_below(&m->rng, d->count)];
        schedule_mutate_ab_put(b, t->data, t->len);
    } else {
        schedule_mutate_ab_str(b, odd_segments[rng_below(&m->rng, COUNT_OF(odd_segments))]);
    }
}

void schedule_mutate_fill_template(struct schedule_mutate *m, struct schedule_mutate_abuf *b,
                                   const char *tmpl) {
    for (const char *t = tmpl; *t != '\0';) {
        const char *close = *t == '{' ? strchr(t, '}') : NULL;
        if (close == NULL) {
            schedule_mutate_ab_put(b, t++, 1);
            continue;
        }
        schedule_mutate_put_value(m, b, t + 1, (size_t)(close - t - 1));
        t = close + 1;
    }
}

/* A step made from a random endpoint: method, filled path, its headers and example body.
 * Without a model, "GET /". Lane, group and delay are the caller's. */
bool schedule_mutate_step_from_model(struct schedule_mutate *m, struct schedule_step *st) {
    const struct sched_model *md = schedule_mutate_model(m);
    memset(st, 0, sizeof(*st));
    if (md == NULL) {
        st->method = SCHED_GET;
        st->path = (const uint8_t *)"/";
        st->path_len = 1;
        return true;
    }
    const struct sched_endpoint *ep = &md->eps[rng_below(&m->rng, md->neps)];
    struct schedule_mutate_abuf b = schedule_mutate_ab_begin(m, UINT16_MAX);
    schedule_mutate_fill_template(m, &b, ep->path);
    if ((st->path = schedule_mutate_ab_commit(m, &b)) == NULL)
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

/* ---- the operation table ---------------------------------------------------------------- */

/* Weights: races come from duplicated, gated steps and from the bodies; the header
 * frame's repeat, jitter and flags matter little and change rarely. */
static const struct {
    const char *name;
    schedule_mutate_op_fn fn;
    unsigned weight;
} schedule_mutate_ops[SMUT_OP_COUNT] = {
    [SMUT_ADD_STEP] = {"add_step", schedule_mutate_op_add_step, 6},
    [SMUT_DELETE_STEP] = {"delete_step", schedule_mutate_op_delete_step, 4},
    [SMUT_DUP_STEP] = {"dup_step", schedule_mutate_op_dup_step, 8},
    [SMUT_SWAP_STEPS] = {"swap_steps", schedule_mutate_op_swap_steps, 3},
    [SMUT_MOVE_STEP] = {"move_step", schedule_mutate_op_move_step, 3},
    [SMUT_SET_LANE] = {"set_lane", schedule_mutate_op_set_lane, 4},
    [SMUT_SET_LANES] = {"set_lanes", schedule_mutate_op_set_lanes, 2},
    [SMUT_JOIN_BARRIER] = {"join_barrier", schedule_mutate_op_join_barrier, 6},
    [SMUT_LEAVE_BARRIER] = {"leave_barrier", schedule_mutate_op_leave_barrier, 2},
    [SMUT_SET_DELAY] = {"set_delay", schedule_mutate_op_set_delay, 4},
    [SMUT_SET_METHOD] = {"set_method", schedule_mutate_op_set_method, 2},
    [SMUT_SET_ENDPOINT] = {"set_endpoint", schedule_mutate_op_set_endpoint, 3},
    [SMUT_SET_PATH_PARAM] = {"set_path_param", schedule_mutate_op_set_path_param, 4},
    [SMUT_MUTATE_QUERY] = {"mutate_query", schedule_mutate_op_mutate_query, 3},
    [SMUT_DROP_HEADER] = {"drop_header", schedule_mutate_op_drop_header, 2},
    [SMUT_ADD_HEADER] = {"add_header", schedule_mutate_op_add_header, 2},
    [SMUT_ALTER_HEADER] = {"alter_header", schedule_mutate_op_alter_header, 3},
    [SMUT_BODY_JSON] = {"body_json", schedule_mutate_op_body_json, 8},
    [SMUT_BODY_FRAMES] = {"body_frames", schedule_mutate_op_body_frames, 8},
    [SMUT_BODY_RAW] = {"body_raw", schedule_mutate_op_body_raw, 3},
    [SMUT_SET_REPEAT] = {"set_repeat", schedule_mutate_op_set_repeat, 1},
    [SMUT_SET_JITTER] = {"set_jitter", schedule_mutate_op_set_jitter, 1},
    [SMUT_SET_FLAGS] = {"set_flags", schedule_mutate_op_set_flags, 1},
    [SMUT_SPLICE_STEPS] = {"splice_steps", schedule_mutate_op_splice_steps, 2},
};

const char *schedule_mutate_op_name(enum schedule_mutate_op op) {
    return (unsigned)op < SMUT_OP_COUNT ? schedule_mutate_ops[op].name : "?";
}

const uint64_t *schedule_mutate_op_counts(const struct schedule_mutate *m) {
    return m->counts;
}

static void desc_add(char *buf, size_t cap, const char *name, const char *detail) {
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s%s%s", used > 0 ? "," : "", name,
             detail != NULL ? ":" : "", detail != NULL ? detail : "");
}

const char *schedule_mutate_describe(struct schedule_mutate *m) {
    m->desc[0] = '\0';
    for (size_t i = 0; i < m->napplied; i++)
        desc_add(m->desc, sizeof(m->desc), schedule_mutate_ops[m->applied[i]].name, m->detail[i]);
    for (size_t i = 0; i < m->nextra; i++)
        desc_add(m->desc, sizeof(m->desc), m->extra[i], NULL);
    return m->desc;
}

/* ---- loading, salvage, fitting ----------------------------------------------------------- */

/* Parses buf into steps[] (views into buf). An input that does not parse keeps its longest
 * parsing prefix of whole steps; false when even its header is unusable. */
static bool parse_lenient(const uint8_t *buf, size_t len, struct schedule *hdr,
                          struct schedule_step *steps, size_t *n, bool *salvaged) {
    size_t err_step = SCHED_NO_STEP, prefix = 0;
    enum schedule_err err = schedule_parse(buf, len, hdr, &err_step);
    *salvaged = err != SCHED_OK;
    if (err != SCHED_OK && err_step != SCHED_NO_STEP && err != SCHED_ERR_NOMEM) {
        /* Header plus the err_step steps before the bad one: err_step + 1 whole frames. */
        struct frame_iter it;
        struct frame f;
        frame_iter_init(&it, buf, len, UINT32_MAX);
        for (size_t k = 0; k <= err_step && frame_iter_next(&it, &f) == FRAME_OK; k++)
            prefix = it.off;
        err = schedule_parse(buf, prefix, hdr, NULL);
    }
    if (err != SCHED_OK)
        return false;
    *n = hdr->nsteps;
    if (*n > 0)
        bytes_move(steps, hdr->steps, *n * sizeof(*steps));
    schedule_free(hdr);
    return true;
}

/* A schedule from nothing: one to three model steps on one to three lanes. */
static void fresh(struct schedule_mutate *m) {
    m->s = (struct schedule){.version = SCHED_VERSION, .lanes = 1, .repeat = 1};
    m->n = 0;
    m->s.lanes = (uint8_t)(1 + rng_below(&m->rng, 3));
    for (size_t k = 1 + rng_below(&m->rng, RF_SMUT_FRESH_STEPS); k > 0; k--) {
        struct schedule_step st;
        if (!schedule_mutate_step_from_model(m, &st))
            break;
        st.lane = (uint8_t)rng_below(&m->rng, m->s.lanes);
        if (!schedule_mutate_insert_step(m, m->n, st))
            break;
    }
}

static bool load(struct schedule_mutate *m, const struct schedule_mutate_opts *o, const uint8_t *in,
                 size_t in_size, const uint8_t *in2, size_t in2_size, uint64_t seed) {
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
        schedule_mutate_note_extra(m, "salvage_fresh");
    } else if (salvaged) {
        schedule_mutate_note_extra(m, "salvage_prefix");
    }
    return true;
}

/* Makes the schedule fit max_size: drops trailing steps while that still leaves the rest
 * too big, then shortens the last step's body, headers and path, and drops it if it still
 * does not fit. An oversized input is mutated, not replaced. */
static void fit(struct schedule_mutate *m) {
    size_t max = m->o->max_size, total = total_size(m);
    while (m->n > 0 && total > max) {
        struct schedule_step *st = &m->steps[m->n - 1];
        size_t excess = total - max, body = st->body_len, hdrs = st->headers_len;
        if ((m->n > 1 && total - schedule_mutate_step_size(st) >= max) ||
            excess > body + hdrs + st->path_len) {
            total -= schedule_mutate_step_size(st);
            schedule_mutate_remove_step(m, m->n - 1);
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
        schedule_mutate_note_extra(m, "fit");
    }
}

static void apply_one(struct schedule_mutate *m) {
    unsigned total = 0;
    for (size_t k = 0; k < SMUT_OP_COUNT; k++)
        total += schedule_mutate_ops[k].weight;
    for (int attempt = 0; attempt < 16; attempt++) {
        size_t draw = rng_below(&m->rng, total), op = 0;
        while (draw >= schedule_mutate_ops[op].weight)
            draw -= schedule_mutate_ops[op++].weight;
        schedule_mutate_record_detail(m, NULL);
        if (schedule_mutate_ops[op].fn(m)) {
            m->counts[op]++;
            if (m->napplied < COUNT_OF(m->applied))
                m->applied[m->napplied++] = (uint8_t)op;
            return;
        }
    }
}

/* Serializes; a schedule the codec would refuse (a bug here) becomes a header-only one
 * rather than bytes that do not parse. */
static size_t emit(struct schedule_mutate *m, uint8_t *out) {
    if (m->o->max_size < SMUT_MIN_SIZE)
        return 0;
    schedule_mutate_remap_lanes(m);
    fit(m);
    m->s.version = SCHED_VERSION;
    m->s.steps = m->steps;
    m->s.nsteps = m->n;
    if (schedule_check(&m->s, NULL) != SCHED_OK) {
        m->s.nsteps = m->n = 0;
        m->s.lanes = 1;
        schedule_mutate_note_extra(m, "check_failed");
    }
    size_t n = schedule_serialize(&m->s, out, m->o->max_size);
    m->s.steps = NULL;
    return n;
}

size_t schedule_mutate_mutate(struct schedule_mutate *m, const struct schedule_mutate_opts *o,
                              const uint8_t *in, size_t in_size, const uint8_t *in2,
                              size_t in2_size, uint8_t *out, uint64_t seed) {
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
static void cross_lanes(struct schedule_mutate *m) {
    uint8_t keep = (uint8_t)(1 + rng_below(&m->rng, m->s.lanes));
    uint8_t room_lanes = (uint8_t)(SCHED_MAX_LANES - keep);
    uint8_t take = m->donor_lanes < room_lanes ? m->donor_lanes : room_lanes;
    uint8_t groups[256] = {0};
    for (size_t i = m->n; i-- > 0;)
        if (m->steps[i].lane >= keep)
            schedule_mutate_remove_step(m, i);
    m->s.lanes = (uint8_t)(keep + take);
    for (size_t j = 0; j < m->ndonor; j++) {
        struct schedule_step st = m->donor[j];
        if (st.lane >= take)
            continue;
        st.lane = (uint8_t)(st.lane + keep);
        if (st.barrier != 0 && groups[st.barrier] == 0)
            groups[st.barrier] = schedule_mutate_new_group(m);
        st.barrier = groups[st.barrier];
        if (!schedule_mutate_insert_step(m, m->n, st))
            break;
    }
    schedule_mutate_note_extra(m, "crossover_lanes");
}

/* Our first steps, then the donor's last ones. */
static void cross_cut(struct schedule_mutate *m) {
    size_t cut = rng_below(&m->rng, m->n + 1), from = rng_below(&m->rng, m->ndonor);
    while (m->n > cut)
        schedule_mutate_remove_step(m, m->n - 1);
    if (m->donor_lanes > m->s.lanes)
        m->s.lanes = m->donor_lanes;
    for (size_t j = from; j < m->ndonor; j++)
        if (!schedule_mutate_insert_step(m, m->n, m->donor[j]))
            break;
    schedule_mutate_note_extra(m, "crossover_cut");
}

size_t schedule_mutate_crossover(struct schedule_mutate *m, const struct schedule_mutate_opts *o,
                                 const uint8_t *in1, size_t in1_size, const uint8_t *in2,
                                 size_t in2_size, uint8_t *out, uint64_t seed) {
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
