/* Schedule codec and its JSON view: random valid schedules round-trip byte for byte, every
 * malformed shape is rejected with its own error (inputs on exact-size heap buffers, so
 * ASan sees any over-read), and the JSON view builds back exactly or names what is wrong. */
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

#include "frame.h"
#include "rng.h"
#include "schedule.h"
#include "schedule_json.h"

#define GEN_MAX_STEPS 12
#define GEN_ARENA 8192

/* A random valid schedule; its byte fields view `arena`. */
struct gen {
    struct schedule s;
    struct schedule_step steps[GEN_MAX_STEPS];
    uint8_t arena[GEN_ARENA];
    size_t used;
};

enum gen_kind { GEN_BINARY, GEN_TEXT, GEN_LINES };

/* Fills up to max bytes of one kind; header lines always end in "\r\n". */
static const uint8_t *gen_field(struct rng *r, struct gen *g, enum gen_kind kind, size_t max,
                                size_t *len) {
    uint8_t *p = g->arena + g->used;
    size_t n = rng_below(r, max + 1);
    for (size_t i = 0; i < n; i++)
        p[i] = kind == GEN_BINARY ? (uint8_t)rng_next(r) : (uint8_t)(0x20 + rng_below(r, 95));
    if (kind == GEN_LINES)
        for (size_t i = 0; i + 1 < n; i += 2 + rng_below(r, 12)) {
            p[i] = '\r';
            p[i + 1] = '\n';
        }
    if (kind == GEN_LINES && n >= 2)
        memcpy(p + n - 2, "\r\n", 2);
    g->used += n;
    *len = n;
    return p;
}

static void gen_step(struct rng *r, struct gen *g, struct schedule_step *st) {
    size_t n;
    st->lane = (uint8_t)rng_below(r, g->s.lanes);
    st->barrier = rng_one_in(r, 2) ? 0 : (uint8_t)rng_next(r);
    st->delay_us = rng_one_in(r, 2) ? 0 : (uint32_t)rng_next(r);
    st->method = (enum schedule_method)rng_below(r, SCHED_METHOD_COUNT);
    st->path = gen_field(r, g, rng_one_in(r, 4) ? GEN_BINARY : GEN_TEXT, 40, &n);
    st->path_len = (uint16_t)n;
    st->headers = gen_field(r, g, (enum gen_kind)rng_below(r, 3), 80, &n);
    st->headers_len = (uint16_t)n;
    st->body = gen_field(r, g, (enum gen_kind)rng_below(r, 2), 200, &n);
    st->body_len = (uint32_t)n;
}

static void gen_schedule(struct rng *r, struct gen *g) {
    g->used = 0;
    g->s.version = SCHED_VERSION;
    g->s.lanes = (uint8_t)(1 + rng_below(r, SCHED_MAX_LANES));
    g->s.repeat = (uint16_t)rng_next(r);
    g->s.jitter_seed = (uint32_t)rng_next(r);
    g->s.flags = rng_one_in(r, 2) ? 0 : (uint32_t)rng_next(r);
    g->s.nsteps = rng_below(r, GEN_MAX_STEPS + 1);
    g->s.steps = g->steps;
    for (size_t i = 0; i < g->s.nsteps; i++)
        gen_step(r, g, &g->steps[i]);
}

/* Serializes into a malloc'd buffer of exactly the right size. */
static uint8_t *serialize(const struct schedule *s, size_t *n) {
    *n = schedule_serialized_size(s);
    assert_true(*n >= FRAME_HEADER_LEN + SCHED_HEADER_LEN);
    uint8_t *buf = malloc(*n);
    assert_non_null(buf);
    assert_int_equal(schedule_serialize(s, buf, *n), *n);
    return buf;
}

static void assert_same_bytes(const uint8_t *a, const uint8_t *b, size_t n) {
    if (n > 0)
        assert_memory_equal(a, b, n);
}

