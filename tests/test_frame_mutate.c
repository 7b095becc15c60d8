/* Structure-aware mutator: pure for a seed, well-formed unless it lies on purpose, never
 * longer than max_size, and every operation of the table reachable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dict.h"
#include "fileio.h"
#include "frame.h"
#include "frame_mutate.h"
#include "rf_config.h"
#include "rng.h"
#include "test_streams.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Output capacities: 4 is the smallest that fits a frame, 8 and 64 force fit() to drop
 * frames of most inputs, 4096 is libFuzzer's default -max_len. */
static const size_t max_sizes[] = {4, 8, 64, 512, 4096};

#define INPUT_CAP 8192
#define PLANTED_SEEDS 16

/* The committed seeds of the planted target, when the source tree has them. */
static struct fileio_buf planted[PLANTED_SEEDS];
static size_t nplanted;

static int load_planted(void **state) {
    (void)state;
    nplanted = 0;
    for (int i = 0; i < PLANTED_SEEDS; i++) {
        char path[4096];
        int n = snprintf(path, sizeof(path), "%s/corpus/planted/seed-%04d.bin", RF_SOURCE_DIR, i);
        if (n > 0 && (size_t)n < sizeof(path) &&
            fileio_read(path, RF_MAX_FILE_SIZE, &planted[nplanted]))
            nplanted++;
    }
    return 0;
}

static int free_planted(void **state) {
    (void)state;
    for (size_t i = 0; i < nplanted; i++)
        fileio_buf_free(&planted[i]);
    nplanted = 0;
    return 0;
}

/* Varied mutator inputs: well-formed streams (small, large, more frames than the mutator
 * holds), planted seeds, garbage, garbage with a huge length, and the empty input. */
static size_t make_input(struct rng *r, uint8_t *buf, size_t cap) {
    size_t n;
    switch (rng_below(r, 8)) {
    case 0:
    case 1:
        return test_random_stream(r, buf, cap, 12, 40, false);
    case 2:
        return test_random_stream(r, buf, cap, 4, 600, false);
    case 3:
        /* More empty frames than RF_MUT_MAX_FRAMES. */
        n = (RF_MUT_MAX_FRAMES + 50) * FRAME_HEADER_LEN;
        memset(buf, 0, n);
        return n;
    case 4:
        if (nplanted > 0) {
            const struct fileio_buf *s = &planted[rng_below(r, nplanted)];
            memcpy(buf, s->data, s->size);
            return s->size;
        }
        return test_random_stream(r, buf, cap, 6, 12, false);
    case 5:
        n = rng_below(r, 300);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)rng_next(r);
        return n;
    case 6:
        n = test_random_stream(r, buf, cap - 16, 3, 20, false);
        frame_store_le32(buf + n, 0xFFFFFFF0u);
        buf[n + 4] = 'x';
        return n + 5;
    default:
        return 0;
    }
}

static void make_dict(struct dict *d) {
    static const char *const words[] = {"PLNT", "GET ", "\xff\xff\xff\xff", "\x04\x01", "A"};
    dict_init(d);
    for (size_t i = 0; i < COUNT_OF(words); i++)
        assert_true(dict_add(d, (const uint8_t *)words[i], strlen(words[i])));
    uint8_t long_token[RF_DICT_MAX_TOKEN];
    memset(long_token, 'L', sizeof(long_token));
    assert_true(dict_add(d, long_token, sizeof(long_token)));
}

/* Heap buffers of exactly max_sizes[i] bytes, so ASan catches a write past max_size. */
static void alloc_outs(uint8_t *outs[COUNT_OF(max_sizes)]) {
    for (size_t i = 0; i < COUNT_OF(max_sizes); i++) {
        outs[i] = malloc(max_sizes[i]);
        assert_non_null(outs[i]);
    }
}

static void free_outs(uint8_t *outs[COUNT_OF(max_sizes)]) {
    for (size_t i = 0; i < COUNT_OF(max_sizes); i++)
        free(outs[i]);
}

struct run_stats {
    size_t calls, well_formed, malformed;
};

/* Mutates `calls` varied inputs with opts `tmpl` (max_size cycled through max_sizes) and
 * checks the contract on every output: never above max_size, never empty (max_size >= 4),
 * and malformed only when the call says it lied. */
