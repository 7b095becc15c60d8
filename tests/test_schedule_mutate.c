/* Schedule mutator: outputs parse (salvaging inputs that do not), fit max_size, repeat for
 * a seed, reach every operation; JSON bodies stay JSON unless told to break, frames bodies
 * stay well-formed with their fix-ups; duplication makes races; learned ids reach paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "fixup.h"
#include "frame.h"
#include "frame_mutate.h"
#include "rng.h"
#include "sched_model.h"
#include "schedule.h"
#include "schedule_mutate.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define BUF_CAP 8192
#define LEARNED_ID "learned-7f3a"

static const char order_json[] = "{\"sku\":1,\"qty\":2,\"note\":\"x\",\"tags\":[\"a\",\"b\"],"
                                 "\"gift\":false,\"meta\":{\"src\":null}}";
static const char auth_u1[] = "Authorization: Bearer tok-u1\r\nContent-Type: application/json\r\n";
static const char auth_u2[] = "Authorization: Bearer tok-u2\r\n";

static struct sched_model model;
static struct fixup_list fixups;
static struct dict dict;

/* A frame stream whose payloads satisfy len16le@0 (the fix-up the tests declare). */
static const uint8_t frames_body[] = {4, 0, 0, 0, 2, 0, 'h', 'i', 5, 0, 0, 0, 3, 0, 'a', 'b', 'c'};

struct seed {
    uint8_t buf[1024];
    size_t len;
};

static struct seed seeds[4];

static struct schedule_step step(uint8_t lane, uint8_t barrier, enum schedule_method m,
                                 const char *path, const char *headers, const void *body,
                                 size_t body_len) {
    return (struct schedule_step){.lane = lane,
                                  .barrier = barrier,
                                  .method = m,
                                  .path = (const uint8_t *)path,
                                  .path_len = (uint16_t)strlen(path),
                                  .headers = (const uint8_t *)headers,
                                  .headers_len = (uint16_t)strlen(headers),
                                  .body = body,
                                  .body_len = (uint32_t)body_len};
}

static size_t build(struct seed *s, uint8_t lanes, struct schedule_step *steps, size_t n) {
    struct schedule sc = {
        .version = SCHED_VERSION, .lanes = lanes, .repeat = 1, .steps = steps, .nsteps = n};
    assert_int_equal(schedule_check(&sc, NULL), SCHED_OK);
    s->len = schedule_serialize(&sc, s->buf, sizeof(s->buf));
    assert_true(s->len > 0);
    return s->len;
}

static int setup(void **state) {
    (void)state;
    memset(&model, 0, sizeof(model));
    bool ok =
        sched_model_add_endpoint(&model, SCHED_POST, "/v1/orders", auth_u1, SCHED_BODY_JSON,
                                 order_json) &&
        sched_model_add_endpoint(&model, SCHED_GET, "/v1/orders/{id}", auth_u1, SCHED_BODY_NONE,
                                 NULL) &&
        sched_model_add_endpoint(&model, SCHED_DELETE, "/v1/orders/{id}?force=1", auth_u2,
                                 SCHED_BODY_NONE, NULL) &&
        sched_model_add_endpoint(&model, SCHED_POST, "/v1/frames", "", SCHED_BODY_FRAMES, NULL) &&
        sched_model_add_endpoint(&model, SCHED_PUT, "/v1/users/{user}/cart", auth_u2,
                                 SCHED_BODY_RAW, "hello") &&
        sched_model_add_value(&model, "id", "1", 1) &&
        sched_model_add_value(&model, "id", "2", 1) &&
        sched_model_add_value(&model, "user", "alice", 5);
    assert_true(ok);
    const char *why;
    assert_true(fixup_parse("len16le@0", &fixups, &why));
    dict_init(&dict);
    dict_add(&dict, (const uint8_t *)"admin", 5);
    dict_add(&dict, (const uint8_t *)"\xff\xfe", 2);

    struct schedule_step one[] = {
        step(0, 0, SCHED_POST, "/v1/orders", auth_u1, order_json, strlen(order_json))};
    struct schedule_step race[] = {
        step(0, 1, SCHED_POST, "/v1/orders", auth_u1, order_json, strlen(order_json)),
        step(1, 1, SCHED_GET, "/v1/orders/1", auth_u1, "", 0),
        step(1, 0, SCHED_DELETE, "/v1/orders/2?force=1", auth_u2, "", 0)};
    struct schedule_step frames[] = {
        step(0, 0, SCHED_POST, "/v1/frames", "", frames_body, sizeof(frames_body)),
        step(0, 0, SCHED_PUT, "/v1/users/alice/cart", auth_u2, "hello", 5)};
    build(&seeds[0], 1, one, COUNT_OF(one));
    build(&seeds[1], 2, race, COUNT_OF(race));
    build(&seeds[2], 1, frames, COUNT_OF(frames));
    /* A schedule with its last step cut: salvage keeps the first steps. */
    build(&seeds[3], 2, race, COUNT_OF(race));
    seeds[3].len -= 3;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    sched_model_free(&model);
    return 0;
}

