/* Payload shapes and the target config: every field kind parsed and honoured by the
 * generator, bad shapes refused, seeds deterministic and well-formed. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "dict.h"
#include "frame.h"
#include "rng.h"
#include "seedgen.h"
#include "shape.h"
#include "target_config.h"

/* One message per concern, so a payload can be checked field by field. */
static const char all_kinds[] =
    "{\"max_frame_len\": 512, \"messages\": ["
    " {\"name\": \"ints\", \"weight\": 3, \"fields\": ["
    "   {\"u8\": 7}, {\"u8\": [10, 20]}, {\"u16le\": [1000, 1010]}, {\"u32le\": 305419896},"
    "   {\"one_of_u8\": [1, 5, 9]}, {\"const\": \"cafe\"}, {\"u16le\": 4660}]},"
    " {\"name\": \"len16\", \"fields\": ["
    "   {\"u8\": 2}, {\"len16le\": \"rest\"}, {\"ascii\": [2, 4]}, {\"sum8\": \"before\"}]},"
    " {\"name\": \"len8\", \"fields\": ["
    "   {\"len8\": \"rest\"}, {\"bytes\": [0, 5]}, {\"xor8\": \"before\"}]},"
    " {\"name\": \"len32\", \"fields\": ["
    "   {\"u8\": 3}, {\"len32le\": \"rest\"}, {\"bytes\": [1, 3]}, {\"const\": \"cafe\"},"
    "   {\"xor8\": \"before\"}, {\"sum8\": \"before\"}]}],"
    " \"dict\": [\"deadbeef\", \"50\"]}";

enum { MSG_INTS, MSG_LEN16, MSG_LEN8, MSG_LEN32, MSG_COUNT };

static cJSON *parse_json(const char *text) {
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    return j;
}

static uint8_t sum8(const uint8_t *p, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc = (uint8_t)(acc + p[i]);
    return acc;
}

static uint8_t xor8(const uint8_t *p, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc ^= p[i];
    return acc;
}

static uint32_t le(const uint8_t *p, size_t width) {
    uint32_t v = 0;
    for (size_t k = 0; k < width; k++)
        v |= (uint32_t)p[k] << (8 * k);
    return v;
}

static void check_ints(const uint8_t *p, size_t n) {
    assert_int_equal(n, 13);
    assert_int_equal(p[0], 7);
    assert_in_range(p[1], 10, 20);
    assert_in_range(le(p + 2, 2), 1000, 1010);
    assert_int_equal(le(p + 4, 4), 305419896);
    assert_true(p[8] == 1 || p[8] == 5 || p[8] == 9);
    assert_memory_equal(p + 9, "\xca\xfe", 2);
    assert_int_equal(le(p + 11, 2), 4660);
}

static void check_len16(const uint8_t *p, size_t n) {
    assert_in_range(n, 1 + 2 + 2 + 1, 1 + 2 + 4 + 1);
    assert_int_equal(p[0], 2);
    assert_int_equal(le(p + 1, 2), n - 3);
    for (size_t k = 3; k < n - 1; k++)
        assert_in_range(p[k], 0x21, 0x7e);
    assert_int_equal(p[n - 1], sum8(p, n - 1));
}

static void check_len8(const uint8_t *p, size_t n) {
    assert_in_range(n, 1 + 0 + 1, 1 + 5 + 1);
    assert_int_equal(p[0], n - 1);
    assert_int_equal(p[n - 1], xor8(p, n - 1));
}

static void check_len32(const uint8_t *p, size_t n) {
    assert_in_range(n, 1 + 4 + 1 + 2 + 2, 1 + 4 + 3 + 2 + 2);
    assert_int_equal(p[0], 3);
    assert_int_equal(le(p + 1, 4), n - 5);
    assert_memory_equal(p + n - 4, "\xca\xfe", 2);
    assert_int_equal(p[n - 2], xor8(p, n - 2));
    /* The sum comes after the xor, so it covers the xor byte too. */
    assert_int_equal(p[n - 1], sum8(p, n - 1));
}