static void assert_same_step(const struct schedule_step *a, const struct schedule_step *b) {
    assert_int_equal(a->lane, b->lane);
    assert_int_equal(a->barrier, b->barrier);
    assert_int_equal(a->delay_us, b->delay_us);
    assert_int_equal(a->method, b->method);
    assert_int_equal(a->path_len, b->path_len);
    assert_same_bytes(a->path, b->path, a->path_len);
    assert_int_equal(a->headers_len, b->headers_len);
    assert_same_bytes(a->headers, b->headers, a->headers_len);
    assert_int_equal(a->body_len, b->body_len);
    assert_same_bytes(a->body, b->body, a->body_len);
}

static void sched_parse_should_round_trip_random_schedules(void **state) {
    (void)state;
    struct rng r;
    static struct gen g;
    rng_seed(&r, 5);
    for (int i = 0; i < 2000; i++) {
        gen_schedule(&r, &g);
        assert_int_equal(schedule_check(&g.s, NULL), SCHED_OK);
        size_t n, err_step = 0;
        uint8_t *buf = serialize(&g.s, &n);
        struct schedule p;
        assert_int_equal(schedule_parse(buf, n, &p, &err_step), SCHED_OK);
        assert_int_equal(err_step, SCHED_NO_STEP);
        assert_int_equal(p.version, g.s.version);
        assert_int_equal(p.lanes, g.s.lanes);
        assert_int_equal(p.repeat, g.s.repeat);
        assert_int_equal(p.jitter_seed, g.s.jitter_seed);
        assert_int_equal(p.flags, g.s.flags);
        assert_int_equal(p.nsteps, g.s.nsteps);
        for (size_t k = 0; k < p.nsteps; k++)
            assert_same_step(&p.steps[k], &g.steps[k]);
        size_t m;
        uint8_t *again = serialize(&p, &m);
        assert_int_equal(m, n);
        assert_memory_equal(again, buf, n);
        free(again);
        schedule_free(&p);
        free(buf);
    }
}

/* Parses a copy on an exact-size heap buffer so ASan catches any read past the end. */
static enum schedule_err parse_exact(const uint8_t *bytes, size_t n, size_t *err_step) {
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n > 0)
        memcpy(p, bytes, n);
    struct schedule s;
    enum schedule_err e = schedule_parse(p, n, &s, err_step);
    if (e != SCHED_OK) {
        assert_null(s.steps);
        assert_int_equal(s.nsteps, 0);
    }
    schedule_free(&s);
    free(p);
    return e;
}

/* A little builder for hand-made inputs: a header frame, then step frames. */
struct bytes {
    uint8_t b[4096];
    size_t n;
};

static void put_frame(struct bytes *o, const void *payload, size_t len) {
    assert_true(o->n + FRAME_HEADER_LEN + len <= sizeof(o->b));
    frame_store_le32(o->b + o->n, (uint32_t)len);
    memcpy(o->b + o->n + FRAME_HEADER_LEN, payload, len);
    o->n += FRAME_HEADER_LEN + len;
}

static void put_header(struct bytes *o, uint8_t version, uint8_t lanes) {
    const uint8_t h[SCHED_HEADER_LEN] = {version, lanes, 1, 0, 7, 0, 0, 0, 0, 0, 0, 0};
    put_frame(o, h, sizeof(h));
}

/* Step on lane 1, method POST, path "ab", no headers, body "xyz": 20 bytes. */
static const uint8_t good_step[] = {1,   0, 0, 0, 0, 0, 1, 2,   0,   'a',
                                    'b', 0, 0, 3, 0, 0, 0, 'x', 'y', 'z'};

static void sched_parse_should_accept_a_hand_made_schedule(void **state) {
    (void)state;
    struct bytes o = {.n = 0};
    put_header(&o, 1, 2);
    put_frame(&o, good_step, sizeof(good_step));
    struct schedule s;
    assert_int_equal(schedule_parse(o.b, o.n, &s, NULL), SCHED_OK);
    assert_int_equal(s.lanes, 2);
    assert_int_equal(s.repeat, 1);
    assert_int_equal(s.jitter_seed, 7);
    assert_int_equal(s.nsteps, 1);
    assert_int_equal(s.steps[0].lane, 1);
    assert_int_equal(s.steps[0].method, SCHED_POST);
    assert_memory_equal(s.steps[0].path, "ab", 2);
    assert_int_equal(s.steps[0].headers_len, 0);
    assert_memory_equal(s.steps[0].body, "xyz", 3);
    schedule_free(&s);
}