static void opts_for(struct schedule_mutate_opts *o, struct frame_mutate_opts *fo,
                     size_t max_size) {
    schedule_mutate_default_opts(o, max_size);
    frame_mutate_default_opts(fo, 0);
    fo->fixups = &fixups;
    fo->lie_one_in = 0;
    o->model = &model;
    o->frame_opts = fo;
    o->dict = &dict;
}

/* A deterministic stand-in for LLVMFuzzerMutate: flips one byte. */
static size_t fake_engine(uint8_t *data, size_t size, size_t max_size, void *arg) {
    struct rng *r = arg;
    (void)max_size;
    if (size > 0)
        data[rng_below(r, size)] ^= (uint8_t)(1 + rng_below(r, 255));
    return size;
}

static bool parses(const uint8_t *buf, size_t len) {
    struct schedule s;
    bool ok = schedule_parse(buf, len, &s, NULL) == SCHED_OK;
    schedule_free(&s);
    return ok;
}

static void schedule_mutate_should_keep_95_percent_decodable_over_100k_mutations(void **state) {
    (void)state;
    static const size_t max_sizes[] = {64, 256, 1024, 4096};
    static uint8_t cur[BUF_CAP], out[BUF_CAP];
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    struct rng r, er;
    assert_non_null(m);
    rng_seed(&r, 1);
    rng_seed(&er, 2);
    opts_for(&o, &fo, 0);
    o.engine_mutate = fake_engine;
    o.engine_arg = &er;
    size_t calls = 100000, decodable = 0, cur_len = 0;
    bool seen[SMUT_OP_COUNT] = {false};
    for (size_t c = 0; c < calls; c++) {
        o.max_size = max_sizes[rng_below(&r, COUNT_OF(max_sizes))];
        if (cur_len == 0 || rng_one_in(&r, 2)) {
            const struct seed *s = &seeds[rng_below(&r, COUNT_OF(seeds))];
            memcpy(cur, s->buf, s->len);
            cur_len = s->len;
        }
        const struct seed *d = &seeds[rng_below(&r, COUNT_OF(seeds))];
        size_t n = schedule_mutate_mutate(m, &o, cur, cur_len, rng_one_in(&r, 2) ? d->buf : NULL,
                                          d->len, out, rng_next(&r));
        assert_true(n <= o.max_size);
        decodable += parses(out, n);
        for (size_t k = 0; k < SMUT_OP_COUNT; k++)
            seen[k] |= strstr(schedule_mutate_describe(m),
                              schedule_mutate_op_name((enum schedule_mutate_op)k)) != NULL;
        memcpy(cur, out, n);
        cur_len = n;
    }
    printf("smut: %zu of %zu outputs decodable (%.3f%%)\n", decodable, calls,
           100.0 * (double)decodable / (double)calls);
    assert_true(decodable * 100 >= calls * 95);
    for (size_t k = 0; k < SMUT_OP_COUNT; k++) {
        if (!seen[k])
            fprintf(stderr, "never described: %s\n",
                    schedule_mutate_op_name((enum schedule_mutate_op)k));
        assert_true(seen[k]);
        assert_true(schedule_mutate_op_counts(m)[k] > 0);
    }
    schedule_mutate_free(m);
}