static void shape_parse_should_read_every_field_kind(void **state) {
    (void)state;
    cJSON *frames = parse_json(all_kinds);
    struct shape_set s;
    assert_true(shape_parse(frames, "test", &s));
    assert_int_equal(s.count, MSG_COUNT);
    assert_int_equal(s.max_frame_len, 512);
    assert_int_equal(s.total_weight, 3 + 1 + 1 + 1);
    assert_string_equal(s.msgs[MSG_INTS].name, "ints");
    assert_int_equal(s.msgs[MSG_INTS].nfields, 7);
    const struct shape_field *f = s.msgs[MSG_INTS].fields;
    assert_int_equal(f[0].kind, SHAPE_U8);
    assert_int_equal(f[0].lo, 7);
    assert_int_equal(f[0].hi, 7);
    assert_int_equal(f[1].lo, 10);
    assert_int_equal(f[1].hi, 20);
    assert_int_equal(f[2].kind, SHAPE_U16LE);
    assert_int_equal(f[3].kind, SHAPE_U32LE);
    assert_int_equal(f[4].kind, SHAPE_ONE_OF_U8);
    assert_int_equal(f[4].nbytes, 3);
    assert_int_equal(f[5].kind, SHAPE_CONST);
    assert_int_equal(f[5].nbytes, 2);
    assert_int_equal(s.msgs[MSG_LEN16].fields[1].kind, SHAPE_LEN16LE);
    assert_int_equal(s.msgs[MSG_LEN16].fields[2].kind, SHAPE_ASCII);
    assert_int_equal(s.msgs[MSG_LEN16].fields[3].kind, SHAPE_SUM8);
    assert_int_equal(s.msgs[MSG_LEN8].fields[0].kind, SHAPE_LEN8);
    assert_int_equal(s.msgs[MSG_LEN8].fields[1].kind, SHAPE_BYTES);
    assert_int_equal(s.msgs[MSG_LEN8].fields[2].kind, SHAPE_XOR8);
    assert_int_equal(s.msgs[MSG_LEN32].fields[1].kind, SHAPE_LEN32LE);
    shape_free(&s);
    cJSON_Delete(frames);
}

static void shape_gen_payload_should_respect_every_field(void **state) {
    (void)state;
    cJSON *frames = parse_json(all_kinds);
    struct shape_set s;
    assert_true(shape_parse(frames, "test", &s));
    void (*const check[MSG_COUNT])(const uint8_t *, size_t) = {
        [MSG_INTS] = check_ints,
        [MSG_LEN16] = check_len16,
        [MSG_LEN8] = check_len8,
        [MSG_LEN32] = check_len32,
    };
    struct rng r;
    rng_seed(&r, 31);
    uint8_t buf[256];
    bool seen_lo = false, seen_hi = false;
    for (int i = 0; i < 4000; i++) {
        size_t m = (size_t)i % MSG_COUNT;
        size_t n = shape_gen_payload(&s.msgs[m], &r, buf, sizeof(buf));
        check[m](buf, n);
        if (m == MSG_INTS) {
            seen_lo |= buf[1] == 10;
            seen_hi |= buf[1] == 20;
        }
    }
    /* Ranges are inclusive at both ends. */
    assert_true(seen_lo && seen_hi);

    /* Over capacity, the message is cut and nothing is written past cap. */
    for (size_t cap = 0; cap < 13; cap++) {
        uint8_t *small = malloc(cap ? cap : 1);
        assert_non_null(small);
        assert_true(shape_gen_payload(&s.msgs[MSG_INTS], &r, small, cap) <= cap);
        free(small);
    }
    shape_free(&s);
    cJSON_Delete(frames);
}

static void shape_pick_should_follow_the_weights(void **state) {
    (void)state;
    cJSON *frames = parse_json(all_kinds);
    struct shape_set s;
    assert_true(shape_parse(frames, "test", &s));
    size_t hits[MSG_COUNT] = {0};
    struct rng r;
    rng_seed(&r, 32);
    for (int i = 0; i < 6000; i++)
        hits[shape_pick(&s, &r) - s.msgs]++;
    /* Expected 3000 / 1000 / 1000 / 1000. */
    assert_in_range(hits[MSG_INTS], 2700, 3300);
    for (int m = MSG_LEN16; m < MSG_COUNT; m++)
        assert_in_range(hits[m], 850, 1150);
    shape_free(&s);
    cJSON_Delete(frames);
}