static void sched_parse_should_reject_missing_or_malformed_header(void **state) {
    (void)state;
    size_t err_step = 0;
    assert_int_equal(parse_exact(NULL, 0, &err_step), SCHED_ERR_NO_HEADER);
    assert_int_equal(err_step, SCHED_NO_STEP);
    const uint8_t cut[3] = {12, 0, 0};
    for (size_t n = 1; n <= 3; n++)
        assert_int_equal(parse_exact(cut, n, &err_step), SCHED_ERR_FRAME_HEAD);
    const uint8_t past[] = {12, 0, 0, 0, 1, 2};
    assert_int_equal(parse_exact(past, sizeof(past), &err_step), SCHED_ERR_FRAME_PAST_END);
    assert_int_equal(err_step, SCHED_NO_STEP);
    uint8_t h[SCHED_HEADER_LEN + 1] = {1, 1};
    for (size_t len = 0; len < SCHED_HEADER_LEN; len++) {
        struct bytes o = {.n = 0};
        put_frame(&o, h, len);
        assert_int_equal(parse_exact(o.b, o.n, &err_step), SCHED_ERR_SHORT_HEADER);
    }
    struct bytes o = {.n = 0};
    put_frame(&o, h, sizeof(h));
    assert_int_equal(parse_exact(o.b, o.n, &err_step), SCHED_ERR_LONG_HEADER);
}

static void sched_parse_should_reject_unknown_version_and_bad_lane_counts(void **state) {
    (void)state;
    static const struct {
        uint8_t version, lanes;
        enum schedule_err want;
    } cases[] = {{0, 1, SCHED_ERR_VERSION}, {2, 1, SCHED_ERR_VERSION}, {255, 1, SCHED_ERR_VERSION},
                 {1, 0, SCHED_ERR_LANES},   {1, 17, SCHED_ERR_LANES},  {1, 255, SCHED_ERR_LANES},
                 {1, 1, SCHED_OK},          {1, 16, SCHED_OK}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bytes o = {.n = 0};
        put_header(&o, cases[i].version, cases[i].lanes);
        size_t err_step = 0;
        assert_int_equal(parse_exact(o.b, o.n, &err_step), cases[i].want);
        assert_int_equal(err_step, SCHED_NO_STEP);
    }
}

static void sched_parse_should_reject_more_than_256_steps(void **state) {
    (void)state;
    static uint8_t buf[16 + 257 * (4 + SCHED_STEP_MIN_LEN)];
    const uint8_t step[SCHED_STEP_MIN_LEN] = {0};
    struct schedule s;
    size_t n = 0, err_step = 0;
    frame_store_le32(buf, SCHED_HEADER_LEN);
    buf[4] = 1;
    buf[5] = 1;
    n = 16;
    for (int i = 0; i < 257; i++) {
        frame_store_le32(buf + n, sizeof(step));
        memcpy(buf + n + 4, step, sizeof(step));
        n += 4 + sizeof(step);
    }
    assert_int_equal(parse_exact(buf, n, &err_step), SCHED_ERR_TOO_MANY_STEPS);
    assert_int_equal(err_step, 256);
    assert_int_equal(schedule_parse(buf, n - 4 - sizeof(step), &s, NULL), SCHED_OK);
    assert_int_equal(s.nsteps, 256);
    schedule_free(&s);
}

/* good_step cut to every shorter length (the frame length says so, so the frame itself is
 * well formed): the error names what the cut falls in. */
static void sched_parse_should_reject_truncated_steps_by_where_they_end(void **state) {
    (void)state;
    for (size_t len = 0; len < sizeof(good_step); len++) {
        struct bytes o = {.n = 0};
        put_header(&o, 1, 2);
        put_frame(&o, good_step, sizeof(good_step));
        put_frame(&o, good_step, len);
        enum schedule_err want = SCHED_ERR_STEP_TRUNCATED;
        if ((len >= 9 && len < 11) || len >= 17)
            want = SCHED_ERR_INNER_PAST_END;
        size_t err_step = 0;
        assert_int_equal(parse_exact(o.b, o.n, &err_step), want);
        assert_int_equal(err_step, 1);
    }
}

