/* Structure-preserving trimmer: every candidate well-formed and no larger than the
 * accepted stream, the step index bounded by the budget, and the result still doing what
 * the predicate asks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "frame_trim.h"
#include "rng.h"
#include "test_streams.h"

typedef bool (*trim_pred)(const uint8_t *buf, size_t size, void *arg);

/* The behaviour to keep: a frame whose payload is 0x04 followed by at least one byte. */
static bool has_commit(const uint8_t *buf, size_t size, void *arg) {
    (void)arg;
    return test_has_commit(buf, size);
}

static bool always(const uint8_t *buf, size_t size, void *arg) {
    (void)buf;
    (void)size;
    (void)arg;
    return true;
}

static bool never(const uint8_t *buf, size_t size, void *arg) {
    (void)buf;
    (void)size;
    (void)arg;
    return false;
}

static bool coin(const uint8_t *buf, size_t size, void *arg) {
    (void)buf;
    (void)size;
    return rng_one_in(arg, 2);
}

struct trim_run {
    int32_t budget;
    size_t steps;      /* frame_trim_result calls */
    size_t start_size; /* the normalised input */
    uint8_t *final;    /* copy of the accepted stream at the end */
    size_t final_size;
};

/* Drives the protocol as AFL++ does, checking its invariants at every step. */
static void run_trim(const uint8_t *in, size_t size, trim_pred pred, void *arg,
                     struct trim_run *run) {
    struct frame_trim t;
    memset(run, 0, sizeof(*run));
    run->budget = frame_trim_init(&t, in, size, UINT32_MAX);
    assert_true(run->budget >= 0);
    size_t accepted_size;
    const uint8_t *accepted = frame_trim_accepted(&t, &accepted_size);
    assert_true(frame_is_well_formed(accepted, accepted_size, UINT32_MAX));
    assert_true(accepted_size <= size);
    run->start_size = accepted_size;
    int32_t step = 0;
    while (step < run->budget) {
        const uint8_t *cand;
        size_t n = frame_trim_candidate(&t, &cand);
        assert_true(frame_is_well_formed(cand, n, UINT32_MAX));
        assert_true(n <= accepted_size);
        bool ok = pred(cand, n, arg);
        int32_t next = frame_trim_result(&t, ok);
        assert_true(next > step);
        assert_true(next <= run->budget);
        step = next;
        run->steps++;
        assert_true(run->steps <= (size_t)run->budget);
        size_t now;
        accepted = frame_trim_accepted(&t, &now);
        /* Success installs the candidate; failure keeps the accepted stream. */
        assert_int_equal(now, ok ? n : accepted_size);
        accepted_size = now;
    }
    accepted = frame_trim_accepted(&t, &accepted_size);
    run->final = malloc(accepted_size + 1);
    assert_non_null(run->final);
    memcpy(run->final, accepted, accepted_size);
    run->final_size = accepted_size;
    frame_trim_free(&t);
}

static size_t put_frame(uint8_t *buf, size_t off, const uint8_t *p, size_t len) {
    frame_store_le32(buf + off, (uint32_t)len);
    memcpy(buf + off + FRAME_HEADER_LEN, p, len);
    return off + FRAME_HEADER_LEN + len;
}

/* 20 filler frames around one commit frame with a long tail. */
static size_t bloated_stream(struct rng *r, uint8_t *buf) {
    size_t off = 0;
    uint8_t p[64];
    for (int i = 0; i < 20; i++) {
        size_t len = rng_below(r, sizeof(p));
        for (size_t k = 0; k < len; k++)
            p[k] = (uint8_t)(0x10 + rng_below(r, 0xE0)); /* never 0x04 */
        off = put_frame(buf, off, p, len);
        if (i == 13) {
            p[0] = 0x04;
            memset(p + 1, 0xAA, 40);
            off = put_frame(buf, off, p, 41);
        }
    }
    return off;
}

static void trim_should_shrink_a_bloated_stream_keeping_the_behaviour(void **state) {
    (void)state;
    struct rng r;
    rng_seed(&r, 11);
    uint8_t buf[2048];
    size_t n = bloated_stream(&r, buf);
    assert_true(has_commit(buf, n, NULL));
    struct trim_run run;
    run_trim(buf, n, has_commit, NULL, &run);
    assert_true(run.budget > 0);
    assert_true(has_commit(run.final, run.final_size, NULL));
    assert_true(frame_is_well_formed(run.final, run.final_size, UINT32_MAX));
    /* Every filler frame dropped; the commit payload halved down to 2 or 3 bytes. */
    assert_in_range(run.final_size, FRAME_HEADER_LEN + 2, FRAME_HEADER_LEN + 3);
    assert_int_equal(run.final[FRAME_HEADER_LEN], 0x04);
    free(run.final);
}

