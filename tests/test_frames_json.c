/* JSON view of a frame stream: bytes -> view -> bytes is exact for any input, malformed
 * ones included, and building refuses views that disagree with themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "frame.h"
#include "frames_json.h"
#include "rng.h"
#include "test_streams.h"

/* view -> build, and view -> text -> parse -> build (what the CLI does), must both give
 * back exactly the bytes. */
static void assert_round_trip(const uint8_t *buf, size_t size) {
    cJSON *view = frames_json_view(buf, size);
    assert_non_null(view);
    const cJSON *sz = cJSON_GetObjectItemCaseSensitive(view, "size");
    assert_true(cJSON_IsNumber(sz));
    assert_true(sz->valuedouble == (double)size);

    uint8_t *out = NULL;
    size_t out_size = 0;
    assert_true(frames_json_build(view, "test", &out, &out_size));
    assert_int_equal(out_size, size);
    if (size > 0)
        assert_memory_equal(out, buf, size);
    free(out);

    char *text = cJSON_PrintUnformatted(view);
    assert_non_null(text);
    cJSON *reparsed = cJSON_Parse(text);
    assert_non_null(reparsed);
    assert_true(frames_json_build(reparsed, "test", &out, &out_size));
    assert_int_equal(out_size, size);
    if (size > 0)
        assert_memory_equal(out, buf, size);
    free(out);
    cJSON_Delete(reparsed);
    cJSON_free(text);
    cJSON_Delete(view);
}

static void view_should_round_trip_random_streams(void **state) {
    (void)state;
    struct rng r;
    rng_seed(&r, 21);
    uint8_t buf[512];
    for (int i = 0; i < 2000; i++) {
        size_t n = test_random_stream(&r, buf, sizeof(buf), 8, 39, true);
        assert_true(frame_is_well_formed(buf, n, UINT32_MAX));
        assert_round_trip(buf, n);
    }
}

static void view_should_round_trip_malformed_streams(void **state) {
    (void)state;
    struct rng r;
    rng_seed(&r, 22);
    uint8_t buf[600];
    for (int i = 0; i < 2000; i++) {
        size_t n = test_random_stream(&r, buf, 500, 8, 39, true);
        switch (i % 4) {
        case 0: /* truncated header: 1..3 bytes */
            for (size_t k = 0, tail = 1 + rng_below(&r, 3); k < tail; k++)
                buf[n++] = (uint8_t)rng_next(&r);
            break;
        case 1: /* length past the end, printable or not */
            frame_store_le32(buf + n, 100 + (uint32_t)rng_below(&r, 0xFFFFFF));
            n += FRAME_HEADER_LEN;
            for (size_t k = 0, tail = rng_below(&r, 50); k < tail; k++)
                buf[n++] = (uint8_t)rng_next(&r);
            break;
        case 2: /* a whole stream cut anywhere */
            n = n > 0 ? rng_below(&r, n) : 0;
            break;
        default: /* garbage */
            n = rng_below(&r, 100);
            for (size_t k = 0; k < n; k++)
                buf[k] = (uint8_t)rng_next(&r);
            break;
        }
        assert_round_trip(buf, n);
    }
}

static const cJSON *frame_at(const cJSON *view, int i) {
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(view, "frames"), i);
}