static void sched_parse_should_reject_inner_lengths_past_the_frame(void **state) {
    (void)state;
    static const size_t len_at[] = {7, 11, 13}; /* path, headers, body length fields */
    for (size_t i = 0; i < 3; i++) {
        uint8_t s[sizeof(good_step)];
        memcpy(s, good_step, sizeof(s));
        s[len_at[i]] = 0xff;
        struct bytes o = {.n = 0};
        put_header(&o, 1, 2);
        put_frame(&o, s, sizeof(s));
        size_t err_step = SCHED_NO_STEP;
        assert_int_equal(parse_exact(o.b, o.n, &err_step), SCHED_ERR_INNER_PAST_END);
        assert_int_equal(err_step, 0);
    }
}

static void sched_parse_should_reject_bytes_after_the_body(void **state) {
    (void)state;
    uint8_t s[sizeof(good_step) + 1];
    memcpy(s, good_step, sizeof(good_step));
    s[sizeof(good_step)] = '!';
    struct bytes o = {.n = 0};
    put_header(&o, 1, 2);
    put_frame(&o, s, sizeof(s));
    assert_int_equal(parse_exact(o.b, o.n, NULL), SCHED_ERR_STEP_TRAILING);
}

static void sched_parse_should_reject_broken_step_frames(void **state) {
    (void)state;
    struct bytes o = {.n = 0};
    put_header(&o, 1, 2);
    put_frame(&o, good_step, sizeof(good_step));
    size_t whole = o.n, err_step = 0;
    o.b[o.n++] = 20; /* a cut length field after step 0 */
    assert_int_equal(parse_exact(o.b, o.n, &err_step), SCHED_ERR_FRAME_HEAD);
    assert_int_equal(err_step, 1);
    /* step 0's frame cut short: its length runs past the end */
    assert_int_equal(parse_exact(o.b, whole - 1, &err_step), SCHED_ERR_FRAME_PAST_END);
    assert_int_equal(err_step, 0);
}

static void sched_parse_should_reject_bad_lanes_and_methods(void **state) {
    (void)state;
    static const struct {
        size_t at;
        uint8_t value;
        enum schedule_err want;
    } cases[] = {{0, 2, SCHED_ERR_BAD_LANE},
                 {0, 255, SCHED_ERR_BAD_LANE},
                 {6, 6, SCHED_ERR_BAD_METHOD},
                 {6, 255, SCHED_ERR_BAD_METHOD},
                 {6, 5, SCHED_OK},
                 {0, 0, SCHED_OK}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t s[sizeof(good_step)];
        memcpy(s, good_step, sizeof(s));
        s[cases[i].at] = cases[i].value;
        struct bytes o = {.n = 0};
        put_header(&o, 1, 2);
        put_frame(&o, good_step, sizeof(good_step));
        put_frame(&o, s, sizeof(s));
        size_t err_step = 0;
        assert_int_equal(parse_exact(o.b, o.n, &err_step), cases[i].want);
        assert_int_equal(err_step, cases[i].want == SCHED_OK ? SCHED_NO_STEP : 1);
    }
}

static void sched_errors_should_each_have_their_own_message(void **state) {
    (void)state;
    for (int i = 0; i < SCHED_ERR_COUNT; i++) {
        assert_non_null(schedule_strerror((enum schedule_err)i));
        for (int k = 0; k < i; k++)
            assert_string_not_equal(schedule_strerror((enum schedule_err)i),
                                    schedule_strerror((enum schedule_err)k));
    }
    assert_string_equal(schedule_strerror(SCHED_ERR_COUNT), "unknown schedule error");
}

static void sched_method_names_should_round_trip(void **state) {
    (void)state;
    for (int m = 0; m < SCHED_METHOD_COUNT; m++) {
        enum schedule_method back = SCHED_METHOD_COUNT;
        assert_true(schedule_method_parse(schedule_method_name((enum schedule_method)m), &back));
        assert_int_equal(back, m);
    }
    enum schedule_method untouched = SCHED_GET;
    assert_false(schedule_method_parse("post", &untouched));
    assert_false(schedule_method_parse("CONNECT", &untouched));
    assert_false(schedule_method_parse("", &untouched));
    assert_int_equal(untouched, SCHED_GET);
    assert_null(schedule_method_name(SCHED_METHOD_COUNT));
}

