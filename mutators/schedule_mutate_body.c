/* Schedule mutator operations on a step's body, by the kind of the endpoint the step
 * matches: JSON (json_mutate.h), frame streams (frame_mutate_mutate) or raw bytes. Contracts:
 * schedule_mutate_ops.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frame.h"
#include "frame_mutate.h"
#include "json_mutate.h"
#include "rng.h"
#include "sched_model.h"
#include "schedule.h"
#include "schedule_mutate_ops.h"

/* The body kind of the endpoint a step's method and path match; raw when none does. */
static enum sched_body_kind body_kind(const struct schedule_mutate *m,
                                      const struct schedule_step *st) {
    const struct sched_endpoint *ep =
        sched_model_match(m->o->model, st->method, st->path, st->path_len);
    return ep != NULL ? ep->body : SCHED_BODY_RAW;
}

static size_t pick_step_of_kind(struct schedule_mutate *m, enum sched_body_kind kind) {
    size_t start = rng_below(&m->rng, m->n);
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (start + k) % m->n;
        enum sched_body_kind got = body_kind(m, &m->steps[i]);
        if (got == kind || (kind == SCHED_BODY_RAW && got == SCHED_BODY_NONE))
            return i;
    }
    return SIZE_MAX;
}

static bool set_body(struct schedule_mutate *m, size_t i, const uint8_t *p, size_t n) {
    if (n > UINT32_MAX || n > schedule_mutate_room(m) + m->steps[i].body_len)
        return false;
    m->steps[i].body = p;
    m->steps[i].body_len = (uint32_t)n;
    return true;
}

/* The JSON text to start from: the body when it is JSON, else the endpoint's example. */
static void json_start(struct schedule_mutate *m, const struct schedule_step *st,
                       const uint8_t **text, size_t *len) {
    const struct sched_endpoint *ep =
        sched_model_match(m->o->model, st->method, st->path, st->path_len);
    *text = st->body;
    *len = st->body_len;
    if (ep != NULL && ep->example != NULL && rng_one_in(&m->rng, 16)) {
        *text = (const uint8_t *)ep->example;
        *len = strlen(ep->example);
    }
}

bool schedule_mutate_op_body_json(struct schedule_mutate *m) {
    size_t i = pick_step_of_kind(m, SCHED_BODY_JSON);
    if (i == SIZE_MAX)
        return false;
    const struct schedule_step *st = &m->steps[i];
    const struct sched_endpoint *ep =
        sched_model_match(m->o->model, st->method, st->path, st->path_len);
    const uint8_t *text;
    size_t len, cap = schedule_mutate_field_limit(m, st->body_len, UINT32_MAX);
    struct schedule_mutate_abuf b = schedule_mutate_ab_begin(m, cap);
    struct json_mutate_src src = {&m->rng, m->o->dict, m->o->model, m->o->engine_mutate,
                                  m->o->engine_arg};
    enum json_mutate_edit edit;
    json_start(m, st, &text, &len);
    size_t n = json_mutate_mutate(&src, text, len, b.p, b.cap, &edit);
    if (n == 0 && ep != NULL && ep->example != NULL) /* not JSON (any more): the example */
        n = json_mutate_mutate(&src, (const uint8_t *)ep->example, strlen(ep->example), b.p, b.cap,
                               &edit);
    if (n == 0)
        n = json_mutate_mutate(&src, (const uint8_t *)"{}", 2, b.p, b.cap, &edit);
    if (n == 0)
        return false;
    schedule_mutate_record_detail(m, json_mutate_edit_name(edit));
    if (m->o->invalid_one_in > 0 && rng_one_in(&m->rng, m->o->invalid_one_in) &&
        json_mutate_break(&m->rng, b.p, &n, b.cap))
        schedule_mutate_note_extra(m, "json_broken");
    b.len = n;
    const uint8_t *p = schedule_mutate_ab_commit(m, &b);
    return p != NULL && set_body(m, i, p, n);
}

