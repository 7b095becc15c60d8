/* Schedule seeds: deterministic, always valid schedules, every endpoint covered, race
 * shapes present, and the committed orders seeds are what the documented command writes
 * and round-trip through their JSON view. */
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

#include "endpoints.h"
#include "fileio.h"
#include "sched_seedgen.h"
#include "schedule.h"
#include "schedule_json.h"
#include "shape.h"
#include "target_config.h"

#define ORDERS_CONFIG RF_SOURCE_DIR "/targets/orders/racefuzz.json"
#define ORDERS_SEEDS RF_SOURCE_DIR "/corpus/orders/schedule"
/* What corpus/README.md says wrote ORDERS_SEEDS: --count 45 --seed 1. */
#define ORDERS_COUNT 45
#define ORDERS_SEED 1

struct orders {
    struct target_config c;
    struct sched_model m;
    struct shape_set shapes;
};

static int orders_setup(void **state) {
    struct orders *o = calloc(1, sizeof(*o));
    assert_non_null(o);
    assert_true(target_config_load(ORDERS_CONFIG, &o->c));
    assert_true(endpoints_load(&o->c, &o->m));
    assert_true(shape_parse(target_config_section(&o->c, "frames"), o->c.path, &o->shapes));
    *state = o;
    return 0;
}

static int orders_teardown(void **state) {
    struct orders *o = *state;
    shape_free(&o->shapes);
    sched_model_free(&o->m);
    target_config_free(&o->c);
    free(o);
    return 0;
}

static void sched_seedgen_one_should_be_deterministic_and_parse(void **state) {
    struct orders *o = *state;
    static uint8_t a[SSEED_MAX_SEED], b[SSEED_MAX_SEED];
    for (uint64_t seed = 0; seed < 300; seed++) {
        enum sched_seedgen_kind kind = (enum sched_seedgen_kind)(seed % SSEED_KIND_COUNT);
        const struct shape_set *shapes = seed % 2 ? &o->shapes : NULL;
        size_t na = sched_seedgen_one(&o->m, shapes, kind, SSEED_ANY, seed, a, sizeof(a));
        size_t nb = sched_seedgen_one(&o->m, shapes, kind, SSEED_ANY, seed, b, sizeof(b));
        assert_true(na > 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        struct schedule s;
        assert_int_equal(schedule_parse(a, na, &s, NULL), SCHED_OK);
        assert_true(s.nsteps >= 1 && s.lanes >= 1);
        if (kind == SSEED_RACE)
            assert_true(s.lanes >= 2);
        schedule_free(&s);
    }
}

static void sched_seedgen_should_refuse_what_cannot_hold_a_seed(void **state) {
    struct orders *o = *state;
    uint8_t buf[16];
    struct sched_model empty = {0};
    assert_int_equal(sched_seedgen_one(&o->m, NULL, SSEED_KIND_COUNT, 0, 1, buf, sizeof(buf)), 0);
    assert_int_equal(sched_seedgen_one(&o->m, NULL, SSEED_SESSION, o->m.neps, 1, buf, sizeof(buf)),
                     0);
    assert_int_equal(sched_seedgen_one(&o->m, NULL, SSEED_SESSION, 0, 1, buf, sizeof(buf)), 0);
    assert_int_equal(sched_seedgen_one(&empty, NULL, SSEED_SESSION, SSEED_ANY, 1, buf, sizeof(buf)),
                     0);
    assert_int_equal(sched_seedgen_endpoint(&o->m, NULL, o->m.neps, 1, buf, sizeof(buf)), 0);
}

/* Whether path[0..len) is template tpl with every {name} filled by some text. */
static bool fills(const char *tpl, const uint8_t *path, size_t len) {
    size_t p = 0;
    while (*tpl != '\0') {
        if (*tpl == '{') {
            tpl = strchr(tpl, '}') + 1;
            while (p < len && path[p] != (uint8_t)*tpl && path[p] != '/')
                p++;
            continue;
        }
        if (p >= len || path[p] != (uint8_t)*tpl)
            return false;
        tpl++;
        p++;
    }
    return p == len;
}

static bool step_is(const struct schedule_step *st, const struct sched_endpoint *e) {
    return st->method == e->method && fills(e->path, st->path, st->path_len);
}

static void sched_seedgen_endpoint_should_send_that_endpoint_alone(void **state) {
    struct orders *o = *state;
    static uint8_t buf[SSEED_MAX_SEED];
    for (size_t i = 0; i < o->m.neps; i++) {
        const struct sched_endpoint *e = &o->m.eps[i];
        struct schedule s;
        size_t n = sched_seedgen_endpoint(&o->m, &o->shapes, i, i, buf, sizeof(buf));
        assert_int_equal(schedule_parse(buf, n, &s, NULL), SCHED_OK);
        assert_int_equal(s.nsteps, 1);
        assert_true(step_is(&s.steps[0], e));
        assert_int_equal(s.steps[0].headers_len, strlen(e->headers));
        assert_memory_equal(s.steps[0].headers, e->headers, s.steps[0].headers_len);
        if (e->example != NULL) {
            assert_int_equal(s.steps[0].body_len, strlen(e->example));
            assert_memory_equal(s.steps[0].body, e->example, s.steps[0].body_len);
        }
        if (e->body == SCHED_BODY_FRAMES)
            assert_true(s.steps[0].body_len > 0);
        if (e->body == SCHED_BODY_NONE)
            assert_int_equal(s.steps[0].body_len, 0);
        schedule_free(&s);
    }
}

/* Reads seed i of dir into b; false when there is no such file. */
static bool read_seed(const char *dir, size_t i, struct fileio_buf *b) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/seed-%04zu.bin", dir, i);
    if (access(path, F_OK) != 0)
        return false;
    assert_true(fileio_read(path, 1 << 20, b));
    return true;
}

