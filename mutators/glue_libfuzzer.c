/* libFuzzer glue: link into a frames target and libFuzzer uses the structure-aware
 * mutator instead of its own. Its byte mutator still runs, but only inside one payload
 * at a time (FMUT_ENGINE_BYTES), so comparison-derived tokens reach the payloads without
 * breaking a length prefix. */
#include <stdint.h>
#include <stdlib.h>

#include "engine_api.h"
#include "frame_mutate.h"
#include "log.h"
#include "mutator_env.h"

static struct frame_mutate *glue_mut;
static struct frame_mutate_opts glue_opts;
static struct dict glue_dict;
static struct fixup_list glue_fixups;

static size_t glue_engine_mutate(uint8_t *data, size_t size, size_t max_size, void *arg) {
    (void)arg;
    return LLVMFuzzerMutate(data, size, max_size);
}

/* Settings come from the environment once; a bad setting stops the run at start-up
 * rather than fuzzing with something the user did not ask for. */
static struct frame_mutate *glue_get(size_t max_size) {
    if (glue_mut == NULL) {
        glue_opts.max_size = max_size;
        if (!mutator_env_load(&glue_opts, &glue_dict, &glue_fixups))
            abort();
        glue_opts.engine_mutate = glue_engine_mutate;
        glue_mut = frame_mutate_new();
        if (glue_mut == NULL) {
            LOG_E("out of memory creating the frame mutator");
            abort();
        }
    }
    glue_opts.max_size = max_size;
    return glue_mut;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
    struct frame_mutate *m = glue_get(max_size);
    return frame_mutate_mutate(m, &glue_opts, data, size, NULL, 0, data, seed);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed) {
    struct frame_mutate *m = glue_get(max_out_size);
    return frame_mutate_crossover(m, &glue_opts, data1, size1, data2, size2, out, seed);
}
