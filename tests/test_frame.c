/* Frame codec: round trips, and every malformed shape rejected with its own error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "rng.h"
#include "test_streams.h"

static void frame_parse_should_round_trip_random_streams(void **state) {
    (void)state;
    struct rng r;
    rng_seed(&r, 42);
    uint8_t buf[512], out[512];
    for (int i = 0; i < 2000; i++) {
        size_t n = test_random_stream(&r, buf, sizeof(buf), 8, 39, false);
        struct frame_stream s;
        assert_int_equal(frame_parse(buf, n, 1024, 64, &s, NULL), FRAME_OK);
        assert_int_equal(frame_serialized_size(s.frames, s.count), n);
        assert_int_equal(frame_serialize(s.frames, s.count, out, sizeof(out)), n);
        assert_memory_equal(out, buf, n);
        frame_stream_free(&s);
    }
}

/* Copies exactly n bytes to the heap so ASan catches any read past the end. */
static enum frame_err parse_exact(const uint8_t *bytes, size_t n, uint32_t max, size_t *off) {
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, bytes, n);
    struct frame_stream s;
    enum frame_err e = frame_parse(p, n, max, 64, &s, off);
    frame_stream_free(&s);
    free(p);
    return e;
}

static void frame_parse_should_reject_truncated_length(void **state) {
    (void)state;
    const uint8_t b[] = {1, 0, 0, 0, 'x', 2, 0};
    size_t off = 0;
    for (size_t cut = 1; cut <= 3; cut++) {
        uint8_t tail[3] = {0};
        assert_int_equal(parse_exact(tail, cut, 100, &off), FRAME_ERR_TRUNCATED_HEAD);
    }
    assert_int_equal(parse_exact(b, sizeof(b), 100, &off), FRAME_ERR_TRUNCATED_HEAD);
    assert_int_equal(off, 5);
}

static void frame_parse_should_reject_length_past_end(void **state) {
    (void)state;
    const uint8_t b[] = {2, 0, 0, 0, 'o', 'k', 9, 0, 0, 0, 'a', 'b'};
    size_t off = 0;
    assert_int_equal(parse_exact(b, sizeof(b), 100, &off), FRAME_ERR_PAST_END);
    assert_int_equal(off, 6);
    const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 1};
    assert_int_equal(parse_exact(huge, sizeof(huge), UINT32_MAX, &off), FRAME_ERR_PAST_END);
}

static void frame_parse_should_reject_length_over_maximum(void **state) {
    (void)state;
    const uint8_t b[] = {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'};
    assert_int_equal(parse_exact(b, sizeof(b), 5, NULL), FRAME_OK);
    assert_int_equal(parse_exact(b, sizeof(b), 4, NULL), FRAME_ERR_TOO_LONG);
}

static void frame_parse_should_reject_too_many_frames(void **state) {
    (void)state;
    uint8_t b[4 * 10] = {0};
    struct frame_stream s;
    assert_int_equal(frame_parse(b, sizeof(b), 10, 9, &s, NULL), FRAME_ERR_TOO_MANY);
    assert_int_equal(frame_parse(b, sizeof(b), 10, 10, &s, NULL), FRAME_OK);
    assert_int_equal(s.count, 10);
    frame_stream_free(&s);
}

static void frame_errors_should_be_distinct_and_named(void **state) {
    (void)state;
    for (int a = 0; a < FRAME_ERR_COUNT; a++)
        for (int b = a + 1; b < FRAME_ERR_COUNT; b++)
            assert_string_not_equal(frame_strerror((enum frame_err)a),
                                    frame_strerror((enum frame_err)b));
    assert_string_equal(frame_strerror((enum frame_err)99), "unknown frame error");
}

static void frame_split_lenient_should_keep_malformed_tail_as_a_frame(void **state) {
    (void)state;
    const uint8_t b[] = {1, 0, 0, 0, 'a', 50, 0, 0, 0, 'x', 'y'};
    struct frame f[8];
    size_t n = frame_split_lenient(b, sizeof(b), 100, f, 8);
    assert_int_equal(n, 2);
    assert_int_equal(f[1].len, 2);
    assert_memory_equal(f[1].data, "xy", 2);
    const uint8_t t[] = {1, 0, 0, 0, 'a', 7, 7};
    n = frame_split_lenient(t, sizeof(t), 100, f, 8);
    assert_int_equal(n, 2);
    assert_int_equal(f[1].len, 2);
}

static void frame_serialize_should_refuse_small_buffer(void **state) {
    (void)state;
    struct frame f = {.data = (const uint8_t *)"abc", .len = 3};
    uint8_t out[6] = {0};
    assert_int_equal(frame_serialize(&f, 1, out, sizeof(out)), 0);
    assert_int_equal(out[0], 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frame_parse_should_round_trip_random_streams),
        cmocka_unit_test(frame_parse_should_reject_truncated_length),
        cmocka_unit_test(frame_parse_should_reject_length_past_end),
        cmocka_unit_test(frame_parse_should_reject_length_over_maximum),
        cmocka_unit_test(frame_parse_should_reject_too_many_frames),
        cmocka_unit_test(frame_errors_should_be_distinct_and_named),
        cmocka_unit_test(frame_split_lenient_should_keep_malformed_tail_as_a_frame),
        cmocka_unit_test(frame_serialize_should_refuse_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