/* True when two steps on different lanes share a non-zero barrier group. */
static bool has_race(const struct schedule *s) {
    for (size_t i = 0; i < s->nsteps; i++)
        for (size_t j = i + 1; j < s->nsteps; j++)
            if (s->steps[i].barrier != 0 && s->steps[i].barrier == s->steps[j].barrier &&
                s->steps[i].lane != s->steps[j].lane)
                return true;
    return false;
}

struct set_stats {
    size_t files, races, delayed, anonymous_repeats;
    bool covered[ENDPOINTS_MAX_COUNT];
};

/* The same request (method, path) sent again later on its lane without headers. */
static bool has_anonymous_repeat(const struct schedule *s) {
    for (size_t i = 0; i < s->nsteps; i++)
        for (size_t j = i + 1; j < s->nsteps; j++) {
            const struct schedule_step *a = &s->steps[i], *b = &s->steps[j];
            if (a->lane == b->lane && a->headers_len > 0 && b->headers_len == 0 &&
                a->method == b->method && a->path_len == b->path_len &&
                memcmp(a->path, b->path, a->path_len) == 0)
                return true;
        }
    return false;
}

static void scan_set(const struct sched_model *m, const char *dir, struct set_stats *st) {
    struct fileio_buf b;
    memset(st, 0, sizeof(*st));
    while (read_seed(dir, st->files, &b)) {
        struct schedule s;
        assert_int_equal(schedule_parse(b.data, b.size, &s, NULL), SCHED_OK);
        for (size_t k = 0; k < s.nsteps; k++) {
            for (size_t e = 0; e < m->neps; e++)
                st->covered[e] = st->covered[e] || step_is(&s.steps[k], &m->eps[e]);
            st->delayed += s.steps[k].delay_us > 0;
        }
        st->races += has_race(&s);
        st->anonymous_repeats += has_anonymous_repeat(&s);
        schedule_free(&s);
        fileio_buf_free(&b);
        st->files++;
    }
}

