/* Settings of the schedule glue from the environment (the variables glue_sched.h lists),
 * shared by the libFuzzer and AFL++ glue. */
#ifndef RF_GLUE_SCHED_ENV_H
#define RF_GLUE_SCHED_ENV_H

#include <stdbool.h>

#include "dict.h"
#include "fixup.h"
#include "frame_mutate.h"
#include "sched_model.h"
#include "schedule_mutate.h"

/* Everything the glue loads; opts points into the rest, so the struct must not move. */
struct glue_sched_env {
    struct schedule_mutate_opts opts;
    struct frame_mutate_opts frame_opts;
    struct dict dict;
    struct fixup_list fixups;
    struct sched_model model;
};

/* Fills e from the environment (opts.max_size and the engine callbacks are the caller's).
 * Logs and returns false, with nothing left to free, when a setting is malformed or the
 * endpoints file cannot be read. */
bool glue_sched_env_load(struct glue_sched_env *e);

void glue_sched_env_free(struct glue_sched_env *e);

#endif