static void run_mutations(struct frame_mutate *m, const struct frame_mutate_opts *tmpl,
                          size_t calls, uint64_t seed, struct run_stats *st) {
    static uint8_t in[INPUT_CAP], donor[INPUT_CAP];
    uint8_t *outs[COUNT_OF(max_sizes)];
    struct rng r;
    alloc_outs(outs);
    rng_seed(&r, seed);
    memset(st, 0, sizeof(*st));
    for (size_t c = 0; c < calls; c++) {
        size_t which = c % COUNT_OF(max_sizes);
        struct frame_mutate_opts o = *tmpl;
        o.max_size = max_sizes[which];
        size_t in_size = make_input(&r, in, sizeof(in));
        bool with_donor = rng_one_in(&r, 2);
        size_t donor_size = with_donor ? make_input(&r, donor, sizeof(donor)) : 0;
        size_t n = frame_mutate_mutate(m, &o, in, in_size, with_donor ? donor : NULL, donor_size,
                                       outs[which], rng_next(&r));
        assert_in_range(n, FRAME_HEADER_LEN, o.max_size);
        st->calls++;
        if (frame_is_well_formed(outs[which], n, UINT32_MAX)) {
            st->well_formed++;
        } else {
            st->malformed++;
            assert_non_null(strstr(frame_mutate_describe(m), "lie_len"));
        }
    }
    free_outs(outs);
}

static void mutate_once(struct frame_mutate *m, const struct frame_mutate_opts *o,
                        const uint8_t *in, size_t n, uint8_t *out, size_t *out_n, uint64_t seed) {
    *out_n = frame_mutate_mutate(m, o, in, n, NULL, 0, out, seed);
}

static void mutator_should_be_deterministic_for_a_seed(void **state) {
    (void)state;
    struct frame_mutate *a = frame_mutate_new(), *b = frame_mutate_new();
    assert_non_null(a);
    assert_non_null(b);
    struct dict d;
    make_dict(&d);
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 4096);
    o.dict = &d;
    static uint8_t in[INPUT_CAP], other[INPUT_CAP], out_a[4096], out_b[4096], first[4096];
    struct rng r;
    rng_seed(&r, 7);
    size_t differ = 0, seeds = 0;
    for (int i = 0; i < 300; i++) {
        size_t n = make_input(&r, in, sizeof(in));
        uint64_t seed = rng_next(&r);
        size_t na, nb, nfirst;
        mutate_once(a, &o, in, n, out_a, &na, seed);
        /* b's scratch state differs from a's: an unrelated call first. */
        size_t nother = make_input(&r, other, sizeof(other));
        mutate_once(b, &o, other, nother, out_b, &nb, seed ^ 0x5555);
        mutate_once(b, &o, in, n, out_b, &nb, seed);
        assert_int_equal(na, nb);
        assert_memory_equal(out_a, out_b, na);
        /* The same instance again: still the same bytes. */
        mutate_once(a, &o, in, n, out_b, &nb, seed);
        assert_int_equal(na, nb);
        assert_memory_equal(out_a, out_b, na);
        /* Other seeds, same input: most give other bytes. */
        memcpy(first, out_a, na);
        nfirst = na;
        for (uint64_t s = 1; s <= 8; s++) {
            mutate_once(a, &o, in, n, out_b, &nb, seed + s);
            seeds++;
            if (nb != nfirst || memcmp(out_b, first, nb) != 0)
                differ++;
        }
    }
    /* No-op mutations exist (copying a byte onto itself), but they are rare. */
    assert_true(differ * 10 >= seeds * 9);
    frame_mutate_free(a);
    frame_mutate_free(b);
}

static void mutator_should_keep_95_percent_well_formed_within_max_size(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    struct dict d;
    make_dict(&d);
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 0);
    o.dict = &d;
    assert_int_equal(o.lie_one_in, RF_MUT_LIE_ONE_IN);
    struct run_stats st;
    run_mutations(m, &o, 100000, 1, &st);
    assert_int_equal(st.calls, 100000);
    assert_true(st.well_formed * 100 >= st.calls * 95);
    /* The lie does happen: about one call in RF_MUT_LIE_ONE_IN. */
    assert_true(st.malformed > st.calls / RF_MUT_LIE_ONE_IN / 4);

    /* Every operation ran; the engine's needs a callback, and there was none. */
    const uint64_t *counts = frame_mutate_op_counts(m);
    for (int op = 0; op < FMUT_OP_COUNT; op++) {
        if (op == FMUT_ENGINE_BYTES)
            assert_int_equal(counts[op], 0);
        else if (counts[op] == 0)
            fail_msg("operation %s never applied", frame_mutate_op_name((enum frame_mutate_op)op));
    }
    frame_mutate_free(m);
}