static void shape_parse_should_reject_bad_shapes(void **state) {
    (void)state;
    static const char *const bad[] = {
        "{\"u9\": 1}",
        "{\"u8\": [5, 2]}",
        "{\"u8\": 256}",
        "{\"u8\": -1}",
        "{\"u8\": [1, 2, 3]}",
        "{\"u16le\": 65536}",
        "{\"u32le\": 4294967296}",
        "{\"one_of_u8\": []}",
        "{\"one_of_u8\": [1, 300]}",
        "{\"one_of_u8\": [1, \"2\"]}",
        "{\"const\": \"abc\"}",
        "{\"const\": \"zz\"}",
        "{\"const\": \"\"}",
        "{\"const\": 12}",
        "{\"bytes\": [0, 65537]}",
        "{\"len8\": \"all\"}",
        "{\"len16le\": 2}",
        "{\"sum8\": \"after\"}",
        "{\"xor8\": \"rest\"}",
        "{\"u8\": 1, \"u16le\": 2}",
        "{}",
        "[1]",
        /* a length that cannot hold what follows it */
        "{\"len8\": \"rest\"}, {\"bytes\": [300, 300]}",
        "{\"len16le\": \"rest\"}, {\"ascii\": [0, 65536]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[256];
        int n = snprintf(text, sizeof(text),
                         "{\"messages\": [{\"name\": \"ok\", \"fields\": [{\"u8\": 1}]},"
                         " {\"name\": \"bad\", \"fields\": [{\"u8\": 1}, %s]}]}",
                         bad[i]);
        assert_true(n > 0 && (size_t)n < sizeof(text));
        cJSON *frames = parse_json(text);
        struct shape_set s;
        if (shape_parse(frames, "test", &s))
            fail_msg("accepted field %s", bad[i]);
        assert_int_equal(s.count, 0);
        assert_null(s.msgs);
        cJSON_Delete(frames);
    }
    static const char *const bad_sets[] = {
        "{}",
        "{\"messages\": []}",
        "{\"messages\": {}}",
        "{\"messages\": [{\"fields\": []}]}",
        "{\"messages\": [{\"name\": \"x\"}]}",
        "{\"messages\": [{\"name\": 1, \"fields\": []}]}",
    };
    for (size_t i = 0; i < sizeof(bad_sets) / sizeof(bad_sets[0]); i++) {
        cJSON *frames = parse_json(bad_sets[i]);
        struct shape_set s;
        if (shape_parse(frames, "test", &s))
            fail_msg("accepted %s", bad_sets[i]);
        cJSON_Delete(frames);
    }
}

static void shape_collect_dict_should_collect_constants(void **state) {
    (void)state;
    cJSON *frames = parse_json(all_kinds);
    struct shape_set s;
    assert_true(shape_parse(frames, "test", &s));
    struct dict d;
    dict_init(&d);
    assert_true(shape_collect_dict(frames, &s, &d));
    static const struct {
        const char *bytes;
        size_t len;
    } want[] = {
        {"\xca\xfe", 2},         /* const (twice in the config, kept once) */
        {"\x78\x56\x34\x12", 4}, /* constant u32le 305419896 */
        {"\x34\x12", 2},         /* constant u16le 4660 */
        {"\xde\xad\xbe\xef", 4}, /* frames.dict */
        {"\x50", 1},
        {"\x07", 1}, /* constant u8 */
        {"\x02", 1}, /* constant u8 */
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        size_t hits = 0;
        for (size_t k = 0; k < d.count; k++)
            hits += d.tokens[k].len == want[i].len &&
                    memcmp(d.tokens[k].data, want[i].bytes, want[i].len) == 0;
        if (hits != 1)
            fail_msg("token %zu found %zu times", i, hits);
    }
    /* Ranges are not constants. */
    for (size_t k = 0; k < d.count; k++)
        assert_false(d.tokens[k].len == 2 && le(d.tokens[k].data, 2) >= 1000 &&
                     le(d.tokens[k].data, 2) <= 1010);
    shape_free(&s);
    cJSON_Delete(frames);

    /* A dict entry that is not hex fails the collection. */
    frames = parse_json("{\"messages\": [{\"name\": \"a\", \"fields\": [{\"u8\": 1}]}],"
                        " \"dict\": [\"0g\"]}");
    assert_true(shape_parse(frames, "test", &s));
    dict_init(&d);
    assert_false(shape_collect_dict(frames, &s, &d));
    shape_free(&s);
    cJSON_Delete(frames);
}

