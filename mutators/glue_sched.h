/* Glue of the schedule mutator (schedule_mutate.h) for both engines, one binary format:
 *   glue_sched_libfuzzer.c  LLVMFuzzerCustomMutator / LLVMFuzzerCustomCrossOver, linked into
 *                           go- and http-mode targets (OBJECT library rf_glue_sched_libfuzzer)
 *   glue_sched_afl.c        the AFL++ library racefuzz_afl_sched_mutator (afl_custom_init,
 *                           fuzz, describe, deinit, and a trim trio that drops whole steps)
 *
 * AFL++ gets a library per format (racefuzz_afl_mutator for frame streams, this one for
 * schedules) rather than one that dispatches: a schedule is itself a frame stream, so the
 * bytes cannot tell a library which format it holds, and a campaign fuzzes one format, so
 * the setup that picks the target picks the library with it.
 *
 * Settings come from the environment once, at start-up; a malformed one stops the run:
 *   RACEFUZZ_ENDPOINTS            endpoints model file (sched_model_file.h), written by the
 *                                 harness setup from racefuzz.json; unset: no model, so new
 *                                 steps are copies of the input's own
 *   RACEFUZZ_INVALID_JSON_ONE_IN  one JSON-body edit in N writes invalid JSON (default
 *                                 RF_SMUT_INVALID_JSON_ONE_IN; 0 never)
 *   RACEFUZZ_DICT                 tokens for ids, query values, JSON strings and frames
 *   RACEFUZZ_FIXUPS, RACEFUZZ_MAX_FRAME_LEN, RACEFUZZ_LIE_ONE_IN
 *                                 frames bodies, as for the frame mutator (mutator_env.h)
 * (glue_sched_env.h loads them.) */
#ifndef RF_GLUE_SCHED_H
#define RF_GLUE_SCHED_H

#include <stddef.h>

/* libFuzzer glue only. Adds an id the target returned (an order number, a user id) to the
 * "id" path param of the glue's model, so later mutations put it into paths, query values
 * and JSON strings and name objects that exist. In-process harnesses call it with ids
 * seen in responses; it is thread-safe and copies the bytes. Once the param holds
 * SCHED_MODEL_MAX_VALUES ids, new ones are ignored. Aborts, like the glue's start-up, when
 * the environment is malformed. */
void glue_sched_learn_id(const char *id, size_t len);

#endif