static void schedule_mutate_should_repeat_itself_for_the_same_seed(void **state) {
    (void)state;
    struct schedule_mutate *a = schedule_mutate_new(), *b = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t oa[BUF_CAP], ob[BUF_CAP], oc[BUF_CAP];
    assert_non_null(a);
    assert_non_null(b);
    opts_for(&o, &fo, 2048);
    size_t differ = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        const struct seed *s = &seeds[seed % COUNT_OF(seeds)], *d = &seeds[(seed / 4) % 4];
        size_t na = schedule_mutate_mutate(a, &o, s->buf, s->len, d->buf, d->len, oa, seed);
        size_t nb = schedule_mutate_mutate(b, &o, s->buf, s->len, d->buf, d->len, ob, seed);
        assert_int_equal(na, nb);
        assert_memory_equal(oa, ob, na);
        assert_string_equal(schedule_mutate_describe(a), schedule_mutate_describe(b));
        size_t nc =
            schedule_mutate_mutate(b, &o, s->buf, s->len, d->buf, d->len, oc, seed + 1000003);
        differ += na != nc || memcmp(oa, oc, na) != 0;
        na = schedule_mutate_crossover(a, &o, s->buf, s->len, d->buf, d->len, oa, seed);
        nb = schedule_mutate_crossover(b, &o, s->buf, s->len, d->buf, d->len, ob, seed);
        assert_int_equal(na, nb);
        assert_memory_equal(oa, ob, na);
    }
    assert_true(differ > 1800);
    schedule_mutate_free(a);
    schedule_mutate_free(b);
}

static void schedule_mutate_should_never_exceed_max_size_even_when_tiny(void **state) {
    (void)state;
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t out[BUF_CAP];
    struct rng r;
    rng_seed(&r, 3);
    opts_for(&o, &fo, 0);
    for (size_t c = 0; c < 20000; c++) {
        o.max_size = c % 3 == 0 ? rng_below(&r, 48) : rng_below(&r, 400);
        const struct seed *s = &seeds[rng_below(&r, COUNT_OF(seeds))];
        size_t n = c % 5 == 0
                       ? schedule_mutate_crossover(m, &o, s->buf, s->len, seeds[1].buf,
                                                   seeds[1].len, out, rng_next(&r))
                       : schedule_mutate_mutate(m, &o, s->buf, s->len, NULL, 0, out, rng_next(&r));
        assert_true(n <= o.max_size);
        if (o.max_size < SMUT_MIN_SIZE)
            assert_int_equal(n, 0);
        else
            assert_true(parses(out, n));
    }
    schedule_mutate_free(m);
}

static bool json_valid(const uint8_t *body, size_t len) {
    char *text = malloc(len + 1);
    assert_non_null(text);
    if (len > 0)
        memcpy(text, body, len);
    text[len] = '\0';
    cJSON *j = cJSON_ParseWithOpts(text, NULL, true);
    bool ok = j != NULL && strlen(text) == len;
    cJSON_Delete(j);
    free(text);
    return ok;
}

/* Counts, over many mutations of the one-step JSON seed, the JSON-endpoint steps whose
 * body parses and those whose body does not. */
static void count_json(unsigned invalid_one_in, size_t *valid, size_t *invalid) {
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t out[BUF_CAP];
    opts_for(&o, &fo, 4096);
    o.invalid_one_in = invalid_one_in;
    *valid = *invalid = 0;
    for (uint64_t seed = 0; seed < 5000; seed++) {
        size_t n = schedule_mutate_mutate(m, &o, seeds[0].buf, seeds[0].len, NULL, 0, out, seed);
        if (strstr(schedule_mutate_describe(m), "body_json") == NULL)
            continue;
        struct schedule s;
        assert_int_equal(schedule_parse(out, n, &s, NULL), SCHED_OK);
        for (size_t i = 0; i < s.nsteps; i++) {
            const struct schedule_step *st = &s.steps[i];
            const struct sched_endpoint *ep =
                sched_model_match(&model, st->method, st->path, st->path_len);
            if (ep != NULL && ep->body == SCHED_BODY_JSON)
                *(json_valid(st->body, st->body_len) ? valid : invalid) += 1;
        }
        schedule_free(&s);
    }
    schedule_mutate_free(m);
}

static void schedule_mutate_should_keep_json_bodies_valid_unless_told_to_break_them(void **state) {
    (void)state;
    size_t valid, invalid;
    count_json(0, &valid, &invalid);
    printf("smut: JSON bodies, never break: %zu valid, %zu invalid\n", valid, invalid);
    assert_true(valid > 1000);
    assert_true(invalid * 100 <= (valid + invalid) * 2);
    count_json(8, &valid, &invalid);
    printf("smut: JSON bodies, break 1 in 8: %zu valid, %zu invalid\n", valid, invalid);
    assert_true(invalid > 0);
    assert_true(valid > invalid * 3);
}

