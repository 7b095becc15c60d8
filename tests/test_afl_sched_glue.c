/* The schedule mutator's AFL++ library, loaded as afl-fuzz loads it: dlopen() and dlsym()
 * of its afl_custom_* hooks, settings from the environment (an endpoints model file).
 * argv[1] is the library's path. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
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

#include "engine_api.h"
#include "rng.h"
#include "sched_model.h"
#include "sched_model_file.h"
#include "schedule.h"

static const char *lib_path;
static char model_dir[] = "/tmp/rf-afl-sched-XXXXXX";
static char model_path[64];

struct afl_hooks {
    void *lib;
    __typeof__(afl_custom_init) *init;
    __typeof__(afl_custom_fuzz) *fuzz;
    __typeof__(afl_custom_describe) *describe;
    __typeof__(afl_custom_init_trim) *init_trim;
    __typeof__(afl_custom_trim) *trim;
    __typeof__(afl_custom_post_trim) *post_trim;
    __typeof__(afl_custom_deinit) *deinit;
};

static struct afl_hooks hooks;

static bool need_symbol(void **slot, const char *name) {
    *slot = dlsym(hooks.lib, name);
    if (*slot == NULL)
        fprintf(stderr, "%s: %s missing: %s\n", lib_path, name, dlerror());
    return *slot != NULL;
}

/* The model the harness setup would write from racefuzz.json. */
static bool write_model(void) {
    struct sched_model m;
    memset(&m, 0, sizeof(m));
    bool ok =
        mkdtemp(model_dir) != NULL &&
        snprintf(model_path, sizeof(model_path), "%s/endpoints.txt", model_dir) > 0 &&
        sched_model_add_endpoint(&m, SCHED_POST, "/v1/orders", "Authorization: Bearer tok-u1\r\n",
                                 SCHED_BODY_JSON, "{\"sku\":1}") &&
        sched_model_add_endpoint(&m, SCHED_GET, "/v1/orders/{id}", "", SCHED_BODY_NONE, NULL) &&
        sched_model_add_value(&m, "id", "42", 2) && sched_model_file_write(&m, model_path);
    sched_model_free(&m);
    return ok;
}

static int load_library(void **state) {
    (void)state;
    unsetenv("RACEFUZZ_DICT");
    unsetenv("RACEFUZZ_FIXUPS");
    unsetenv("RACEFUZZ_INVALID_JSON_ONE_IN");
    if (!write_model())
        return -1;
    setenv("RACEFUZZ_ENDPOINTS", model_path, 1);
    hooks.lib = dlopen(lib_path, RTLD_NOW | RTLD_LOCAL);
    if (hooks.lib == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", lib_path, dlerror());
        return -1;
    }
    bool ok = need_symbol((void **)&hooks.init, "afl_custom_init");
    ok &= need_symbol((void **)&hooks.fuzz, "afl_custom_fuzz");
    ok &= need_symbol((void **)&hooks.describe, "afl_custom_describe");
    ok &= need_symbol((void **)&hooks.init_trim, "afl_custom_init_trim");
    ok &= need_symbol((void **)&hooks.trim, "afl_custom_trim");
    ok &= need_symbol((void **)&hooks.post_trim, "afl_custom_post_trim");
    ok &= need_symbol((void **)&hooks.deinit, "afl_custom_deinit");
    return ok ? 0 : -1;
}

static int unload_library(void **state) {
    (void)state;
    unlink(model_path);
    rmdir(model_dir);
    return hooks.lib != NULL && dlclose(hooks.lib) != 0 ? -1 : 0;
}

static bool parses(const uint8_t *buf, size_t len, struct schedule *s) {
    return schedule_parse(buf, len, s, NULL) == SCHED_OK;
}