static void sched_seedgen_dir_should_cover_every_endpoint_and_race(void **state) {
    struct orders *o = *state;
    char dir[] = "/tmp/test_sched_seedgen.XXXXXX";
    struct set_stats st;
    assert_non_null(mkdtemp(dir));
    assert_true(sched_seedgen_dir(&o->m, &o->shapes, ORDERS_SEED, ORDERS_COUNT, dir));
    scan_set(&o->m, dir, &st);
    assert_int_equal(st.files, o->m.neps + ORDERS_COUNT);
    for (size_t e = 0; e < o->m.neps; e++)
        if (!st.covered[e])
            fail_msg("endpoint %zu (%s) is in no seed", e, o->m.eps[e].path);
    assert_true(st.races >= 1);
    assert_true(st.delayed >= 1);
    assert_true(st.anonymous_repeats >= 1);
    for (size_t i = 0; i < st.files; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/seed-%04zu.bin", dir, i);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* The committed set is exactly what `racefuzz corpus gen --format schedule --target orders
 * --count 45 --seed 1` writes: same count, same bytes. */
static void committed_orders_seeds_should_match_the_generator(void **state) {
    struct orders *o = *state;
    struct fileio_buf b;
    size_t i = 0;
    for (; read_seed(ORDERS_SEEDS, i, &b); i++)
        fileio_buf_free(&b);
    assert_int_equal(i, o->m.neps + ORDERS_COUNT);

    char dir[] = "/tmp/test_sched_seedgen.XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_true(sched_seedgen_dir(&o->m, &o->shapes, ORDERS_SEED, ORDERS_COUNT, dir));
    for (size_t k = 0; k < i; k++) {
        struct fileio_buf fresh, committed;
        assert_true(read_seed(dir, k, &fresh));
        assert_true(read_seed(ORDERS_SEEDS, k, &committed));
        assert_int_equal(fresh.size, committed.size);
        assert_memory_equal(fresh.data, committed.data, fresh.size);
        fileio_buf_free(&fresh);
        fileio_buf_free(&committed);
        char path[4096];
        snprintf(path, sizeof(path), "%s/seed-%04zu.bin", dir, k);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
}

static void committed_orders_seeds_should_round_trip_through_json(void **state) {
    (void)state;
    struct fileio_buf b;
    for (size_t i = 0; read_seed(ORDERS_SEEDS, i, &b); i++) {
        struct schedule s;
        assert_int_equal(schedule_parse(b.data, b.size, &s, NULL), SCHED_OK);
        cJSON *view = schedule_json_view(&s);
        char *text = cJSON_Print(view);
        cJSON *back = cJSON_Parse(text);
        uint8_t *out = NULL;
        size_t n = 0;
        assert_true(schedule_json_build(back, "view", &out, &n));
        assert_int_equal(n, b.size);
        assert_memory_equal(out, b.data, n);
        free(out);
        cJSON_Delete(back);
        free(text);
        cJSON_Delete(view);
        schedule_free(&s);
        fileio_buf_free(&b);
    }
}

/* Nothing in the generator is about orders: a bare model (no params, no headers, a frames
 * body without shapes) still yields valid seeds of every kind. */
static void sched_seedgen_should_work_on_a_bare_model(void **state) {
    (void)state;
    struct sched_model m = {0};
    static uint8_t buf[SSEED_MAX_SEED];
    assert_true(sched_model_add_endpoint(&m, SCHED_POST, "/in", NULL, SCHED_BODY_FRAMES, NULL));
    assert_true(
        sched_model_add_endpoint(&m, SCHED_GET, "/x/{missing}", NULL, SCHED_BODY_NONE, NULL));
    for (uint64_t seed = 0; seed < 60; seed++) {
        struct schedule s;
        size_t n = sched_seedgen_one(&m, NULL, (enum sched_seedgen_kind)(seed % SSEED_KIND_COUNT),
                                     SSEED_ANY, seed, buf, sizeof(buf));
        assert_int_equal(schedule_parse(buf, n, &s, NULL), SCHED_OK);
        for (size_t k = 0; k < s.nsteps; k++)
            assert_int_equal(s.steps[k].body_len, 0);
        schedule_free(&s);
    }
    sched_model_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sched_seedgen_one_should_be_deterministic_and_parse),
        cmocka_unit_test(sched_seedgen_should_refuse_what_cannot_hold_a_seed),
        cmocka_unit_test(sched_seedgen_endpoint_should_send_that_endpoint_alone),
        cmocka_unit_test(sched_seedgen_dir_should_cover_every_endpoint_and_race),
        cmocka_unit_test(committed_orders_seeds_should_match_the_generator),
        cmocka_unit_test(committed_orders_seeds_should_round_trip_through_json),
    };
    const struct CMUnitTest bare[] = {
        cmocka_unit_test(sched_seedgen_should_work_on_a_bare_model),
    };
    int failed = cmocka_run_group_tests(tests, orders_setup, orders_teardown);
    return failed + cmocka_run_group_tests(bare, NULL, NULL);
}
