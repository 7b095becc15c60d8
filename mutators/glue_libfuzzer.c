/* libFuzzer glue: link into a frames target and libFuzzer uses the structure-aware
 * mutator instead of its own. Its byte mutator still runs, but only inside one payload
 * at a time (FMUT_ENGINE_BYTES), so comparison-derived tokens reach the payloads without
 * breaking a length prefix. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

/* Without RACEFUZZ_DICT, the dictionary beside the binary (<binary>.dict) when there is
 * one: OSS-Fuzz's convention, and on ClusterFuzz the only way to reach this mutator, as
 * an .options file cannot set RACEFUZZ_* variables there (docs/oss-fuzz.md). */
static void glue_default_dict(void) {
    char exe[4096], dict[4096 + 8];
    const char *set = getenv("RACEFUZZ_DICT");
    if (set != NULL && *set != '\0')
        return;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0 || (size_t)n >= sizeof(exe) - 1)
        return;
    exe[n] = '\0';
    int len = snprintf(dict, sizeof(dict), "%s.dict", exe);
    if (len > 0 && (size_t)len < sizeof(dict) && access(dict, R_OK) == 0)
        setenv("RACEFUZZ_DICT", dict, 0);
}

/* Settings come from the environment once; a bad setting stops the run at start-up
 * rather than fuzzing with something the user did not ask for. */
static struct frame_mutate *glue_get(size_t max_size) {
    if (glue_mut == NULL) {
        glue_opts.max_size = max_size;
        glue_default_dict();
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