static void trim_should_hold_its_invariants_for_any_answers(void **state) {
    (void)state;
    struct rng r, answers;
    rng_seed(&r, 12);
    rng_seed(&answers, 13);
    uint8_t buf[4096];
    for (int i = 0; i < 500; i++) {
        size_t n = 0;
        if (i % 3 == 2) {
            /* Garbage: lenient split, malformed tails. */
            n = rng_below(&r, 200);
            for (size_t k = 0; k < n; k++)
                buf[k] = (uint8_t)rng_next(&r);
        } else {
            n = bloated_stream(&r, buf);
        }
        struct trim_run run;
        run_trim(buf, n, coin, &answers, &run);
        free(run.final);

        run_trim(buf, n, never, NULL, &run);
        assert_int_equal(run.final_size, run.start_size);
        free(run.final);

        run_trim(buf, n, always, NULL, &run);
        /* Accepting everything leaves one empty frame (or nothing, if nothing was there). */
        if (run.start_size > 0)
            assert_int_equal(run.final_size, run.budget > 0 ? FRAME_HEADER_LEN : run.start_size);
        free(run.final);
    }
}

static void trim_should_normalise_a_truncated_tail(void **state) {
    (void)state;
    /* A whole frame, then 2 bytes of a header: the tail would grow if kept, so it goes. */
    const uint8_t short_tail[] = {3, 0, 0, 0, 'a', 'b', 'c', 9, 9};
    struct frame_trim t;
    assert_true(frame_trim_init(&t, short_tail, sizeof(short_tail), UINT32_MAX) > 0);
    size_t n;
    const uint8_t *acc = frame_trim_accepted(&t, &n);
    assert_int_equal(n, 7);
    assert_memory_equal(acc, short_tail, 7);
    frame_trim_free(&t);

    /* A header claiming more than remains: its bytes become a frame of their own. */
    const uint8_t past_end[] = {1, 0, 0, 0, 'a', 0xff, 0xff, 0, 0, 'x', 'y', 'z'};
    const uint8_t fixed[] = {1, 0, 0, 0, 'a', 3, 0, 0, 0, 'x', 'y', 'z'};
    assert_true(frame_trim_init(&t, past_end, sizeof(past_end), UINT32_MAX) > 0);
    acc = frame_trim_accepted(&t, &n);
    assert_int_equal(n, sizeof(fixed));
    assert_memory_equal(acc, fixed, sizeof(fixed));
    frame_trim_free(&t);

    /* The normalised stream is what the trim then works on. */
    struct trim_run run;
    run_trim(past_end, sizeof(past_end), always, NULL, &run);
    assert_int_equal(run.start_size, sizeof(fixed));
    assert_int_equal(run.final_size, FRAME_HEADER_LEN);
    free(run.final);
}

static void trim_should_report_0_steps_when_nothing_can_be_trimmed(void **state) {
    (void)state;
    struct frame_trim t;
    assert_int_equal(frame_trim_init(&t, NULL, 0, UINT32_MAX), 0);
    frame_trim_free(&t);
    const uint8_t empty_frame[] = {0, 0, 0, 0};
    assert_int_equal(frame_trim_init(&t, empty_frame, sizeof(empty_frame), UINT32_MAX), 0);
    size_t n;
    const uint8_t *acc = frame_trim_accepted(&t, &n);
    assert_int_equal(n, sizeof(empty_frame));
    assert_memory_equal(acc, empty_frame, n);
    /* A result after the end is harmless and reports the (zero) budget. */
    assert_int_equal(frame_trim_result(&t, true), 0);
    frame_trim_free(&t);
    const uint8_t three[] = {1, 2, 3};
    assert_int_equal(frame_trim_init(&t, three, sizeof(three), UINT32_MAX), 0);
    frame_trim_free(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trim_should_shrink_a_bloated_stream_keeping_the_behaviour),
        cmocka_unit_test(trim_should_hold_its_invariants_for_any_answers),
        cmocka_unit_test(trim_should_normalise_a_truncated_tail),
        cmocka_unit_test(trim_should_report_0_steps_when_nothing_can_be_trimmed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
