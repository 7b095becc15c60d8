/* Schedule seeds (mutators/schedule.h) drawn from a target's endpoint model
 * (corpus/endpoints.h). Nothing here knows any particular service: the shapes come from
 * how endpoints relate, which any config describes:
 *   - related endpoints: the same resource (path up to its first {name} or '?') or the
 *     same client (identical non-empty fixed headers, e.g. one bearer token); writers are
 *     POST, PUT, PATCH, DELETE, the rest read;
 *   - session: one lane, 1..4 steps on the anchor's resource or by its client, writes
 *     before reads and DELETE last; a JSON request that comes twice is sometimes outsized
 *     (numbers x100) the first time; sometimes one request is repeated at the end without
 *     its headers (the same call, anonymous);
 *   - race: 2..4 lanes released by one barrier group: the anchor twice (the same request
 *     on two lanes) and/or its counterpart (a reader of what it writes, a writer of what
 *     it reads), all on the same path values; sometimes a set-up step first, a read after;
 *   - delayed: 2..4 related steps on 1..2 lanes with small delays and no barrier.
 * Path segments are filled from the model's values, one choice per name for the whole
 * seed (so steps name the same object), preferring values the endpoint's own headers name
 * (a token of user u1 goes with u1), then values starting like the segment before the
 * {name} (typed ids: "o-1" for "orders/{id}"); a step now and then picks afresh. Bodies:
 * the endpoint's example ("{}" for a JSON body without one), or for "frames" bodies a
 * frame stream from the target's frames.messages (corpus/seedgen.h; empty without shapes).
 * Every output is deterministic in (model, shapes, anchor, seed) and parses with
 * schedule_parse. */
#ifndef RF_SCHED_SEEDGEN_H
#define RF_SCHED_SEEDGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched_model.h"
#include "shape.h"

/* Seeds stay small like frame seeds: engines grow inputs themselves, and libFuzzer's
 * default -max_len is 4096. */
#define SSEED_MAX_SEED 4096u

enum sched_seedgen_kind { SSEED_SESSION = 0, SSEED_RACE, SSEED_DELAYED, SSEED_KIND_COUNT };

/* sched_seedgen_one's anchor when any endpoint will do (drawn from the seed). */
#define SSEED_ANY ((size_t)-1)

/* Writes one seed of the given kind built around endpoint m->eps[anchor] (a session's first
 * endpoint, the first racer); returns its size (at most cap), or 0 when the model has no
 * endpoint, kind or anchor is out of range, cap cannot hold one step, or memory runs out.
 * shapes may be NULL (frames bodies are then empty). */
size_t sched_seedgen_one(const struct sched_model *m, const struct shape_set *shapes,
                         enum sched_seedgen_kind kind, size_t anchor, uint64_t seed, uint8_t *out,
                         size_t cap);

/* Writes a seed of endpoint m->eps[ep] alone: one step, lane 0. Same contract. */
size_t sched_seedgen_endpoint(const struct sched_model *m, const struct shape_set *shapes,
                              size_t ep, uint64_t seed, uint8_t *out, size_t cap);

/* Writes m->neps + count seeds named seed-NNNN.bin into dir (created if needed),
 * atomically each: first one per endpoint in config order, so every endpoint is covered,
 * then `count` seeds cycling session, race, session, race, delayed, anchored on the
 * endpoints in a shuffled order. False (logged) when a file cannot be written or the
 * model has no endpoint. */
bool sched_seedgen_dir(const struct sched_model *m, const struct shape_set *shapes, uint64_t seed,
                       size_t count, const char *dir);

#endif
