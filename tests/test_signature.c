/* Crash signatures: every sample report (tests/data/reports) gets its kind and names its
 * bug's own functions; the same bug folds to one key and different bugs never share one;
 * a race's two stacks may come in either order; invariant messages fold their ids and
 * numbers; anything that is not a whole report is refused without harm. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fileio.h"
#include "rf_config.h"
#include "signature.h"

#define REPORTS RF_SOURCE_DIR "/tests/data/reports/"

/* One sample: the report, what it must be called, functions its state must name, and the
 * bug it shows. Samples of the same bug must share a key, others must not. Same bug but
 * different keys, on purpose (the top frames differ, so by ClusterFuzz's rule these are
 * different crash states):
 *   G1: the go run raced fxRates via toUSD/createPayment on both sides, the ep run via
 *       fromUSD/getOrder against toUSD/createPayment;
 *   G3: the go run hit the unauthenticated order list, the ep run a single order;
 *   G6: the go run is putUser's write against getUser's read, the ep run two putUsers. */
static const struct sample {
    const char *file, *kind, *bug;
    const char *funcs[4];
} samples[] = {
    {"go_g1_race_fxrates_createpayment.log",
     "go-data-race",
     "G1 via createPayment",
     {"service.fxRates", "service.toUSD", "createPayment"}},
    {"ep_g1_race_fxrates_getorder.log",
     "go-data-race",
     "G1 via getOrder",
     {"service.fxRates", "service.fromUSD", "getOrder"}},
    {"go_g2_leak_gateway_two_goroutines.log", "go-leak", "G2", {"(*gateway).charge"}},
    {"ep_g2_leak_gateway.log", "go-leak", "G2", {"(*gateway).charge", "(*gateway).run"}},
    {"go_g3_invariant_orders_list_unauthenticated.log", "go-invariant", "G3 list", {NULL}},
    {"ep_g3_invariant_order_get_unauthenticated.log", "go-invariant", "G3 get", {NULL}},
    {"go_g4_hang_warehouse_confirm.log", "go-hang", "G4", {"awaitShared", "confirm"}},
    {"ep_g4_hang_warehouse_confirm.log", "go-hang", "G4", {"awaitShared", "reserveItem"}},
    {"go_g5_race_checkcoupon_takelines.log",
     "go-data-race",
     "G5",
     {"checkCoupon.func1", "evaluateCoupon", "takeLines"}},
    {"ep_g5_race_checkcoupon_takelines.log", "go-data-race", "G5", {"checkCoupon", "takeLines"}},
    {"go_g6_race_putuser_getuser.log",
     "go-data-race",
     "G6 write/read",
     {"putUser", "getUser", "(*store).user"}},
    {"ep_g6_race_putuser_putuser.log", "go-data-race", "G6 write/write", {"putUser"}},
    {"go_g7_invariant_loyalty.log", "go-invariant", "G7", {NULL}},
    {"ep_g7_invariant_loyalty.log", "go-invariant", "G7", {NULL}},
    {"go_fatal_concurrent_map_writes.txt",
     "go-fatal-concurrent-map-writes",
     "map writes",
     {"main.(*cache).record", "main.main.func1"}},
    {"go_panic_index_out_of_range.txt", "go-panic", "index panic", {"main.(*cart).line", "total"}},
    {"go_mode_panic_nil_coupon.txt",
     "go-panic",
     "nil coupon",
     {"shop.applyCoupon", "shop.priceOrder", "shop.CreateOrder"}},
    {"frames_tsan_race_text_normalize.log",
     "data-race",
     "C race",
     {"filter_upper", "text_normalize", "collapse"}},
    {"frames_asan_uaf_catalog_release.log",
     "heap-use-after-free",
     "C uaf",
     {"unref", "catalog_release", "catalog_reset"}},
    {"replay_asan_overflow_attach_append.txt",
     "heap-buffer-overflow",
     "C attach overflow",
     {"attach_append", "on_attach_data"}},
    {"planted_asan_overflow_on_commit.log",
     "heap-buffer-overflow",
     "planted overflow",
     {"on_commit", "on_frame", "planted_decode"}},
    {"frames_hang_stock_wait_restock.log",
     "hang",
     "C hang",
     {"stock_wait_restock", "stock_reserve", "stock_decode"}},
    {"ubsan_signed_overflow_with_stack.txt",
     "ubsan-signed-integer-overflow",
     "ubsan stack",
     {"scale_qty", "price_line"}},
    /* Without a stack the location is the frame: another state than with one. */
    {"ubsan_signed_overflow_no_stack.txt",
     "ubsan-signed-integer-overflow",
     "ubsan location",
     {"ubsan.c:4"}},
    {"lsan_session_token_leak.txt", "memory-leak", "leak", {"session_token_dup", "session_open"}},
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* Frames that must never make a state: runtimes, sanitizers, engines, racefuzz. */
static const char *const foreign[] = {"runtime.",
                                      "racefuzz/go/adapter",
                                      "main.rfgo_",
                                      "_cgoexp_",
                                      "__asan",
                                      "__interceptor",
                                      "__sanitizer",
                                      "fuzzer::",
                                      "LLVMFuzzerTestOneInput",
                                      "stack_handler",
                                      "run_share",
                                      "worker_main",
                                      "pause",
                                      "-fm"};

static char *read_sample(const char *name, size_t *len) {
    char path[4096];
    struct fileio_buf b;
    snprintf(path, sizeof(path), "%s%s", REPORTS, name);
    if (!fileio_read(path, RF_MAX_FILE_SIZE, &b))
        fail_msg("cannot read %s", path);
    *len = b.size;
    return (char *)b.data;
}

/* signature_from_report on an exact-size heap copy (no NUL after it), so ASan flags any read
 * past the text. */
static bool signature_of(const char *text, size_t len, struct signature_result *r) {
    char *copy = malloc(len > 0 ? len : 1);
    assert_non_null(copy);
    if (len > 0)
        memcpy(copy, text, len);
    bool ok = signature_from_report(copy, len, r);
    free(copy);
    return ok;
}

static bool signature_of_str(const char *text, struct signature_result *r) {
    return signature_of(text, strlen(text), r);
}

static bool signature_of_sample(const char *name, struct signature_result *r) {
    size_t len;
    char *text = read_sample(name, &len);
    bool ok = signature_of(text, len, r);
    free(text);
    return ok;
}

static bool frames_name(const struct signature_result *r, const char *func) {
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < r->nframes[k]; i++)
            if (strstr(r->frames[k][i].func, func) != NULL)
                return true;
    return false;
}