static void mutator_should_always_be_well_formed_when_it_never_lies(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    struct dict d;
    make_dict(&d);
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 0);
    o.dict = &d;
    o.lie_one_in = 0;
    struct run_stats st;
    run_mutations(m, &o, 30000, 2, &st);
    assert_int_equal(st.well_formed, st.calls);
    frame_mutate_free(m);
}

struct fake_engine {
    size_t calls;
    size_t grow; /* bytes added past max_size: a misbehaving engine */
};

/* Deterministic stand-in for LLVMFuzzerMutate: flips the middle byte. */
static size_t fake_engine_mutate(uint8_t *data, size_t size, size_t max_size, void *arg) {
    struct fake_engine *e = arg;
    e->calls++;
    assert_in_range(size, 1, max_size);
    data[size / 2] ^= 0xFF;
    return e->grow > 0 ? max_size + e->grow : size;
}

static void mutator_should_apply_the_engine_operation_given_a_callback(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    struct fake_engine e = {0};
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 0);
    o.engine_mutate = fake_engine_mutate;
    o.engine_arg = &e;
    o.lie_one_in = 0;
    struct run_stats st;
    run_mutations(m, &o, 10000, 3, &st);
    assert_int_equal(st.well_formed, st.calls);
    assert_true(frame_mutate_op_counts(m)[FMUT_ENGINE_BYTES] > 0);
    assert_int_equal(frame_mutate_op_counts(m)[FMUT_ENGINE_BYTES], e.calls);
    frame_mutate_free(m);
}

static void mutator_should_refuse_an_engine_result_above_capacity(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    struct fake_engine e = {.grow = 1};
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 0);
    o.engine_mutate = fake_engine_mutate;
    o.engine_arg = &e;
    o.lie_one_in = 0;
    struct run_stats st;
    run_mutations(m, &o, 5000, 4, &st);
    assert_int_equal(st.well_formed, st.calls);
    assert_true(e.calls > 0);
    assert_int_equal(frame_mutate_op_counts(m)[FMUT_ENGINE_BYTES], 0);
    frame_mutate_free(m);
}

static void mutator_should_return_0_when_no_frame_fits(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 3);
    uint8_t *out = malloc(3);
    assert_non_null(out);
    const uint8_t in[] = {1, 0, 0, 0, 'a'};
    for (uint64_t seed = 0; seed < 200; seed++) {
        assert_int_equal(frame_mutate_mutate(m, &o, in, sizeof(in), in, sizeof(in), out, seed), 0);
        assert_int_equal(frame_mutate_mutate(m, &o, in, 0, NULL, 0, out, seed), 0);
    }
    free(out);
    frame_mutate_free(m);
}

static bool known_name(const char *name, size_t len) {
    static const char *const extras[] = {"lie_len", "crossover_cut", "crossover_splice"};
    for (int op = 0; op < FMUT_OP_COUNT; op++) {
        const char *n = frame_mutate_op_name((enum frame_mutate_op)op);
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return true;
    }
    for (size_t i = 0; i < COUNT_OF(extras); i++)
        if (strlen(extras[i]) == len && memcmp(extras[i], name, len) == 0)
            return true;
    return false;
}

static void describe_should_name_only_the_operations_of_the_table(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    struct dict d;
    make_dict(&d);
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 1024);
    o.dict = &d;
    static uint8_t in[INPUT_CAP], out[1024];
    struct rng r;
    rng_seed(&r, 5);
    for (int i = 0; i < 2000; i++) {
        size_t n = make_input(&r, in, sizeof(in));
        frame_mutate_mutate(m, &o, in, n, in, n, out, rng_next(&r));
        const char *desc = frame_mutate_describe(m);
        size_t names = 0;
        for (const char *p = desc; *p != '\0';) {
            const char *comma = strchr(p, ',');
            size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
            if (!known_name(p, len))
                fail_msg("unknown operation name in \"%s\"", desc);
            names++;
            p += len + (comma != NULL);
        }
        /* At most RF_MUT_STACK operations plus one lie. */
        assert_in_range(names, 0, RF_MUT_STACK + 1);
    }
    assert_string_equal(frame_mutate_op_name((enum frame_mutate_op)FMUT_OP_COUNT), "?");
    frame_mutate_free(m);
}

