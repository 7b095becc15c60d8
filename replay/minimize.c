#define _GNU_SOURCE
#include "minimize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "fileio.h"
#include "frame_trim.h"
#include "log.h"
#include "procgroup.h"
#include "rf_config.h"
#include "schedule.h"

/* One simplification of a schedule. */
enum sedit_kind {
    SEDIT_DROP_STEP,
    SEDIT_DROP_LANE,
    SEDIT_NO_BARRIER,
    SEDIT_NO_DELAY,
    SEDIT_NO_HEADERS,
    SEDIT_NO_BODY,
    SEDIT_HALF_BODY,
    SEDIT_DROP_JSON_KEY,
    SEDIT_PLAIN_HEADER, /* repeat 1, no jitter, no flags */
};

struct sedit {
    enum sedit_kind kind;
    size_t step; /* or lane, for SEDIT_DROP_LANE */
    int key;     /* SEDIT_DROP_JSON_KEY: index of the top-level key */
};

#define MINIM_MAX_EDITS 4096

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int json_keys(const struct schedule_step *st) {
    if (st->body_len == 0)
        return 0;
    cJSON *j = cJSON_ParseWithLength((const char *)st->body, st->body_len);
    int n = cJSON_IsObject(j) ? cJSON_GetArraySize(j) : 0;
    cJSON_Delete(j);
    return n;
}

static void add(struct sedit *e, size_t *n, enum sedit_kind k, size_t step, int key) {
    if (*n < MINIM_MAX_EDITS)
        e[(*n)++] = (struct sedit){k, step, key};
}

/* Every simplification the schedule still allows, biggest savings first. */
static size_t list_edits(const struct schedule *s, struct sedit *e) {
    size_t n = 0;
    bool lane_used[SCHED_MAX_LANES] = {false};
    for (size_t i = s->nsteps; i-- > 0;)
        add(e, &n, SEDIT_DROP_STEP, i, 0);
    for (size_t i = 0; i < s->nsteps; i++)
        lane_used[s->steps[i].lane] = true;
    for (size_t l = 0; l < s->lanes && s->nsteps > 1; l++)
        if (lane_used[l])
            add(e, &n, SEDIT_DROP_LANE, l, 0);
    for (size_t i = 0; i < s->nsteps; i++) {
        const struct schedule_step *st = &s->steps[i];
        if (st->body_len > 0)
            add(e, &n, SEDIT_NO_BODY, i, 0);
        for (int k = json_keys(st) - 1; k >= 0; k--)
            add(e, &n, SEDIT_DROP_JSON_KEY, i, k);
        if (st->body_len > 1)
            add(e, &n, SEDIT_HALF_BODY, i, 0);
        if (st->headers_len > 0)
            add(e, &n, SEDIT_NO_HEADERS, i, 0);
        if (st->barrier != 0)
            add(e, &n, SEDIT_NO_BARRIER, i, 0);
        if (st->delay_us != 0)
            add(e, &n, SEDIT_NO_DELAY, i, 0);
    }
    if (s->repeat > 1 || s->jitter_seed != 0 || s->flags != 0)
        add(e, &n, SEDIT_PLAIN_HEADER, 0, 0);
    return n;
}

/* The body without its key-th top-level key; NULL when that cannot be printed. */
static char *drop_key(const struct schedule_step *st, int key) {
    cJSON *j = cJSON_ParseWithLength((const char *)st->body, st->body_len);
    char *out = NULL;
    if (cJSON_IsObject(j)) {
        cJSON_DeleteItemFromArray(j, key);
        out = cJSON_PrintUnformatted(j);
    }
    cJSON_Delete(j);
    return out;
}

static void drop_steps(struct schedule *s,
                       bool (*gone)(const struct schedule_step *, size_t, size_t), size_t arg) {
    size_t w = 0;
    for (size_t i = 0; i < s->nsteps; i++)
        if (!gone(&s->steps[i], i, arg))
            s->steps[w++] = s->steps[i];
    s->nsteps = w;
}

static bool is_step(const struct schedule_step *st, size_t i, size_t arg) {
    (void)st;
    return i == arg;
}