bool schedule_mutate_op_body_frames(struct schedule_mutate *m) {
    size_t i = pick_step_of_kind(m, SCHED_BODY_FRAMES);
    if (i == SIZE_MAX)
        return false;
    struct frame_mutate_opts fo;
    if (m->o->frame_opts != NULL)
        fo = *m->o->frame_opts;
    else
        frame_mutate_default_opts(&fo, 0);
    fo.skip_first = false;
    struct schedule_mutate_abuf b = schedule_mutate_ab_begin(
        m, schedule_mutate_field_limit(m, m->steps[i].body_len, UINT32_MAX));
    fo.max_size = b.cap;
    if (fo.max_size < FRAME_HEADER_LEN)
        return false;
    /* A frames body of another step donates frames for splicing. */
    size_t j = pick_step_of_kind(m, SCHED_BODY_FRAMES);
    size_t n = frame_mutate_mutate(m->fm, &fo, m->steps[i].body, m->steps[i].body_len,
                                   m->steps[j].body, m->steps[j].body_len, b.p, rng_next(&m->rng));
    if (n == 0 || n > b.cap)
        return false;
    schedule_mutate_record_detail(m, frame_mutate_describe(m->fm)[0] != '\0' ? "fmut"
                                                                             : "frame_mutate_none");
    b.len = n;
    const uint8_t *p = schedule_mutate_ab_commit(m, &b);
    return p != NULL && set_body(m, i, p, n);
}

/* Byte-level edits of an opaque body; the engine's own mutator half the time. */
static bool raw_edit(struct schedule_mutate *m, struct schedule_mutate_abuf *b,
                     const struct schedule_step *st) {
    const struct dict *d = m->o->dict;
    schedule_mutate_ab_put(b, st->body, st->body_len);
    if (!b->ok)
        return false;
    size_t len = b->len;
    if (m->o->engine_mutate != NULL && rng_one_in(&m->rng, 2)) {
        size_t cap = b->cap, size = len;
        if (size == 0 && cap > 0)
            b->p[size++] = 0;
        size_t n = size > 0 ? m->o->engine_mutate(b->p, size, cap, m->o->engine_arg) : 0;
        b->len = n <= cap ? n : len;
        schedule_mutate_record_detail(m, "engine");
        return true;
    }
    switch (rng_below(&m->rng, 4)) {
    case 0:
        if (len > 0)
            b->p[rng_below(&m->rng, len)] ^= (uint8_t)(1u << rng_below(&m->rng, 8));
        schedule_mutate_record_detail(m, "flip");
        return len > 0;
    case 1:
        if (d != NULL && d->count > 0) {
            const struct dict_token *t = &d->tokens[rng_below(&m->rng, d->count)];
            schedule_mutate_ab_put(b, t->data, t->len);
        } else {
            schedule_mutate_ab_str(b, "\"");
        }
        schedule_mutate_record_detail(m, "append");
        return b->ok;
    case 2:
        b->len = len > 0 ? rng_below(&m->rng, len) : 0;
        schedule_mutate_record_detail(m, "cut");
        return len > 0;
    default:
        for (size_t k = 1 + rng_below(&m->rng, 16); k > 0; k--) {
            uint8_t c = (uint8_t)rng_next(&m->rng);
            schedule_mutate_ab_put(b, &c, 1);
        }
        schedule_mutate_record_detail(m, "random");
        return b->ok;
    }
}

bool schedule_mutate_op_body_raw(struct schedule_mutate *m) {
    size_t i = pick_step_of_kind(m, SCHED_BODY_RAW);
    if (i == SIZE_MAX)
        return false;
    struct schedule_mutate_abuf b = schedule_mutate_ab_begin(
        m, schedule_mutate_field_limit(m, m->steps[i].body_len, UINT32_MAX));
    if (!raw_edit(m, &b, &m->steps[i]))
        return false;
    const uint8_t *p = schedule_mutate_ab_commit(m, &b);
    return p != NULL && set_body(m, i, p, b.len);
}
