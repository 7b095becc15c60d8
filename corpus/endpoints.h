/* A target's HTTP surface, read from its config: the "endpoints" array and
 * "service.path_params" (docs/target-config.md) become a struct sched_model for the schedule
 * seed generator and the schedule mutator. Validation is strict, so a typo fails loudly
 * instead of silently leaving an endpoint unfuzzed; every error names the file and the
 * offending entry ("FILE: endpoints[3].method: unknown method \"FETCH\""). */
#ifndef RF_ENDPOINTS_H
#define RF_ENDPOINTS_H

#include <stdbool.h>

#include "sched_model.h"
#include "target_config.h"

/* Limits that keep every generated path and header block far inside the schedule format's
 * u16 lengths: a template of at most 2048 bytes with at most 16 {name} segments, each
 * filled with a value of at most 128 bytes, is at most 4096 bytes. */
#define ENDPOINTS_MAX_PATH 2048u
#define ENDPOINTS_MAX_SEGMENTS 16u
#define ENDPOINTS_MAX_VALUE 128u
#define ENDPOINTS_MAX_HEADERS 8192u
/* More than this is a description of a different service size than seeds are made for. */
#define ENDPOINTS_MAX_COUNT 1024u

/* Builds *out from c. On error logs one message naming c's file (c->path, or
 * "racefuzz.json" for a config parsed from memory) and returns false with *out empty.
 * A config without "endpoints" is an error here: callers load the model only when a
 * schedule is needed. On success free *out with sched_model_free. */
bool endpoints_load(const struct target_config *c, struct sched_model *out);

/* Name of a body kind as the config spells it ("json"); NULL outside the enum. */
const char *endpoints_body_name(enum sched_body_kind k);

#endif