static bool on_lane(const struct schedule_step *st, size_t i, size_t arg) {
    (void)i;
    return st->lane == arg;
}

/* Applies e to s (whose steps are a private copy); *scratch holds a new body if any. */
static void apply(struct schedule *s, const struct sedit *e, char **scratch) {
    struct schedule_step *st = e->step < s->nsteps ? &s->steps[e->step] : NULL;
    switch (e->kind) {
    case SEDIT_DROP_STEP:
        drop_steps(s, is_step, e->step);
        break;
    case SEDIT_DROP_LANE:
        drop_steps(s, on_lane, e->step);
        break;
    case SEDIT_NO_BARRIER:
        st->barrier = 0;
        break;
    case SEDIT_NO_DELAY:
        st->delay_us = 0;
        break;
    case SEDIT_NO_HEADERS:
        st->headers_len = 0;
        break;
    case SEDIT_NO_BODY:
        st->body_len = 0;
        break;
    case SEDIT_HALF_BODY:
        st->body_len /= 2;
        break;
    case SEDIT_DROP_JSON_KEY:
        *scratch = drop_key(st, e->key);
        if (*scratch != NULL) {
            st->body = (const uint8_t *)*scratch;
            st->body_len = (uint32_t)strlen(*scratch);
        }
        break;
    case SEDIT_PLAIN_HEADER:
        s->repeat = 1;
        s->jitter_seed = 0;
        s->flags = 0;
        break;
    }
}

/* Candidate number k of cur, serialized into *out; false when k is past the last one. */
static bool sched_candidate(const uint8_t *cur, size_t n, size_t k, uint8_t **out, size_t *out_n) {
    static struct sedit edits[MINIM_MAX_EDITS];
    struct schedule s;
    if (schedule_parse(cur, n, &s, NULL) != SCHED_OK)
        return false;
    size_t ne = list_edits(&s, edits);
    char *scratch = NULL;
    bool ok = k < ne;
    if (ok) {
        apply(&s, &edits[k], &scratch);
        *out_n = schedule_serialized_size(&s);
        *out = *out_n > 0 ? malloc(*out_n) : NULL;
        ok = *out != NULL && schedule_serialize(&s, *out, *out_n) == *out_n;
        if (!ok) {
            free(*out);
            *out = NULL;
        }
    }
    free(scratch);
    schedule_free(&s);
    return ok || k < ne; /* an edit that cannot be written is skipped, not the end */
}

/* Runs the replay on a candidate; the number of attempts showing the same signature. */
static unsigned hits_of(const struct minimize_opts *o, const uint8_t *b, size_t n,
                        struct minimize_stats *st) {
    char path[4200];
    struct replay_opts ro = o->replay;
    struct replay_result r;
    snprintf(path, sizeof(path), "%s/candidate.bin", o->replay.work_dir);
    if (!fileio_mkdirs(o->replay.work_dir) || !fileio_write_atomic(path, b, n))
        return 0;
    ro.input = path;
    st->tried++;
    if (!replay_run(&ro, &r))
        return 0;
    st->attempts += r.attempts;
    return r.hits;
}

struct minimize_state {
    uint8_t *cur;
    size_t n;
    unsigned need;
    double deadline;
};

static bool keep_if_reproduces(const struct minimize_opts *o, struct minimize_state *m,
                               uint8_t *cand, size_t cn, struct minimize_stats *st) {
    if (cn > m->n || hits_of(o, cand, cn, st) < m->need) {
        free(cand);
        return false;
    }
    free(m->cur);
    m->cur = cand;
    m->n = cn;
    st->accepted++;
    return true;
}

/* Budget left, and no interrupt: after one, every replay fails at once, and the loops
 * would spin through the rest of the budget. */
static bool time_left(const struct minimize_state *m) {
    return now_s() < m->deadline && procgroup_interrupted() == 0;
}

