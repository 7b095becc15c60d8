/* The AFL++ custom-mutator library, loaded as afl-fuzz loads it: dlopen() and dlsym()
 * of every afl_custom_* hook. argv[1] is the library's path. */
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

#include <cmocka.h>

#include "engine_api.h"
#include "frame.h"
#include "rng.h"
#include "test_streams.h"

static const char *lib_path;

/* The hooks, typed by the prototypes in engine_api.h. */
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

/* Looks up one hook. dlsym returns an object pointer; POSIX guarantees that it converts
 * to a function pointer, which the callers store through a void ** (the POSIX idiom). */
static bool need_symbol(void **slot, const char *name) {
    *slot = dlsym(hooks.lib, name);
    if (*slot == NULL)
        fprintf(stderr, "%s: %s missing: %s\n", lib_path, name, dlerror());
    return *slot != NULL;
}

static int load_library(void **state) {
    (void)state;
    /* The library reads its settings from the environment: start from the defaults. */
    unsetenv("RACEFUZZ_DICT");
    unsetenv("RACEFUZZ_MAX_FRAME_LEN");
    unsetenv("RACEFUZZ_LIE_ONE_IN");
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
    return hooks.lib != NULL && dlclose(hooks.lib) != 0 ? -1 : 0;
}

/* Well-formed streams, garbage and the empty input, as afl-fuzz's queue holds. */
static size_t make_input(struct rng *r, uint8_t *buf, size_t cap) {
    size_t n;
    switch (rng_below(r, 4)) {
    case 0:
    case 1:
        return test_random_stream(r, buf, cap, 10, 49, false);
    case 2:
        n = rng_below(r, 200);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)rng_next(r);
        return n;
    default:
        return 0;
    }
}

static void afl_init_should_return_an_instance(void **state) {
    (void)state;
    void *g = hooks.init(NULL, 1);
    assert_non_null(g);
    hooks.deinit(g);
    hooks.deinit(NULL);
}

static void afl_init_should_refuse_a_malformed_setting(void **state) {
    (void)state;
    setenv("RACEFUZZ_LIE_ONE_IN", "often", 1);
    void *g = hooks.init(NULL, 1);
    unsetenv("RACEFUZZ_LIE_ONE_IN");
    assert_null(g);
}

static void afl_fuzz_should_write_well_formed_streams_within_max_size(void **state) {
    (void)state;
    static const size_t max_sizes[] = {8, 64, 1024, 4096};
    void *g = hooks.init(NULL, 42);
    assert_non_null(g);
    static uint8_t in[4096], add[4096];
    struct rng r;
    rng_seed(&r, 41);
    size_t well_formed = 0, described = 0, calls = 10000;
    for (size_t c = 0; c < calls; c++) {
        size_t max_size = max_sizes[c % 4];
        size_t n = make_input(&r, in, sizeof(in));
        size_t na = make_input(&r, add, sizeof(add));
        uint8_t *out = NULL;
        size_t got = hooks.fuzz(g, in, n, &out, rng_one_in(&r, 2) ? add : NULL, na, max_size);
        assert_non_null(out);
        assert_true(out != in);
        assert_in_range(got, FRAME_HEADER_LEN, max_size);
        well_formed += frame_is_well_formed(out, got, UINT32_MAX);
        const char *d = hooks.describe(g, 200);
        assert_non_null(d);
        described += d[0] != '\0';
        /* A well-formed input that fits always gets some operation applied. (An empty
         * input, or one whose only frame is over max_size, may come back as one empty
         * frame with nothing applied.) */
        if (n > 0 && n <= max_size && max_size >= 64 && frame_is_well_formed(in, n, UINT32_MAX))
            assert_true(strlen(d) > 0);
    }
    assert_true(described * 100 >= calls * 80);
    assert_true(well_formed * 100 >= calls * 95);
    assert_true(well_formed < calls); /* it does lie, now and then */
    hooks.deinit(g);
}