static void afl_sched_init_should_refuse_a_malformed_model_file(void **state) {
    (void)state;
    setenv("RACEFUZZ_ENDPOINTS", "/nonexistent/endpoints.txt", 1);
    void *g = hooks.init(NULL, 1);
    setenv("RACEFUZZ_ENDPOINTS", model_path, 1);
    assert_null(g);
    setenv("RACEFUZZ_INVALID_JSON_ONE_IN", "sometimes", 1);
    g = hooks.init(NULL, 1);
    unsetenv("RACEFUZZ_INVALID_JSON_ONE_IN");
    assert_null(g);
}

static void afl_sched_fuzz_should_write_schedules_from_the_model(void **state) {
    (void)state;
    void *g = hooks.init(NULL, 42);
    assert_non_null(g);
    static uint8_t in[4096];
    struct rng r;
    rng_seed(&r, 5);
    size_t n = 0, model_paths = 0;
    for (int c = 0; c < 5000; c++) {
        uint8_t *out = NULL;
        if (c % 50 == 0) { /* start over from garbage now and then, as a queue holds some */
            n = rng_below(&r, 64);
            for (size_t k = 0; k < n; k++)
                in[k] = (uint8_t)rng_next(&r);
        }
        size_t got = hooks.fuzz(g, in, n, &out, NULL, 0, c % 7 == 0 ? 64 : sizeof(in));
        assert_non_null(out);
        struct schedule s;
        assert_true(parses(out, got, &s));
        for (size_t i = 0; i < s.nsteps; i++)
            model_paths +=
                s.steps[i].path_len >= 10 && memcmp(s.steps[i].path, "/v1/orders", 10) == 0;
        schedule_free(&s);
        assert_true(hooks.describe(g, 100)[0] != '\0');
        memcpy(in, out, got);
        n = got;
    }
    assert_true(model_paths > 1000);
    hooks.deinit(g);
}

/* Trims as afl-fuzz does, keeping candidates that still hold a DELETE step. */
static void afl_sched_trim_should_drop_steps_keeping_the_behaviour(void **state) {
    (void)state;
    void *g = hooks.init(NULL, 3);
    assert_non_null(g);
    struct schedule_step steps[6];
    for (size_t i = 0; i < 6; i++)
        steps[i] = (struct schedule_step){.lane = (uint8_t)(i % 2),
                                          .method = i == 3 ? SCHED_DELETE : SCHED_GET,
                                          .path = (const uint8_t *)"/v1/orders/42",
                                          .path_len = 13};
    struct schedule sc = {.version = 1, .lanes = 2, .repeat = 1, .steps = steps, .nsteps = 6};
    static uint8_t buf[1024];
    size_t size = schedule_serialize(&sc, buf, sizeof(buf));
    int32_t budget = hooks.init_trim(g, buf, size), step = 0;
    assert_int_equal(budget, 6);
    while (step < budget) {
        uint8_t *cand = NULL;
        size_t n = hooks.trim(g, &cand);
        struct schedule s;
        assert_true(parses(cand, n, &s));
        bool keep = false;
        for (size_t i = 0; i < s.nsteps; i++)
            keep |= s.steps[i].method == SCHED_DELETE;
        if (keep) {
            memcpy(buf, cand, n);
            size = n;
        }
        schedule_free(&s);
        step = hooks.post_trim(g, keep);
    }
    struct schedule s;
    assert_true(parses(buf, size, &s));
    assert_int_equal(s.nsteps, 1);
    assert_int_equal(s.steps[0].method, SCHED_DELETE);
    schedule_free(&s);
    assert_int_equal(hooks.init_trim(g, (uint8_t *)"junk", 4), 0);
    hooks.deinit(g);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH/libracefuzz_afl_sched_mutator.so\n", argv[0]);
        return 2;
    }
    lib_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(afl_sched_init_should_refuse_a_malformed_model_file),
        cmocka_unit_test(afl_sched_fuzz_should_write_schedules_from_the_model),
        cmocka_unit_test(afl_sched_trim_should_drop_steps_keeping_the_behaviour),
    };
    return cmocka_run_group_tests(tests, load_library, unload_library);
}