static void view_should_show_printable_payloads_as_text_and_others_as_hex(void **state) {
    (void)state;
    const uint8_t b[] = {5,   0,   0,  0, 'h', 'e', 'l',  'l', 'o', /* text */
                         2,   0,   0,  0, 1,   2,                   /* hex */
                         0,   0,   0,  0,                           /* empty: hex "" */
                         3,   0,   0,  0, ' ', '~', 0x7f,           /* one byte outside */
                         2,   0,   0,  0, ' ', '~',                 /* both ends of printable */
                         'a', 'b', 'c'};                            /* truncated header */
    cJSON *view = frames_json_view(b, sizeof(b));
    assert_non_null(view);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(view, "format")->valuestring, "frames");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(view, "frames")), 5);
    static const struct {
        const char *key, *value;
        double len;
    } want[] = {{"text", "hello", 5},
                {"hex", "0102", 2},
                {"hex", "", 0},
                {"hex", "207e7f", 3},
                {"text", " ~", 2}};
    for (int i = 0; i < 5; i++) {
        const cJSON *f = frame_at(view, i);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, want[i].key);
        assert_true(cJSON_IsString(v));
        assert_string_equal(v->valuestring, want[i].value);
        assert_null(
            cJSON_GetObjectItemCaseSensitive(f, strcmp(want[i].key, "hex") ? "hex" : "text"));
        assert_true(cJSON_GetObjectItemCaseSensitive(f, "len")->valuedouble == want[i].len);
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(view, "trailing");
    assert_non_null(t);
    assert_true(cJSON_GetObjectItemCaseSensitive(t, "offset")->valuedouble == sizeof(b) - 3);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(t, "error")->valuestring,
                        frame_strerror(FRAME_ERR_TRUNCATED_HEAD));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(t, "text")->valuestring, "abc");
    cJSON_Delete(view);

    /* A well-formed stream has no "trailing". */
    view = frames_json_view(b, 9);
    assert_non_null(view);
    assert_null(cJSON_GetObjectItemCaseSensitive(view, "trailing"));
    cJSON_Delete(view);
}

/* Builds from JSON text; returns whether it succeeded (the bytes are checked when given). */
static bool build_text(const char *json, const void *expect, size_t expect_size) {
    cJSON *view = cJSON_Parse(json);
    assert_non_null(view);
    uint8_t *out = NULL;
    size_t n = 0;
    bool ok = frames_json_build(view, "test.json", &out, &n);
    cJSON_Delete(view);
    if (ok && expect != NULL) {
        assert_int_equal(n, expect_size);
        assert_memory_equal(out, expect, n);
    }
    free(out);
    return ok;
}

static void build_should_accept_views_written_by_hand(void **state) {
    (void)state;
    assert_true(build_text("{\"frames\": [{\"text\": \"hi\"}, {\"len\": 1, \"hex\": \"FF\"}]}",
                           "\x02\x00\x00\x00hi\x01\x00\x00\x00\xff", 11));
    assert_true(build_text("{\"frames\": []}", "", 0));
    assert_true(build_text("{\"frames\": [], \"trailing\": {\"hex\": \"0102\"}}", "\x01\x02", 2));
}

static void build_should_reject_inconsistent_views(void **state) {
    (void)state;
    static const char *const bad[] = {
        "{\"frames\": [{\"len\": 3, \"text\": \"hi\"}]}",
        "{\"frames\": [{\"len\": 2, \"hex\": \"010\"}]}",
        "{\"frames\": [{\"hex\": \"zz\"}]}",
        "{\"frames\": [{\"len\": \"2\", \"text\": \"hi\"}]}",
        "{\"frames\": [{\"len\": 0}]}",
        "{\"frames\": [{\"text\": \"ok\"}, {\"hex\": 12}]}",
        "{\"frames\": {\"text\": \"hi\"}}",
        "{\"format\": \"frames\", \"size\": 0}",
        "[]",
        "{\"frames\": [], \"trailing\": {\"hex\": \"abc\"}}",
        "{\"frames\": [{\"text\": \"ok\"}], \"trailing\": {}}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (build_text(bad[i], NULL, 0))
            fail_msg("accepted: %s", bad[i]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(view_should_round_trip_random_streams),
        cmocka_unit_test(view_should_round_trip_malformed_streams),
        cmocka_unit_test(view_should_show_printable_payloads_as_text_and_others_as_hex),
        cmocka_unit_test(build_should_accept_views_written_by_hand),
        cmocka_unit_test(build_should_reject_inconsistent_views),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