/* Every payload of a len16le@0 stream starts with the length of what follows. */
static bool fixups_hold(const uint8_t *body, size_t len) {
    struct frame_iter it;
    struct frame f;
    frame_iter_init(&it, body, len, UINT32_MAX);
    while (frame_iter_next(&it, &f) == FRAME_OK)
        if (f.len >= 2 && (size_t)(f.data[0] | f.data[1] << 8) != f.len - 2)
            return false;
    return true;
}

static void schedule_mutate_should_keep_frames_bodies_well_formed_with_fixups(void **state) {
    (void)state;
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t out[BUF_CAP];
    struct seed one;
    struct schedule_step st1 =
        step(0, 0, SCHED_POST, "/v1/frames", "", frames_body, sizeof(frames_body));
    build(&one, 1, &st1, 1);
    opts_for(&o, &fo, 4096);
    size_t bodies = 0, fixed = 0;
    for (uint64_t seed = 0; seed < 20000; seed++) {
        size_t n = schedule_mutate_mutate(m, &o, one.buf, one.len, NULL, 0, out, seed);
        /* Only the frames operation: others may move a body of another kind under the
         * frames endpoint. */
        if (strcmp(schedule_mutate_describe(m), "body_frames:fmut") != 0)
            continue;
        struct schedule s;
        assert_int_equal(schedule_parse(out, n, &s, NULL), SCHED_OK);
        for (size_t i = 0; i < s.nsteps; i++) {
            const struct schedule_step *st = &s.steps[i];
            const struct sched_endpoint *ep =
                sched_model_match(&model, st->method, st->path, st->path_len);
            if (ep == NULL || ep->body != SCHED_BODY_FRAMES)
                continue;
            bodies++;
            assert_true(frame_is_well_formed(st->body, st->body_len, UINT32_MAX));
            fixed += fixups_hold(st->body, st->body_len);
        }
        schedule_free(&s);
    }
    printf("smut: frames bodies: %zu, fix-ups hold in %zu\n", bodies, fixed);
    assert_true(bodies > 500);
    assert_true(fixed * 100 >= bodies * 85);
    schedule_mutate_free(m);
}

/* True when some barrier group has members on two different lanes. */
static bool has_cross_lane_group(const struct schedule *s) {
    for (size_t i = 0; i < s->nsteps; i++)
        for (size_t j = i + 1; j < s->nsteps; j++)
            if (s->steps[i].barrier != 0 && s->steps[i].barrier == s->steps[j].barrier &&
                s->steps[i].lane != s->steps[j].lane)
                return true;
    return false;
}

static void schedule_mutate_dup_step_should_make_a_barrier_group_on_two_lanes(void **state) {
    (void)state;
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t out[BUF_CAP];
    opts_for(&o, &fo, 4096);
    size_t dups = 0, races = 0;
    for (uint64_t seed = 0; seed < 20000; seed++) {
        size_t n = schedule_mutate_mutate(m, &o, seeds[0].buf, seeds[0].len, NULL, 0, out, seed);
        if (strcmp(schedule_mutate_describe(m), "dup_step") != 0)
            continue;
        struct schedule s;
        assert_int_equal(schedule_parse(out, n, &s, NULL), SCHED_OK);
        assert_int_equal(s.nsteps, 2);
        dups++;
        races += has_cross_lane_group(&s);
        schedule_free(&s);
    }
    printf("smut: %zu of %zu lone dup_step calls made a two-lane barrier group\n", races, dups);
    assert_true(dups > 100);
    assert_true(races * 100 >= dups * 40);
    schedule_mutate_free(m);
}

static bool path_has(const struct schedule *s, const char *what) {
    size_t n = strlen(what);
    for (size_t i = 0; i < s->nsteps; i++)
        for (size_t k = 0; k + n <= s->steps[i].path_len; k++)
            if (memcmp(s->steps[i].path + k, what, n) == 0)
                return true;
    return false;
}

