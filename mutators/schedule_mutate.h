/* Structure-aware HTTP schedule mutator (schedule.h). schedule_mutate_mutate() is a pure function
 * of (inputs, options, seed), like frame_mutate_mutate(): the same arguments give the same bytes.
 * The only exception is the engine's byte mutator (engine_mutate, and the one in
 * frame_opts), which draws from the engine's own RNG.
 *
 * It edits a schedule, not bytes: steps are added from the endpoints model, deleted,
 * duplicated onto another lane into one barrier group (how races are made), reordered,
 * moved between lanes and gated; delays, methods, paths, query strings and headers change;
 * bodies are mutated by the kind of the endpoint the step's method and path match (JSON
 * with cJSON, frame streams with frame_mutate_mutate, the rest byte by byte). The output always
 * parses with schedule_parse and fits max_size; an input that does not parse is salvaged
 * (its longest parsing prefix, or a fresh schedule from the model), never echoed. */
#ifndef RF_SCHEDULE_MUTATE_H
#define RF_SCHEDULE_MUTATE_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "frame_mutate.h"
#include "sched_model.h"
#include "schedule.h"

/* Smallest output: a header-only schedule (one frame of SCHED_HEADER_LEN bytes). */
#define SMUT_MIN_SIZE (4u + SCHED_HEADER_LEN)

struct schedule_mutate_opts {
    size_t max_size;                 /* output capacity; no output is longer */
    const struct sched_model *model; /* endpoints and path-param values; may be NULL or empty */
    /* For frames bodies (fix-ups, dictionary, engine, lies); NULL: frame_mutate_default_opts. Its
     * max_size and skip_first are ignored: a body is sized to fit and is the target's own
     * protocol, with no schedule frame in front. */
    const struct frame_mutate_opts *frame_opts;
    const struct dict *dict; /* tokens for ids, query values, JSON strings; may be NULL */
    frame_mutate_engine_fn engine_mutate; /* raw bodies and JSON strings; may be NULL */
    void *engine_arg;
    unsigned invalid_one_in; /* one JSON-body edit in this many writes invalid JSON; 0 never */
};

/* The operations, in table order; names are what describe reports. */
enum schedule_mutate_op {
    SMUT_ADD_STEP,
    SMUT_DELETE_STEP,
    SMUT_DUP_STEP,
    SMUT_SWAP_STEPS,
    SMUT_MOVE_STEP,
    SMUT_SET_LANE,
    SMUT_SET_LANES,
    SMUT_JOIN_BARRIER,
    SMUT_LEAVE_BARRIER,
    SMUT_SET_DELAY,
    SMUT_SET_METHOD,
    SMUT_SET_ENDPOINT,
    SMUT_SET_PATH_PARAM,
    SMUT_MUTATE_QUERY,
    SMUT_DROP_HEADER,
    SMUT_ADD_HEADER,
    SMUT_ALTER_HEADER,
    SMUT_BODY_JSON,
    SMUT_BODY_FRAMES,
    SMUT_BODY_RAW,
    SMUT_SET_REPEAT,
    SMUT_SET_JITTER,
    SMUT_SET_FLAGS,
    SMUT_SPLICE_STEPS,
    SMUT_OP_COUNT
};

struct schedule_mutate;

struct schedule_mutate *schedule_mutate_new(void);
void schedule_mutate_free(struct schedule_mutate *m);

/* Zeroes o, sets max_size and the default invalid_one_in (RF_SMUT_INVALID_JSON_ONE_IN). */
void schedule_mutate_default_opts(struct schedule_mutate_opts *o, size_t max_size);

/* Mutates `in` into `out` (capacity o->max_size; may alias in) and returns the output
 * length, which parses with schedule_parse. `in2` (may be NULL) donates steps. Returns 0 only
 * when no schedule fits (max_size < SMUT_MIN_SIZE) or on out-of-memory. */
size_t schedule_mutate_mutate(struct schedule_mutate *m, const struct schedule_mutate_opts *o,
                              const uint8_t *in, size_t in_size, const uint8_t *in2,
                              size_t in2_size, uint8_t *out, uint64_t seed);

/* Crossover: the lanes of one parent beside the lanes of the other (renumbered, barrier
 * groups kept apart), or a prefix of one parent's steps and a suffix of the other's. Same
 * return contract as schedule_mutate_mutate. */
size_t schedule_mutate_crossover(struct schedule_mutate *m, const struct schedule_mutate_opts *o,
                                 const uint8_t *in1, size_t in1_size, const uint8_t *in2,
                                 size_t in2_size, uint8_t *out, uint64_t seed);

/* Names of what the last call did, e.g. "dup_step,body_json:number"; owned by m, valid
 * until the next call. */
const char *schedule_mutate_describe(struct schedule_mutate *m);

const char *schedule_mutate_op_name(enum schedule_mutate_op op);

/* Times each operation was applied since schedule_mutate_new (for tests and stats). */
const uint64_t *schedule_mutate_op_counts(const struct schedule_mutate *m);

#endif