static void afl_fuzz_should_repeat_itself_for_the_same_seed(void **state) {
    (void)state;
    void *a = hooks.init(NULL, 7), *b = hooks.init(NULL, 7), *c = hooks.init(NULL, 8);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    static uint8_t in[4096];
    struct rng r;
    rng_seed(&r, 43);
    size_t differ = 0;
    for (int i = 0; i < 1000; i++) {
        size_t n = make_input(&r, in, sizeof(in));
        uint8_t *oa, *ob, *oc;
        size_t na = hooks.fuzz(a, in, n, &oa, in, n, 1024);
        size_t nb = hooks.fuzz(b, in, n, &ob, in, n, 1024);
        size_t nc = hooks.fuzz(c, in, n, &oc, in, n, 1024);
        assert_int_equal(na, nb);
        assert_memory_equal(oa, ob, na);
        assert_string_equal(hooks.describe(a, 256), hooks.describe(b, 256));
        differ += na != nc || memcmp(oa, oc, na) != 0;
    }
    assert_true(differ > 900);
    hooks.deinit(a);
    hooks.deinit(b);
    hooks.deinit(c);
}

static void afl_describe_should_respect_the_length_limit(void **state) {
    (void)state;
    void *g = hooks.init(NULL, 3);
    assert_non_null(g);
    const uint8_t in[] = {3, 0, 0, 0, 'a', 'b', 'c'};
    uint8_t *out;
    for (int i = 0; i < 200; i++) {
        hooks.fuzz(g, (uint8_t *)in, sizeof(in), &out, NULL, 0, 256);
        assert_true(strlen(hooks.describe(g, 5)) <= 5);
        assert_true(strlen(hooks.describe(g, 0)) == 0);
        assert_true(strlen(hooks.describe(g, 1000)) > 0);
    }
    hooks.deinit(g);
}

static size_t bloated_stream(struct rng *r, uint8_t *buf) {
    size_t off = 0;
    for (int i = 0; i < 16; i++) {
        size_t len = (i == 9) ? 33 : rng_below(r, 48);
        frame_store_le32(buf + off, (uint32_t)len);
        for (size_t k = 0; k < len; k++)
            buf[off + FRAME_HEADER_LEN + k] = (uint8_t)(0x10 + rng_below(r, 0xE0));
        if (i == 9)
            buf[off + FRAME_HEADER_LEN] = 0x04;
        off += FRAME_HEADER_LEN + len;
    }
    return off;
}

/* Runs the trim trio as afl-fuzz does; returns the final size (the stream is in buf). */
static size_t afl_trim(void *g, uint8_t *buf, size_t size) {
    int32_t budget = hooks.init_trim(g, buf, size);
    assert_true(budget > 0);
    int32_t step = 0;
    size_t current = size;
    while (step < budget) {
        uint8_t *cand = NULL;
        size_t n = hooks.trim(g, &cand);
        assert_non_null(cand);
        assert_true(n <= current);
        assert_true(frame_is_well_formed(cand, n, UINT32_MAX));
        bool ok = test_has_commit(cand, n);
        if (ok) {
            memcpy(buf, cand, n);
            current = n;
        }
        int32_t next = hooks.post_trim(g, ok);
        assert_true(next > step && next <= budget);
        step = next;
    }
    assert_int_equal(step, budget);
    return current;
}

static void afl_trim_should_shrink_keeping_the_behaviour(void **state) {
    (void)state;
    void *g = hooks.init(NULL, 5);
    assert_non_null(g);
    static uint8_t buf[4096];
    struct rng r;
    rng_seed(&r, 44);
    for (int i = 0; i < 20; i++) {
        size_t n = bloated_stream(&r, buf);
        assert_true(test_has_commit(buf, n));
        size_t got = afl_trim(g, buf, n);
        assert_true(got < n);
        assert_true(frame_is_well_formed(buf, got, UINT32_MAX));
        assert_true(test_has_commit(buf, got));
        assert_in_range(got, FRAME_HEADER_LEN + 2, FRAME_HEADER_LEN + 3);
        /* afl-fuzz may start a new trim without finishing the last: no leak, no stale state. */
        n = bloated_stream(&r, buf);
        assert_true(hooks.init_trim(g, buf, n) > 0);
    }
    hooks.deinit(g);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH/libracefuzz_afl_mutator.so\n", argv[0]);
        return 2;
    }
    lib_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(afl_init_should_return_an_instance),
        cmocka_unit_test(afl_init_should_refuse_a_malformed_setting),
        cmocka_unit_test(afl_fuzz_should_write_well_formed_streams_within_max_size),
        cmocka_unit_test(afl_fuzz_should_repeat_itself_for_the_same_seed),
        cmocka_unit_test(afl_describe_should_respect_the_length_limit),
        cmocka_unit_test(afl_trim_should_shrink_keeping_the_behaviour),
    };
    return cmocka_run_group_tests(tests, load_library, unload_library);
}