static void sched_serialize_should_refuse_a_small_buffer(void **state) {
    (void)state;
    struct schedule_step st = {
        .lane = 0, .method = SCHED_GET, .path = (const uint8_t *)"/", .path_len = 1};
    struct schedule s = {.version = 1, .lanes = 1, .steps = &st, .nsteps = 1};
    uint8_t out[64];
    size_t need = schedule_serialized_size(&s);
    assert_int_equal(need, 16 + 4 + SCHED_STEP_MIN_LEN + 1);
    memset(out, 0xAA, sizeof(out));
    assert_int_equal(schedule_serialize(&s, out, need - 1), 0);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0xAA);
    assert_int_equal(schedule_serialize(&s, out, need), need);
}

static void sched_check_should_reject_what_parse_rejects(void **state) {
    (void)state;
    struct schedule_step st = {.lane = 1, .method = SCHED_GET};
    struct schedule s = {.version = 1, .lanes = 2, .steps = &st, .nsteps = 1};
    size_t err_step = 0;
    assert_int_equal(schedule_check(&s, &err_step), SCHED_OK);
    st.lane = 2;
    assert_int_equal(schedule_check(&s, &err_step), SCHED_ERR_BAD_LANE);
    assert_int_equal(err_step, 0);
    st.lane = 0;
    st.method = SCHED_METHOD_COUNT;
    assert_int_equal(schedule_check(&s, &err_step), SCHED_ERR_BAD_METHOD);
    st.method = SCHED_GET;
    st.body_len = UINT32_MAX;
    assert_int_equal(schedule_check(&s, &err_step), SCHED_ERR_STEP_TOO_LONG);
    assert_int_equal(schedule_serialized_size(&s), 0);
    st.body_len = 0;
    s.version = 2;
    assert_int_equal(schedule_check(&s, &err_step), SCHED_ERR_VERSION);
    assert_int_equal(err_step, SCHED_NO_STEP);
    s.version = 1;
    s.lanes = 17;
    assert_int_equal(schedule_check(&s, &err_step), SCHED_ERR_LANES);
}

/* ---- JSON view ---- */

/* bytes -> view -> text -> view -> build must give back the bytes, and the rebuilt bytes'
 * view must equal the first view. */
static void assert_json_round_trip(const uint8_t *buf, size_t n) {
    struct schedule s, again;
    assert_int_equal(schedule_parse(buf, n, &s, NULL), SCHED_OK);
    cJSON *view = schedule_json_view(&s);
    assert_non_null(view);
    char *text = cJSON_PrintUnformatted(view);
    assert_non_null(text);
    cJSON *reparsed = cJSON_Parse(text);
    assert_non_null(reparsed);
    uint8_t *out = NULL;
    size_t out_size = 0;
    assert_true(schedule_json_build(reparsed, "test", &out, &out_size));
    assert_int_equal(out_size, n);
    assert_memory_equal(out, buf, n);
    assert_int_equal(schedule_parse(out, out_size, &again, NULL), SCHED_OK);
    cJSON *view2 = schedule_json_view(&again);
    assert_true(cJSON_Compare(view, view2, true));
    cJSON_Delete(view2);
    schedule_free(&again);
    free(out);
    cJSON_Delete(reparsed);
    cJSON_free(text);
    cJSON_Delete(view);
    schedule_free(&s);
}

static void json_view_should_round_trip_random_schedules(void **state) {
    (void)state;
    struct rng r;
    static struct gen g;
    rng_seed(&r, 6);
    for (int i = 0; i < 1000; i++) {
        gen_schedule(&r, &g);
        size_t n;
        uint8_t *buf = serialize(&g.s, &n);
        assert_json_round_trip(buf, n);
        free(buf);
    }
}

static const cJSON *step_field(const cJSON *view, int i, const char *key) {
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(view, "steps");
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(steps, i), key);
}