static void seedgen_should_be_deterministic_and_well_formed(void **state) {
    (void)state;
    cJSON *frames = parse_json(all_kinds);
    struct shape_set s;
    assert_true(shape_parse(frames, "test", &s));
    static uint8_t a[4096], b[4096];
    size_t differ = 0;
    for (uint64_t seed = 0; seed < 500; seed++) {
        size_t na = seedgen_frames_one(&s, seed, a, sizeof(a));
        size_t nb = seedgen_frames_one(&s, seed, b, sizeof(b));
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        struct frame_stream fs;
        assert_int_equal(frame_parse(a, na, s.max_frame_len, 64, &fs, NULL), FRAME_OK);
        assert_in_range(fs.count, 2, 6);
        frame_stream_free(&fs);
        if (seed > 0 && seedgen_frames_one(&s, seed - 1, b, sizeof(b)) != na)
            differ++;
    }
    assert_true(differ > 100);
    /* Small capacities: never past cap, still well-formed. */
    for (size_t cap = 0; cap < 40; cap++) {
        uint8_t *small = malloc(cap ? cap : 1);
        assert_non_null(small);
        size_t n = seedgen_frames_one(&s, cap, small, cap);
        assert_true(n <= cap);
        assert_true(frame_is_well_formed(small, n, UINT32_MAX));
        free(small);
    }
    shape_free(&s);
    cJSON_Delete(frames);
}

static bool parse_config(const char *text, struct target_config *c) {
    return target_config_parse(text, strlen(text), "racefuzz.json", c);
}

static void target_config_parse_should_accept_a_minimal_config(void **state) {
    (void)state;
    struct target_config c;
    assert_true(parse_config("{\"name\": \"planted\"}", &c));
    assert_string_equal(c.name, "planted");
    assert_null(target_config_section(&c, "frames"));
    target_config_free(&c);
    assert_true(parse_config(
        "{\"name\": \"x\", \"frames\": {\"messages\": []}, \"description\": \"d\"}", &c));
    assert_true(cJSON_IsObject(target_config_section(&c, "frames")));
    target_config_free(&c);
}

/* Runs target_config_parse with stderr captured into buf. */
static bool parse_config_capturing(const char *text, struct target_config *c, char *buf,
                                   size_t cap) {
    char path[] = "/tmp/test_shape_stderr.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    bool ok = parse_config(text, c);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    ssize_t n = pread(fd, buf, cap - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return ok;
}

static void target_config_parse_should_reject_bad_configs(void **state) {
    (void)state;
    struct target_config c;
    char err[1024];
    assert_false(parse_config_capturing("{\n  \"name\": \"x\",\n  oops\n}", &c, err, sizeof(err)));
    assert_non_null(strstr(err, "racefuzz.json:3:"));
    assert_null(c.root);
    assert_false(parse_config_capturing("", &c, err, sizeof(err)));
    assert_false(parse_config_capturing("{\"name\": \"x\", \"nmae\": 1}", &c, err, sizeof(err)));
    assert_non_null(strstr(err, "nmae"));
    assert_null(c.root);
    assert_false(parse_config_capturing("{\"frames\": {}}", &c, err, sizeof(err)));
    assert_non_null(strstr(err, "\"name\""));
    assert_false(parse_config("{\"name\": \"\"}", &c));
    assert_false(parse_config("{\"name\": \"a/b\"}", &c));
    assert_false(parse_config("{\"name\": 3}", &c));
    assert_false(parse_config("[{\"name\": \"x\"}]", &c));
    target_config_free(&c); /* harmless after a failure */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shape_parse_should_read_every_field_kind),
        cmocka_unit_test(shape_gen_payload_should_respect_every_field),
        cmocka_unit_test(shape_pick_should_follow_the_weights),
        cmocka_unit_test(shape_parse_should_reject_bad_shapes),
        cmocka_unit_test(shape_collect_dict_should_collect_constants),
        cmocka_unit_test(seedgen_should_be_deterministic_and_well_formed),
        cmocka_unit_test(target_config_parse_should_accept_a_minimal_config),
        cmocka_unit_test(target_config_parse_should_reject_bad_configs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