static void signature_should_name_the_kind_and_user_frames_of_every_sample(void **state) {
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        const struct sample *s = &samples[i];
        struct signature_result r;
        if (!signature_of_sample(s->file, &r))
            fail_msg("%s: no report recognised", s->file);
        if (strcmp(r.kind, s->kind) != 0)
            fail_msg("%s: kind %s, expected %s", s->file, r.kind, s->kind);
        for (size_t f = 0; f < 4 && s->funcs[f] != NULL; f++) {
            if (!frames_name(&r, s->funcs[f]) || strstr(r.state, s->funcs[f]) == NULL)
                fail_msg("%s: %s not in the frames and state:\n%s", s->file, s->funcs[f], r.state);
        }
        for (size_t f = 0; f < sizeof(foreign) / sizeof(foreign[0]); f++)
            if (strstr(r.state, foreign[f]) != NULL)
                fail_msg("%s: foreign frame %s in the state:\n%s", s->file, foreign[f], r.state);
    }
}

static void signature_should_give_one_key_per_bug_across_samples(void **state) {
    (void)state;
    static struct signature_result r[NSAMPLES];
    for (size_t i = 0; i < NSAMPLES; i++)
        assert_true(signature_of_sample(samples[i].file, &r[i]));
    for (size_t i = 0; i < NSAMPLES; i++)
        for (size_t j = i + 1; j < NSAMPLES; j++) {
            bool same_bug = strcmp(samples[i].bug, samples[j].bug) == 0;
            bool same_key = strcmp(r[i].key, r[j].key) == 0;
            if (same_bug != same_key)
                fail_msg("%s and %s: %s, keys %s %s\n%s\n%s", samples[i].file, samples[j].file,
                         same_bug ? "one bug" : "different bugs", r[i].key, r[j].key, r[i].state,
                         r[j].state);
        }
}

static void signature_key_should_be_16_hex_digits_of_a_state_led_by_the_kind(void **state) {
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        struct signature_result r;
        assert_true(signature_of_sample(samples[i].file, &r));
        assert_int_equal(strlen(r.key), 16);
        assert_int_equal(strspn(r.key, "0123456789abcdef"), 16);
        assert_int_equal(strncmp(r.state, r.kind, strlen(r.kind)), 0);
        assert_int_equal(r.state[strlen(r.kind)], '\n');
        assert_true(r.detail[0] != '\0');
    }
}

/* The text with its race's two accesses swapped: "ACCESS:" stack1, "Previous ...:" stack2
 * becomes "ACCESS:" stack2, "Previous ...:" stack1 (headers stay where they are). Caller
 * frees. */
