/* Structure-aware frame-stream mutator. frame_mutate_mutate() is a pure function of
 * (inputs, options, seed): the same arguments give the same bytes, so a crash found
 * through a mutation can be re-derived. The context only holds scratch memory. */
#ifndef RF_FRAME_MUTATE_H
#define RF_FRAME_MUTATE_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "fixup.h"

/* Optional byte-level mutator of the engine (libFuzzer's LLVMFuzzerMutate), applied to
 * one payload so the engine's comparison-derived tokens reach the payload bytes while
 * the framing stays intact. Returns the new size (<= max_size). */
typedef size_t (*frame_mutate_engine_fn)(uint8_t *data, size_t size, size_t max_size, void *arg);

struct frame_mutate_opts {
    size_t max_size;        /* output capacity; no output is longer */
    uint32_t max_frame_len; /* inputs with longer frames are split leniently */
    const struct dict *dict;
    frame_mutate_engine_fn
        engine_mutate; /* may be NULL; breaks purity only through the engine's RNG */
    void *engine_arg;
    unsigned lie_one_in;             /* one call in this many lies about a length; 0 never lies */
    const struct fixup_list *fixups; /* recomputed after mutation (fixup.h); may be NULL */
    bool skip_first;                 /* frame 0 is a schedule frame: no fix-ups there */
};

/* The operations, in table order; names are what afl_custom_describe reports. */
enum frame_mutate_op {
    FMUT_FLIP_BIT,
    FMUT_SET_INTERESTING8,
    FMUT_SET_RANDOM_BYTE,
    FMUT_ARITH_LE16,
    FMUT_ARITH_LE32,
    FMUT_SET_INTERESTING16,
    FMUT_SET_INTERESTING32,
    FMUT_SET_INNER_LEN,
    FMUT_INSERT_BYTES,
    FMUT_ERASE_BYTES,
    FMUT_COPY_WITHIN,
    FMUT_DICT_INSERT,
    FMUT_DICT_OVERWRITE,
    FMUT_ENGINE_BYTES,
    FMUT_INSERT_FRAME,
    FMUT_DELETE_FRAME,
    FMUT_DUPLICATE_FRAME,
    FMUT_SWAP_FRAMES,
    FMUT_MOVE_FRAME,
    FMUT_SPLICE_FRAMES,
    FMUT_OP_COUNT
};

/* Lies told about one length field, on purpose and rarely. */
enum frame_mutate_lie {
    FMUT_LIE_ZERO,
    FMUT_LIE_SHORT,
    FMUT_LIE_LONG,
    FMUT_LIE_HUGE,
    FMUT_LIE_COUNT
};

struct frame_mutate;

struct frame_mutate *frame_mutate_new(void);
void frame_mutate_free(struct frame_mutate *m);

void frame_mutate_default_opts(struct frame_mutate_opts *o, size_t max_size);

/* Mutates `in` into `out` (capacity o->max_size) and returns the output length.
 * `in2` (may be NULL) is the donor for splicing. Unless the call lies on purpose, the
 * output is a well-formed stream. Returns 0 only when no output fits (max_size < 4). */
size_t frame_mutate_mutate(struct frame_mutate *m, const struct frame_mutate_opts *o,
                           const uint8_t *in, size_t in_size, const uint8_t *in2, size_t in2_size,
                           uint8_t *out, uint64_t seed);

/* Crossover: a prefix of one parent and a suffix of the other, or a run of the second
 * spliced into the first. Never lies about a length: always well-formed. */
size_t frame_mutate_crossover(struct frame_mutate *m, const struct frame_mutate_opts *o,
                              const uint8_t *in1, size_t in1_size, const uint8_t *in2,
                              size_t in2_size, uint8_t *out, uint64_t seed);

/* Names of the operations the last call applied, e.g. "dup_frame,arith16"; owned by m,
 * valid until the next call. */
const char *frame_mutate_describe(struct frame_mutate *m);

const char *frame_mutate_op_name(enum frame_mutate_op op);

/* Times each operation was applied since frame_mutate_new (for tests and stats). */
const uint64_t *frame_mutate_op_counts(const struct frame_mutate *m);

#endif