static void json_view_should_show_text_lines_and_hex(void **state) {
    (void)state;
    static const char hdrs[] = "Authorization: Bearer tok-u1\r\nX-A: 1\r\n";
    struct schedule_step st[2] = {{.lane = 1,
                                   .barrier = 1,
                                   .method = SCHED_POST,
                                   .path = (const uint8_t *)"/v1/orders",
                                   .path_len = 10,
                                   .headers = (const uint8_t *)hdrs,
                                   .headers_len = sizeof(hdrs) - 1,
                                   .body = (const uint8_t *)"{\"sku\":1}",
                                   .body_len = 9},
                                  {.lane = 0,
                                   .method = SCHED_GET,
                                   .path = (const uint8_t *)"/\x01",
                                   .path_len = 2,
                                   .headers = (const uint8_t *)"X: 1",
                                   .headers_len = 4,
                                   .body = (const uint8_t *)"\0",
                                   .body_len = 1}};
    struct schedule s = {
        .version = 1, .lanes = 2, .repeat = 1, .jitter_seed = 7, .steps = st, .nsteps = 2};
    cJSON *view = schedule_json_view(&s);
    assert_non_null(view);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(view, "format")->valuestring, "schedule");
    assert_string_equal(step_field(view, 0, "method")->valuestring, "POST");
    assert_string_equal(step_field(view, 0, "path")->valuestring, "/v1/orders");
    const cJSON *h = step_field(view, 0, "headers");
    assert_int_equal(cJSON_GetArraySize(h), 2);
    assert_string_equal(cJSON_GetArrayItem(h, 0)->valuestring, "Authorization: Bearer tok-u1");
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(step_field(view, 0, "body"), "text")->valuestring,
        "{\"sku\":1}");
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(step_field(view, 1, "path"), "hex")->valuestring, "2f01");
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(step_field(view, 1, "headers"), "text")->valuestring,
        "X: 1");
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(step_field(view, 1, "body"), "hex")->valuestring, "00");
    cJSON_Delete(view);
}

/* Runs a build with stderr sent to a temporary file; returns what was logged (static). */
static const char *build_logged(const char *json, bool *ok) {
    static char log[512];
    cJSON *view = cJSON_Parse(json);
    assert_non_null(view);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(fileno(stderr));
    assert_true(saved >= 0 && dup2(fileno(tmp), fileno(stderr)) >= 0);
    uint8_t *out = NULL;
    size_t n = 0;
    *ok = schedule_json_build(view, "ORIGIN", &out, &n);
    fflush(stderr);
    assert_true(dup2(saved, fileno(stderr)) >= 0);
    close(saved);
    rewind(tmp);
    size_t got = fread(log, 1, sizeof(log) - 1, tmp);
    log[got] = '\0';
    fclose(tmp);
    free(out);
    cJSON_Delete(view);
    return log;
}

static void assert_build_fails_with(const char *json, const char *message) {
    bool ok = true;
    const char *log = build_logged(json, &ok);
    if (ok || strstr(log, message) == NULL)
        fail_msg("%s: wanted \"%s\", logged \"%s\"", json, message, log);
}

#define STEP0 "{\"lane\": 0, \"method\": \"GET\", \"path\": \"/\"}"