static char *swap_race(const char *text, const char *first_header) {
    const char *h1 = strstr(text, first_header);
    assert_non_null(h1);
    const char *s1 = strchr(h1, '\n') + 1;
    const char *h2 = strstr(s1, "Previous ");
    assert_non_null(h2);
    while (h2 > s1 && h2[-1] != '\n')
        h2--;                                /* the line's indentation */
    const char *e1 = strstr(s1, "\n\n") + 1; /* stack 1 ends at the blank line */
    const char *s2 = strchr(h2, '\n') + 1;
    const char *e2 = strstr(s2, "\n\n") + 1;
    assert_true(e1 <= h2);
    size_t len = strlen(text);
    char *out = malloc(len + 1);
    assert_non_null(out);
    size_t n = 0;
#define PUT(from, to)                                                                              \
    do {                                                                                           \
        memcpy(out + n, (from), (size_t)((to) - (from)));                                          \
        n += (size_t)((to) - (from));                                                              \
    } while (0)
    PUT(text, s1);
    PUT(s2, e2);
    PUT(e1, s2);
    PUT(s1, e1);
    PUT(e2, text + len);
#undef PUT
    out[n] = '\0';
    assert_int_equal(n, len);
    return out;
}

static void check_swap_keeps_key(const char *file, const char *first_header) {
    size_t len;
    char *text = read_sample(file, &len);
    char *swapped = swap_race(text, first_header);
    struct signature_result a, b;
    assert_true(signature_of(text, len, &a));
    assert_true(signature_of_str(swapped, &b));
    /* The swap is real: the first stack now is the other one... */
    assert_string_not_equal(a.frames[0][0].func, b.frames[0][0].func);
    assert_string_equal(a.frames[0][0].func, b.frames[1][0].func);
    /* ...and the signature does not notice. */
    assert_string_equal(a.state, b.state);
    assert_string_equal(a.key, b.key);
    free(swapped);
    free(text);
}

static void signature_should_not_depend_on_the_order_of_a_go_races_stacks(void **state) {
    (void)state;
    check_swap_keeps_key("go_g5_race_checkcoupon_takelines.log", "Write at ");
    check_swap_keeps_key("go_g6_race_putuser_getuser.log", "Write at ");
}

static void signature_should_not_depend_on_the_order_of_a_tsan_races_stacks(void **state) {
    (void)state;
    check_swap_keeps_key("frames_tsan_race_text_normalize.log", "Write of size");
}

static void signature_should_fold_invariant_messages_differing_in_ids_and_numbers(void **state) {
    (void)state;
    struct signature_result a, b, c;
    assert_true(
        signature_of_str("racefuzz: go-mode invariant: order \"o-1\" of u1 totals 4900, its "
                         "lines 4800 (0xc000123abc)\nracefuzz: step 3\n",
                         &a));
    assert_true(
        signature_of_str("racefuzz: go-mode invariant: order \"o-17\" of u2 totals 130, its "
                         "lines 12 (0xdeadbeef)\nracefuzz: step 0\n",
                         &b));
    assert_true(
        signature_of_str("racefuzz: go-mode invariant: order \"o-1\" of u1 is paid twice\n", &c));
    assert_string_equal(a.kind, "go-invariant");
    assert_string_equal(a.key, b.key);
    assert_string_not_equal(a.key, c.key);
    /* The people's line keeps the real values. */
    assert_non_null(strstr(a.detail, "4900"));
}

static void signature_should_fold_a_quoted_payload_in_an_invariant(void **state) {
    (void)state;
    struct signature_result a, b;
    assert_true(signature_of_str("racefuzz: go-mode invariant: GET /v1/orders -> 200: no token; "
                                 "body: \"{\\\"id\\\":\\\"o-1\\\",\\\"total\\\":4900}\"\n",
                                 &a));
    assert_true(signature_of_str("racefuzz: go-mode invariant: GET /v1/orders -> 200: no token; "
                                 "body: \"{\\\"orders\\\":[]}\"\n",
                                 &b));
    assert_string_equal(a.key, b.key);
}

static void signature_should_prefer_the_most_specific_report_wherever_it_stands(void **state) {
    (void)state;
    size_t len;
    char *race = read_sample("go_g5_race_checkcoupon_takelines.log", &len);
    const char *exited = "==7== ERROR: libFuzzer: fuzz target exited\n";
    size_t n = strlen(exited);
    char *text = malloc(len + 2 * n + 1);
    assert_non_null(text);
    /* libFuzzer's line both before and after the race report: the race wins either way. */
    memcpy(text, exited, n);
    memcpy(text + n, race, len);
    memcpy(text + n + len, exited, n);
    struct signature_result r, alone;
    assert_true(signature_of(text, len + 2 * n, &r));
    assert_true(signature_of(race, len, &alone));
    assert_string_equal(r.kind, "go-data-race");
    assert_string_equal(r.key, alone.key);
    free(text);
    free(race);
}