static void minimize_schedule(const struct minimize_opts *o, struct minimize_state *m,
                              struct minimize_stats *st) {
    for (size_t k = 0; time_left(m); k++) {
        uint8_t *cand = NULL;
        size_t cn = 0;
        if (!sched_candidate(m->cur, m->n, k, &cand, &cn))
            break;
        if (cand != NULL && keep_if_reproduces(o, m, cand, cn, st))
            k = (size_t)-1; /* restart from the smaller schedule */
    }
}

static void minimize_frames(const struct minimize_opts *o, struct minimize_state *m,
                            struct minimize_stats *st) {
    struct frame_trim t;
    int32_t steps = frame_trim_init(&t, m->cur, m->n, RF_FRAME_MAX_LEN_DEFAULT);
    for (int32_t i = 0; i < steps && time_left(m);) {
        const uint8_t *c;
        size_t cn = frame_trim_candidate(&t, &c);
        bool kept = hits_of(o, c, cn, st) >= m->need;
        st->accepted += kept;
        i = frame_trim_result(&t, kept);
    }
    if (steps > 0) {
        size_t n;
        const uint8_t *acc = frame_trim_accepted(&t, &n);
        uint8_t *copy = malloc(n ? n : 1);
        if (copy != NULL && n <= m->n) {
            memcpy(copy, acc, n);
            free(m->cur);
            m->cur = copy;
            m->n = n;
        } else {
            free(copy);
        }
    }
    frame_trim_free(&t);
}

/* Every candidate was kept on one round of replays, so a race that showed by luck can
 * pull the result below the bar, one kept candidate after another. The result gets one
 * more round; below the bar, the original (which reproduced) is the result. */
static void verify_final(const struct minimize_opts *o, struct minimize_state *m, const uint8_t *in,
                         size_t n, struct minimize_stats *st) {
    st->final_hits = st->original_hits;
    if (m->n == n && memcmp(m->cur, in, n) == 0)
        return;
    unsigned tried = st->tried;
    st->final_hits = hits_of(o, m->cur, m->n, st);
    st->tried = tried; /* the check is not a candidate */
    if (st->final_hits >= m->need || procgroup_interrupted() != 0)
        return;
    uint8_t *copy = malloc(n ? n : 1);
    if (copy == NULL)
        return;
    LOG_W("minimize: the result reproduced %u of %u times on its check (needed %u); "
          "keeping the original",
          st->final_hits, o->replay.attempts, m->need);
    memcpy(copy, in, n);
    free(m->cur);
    m->cur = copy;
    m->n = n;
    st->final_hits = st->original_hits;
}

bool minimize_run(const struct minimize_opts *o, const uint8_t *in, size_t n, uint8_t **out,
                  size_t *out_n, struct minimize_stats *st) {
    double start = now_s();
    struct minimize_state m = {.cur = malloc(n ? n : 1), .n = n, .deadline = start + o->budget_s};
    memset(st, 0, sizeof(*st));
    st->original_size = n;
    if (m.cur == NULL)
        return false;
    memcpy(m.cur, in, n);
    /* A race that shows one time in three can miss a whole round: three rounds before
     * calling the input non-reproducing. */
    for (int round = 0; round < 3 && st->original_hits == 0 && procgroup_interrupted() == 0;
         round++)
        st->original_hits = hits_of(o, in, n, st);
    if (procgroup_interrupted() != 0) {
        free(m.cur);
        return false;
    }
    if (st->original_hits == 0) {
        LOG_E("minimize: the input does not reproduce (0 of %u attempts)", 3 * o->replay.attempts);
        free(m.cur);
        return false;
    }
    m.need = o->min_hits ? o->min_hits : (st->original_hits + 1) / 2;
    st->need = m.need;
    st->tried = 0; /* count candidates, not the original's rounds */
    if (o->schedule)
        minimize_schedule(o, &m, st);
    else
        minimize_frames(o, &m, st);
    verify_final(o, &m, in, n, st);
    if (procgroup_interrupted() != 0) { /* a half-done result is not claimed as the minimum */
        free(m.cur);
        return false;
    }
    *out = m.cur;
    *out_n = m.n;
    st->final_size = m.n;
    st->seconds = now_s() - start;
    return true;
}