static void json_build_should_name_origin_step_and_field(void **state) {
    (void)state;
    assert_build_fails_with("{\"lanes\": 2, \"steps\": [" STEP0 ", " STEP0 ", " STEP0 ", "
                            "{\"lane\": 5, \"method\": \"GET\", \"path\": \"/\"}]}",
                            "ORIGIN: steps[3].lane: 5 is not below lanes (2)");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [" STEP0 ", "
                            "{\"lane\": 0, \"method\": \"FETCH\", \"path\": \"/\"}]}",
                            "ORIGIN: steps[1].method: FETCH is not one of");
    assert_build_fails_with("{\"lanes\": 1}", "ORIGIN: steps: missing");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": {}}", "ORIGIN: steps: missing");
    assert_build_fails_with("{\"steps\": []}", "ORIGIN: lanes: missing");
    assert_build_fails_with("{\"lanes\": 17, \"steps\": []}", "ORIGIN: lanes: expected");
    assert_build_fails_with("{\"lanes\": 1, \"version\": 2, \"steps\": []}", "ORIGIN: version");
    assert_build_fails_with("{\"format\": \"frames\", \"lanes\": 1, \"steps\": []}",
                            "ORIGIN: format");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [{\"method\": \"GET\", \"path\": \"/\"}]}",
                            "ORIGIN: steps[0].lane: missing");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [{\"lane\": 0, \"method\": \"GET\"}]}",
                            "ORIGIN: steps[0].path: missing");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [{\"lane\": 0.5, \"method\": \"GET\", "
                            "\"path\": \"/\"}]}",
                            "ORIGIN: steps[0].lane: expected an integer");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [{\"lane\": 0, \"method\": \"GET\", "
                            "\"path\": \"/\", \"barrier\": 256}]}",
                            "ORIGIN: steps[0].barrier: expected an integer in 0..255");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [{\"lane\": 0, \"method\": \"GET\", "
                            "\"path\": \"/\", \"headers\": [\"A: 1\\r\\nB: 2\"]}]}",
                            "ORIGIN: steps[0].headers: every header line");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [{\"lane\": 0, \"method\": \"GET\", "
                            "\"path\": \"/\", \"body\": {\"hex\": \"abc\"}}]}",
                            "ORIGIN: steps[0].body: \"hex\" has an odd length");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [{\"lane\": 0, \"method\": \"GET\", "
                            "\"path\": \"/\", \"body\": \"plain\"}]}",
                            "ORIGIN: steps[0].body: needs a \"hex\" or a \"text\" string");
    assert_build_fails_with("{\"lanes\": 1, \"steps\": [3]}", "ORIGIN: steps[0]: expected");
    assert_build_fails_with("[]", "ORIGIN: expected a schedule object");
}

static void json_build_should_fill_defaults_for_hand_written_views(void **state) {
    (void)state;
    bool ok = false;
    cJSON *view = cJSON_Parse("{\"lanes\": 2, \"steps\": [{\"lane\": 1, \"method\": \"POST\", "
                              "\"path\": \"/v1/orders\", \"headers\": [\"A: 1\"], "
                              "\"body\": {\"text\": \"hi\"}}]}");
    assert_non_null(view);
    uint8_t *out = NULL;
    size_t n = 0;
    ok = schedule_json_build(view, "test", &out, &n);
    assert_true(ok);
    struct schedule s;
    assert_int_equal(schedule_parse(out, n, &s, NULL), SCHED_OK);
    assert_int_equal(s.version, 1);
    assert_int_equal(s.repeat, 1);
    assert_int_equal(s.jitter_seed, 0);
    assert_int_equal(s.nsteps, 1);
    assert_int_equal(s.steps[0].barrier, 0);
    assert_int_equal(s.steps[0].delay_us, 0);
    assert_int_equal(s.steps[0].headers_len, 6);
    assert_memory_equal(s.steps[0].headers, "A: 1\r\n", 6);
    assert_memory_equal(s.steps[0].body, "hi", 2);
    schedule_free(&s);
    free(out);
    cJSON_Delete(view);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sched_parse_should_round_trip_random_schedules),
        cmocka_unit_test(sched_parse_should_accept_a_hand_made_schedule),
        cmocka_unit_test(sched_parse_should_reject_missing_or_malformed_header),
        cmocka_unit_test(sched_parse_should_reject_unknown_version_and_bad_lane_counts),
        cmocka_unit_test(sched_parse_should_reject_more_than_256_steps),
        cmocka_unit_test(sched_parse_should_reject_truncated_steps_by_where_they_end),
        cmocka_unit_test(sched_parse_should_reject_inner_lengths_past_the_frame),
        cmocka_unit_test(sched_parse_should_reject_bytes_after_the_body),
        cmocka_unit_test(sched_parse_should_reject_broken_step_frames),
        cmocka_unit_test(sched_parse_should_reject_bad_lanes_and_methods),
        cmocka_unit_test(sched_errors_should_each_have_their_own_message),
        cmocka_unit_test(sched_method_names_should_round_trip),
        cmocka_unit_test(sched_serialize_should_refuse_a_small_buffer),
        cmocka_unit_test(sched_check_should_reject_what_parse_rejects),
        cmocka_unit_test(json_view_should_round_trip_random_schedules),
        cmocka_unit_test(json_view_should_show_text_lines_and_hex),
        cmocka_unit_test(json_build_should_name_origin_step_and_field),
        cmocka_unit_test(json_build_should_fill_defaults_for_hand_written_views),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
