/* Schedule mutator operations on a step's path: another endpoint of the model, another
 * value for one {name} segment, edits of the query string. Contracts: schedule_mutate_ops.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rng.h"
#include "sched_model.h"
#include "schedule.h"
#include "schedule_mutate_ops.h"

/* Most {name} segments of one template the path-param operation considers. */
#define SMUT_MAX_SEGMENTS 16

static bool set_path(struct schedule_mutate *m, size_t i, const struct schedule_mutate_abuf *b) {
    return schedule_mutate_set_field16(m, b, &m->steps[i].path, &m->steps[i].path_len);
}

bool schedule_mutate_op_set_endpoint(struct schedule_mutate *m) {
    const struct sched_model *md = schedule_mutate_model(m);
    size_t i = schedule_mutate_pick_step(m);
    if (md == NULL || i == SIZE_MAX)
        return false;
    const struct sched_endpoint *ep = &md->eps[rng_below(&m->rng, md->neps)];
    struct schedule_mutate_abuf b = schedule_mutate_ab_begin(
        m, schedule_mutate_field_limit(m, m->steps[i].path_len, UINT16_MAX));
    schedule_mutate_fill_template(m, &b, ep->path);
    if (!set_path(m, i, &b))
        return false;
    if (rng_one_in(&m->rng, 2))
        m->steps[i].method = ep->method;
    return true;
}

/* The template the step's path matches (its own method first, then any); NULL if none. */
static const struct sched_endpoint *template_of(const struct schedule_mutate *m,
                                                const struct schedule_step *st,
                                                struct sched_segment *seg, size_t *nseg) {
    const struct sched_model *md = schedule_mutate_model(m);
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
bool schedule_mutate_op_set_path_param(struct schedule_mutate *m) {
    size_t i = schedule_mutate_pick_step(m), nseg = 0;
    if (i == SIZE_MAX)
        return false;
    const struct schedule_step *st = &m->steps[i];
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
    struct schedule_mutate_abuf b =
        schedule_mutate_ab_begin(m, schedule_mutate_field_limit(m, st->path_len, UINT16_MAX));
    schedule_mutate_ab_put(&b, st->path, one.off);
    schedule_mutate_put_value(m, &b, one.name, one.name_len);
    schedule_mutate_ab_put(&b, st->path + one.off + one.len, st->path_len - one.off - one.len);
    return set_path(m, i, &b);
}

/* Query parameter names worth adding: the model's param names and common paging keys. */
static const char *const query_keys[] = {"id",     "limit",  "offset", "page",    "sort",
                                         "fields", "expand", "force",  "dry_run", "version"};

static void put_query_pair(struct schedule_mutate *m, struct schedule_mutate_abuf *b) {
    const struct sched_model *md = m->o->model;
    const char *key = query_keys[rng_below(&m->rng, COUNT_OF(query_keys))];
    if (md != NULL && md->nparams > 0 && rng_one_in(&m->rng, 2))
        key = md->params[rng_below(&m->rng, md->nparams)].name;
    schedule_mutate_ab_str(b, key);
    schedule_mutate_ab_str(b, "=");
    schedule_mutate_put_value(m, b, key, strlen(key));
}

/* Adds, drops, changes or repeats one "k=v" of the query, or drops the whole query. */
bool schedule_mutate_op_mutate_query(struct schedule_mutate *m) {
    size_t i = schedule_mutate_pick_step(m);
    if (i == SIZE_MAX)
        return false;
    const struct schedule_step *st = &m->steps[i];
    const uint8_t *q = st->path_len > 0 ? memchr(st->path, '?', st->path_len) : NULL;
    size_t qoff = q != NULL ? (size_t)(q - st->path) : st->path_len;
    size_t pairs[SMUT_MAX_LINES + 1], np = 0; /* offsets where pairs start, then the end */
    for (size_t p = qoff + 1; q != NULL && p <= st->path_len && np < SMUT_MAX_LINES; p++)
        if (p == qoff + 1 || st->path[p - 1] == '&')
            pairs[np++] = p;
    pairs[np] = st->path_len + 1;
    struct schedule_mutate_abuf b =
        schedule_mutate_ab_begin(m, schedule_mutate_field_limit(m, st->path_len, UINT16_MAX));
    schedule_mutate_ab_put(&b, st->path, qoff);
    size_t drop = np > 0 && rng_one_in(&m->rng, 2) ? rng_below(&m->rng, np) : SIZE_MAX;
    size_t dup = np > 0 && rng_one_in(&m->rng, 3) ? rng_below(&m->rng, np) : SIZE_MAX;
    bool whole = np > 0 && rng_one_in(&m->rng, 8), first = true;
    for (size_t k = 0; k < np && !whole; k++) {
        if (k == drop && dup != k)
            continue;
        size_t len = pairs[k + 1] - pairs[k] - 1;
        for (int rep = 0; rep < 1 + (k == dup); rep++) {
            schedule_mutate_ab_str(&b, first ? "?" : "&");
            schedule_mutate_ab_put(&b, st->path + pairs[k], len);
            first = false;
        }
    }
    if (!whole && (np == 0 || drop == SIZE_MAX || rng_one_in(&m->rng, 2))) {
        schedule_mutate_ab_str(&b, first ? "?" : "&");
        put_query_pair(m, &b);
    }
    return set_path(m, i, &b);
}
