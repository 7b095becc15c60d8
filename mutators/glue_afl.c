/* AFL++ custom-mutator library (AFL_CUSTOM_MUTATOR_LIBRARY), for afl-fuzz 4.04c and
 * later: structure-aware fuzzing plus the trim trio, so AFL++'s trimming drops frames and
 * shortens payloads instead of cutting through length prefixes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "glue_afl_common.h"
#include "frame_mutate.h"
#include "frame_trim.h"
#include "log.h"
#include "mutator_env.h"
#include "rng.h"

/* The library is built with -fvisibility=hidden: only the hooks afl-fuzz looks up are
 * exported, so our internals cannot clash with symbols of afl-fuzz or other libraries. */
#define RF_EXPORT __attribute__((visibility("default")))

struct afl_glue {
    struct frame_mutate *mut;
    struct frame_mutate_opts opts;
    struct dict dict;
    struct fixup_list fixups;
    struct rng rng; /* per-call seeds, derived from afl-fuzz's -s seed */
    uint8_t *out;
    size_t out_cap;
    struct frame_trim trim;
    bool trimming;
    char desc[256]; /* afl_custom_describe's answer; lives as long as the instance */
};

RF_EXPORT void *afl_custom_init(void *afl, unsigned int seed) {
    (void)afl;
    struct afl_glue *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    if (!mutator_env_load(&g->opts, &g->dict, &g->fixups) ||
        (g->mut = frame_mutate_new()) == NULL) {
        free(g);
        return NULL;
    }
    rng_seed(&g->rng, seed);
    return g;
}

RF_EXPORT size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                                 uint8_t *add_buf, size_t add_buf_size, size_t max_size) {
    struct afl_glue *g = data;
    if (!afl_glue_out_buf(&g->out, &g->out_cap, max_size, buf, out_buf))
        return buf_size;
    g->opts.max_size = max_size;
    return frame_mutate_mutate(g->mut, &g->opts, buf, buf_size, add_buf, add_buf_size, g->out,
                               rng_next(&g->rng));
}

RF_EXPORT const char *afl_custom_describe(void *data, size_t max_description_len) {
    struct afl_glue *g = data;
    return afl_glue_describe(g->desc, sizeof(g->desc), frame_mutate_describe(g->mut),
                             max_description_len);
}

RF_EXPORT int32_t afl_custom_init_trim(void *data, uint8_t *buf, size_t buf_size) {
    struct afl_glue *g = data;
    if (g->trimming)
        frame_trim_free(&g->trim);
    g->trimming = true;
    return frame_trim_init(&g->trim, buf, buf_size, g->opts.max_frame_len);
}

RF_EXPORT size_t afl_custom_trim(void *data, uint8_t **out_buf) {
    struct afl_glue *g = data;
    return frame_trim_candidate(&g->trim, (const uint8_t **)out_buf);
}

RF_EXPORT int32_t afl_custom_post_trim(void *data, unsigned char success) {
    struct afl_glue *g = data;
    return frame_trim_result(&g->trim, success != 0);
}

RF_EXPORT void afl_custom_deinit(void *data) {
    struct afl_glue *g = data;
    if (g == NULL)
        return;
    if (g->trimming)
        frame_trim_free(&g->trim);
    frame_mutate_free(g->mut);
    free(g->out);
    free(g);
}
