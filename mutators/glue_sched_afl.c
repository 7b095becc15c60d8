/* AFL++ custom-mutator library for schedules (glue_sched.h), for afl-fuzz 4.04c and later.
 * Its trim drops whole steps, one at a time from the last, keeping each drop that keeps
 * the behaviour: AFL++'s own trimming would cut through the step frames. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "glue_afl_common.h"
#include "glue_sched_env.h"
#include "log.h"
#include "rng.h"
#include "schedule.h"

/* Built with -fvisibility=hidden: only the hooks afl-fuzz looks up are exported. */
#define RF_EXPORT __attribute__((visibility("default")))

/* Trim state: the schedule being trimmed views `buf`; `steps` holds the kept ones. */
struct sched_trim {
    uint8_t *buf;
    struct schedule s;
    struct schedule_step *kept;
    size_t nkept;
    size_t next;         /* index (into kept) of the step the current candidate drops */
    int32_t step, steps; /* AFL++'s progress counters */
    uint8_t *cand;
    size_t cand_cap;
};

struct afl_sched_glue {
    struct glue_sched_env env;
    struct schedule_mutate *mut;
    struct rng rng; /* per-call seeds, derived from afl-fuzz's -s seed */
    uint8_t *out;
    size_t out_cap;
    struct sched_trim trim;
    char desc[256]; /* afl_custom_describe's answer; lives as long as the instance */
};

static void trim_free(struct sched_trim *t) {
    schedule_free(&t->s);
    free(t->buf);
    free(t->kept);
    free(t->cand);
    memset(t, 0, sizeof(*t));
}

RF_EXPORT void *afl_custom_init(void *afl, unsigned int seed) {
    (void)afl;
    struct afl_sched_glue *g = calloc(1, sizeof(*g));
    bool ok = false;
    if (g == NULL)
        return NULL;
    if (!glue_sched_env_load(&g->env) || (g->mut = schedule_mutate_new()) == NULL)
        goto out;
    rng_seed(&g->rng, seed);
    ok = true;
out:
    if (!ok) {
        glue_sched_env_free(&g->env); /* a failed load leaves a zeroed env: a no-op */
        free(g);
        g = NULL;
    }
    return g; /* the engine's on success, until afl_custom_deinit */
}

RF_EXPORT size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                                 uint8_t *add_buf, size_t add_buf_size, size_t max_size) {
    struct afl_sched_glue *g = data;
    if (!afl_glue_out_buf(&g->out, &g->out_cap, max_size, buf, out_buf))
        return buf_size;
    g->env.opts.max_size = max_size;
    return schedule_mutate_mutate(g->mut, &g->env.opts, buf, buf_size, add_buf, add_buf_size,
                                  g->out, rng_next(&g->rng));
}

RF_EXPORT const char *afl_custom_describe(void *data, size_t max_description_len) {
    struct afl_sched_glue *g = data;
    return afl_glue_describe(g->desc, sizeof(g->desc), schedule_mutate_describe(g->mut),
                             max_description_len);
}

/* One candidate per step, from the last step to the first; 0 (no trimming) for an input
 * that does not parse or has fewer than two steps. */
RF_EXPORT int32_t afl_custom_init_trim(void *data, uint8_t *buf, size_t buf_size) {
    struct afl_sched_glue *g = data;
    struct sched_trim *t = &g->trim;
    trim_free(t);
    if ((t->buf = malloc(buf_size + 1)) == NULL)
        return 0;
    memcpy(t->buf, buf, buf_size);
    if (schedule_parse(t->buf, buf_size, &t->s, NULL) != SCHED_OK || t->s.nsteps < 2 ||
        (t->kept = malloc(t->s.nsteps * sizeof(*t->kept))) == NULL ||
        (t->cand = malloc(buf_size)) == NULL) {
        trim_free(t);
        return 0;
    }
    memcpy(t->kept, t->s.steps, t->s.nsteps * sizeof(*t->kept));
    t->nkept = t->s.nsteps;
    t->cand_cap = buf_size;
    t->steps = (int32_t)t->s.nsteps;
    t->next = t->nkept - 1;
    return t->steps;
}

RF_EXPORT size_t afl_custom_trim(void *data, uint8_t **out_buf) {
    struct afl_sched_glue *g = data;
    struct sched_trim *t = &g->trim;
    struct schedule_step held[SCHED_MAX_STEPS];
    size_t n = 0;
    for (size_t i = 0; i < t->nkept; i++)
        if (i != t->next || t->nkept == 1)
            held[n++] = t->kept[i];
    struct schedule c = t->s;
    c.steps = held;
    c.nsteps = n;
    *out_buf = t->cand;
    return schedule_serialize(&c, t->cand, t->cand_cap);
}

RF_EXPORT int32_t afl_custom_post_trim(void *data, unsigned char success) {
    struct afl_sched_glue *g = data;
    struct sched_trim *t = &g->trim;
    if (success && t->nkept > 1) {
        memmove(&t->kept[t->next], &t->kept[t->next + 1],
                (t->nkept - t->next - 1) * sizeof(*t->kept));
        t->nkept--;
    }
    if (t->next > 0)
        t->next--;
    return ++t->step;
}

RF_EXPORT void afl_custom_deinit(void *data) {
    struct afl_sched_glue *g = data;
    if (g == NULL)
        return;
    trim_free(&g->trim);
    schedule_mutate_free(g->mut);
    glue_sched_env_free(&g->env);
    free(g->out);
    free(g);
}
