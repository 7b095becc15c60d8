#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "glue_sched_env.h"
#include "log.h"
#include "mutator_env.h"
#include "rf_config.h"
#include "sched_model_file.h"

static bool load_invalid_one_in(unsigned *out) {
    const char *v = getenv("RACEFUZZ_INVALID_JSON_ONE_IN");
    *out = RF_SMUT_INVALID_JSON_ONE_IN;
    if (v == NULL || *v == '\0')
        return true;
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno != 0 || *end != '\0' || n > (1u << 20)) {
        LOG_E("RACEFUZZ_INVALID_JSON_ONE_IN=%s: expected an integer in 0..%u", v, 1u << 20);
        return false;
    }
    *out = (unsigned)n;
    return true;
}

static bool load_model(struct sched_model *m) {
    const char *path = getenv("RACEFUZZ_ENDPOINTS");
    memset(m, 0, sizeof(*m));
    return path == NULL || *path == '\0' || sched_model_file_read(path, m);
}

bool glue_sched_env_load(struct glue_sched_env *e) {
    memset(e, 0, sizeof(*e));
    unsigned invalid_one_in;
    if (!mutator_env_load(&e->frame_opts, &e->dict, &e->fixups) ||
        !load_invalid_one_in(&invalid_one_in) || !load_model(&e->model))
        return false;
    schedule_mutate_default_opts(&e->opts, 0);
    e->opts.model = &e->model;
    e->opts.frame_opts = &e->frame_opts;
    e->opts.dict = &e->dict;
    e->opts.invalid_one_in = invalid_one_in;
    return true;
}

void glue_sched_env_free(struct glue_sched_env *e) {
    sched_model_free(&e->model);
}