static void signature_should_name_libfuzzers_own_findings(void **state) {
    (void)state;
    static const struct {
        const char *text, *kind;
    } cases[] = {
        {"==1== ERROR: libFuzzer: deadly signal\n", "deadly-signal"},
        {"INFO: Seed: 1\n==9== ERROR: libFuzzer: timeout after 25 seconds\n", "timeout"},
        {"==9== ERROR: libFuzzer: out-of-memory (used: 2100Mb; exceeds: 2048Mb)\n", "oom"},
        {"==9== ERROR: libFuzzer: fuzz target exited\nSUMMARY: libFuzzer: fuzz target exited\n",
         "target-exited"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct signature_result r;
        assert_true(signature_of_str(cases[i].text, &r));
        assert_string_equal(r.kind, cases[i].kind);
    }
    struct signature_result r;
    assert_true(signature_of_str("==1== ERROR: libFuzzer: deadly signal\n", &r));
    assert_string_equal(r.state, "deadly-signal\n");
}

static void signature_should_refuse_empty_garbage_and_clean_logs(void **state) {
    (void)state;
    struct signature_result r;
    memset(&r, 0x5a, sizeof(r));
    assert_false(signature_from_report(NULL, 0, &r));
    assert_false(signature_of("", 0, &r));
    assert_int_equal(r.kind[0], '\0');
    assert_int_equal(r.key[0], '\0');
    assert_false(signature_of_str("hello\nworld\n\n\n#1\tINITED cov: 1\n", &r));
    assert_false(signature_of_sample("go_clean_run_no_crash.log", &r));
    char noise[4096];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof(noise); i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        noise[i] = (char)(x & 0xff);
    }
    assert_false(signature_of(noise, sizeof(noise), &r));
}

static void signature_should_refuse_a_report_cut_before_its_first_stack(void **state) {
    (void)state;
    struct signature_result r;
    assert_false(
        signature_of_str("WARNING: DATA RACE\nWrite at 0x00c0001de120 by goroutine 43:\n", &r));
    assert_false(
        signature_of_str("WARNING: ThreadSanitizer: data race (pid=1)\n  Write of size", &r));
    assert_false(signature_of_str(
        "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x60d0", &r));
    assert_false(
        signature_of_str("fatal error: concurrent map writes\n\ngoroutine 25 [running]:\n", &r));
    assert_false(signature_of_str("panic: boom\n", &r));
}

/* The CLI trims engine chatter from a stored report with signature_report_start: every report
 * the signature recognises must start where its marker line does, http mode's included. */
static void report_start_should_find_every_recognised_report_line(void **state) {
    (void)state;
    static const char *const lines[] = {
        "racefuzz: http-mode 5xx: POST /orders answered 500\n",
        "racefuzz: go-mode invariant: stock went negative\n",
        "==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1\n",
        "WARNING: DATA RACE\n",
        "racefuzz: error: hang: 1 of 4 workers late\n",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text), "INFO: Seed: 1\n#2 INITED cov: 3\n%s    #0 f x.c:1\n",
                 lines[i]);
        const char *start = signature_report_start(text);
        assert_true(strncmp(start, lines[i], strlen(lines[i])) == 0);
    }
    const char *clean = "INFO: Seed: 1\nDone 10 runs\n";
    assert_ptr_equal(signature_report_start(clean), clean);
}

static void signature_should_survive_every_truncation_of_every_sample(void **state) {
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        size_t len;
        char *text = read_sample(samples[i].file, &len);
        size_t step = len / 300 + 1;
        for (size_t n = 0; n <= len; n += step) {
            struct signature_result r;
            if (signature_of(text, n, &r))
                assert_true(r.kind[0] != '\0' && strlen(r.key) == 16);
        }
        free(text);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signature_should_name_the_kind_and_user_frames_of_every_sample),
        cmocka_unit_test(signature_should_give_one_key_per_bug_across_samples),
        cmocka_unit_test(signature_key_should_be_16_hex_digits_of_a_state_led_by_the_kind),
        cmocka_unit_test(signature_should_not_depend_on_the_order_of_a_go_races_stacks),
        cmocka_unit_test(signature_should_not_depend_on_the_order_of_a_tsan_races_stacks),
        cmocka_unit_test(signature_should_fold_invariant_messages_differing_in_ids_and_numbers),
        cmocka_unit_test(signature_should_fold_a_quoted_payload_in_an_invariant),
        cmocka_unit_test(signature_should_prefer_the_most_specific_report_wherever_it_stands),
        cmocka_unit_test(signature_should_name_libfuzzers_own_findings),
        cmocka_unit_test(signature_should_refuse_empty_garbage_and_clean_logs),
        cmocka_unit_test(signature_should_refuse_a_report_cut_before_its_first_stack),
        cmocka_unit_test(signature_should_survive_every_truncation_of_every_sample),
        cmocka_unit_test(report_start_should_find_every_recognised_report_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