static void schedule_mutate_should_put_learned_ids_into_paths(void **state) {
    (void)state;
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t out[BUF_CAP];
    opts_for(&o, &fo, 4096);
    assert_true(sched_model_add_value(&model, "id", LEARNED_ID, strlen(LEARNED_ID)));
    size_t hits = 0;
    for (uint64_t seed = 0; seed < 5000; seed++) {
        size_t n = schedule_mutate_mutate(m, &o, seeds[1].buf, seeds[1].len, NULL, 0, out, seed);
        struct schedule s;
        assert_int_equal(schedule_parse(out, n, &s, NULL), SCHED_OK);
        hits += path_has(&s, "/v1/orders/" LEARNED_ID);
        schedule_free(&s);
    }
    printf("smut: learned id in a path in %zu of 5000 outputs\n", hits);
    assert_true(hits > 50);
    schedule_mutate_free(m);
}

static void schedule_mutate_should_salvage_inputs_that_do_not_parse(void **state) {
    (void)state;
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t out[BUF_CAP], junk[300];
    struct rng r;
    rng_seed(&r, 9);
    opts_for(&o, &fo, 4096);
    size_t kept_prefix = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        size_t n = schedule_mutate_mutate(m, &o, seeds[3].buf, seeds[3].len, NULL, 0, out, seed);
        assert_true(parses(out, n));
        assert_non_null(strstr(schedule_mutate_describe(m), "salvage_prefix"));
        struct schedule s;
        assert_int_equal(schedule_parse(out, n, &s, NULL), SCHED_OK);
        kept_prefix += path_has(&s, "/v1/orders");
        schedule_free(&s);
        size_t jn = rng_below(&r, sizeof(junk));
        for (size_t k = 0; k < jn; k++)
            junk[k] = (uint8_t)rng_next(&r);
        n = schedule_mutate_mutate(m, &o, junk, jn, NULL, 0, out, seed);
        assert_true(parses(out, n));
        assert_true(n > SMUT_MIN_SIZE); /* a fresh schedule has steps */
    }
    assert_true(kept_prefix > 1900);
    schedule_mutate_free(m);
}

static void schedule_mutate_crossover_should_combine_the_lanes_of_both_parents(void **state) {
    (void)state;
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    struct frame_mutate_opts fo;
    static uint8_t out[BUF_CAP];
    opts_for(&o, &fo, 4096);
    size_t wide = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        size_t n = schedule_mutate_crossover(m, &o, seeds[1].buf, seeds[1].len, seeds[2].buf,
                                             seeds[2].len, out, seed);
        struct schedule s;
        assert_int_equal(schedule_parse(out, n, &s, NULL), SCHED_OK);
        wide += s.lanes == 3 && path_has(&s, "/v1/frames") &&
                strstr(schedule_mutate_describe(m), "crossover_lanes") != NULL;
        schedule_free(&s);
    }
    assert_true(wide > 200);
    schedule_mutate_free(m);
}

static void schedule_mutate_should_work_without_a_model(void **state) {
    (void)state;
    struct schedule_mutate *m = schedule_mutate_new();
    struct schedule_mutate_opts o;
    static uint8_t out[BUF_CAP];
    schedule_mutate_default_opts(&o, 1024);
    for (uint64_t seed = 0; seed < 5000; seed++) {
        const struct seed *s = &seeds[seed % COUNT_OF(seeds)];
        size_t n = schedule_mutate_mutate(m, &o, s->buf, s->len, NULL, 0, out, seed);
        assert_true(parses(out, n));
        n = schedule_mutate_mutate(m, &o, (const uint8_t *)"x", 1, NULL, 0, out, seed);
        assert_true(parses(out, n));
    }
    schedule_mutate_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedule_mutate_should_keep_95_percent_decodable_over_100k_mutations),
        cmocka_unit_test(schedule_mutate_should_repeat_itself_for_the_same_seed),
        cmocka_unit_test(schedule_mutate_should_never_exceed_max_size_even_when_tiny),
        cmocka_unit_test(schedule_mutate_should_keep_json_bodies_valid_unless_told_to_break_them),
        cmocka_unit_test(schedule_mutate_should_keep_frames_bodies_well_formed_with_fixups),
        cmocka_unit_test(schedule_mutate_dup_step_should_make_a_barrier_group_on_two_lanes),
        cmocka_unit_test(schedule_mutate_should_salvage_inputs_that_do_not_parse),
        cmocka_unit_test(schedule_mutate_crossover_should_combine_the_lanes_of_both_parents),
        cmocka_unit_test(schedule_mutate_should_work_without_a_model),
        /* Last: it adds a learned id to the shared model. */
        cmocka_unit_test(schedule_mutate_should_put_learned_ids_into_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
