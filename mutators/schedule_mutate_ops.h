/* Inside the schedule mutator (schedule_mutate.h); not installed, included only by its own
 * files: the working state, the helpers its operations share (schedule_mutate.c), and the
 * operations, one file per kind:
 *   schedule_mutate_steps.c    steps, lanes, barrier groups, delays, methods; the header
 *                              frame's repeat, jitter and flags; splicing
 *   schedule_mutate_path.c     endpoints, {name} segments, query strings
 *   schedule_mutate_headers.c  header lines
 *   schedule_mutate_body.c     bodies by kind: JSON, frame streams, raw bytes
 * An operation returns false when it does not apply; the driver then draws another. Every
 * random choice goes through m->rng, so a seed gives the same edits. */
#ifndef RF_SCHEDULE_MUTATE_OPS_H
#define RF_SCHEDULE_MUTATE_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame_mutate.h"
#include "mutate_common.h"
#include "rf_config.h"
#include "rng.h"
#include "sched_model.h"
#include "schedule.h"
#include "schedule_mutate.h"

/* Longest header line or query parameter the operations parse out of a field. */
#define SMUT_MAX_LINES 64

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct schedule_mutate {
    const struct schedule_mutate_opts *o;
    struct rng rng;
    struct schedule s; /* header fields; s.steps points at steps when serializing */
    struct schedule_step steps[SCHED_MAX_STEPS];
    size_t n;
    struct schedule_step donor[SCHED_MAX_STEPS];
    size_t ndonor;
    uint8_t donor_lanes;
    struct mutate_common_bufs buf; /* input copies; the arena holds new fields */
    struct frame_mutate *fm;       /* frames bodies */
    uint8_t applied[RF_MUT_STACK + 1];
    const char *detail[RF_MUT_STACK + 1]; /* sub-operation of a body edit, or NULL */
    size_t napplied;
    const char *extra[4]; /* "salvage_prefix", "json_broken", "crossover_lanes", ... */
    size_t nextra;
    char desc[256];
    uint64_t counts[SMUT_OP_COUNT];
};

/* Notes for schedule_mutate_describe: something the call did besides its operations, and the
 * sub-operation of the operation being applied. */
void schedule_mutate_note_extra(struct schedule_mutate *m, const char *what);
void schedule_mutate_record_detail(struct schedule_mutate *m, const char *what);

/* ---- sizes and the step list ------------------------------------------------------------ */

size_t schedule_mutate_step_size(const struct schedule_step *st);
/* Bytes left below max_size. */
size_t schedule_mutate_room(const struct schedule_mutate *m);
/* False, with nothing changed, when the step list is full or st does not fit. */
bool schedule_mutate_insert_step(struct schedule_mutate *m, size_t at, struct schedule_step st);
struct schedule_step schedule_mutate_remove_step(struct schedule_mutate *m, size_t at);
/* A random step; SIZE_MAX when there is none. */
size_t schedule_mutate_pick_step(struct schedule_mutate *m);
uint8_t schedule_mutate_new_group(struct schedule_mutate *m);
uint8_t schedule_mutate_other_lane(struct schedule_mutate *m, uint8_t lane);
void schedule_mutate_remap_lanes(struct schedule_mutate *m);

/* ---- arena builder: new field bytes, sized against a limit ------------------------------- */

/* Bytes being written at the arena's end; ok turns false, and stays, when a write would
 * pass cap. Nothing is taken from the arena until schedule_mutate_ab_commit. */
struct schedule_mutate_abuf {
    uint8_t *p;
    size_t len, cap;
    bool ok;
};

struct schedule_mutate_abuf schedule_mutate_ab_begin(struct schedule_mutate *m, size_t limit);
void schedule_mutate_ab_put(struct schedule_mutate_abuf *b, const void *d, size_t n);
void schedule_mutate_ab_str(struct schedule_mutate_abuf *b, const char *s);
/* The bytes, now the arena's; NULL when b overflowed. */
const uint8_t *schedule_mutate_ab_commit(struct schedule_mutate *m,
                                         const struct schedule_mutate_abuf *b);
size_t schedule_mutate_field_limit(struct schedule_mutate *m, size_t old, size_t width_max);
bool schedule_mutate_set_field16(struct schedule_mutate *m, const struct schedule_mutate_abuf *b,
                                 const uint8_t **field, uint16_t *len);

/* ---- values from the model and the dictionary ------------------------------------------- */

/* The model when it has endpoints, else NULL. */
const struct sched_model *schedule_mutate_model(const struct schedule_mutate *m);
void schedule_mutate_put_value(struct schedule_mutate *m, struct schedule_mutate_abuf *b,
                               const char *name, size_t name_len);
/* Writes template tmpl with a value for each {name}. */
void schedule_mutate_fill_template(struct schedule_mutate *m, struct schedule_mutate_abuf *b,
                                   const char *tmpl);
bool schedule_mutate_step_from_model(struct schedule_mutate *m, struct schedule_step *st);

/* ---- the operations, in table order (schedule_mutate_ops in schedule_mutate.c)
 * ---------------------- */

bool schedule_mutate_op_add_step(struct schedule_mutate *m);
bool schedule_mutate_op_delete_step(struct schedule_mutate *m);
bool schedule_mutate_op_dup_step(struct schedule_mutate *m);
bool schedule_mutate_op_swap_steps(struct schedule_mutate *m);
bool schedule_mutate_op_move_step(struct schedule_mutate *m);
bool schedule_mutate_op_set_lane(struct schedule_mutate *m);
bool schedule_mutate_op_set_lanes(struct schedule_mutate *m);
bool schedule_mutate_op_join_barrier(struct schedule_mutate *m);
bool schedule_mutate_op_leave_barrier(struct schedule_mutate *m);
bool schedule_mutate_op_set_delay(struct schedule_mutate *m);
bool schedule_mutate_op_set_method(struct schedule_mutate *m);

bool schedule_mutate_op_set_endpoint(struct schedule_mutate *m);
bool schedule_mutate_op_set_path_param(struct schedule_mutate *m);
bool schedule_mutate_op_mutate_query(struct schedule_mutate *m);

bool schedule_mutate_op_drop_header(struct schedule_mutate *m);
bool schedule_mutate_op_add_header(struct schedule_mutate *m);
bool schedule_mutate_op_alter_header(struct schedule_mutate *m);

bool schedule_mutate_op_body_json(struct schedule_mutate *m);
bool schedule_mutate_op_body_frames(struct schedule_mutate *m);
bool schedule_mutate_op_body_raw(struct schedule_mutate *m);

bool schedule_mutate_op_set_repeat(struct schedule_mutate *m);
bool schedule_mutate_op_set_jitter(struct schedule_mutate *m);
bool schedule_mutate_op_set_flags(struct schedule_mutate *m);
bool schedule_mutate_op_splice_steps(struct schedule_mutate *m);

#endif
