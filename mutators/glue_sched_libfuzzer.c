/* libFuzzer glue for schedule targets (glue_sched.h): libFuzzer's byte mutator runs only
 * inside raw bodies, JSON strings and frames payloads, so its comparison-derived tokens
 * reach the requests without breaking the schedule's framing. */
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

#include "engine_api.h"
#include "glue_sched.h"
#include "glue_sched_env.h"
#include "log.h"

static struct glue_sched_env glue_env;
static struct schedule_mutate *glue_mut;
/* glue_sched_learn_id runs on the target's threads, the mutator on libFuzzer's: the model
 * changes only under this lock, and the mutator reads it under the lock too. */
static mtx_t glue_lock;
static once_flag glue_lock_once = ONCE_FLAG_INIT;

static void glue_lock_init(void) {
    if (mtx_init(&glue_lock, mtx_plain) != thrd_success) {
        LOG_E("cannot create the schedule mutator's lock");
        abort();
    }
}

static void glue_enter(void) {
    call_once(&glue_lock_once, glue_lock_init);
    mtx_lock(&glue_lock);
}

static size_t glue_engine_mutate(uint8_t *data, size_t size, size_t max_size, void *arg) {
    (void)arg;
    return LLVMFuzzerMutate(data, size, max_size);
}

/* Settings come from the environment once; a bad setting stops the run at start-up rather
 * than fuzzing with something the user did not ask for. Called with glue_lock held. */
static struct schedule_mutate *glue_get(size_t max_size) {
    if (glue_mut == NULL) {
        if (!glue_sched_env_load(&glue_env))
            abort();
        glue_env.opts.engine_mutate = glue_engine_mutate;
        glue_env.frame_opts.engine_mutate = glue_engine_mutate;
        glue_mut = schedule_mutate_new();
        if (glue_mut == NULL) {
            LOG_E("out of memory creating the schedule mutator");
            abort();
        }
    }
    glue_env.opts.max_size = max_size;
    return glue_mut;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
    glue_enter();
    struct schedule_mutate *m = glue_get(max_size);
    size_t n = schedule_mutate_mutate(m, &glue_env.opts, data, size, NULL, 0, data, seed);
    mtx_unlock(&glue_lock);
    return n;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed) {
    glue_enter();
    struct schedule_mutate *m = glue_get(max_out_size);
    size_t n = schedule_mutate_crossover(m, &glue_env.opts, data1, size1, data2, size2, out, seed);
    mtx_unlock(&glue_lock);
    return n;
}

void glue_sched_learn_id(const char *id, size_t len) {
    glue_enter();
    glue_get(glue_env.opts.max_size);
    if (len > 0 && !sched_model_add_value(&glue_env.model, "id", id, len))
        LOG_W("out of memory learning an id: ignored");
    mtx_unlock(&glue_lock);
}