static void crossover_should_be_well_formed_within_max_size(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    static uint8_t a[INPUT_CAP], b[INPUT_CAP];
    uint8_t *outs[COUNT_OF(max_sizes)];
    alloc_outs(outs);
    struct rng r;
    rng_seed(&r, 6);
    size_t malformed = 0, calls = 20000;
    for (size_t c = 0; c < calls; c++) {
        size_t which = c % COUNT_OF(max_sizes);
        struct frame_mutate_opts o;
        frame_mutate_default_opts(&o, max_sizes[which]);
        /* Half the calls never lie: those must all be well-formed. */
        bool honest = c % 2 == 0;
        if (honest)
            o.lie_one_in = 0;
        size_t na = make_input(&r, a, sizeof(a)), nb = make_input(&r, b, sizeof(b));
        size_t n = frame_mutate_crossover(m, &o, a, na, b, nb, outs[which], rng_next(&r));
        assert_in_range(n, FRAME_HEADER_LEN, o.max_size);
        if (!frame_is_well_formed(outs[which], n, UINT32_MAX)) {
            assert_false(honest);
            assert_non_null(strstr(frame_mutate_describe(m), "lie_len"));
            malformed++;
        }
    }
    assert_true(malformed * 100 <= calls * 5);
    free_outs(outs);
    frame_mutate_free(m);
}

/* libFuzzer mutates in place: out is the input buffer. The result must be the one an
 * out-of-place call with the same seed gives. */
static void mutator_should_work_in_place(void **state) {
    (void)state;
    struct frame_mutate *m = frame_mutate_new();
    assert_non_null(m);
    struct dict d;
    make_dict(&d);
    static uint8_t in[INPUT_CAP], donor[INPUT_CAP], inplace[INPUT_CAP], expect[INPUT_CAP];
    struct rng r;
    rng_seed(&r, 8);
    for (int i = 0; i < 5000; i++) {
        struct frame_mutate_opts o;
        frame_mutate_default_opts(&o, max_sizes[i % COUNT_OF(max_sizes)]);
        o.dict = &d;
        size_t n = make_input(&r, in, sizeof(in));
        if (n > o.max_size)
            n = o.max_size; /* libFuzzer never passes more than max_size in place */
        size_t nd = make_input(&r, donor, sizeof(donor));
        uint64_t seed = rng_next(&r);

        size_t ne = frame_mutate_mutate(m, &o, in, n, NULL, 0, expect, seed);
        memcpy(inplace, in, n);
        size_t ni = frame_mutate_mutate(m, &o, inplace, n, NULL, 0, inplace, seed);
        assert_int_equal(ni, ne);
        assert_memory_equal(inplace, expect, ne);

        ne = frame_mutate_crossover(m, &o, in, n, donor, nd, expect, seed);
        memcpy(inplace, in, n);
        ni = frame_mutate_crossover(m, &o, inplace, n, donor, nd, inplace, seed);
        assert_int_equal(ni, ne);
        assert_memory_equal(inplace, expect, ne);
    }
    frame_mutate_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mutator_should_be_deterministic_for_a_seed),
        cmocka_unit_test(mutator_should_keep_95_percent_well_formed_within_max_size),
        cmocka_unit_test(mutator_should_always_be_well_formed_when_it_never_lies),
        cmocka_unit_test(mutator_should_apply_the_engine_operation_given_a_callback),
        cmocka_unit_test(mutator_should_refuse_an_engine_result_above_capacity),
        cmocka_unit_test(mutator_should_return_0_when_no_frame_fits),
        cmocka_unit_test(describe_should_name_only_the_operations_of_the_table),
        cmocka_unit_test(crossover_should_be_well_formed_within_max_size),
        cmocka_unit_test(mutator_should_work_in_place),
    };
    return cmocka_run_group_tests(tests, load_planted, free_planted);
}
