/* The service supervisor (fuzz/http/http_supervisor.c) and the loader of its config section
 * (config/service_config.c) against the real orders service, built in the group set-up through
 * racefuzz.json's own service.build with the Go given as argv[1] (without it the service tests
 * skip), and against fake services (shell scripts); the output oracle (fuzz/http/http_oracle.c)
 * on the sample reports of tests/data/reports/. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "http_supervisor.h"
#include "http_oracle.h"
#include "target_config.h"

#define OUT_DIR RF_BINARY_DIR "/supervisor_out"

static const char *go_bin;
static struct target_config orders_cfg;
static struct service_config orders;
static struct http_supervisor_opts orders_opts;
static bool orders_ok;

/* ---- helpers ---------------------------------------------------------------------------- */

static void sleep_ms(unsigned ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Gone: no such process, or a zombie its (adoptive) parent has yet to reap. */
static bool process_gone(pid_t pid) {
    for (int i = 0; i < 200; i++) {
        if (kill(pid, 0) != 0 && errno == ESRCH)
            return true;
        char path[64], stat[256] = {0};
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        if (f != NULL) {
            size_t n = fread(stat, 1, sizeof(stat) - 1, f);
            fclose(f);
            const char *close = n ? strrchr(stat, ')') : NULL;
            if (close != NULL && close[1] == ' ' && close[2] == 'Z')
                return true;
        }
        sleep_ms(10);
    }
    return false;
}

static size_t discard(char *p, size_t size, size_t n, void *arg) {
    (void)p;
    (void)arg;
    return size * n;
}

static long http_get(const char *addr, const char *path) {
    char url[256];
    snprintf(url, sizeof(url), "http://%s%s", addr, path);
    CURL *h = curl_easy_init();
    assert_non_null(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    long code = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    return code;
}

static void assert_loopback_addr(const char *addr) {
    assert_non_null(strstr(addr, "127.0.0.1:"));
    assert_int_equal(strncmp(addr, "127.0.0.1:", 10), 0);
    long port = strtol(addr + 10, NULL, 10);
    assert_true(port > 0 && port < 65536);
}

static void write_script(const char *path, const char *text) {
    assert_true(fileio_write_atomic(path, text, strlen(text)));
}

static pid_t read_pid(const char *path) {
    struct fileio_buf b;
    for (int i = 0; i < 200 && access(path, R_OK) != 0; i++)
        sleep_ms(10);
    assert_true(fileio_read(path, 64, &b));
    long v = strtol((const char *)b.data, NULL, 10);
    fileio_buf_free(&b);
    return (pid_t)v;
}

/* ---- set-up: the orders service, built through its config ------------------------------- */

static int build_orders(void **state) {
    (void)state;
    if (go_bin == NULL)
        return 0;
    char dir[4096], path[4096 + 8];
    snprintf(dir, sizeof(dir), "%s", go_bin);
    snprintf(path, sizeof(path), "%s:%s", dirname(dir), getenv("PATH") ? getenv("PATH") : "");
    setenv("PATH", path, 1);
    setenv("GOTOOLCHAIN", "local", 1); /* never download a toolchain in a test */
    setenv("GOFLAGS", "", 1);
    setenv("GOWORK", "off", 1);
    if (!target_config_load(RF_SOURCE_DIR "/targets/orders/racefuzz.json", &orders_cfg))
        return -1;
    orders_ok = service_config_load(&orders_cfg, OUT_DIR, "buggy", NULL, &orders);
    if (orders_ok)
        http_supervisor_opts_from_config(&orders_opts, &orders);
    return orders_ok ? 0 : -1;
}

static int free_orders(void **state) {
    (void)state;
    if (orders_ok)
        service_config_free(&orders);
    target_config_free(&orders_cfg);
    return 0;
}

static bool need_orders(void) {
    if (!orders_ok)
        print_message("no Go given: service tests skipped\n");
    return orders_ok;
}

/* ---- the orders service --------------------------------------------------------------- */

static void supervisor_should_start_the_service_and_find_its_address(void **state) {
    (void)state;
    if (!need_orders())
        skip();
    assert_non_null(strstr(orders.argv[0], "/supervisor_out/ordersd"));
    assert_string_equal(orders.argv[2], "127.0.0.1:0"); /* {addr} expanded */
    assert_non_null(orders.env);
    assert_string_equal(orders.env[0], "ORDERS_BUGS=all"); /* the variant's env */

    struct http_supervisor *s = http_supervisor_start(&orders_opts);
    assert_non_null(s);
    assert_loopback_addr(http_supervisor_addr(s));
    assert_int_equal(http_get(http_supervisor_addr(s), "/healthz"), 200);
    assert_true(http_supervisor_alive(s));

    char out[4096];
    http_supervisor_output_since(s, 0, out, sizeof(out));
    assert_non_null(strstr(out, "ordersd listening on http://127.0.0.1:"));
    struct http_supervisor_death d;
    assert_false(http_supervisor_check_death(s, &d));

    pid_t pid = http_supervisor_pid(s);
    assert_true(pid > 0);
    http_supervisor_stop(s);
    assert_true(process_gone(pid)); /* stopped and reaped: no process, no zombie */
    assert_int_equal(http_supervisor_pid(s), -1);
    assert_false(http_supervisor_alive(s));
    assert_false(http_supervisor_check_death(s, &d)); /* a stop is not a death */
    http_supervisor_free(s);

    struct fileio_buf log;
    assert_true(fileio_read(orders.log_path, 1u << 24, &log));
    assert_non_null(strstr((const char *)log.data, "ordersd listening on"));
    fileio_buf_free(&log);
}

static void
killed_service_should_be_restarted_and_the_death_attributed_to_the_last_input(void **state) {
    (void)state;
    if (!need_orders())
        skip();
    struct http_supervisor *s = http_supervisor_start(&orders_opts);
    assert_non_null(s);
    char addr_before[128];
    snprintf(addr_before, sizeof(addr_before), "%s", http_supervisor_addr(s));
    http_supervisor_note_input(s, (const uint8_t *)"A", 1);
    http_supervisor_note_input(s, (const uint8_t *)"BB", 2);
    http_supervisor_note_input(s, (const uint8_t *)"CCC", 3);

    pid_t pid = http_supervisor_pid(s);
    assert_int_equal(kill(pid, SIGKILL), 0);
    for (int i = 0; i < 200 && http_supervisor_alive(s); i++)
        sleep_ms(10);
    assert_false(http_supervisor_alive(s));
    assert_true(process_gone(pid));

    struct http_supervisor_death d;
    assert_true(http_supervisor_check_death(s, &d));
    assert_true(d.died);
    assert_int_equal(d.signal, SIGKILL);
    assert_true(d.uptime_s > 0);
    assert_non_null(strstr(d.excerpt, "ordersd listening on")); /* no report: the tail */

    const uint8_t *datas[RF_SVC_HISTORY];
    size_t lens[RF_SVC_HISTORY];
    assert_int_equal(http_supervisor_history(s, datas, lens, RF_SVC_HISTORY), 3);
    assert_int_equal(lens[0], 3);
    assert_memory_equal(datas[0], "CCC", 3);
    assert_memory_equal(datas[1], "BB", 2);
    assert_memory_equal(datas[2], "A", 1);
    assert_int_equal(http_supervisor_history(s, datas, lens, 1), 1);

    assert_true(http_supervisor_restart(s));
    assert_true(http_supervisor_alive(s));
    assert_true(http_supervisor_pid(s) > 0 && http_supervisor_pid(s) != pid);
    assert_loopback_addr(http_supervisor_addr(s));
    if (strcmp(addr_before, http_supervisor_addr(s)) == 0)
        print_message("note: the kernel gave the same port again (%s)\n", addr_before);
    assert_int_equal(http_get(http_supervisor_addr(s), "/healthz"), 200);
    assert_false(http_supervisor_check_death(s, &d));
    assert_int_equal(http_supervisor_history(s, datas, lens, RF_SVC_HISTORY), 0);

    pid = http_supervisor_pid(s);
    http_supervisor_free(s);
    assert_true(process_gone(pid));
}

/* ---- fake services ---------------------------------------------------------------------- */

static void non_loopback_service_address_should_be_refused(void **state) {
    (void)state;
    const char *script = OUT_DIR "/fake_remote.sh";
    assert_true(fileio_mkdirs(OUT_DIR));
    unlink(OUT_DIR "/fake.pid");
    unlink(OUT_DIR "/fake_child.pid");
    write_script(script, "echo $$ > " OUT_DIR "/fake.pid\n"
                         "sleep 300 &\n"
                         "echo $! > " OUT_DIR "/fake_child.pid\n"
                         "echo 'fake listening on http://10.1.2.3:80'\n"
                         "wait\n");
    char *argv[] = {"/bin/sh", (char *)script, NULL};
    struct http_supervisor_opts o = {.argv = argv,
                                     .ready_regex = "listening on (http://[^ ]+)$",
                                     .health_path = "/healthz",
                                     .start_timeout_ms = 5000,
                                     .log_path = OUT_DIR "/fake_remote.log"};
    assert_null(http_supervisor_start(&o));
    const char *err = http_supervisor_error();
    assert_non_null(strstr(err, "10.1.2.3:80"));
    assert_non_null(strstr(err, "not a loopback address"));
    assert_non_null(strstr(err, "service.allow_non_loopback"));
    /* the whole group went: the script and the child it started */
    assert_true(process_gone(read_pid(OUT_DIR "/fake.pid")));
    assert_true(process_gone(read_pid(OUT_DIR "/fake_child.pid")));
}

static void service_without_ready_line_should_fail_with_its_output(void **state) {
    (void)state;
    char *argv[] = {"/bin/sh", "-c", "echo 'cannot bind: address in use' >&2; exit 3", NULL};
    struct http_supervisor_opts o = {.argv = argv, .ready_regex = "listening on (http://[^ ]+)"};
    assert_null(http_supervisor_start(&o));
    assert_non_null(
        strstr(http_supervisor_error(), "exited with code 3 before printing a line matching"));

    char *quiet[] = {"/bin/sh", "-c", "exec sleep 30", NULL};
    struct http_supervisor_opts q = {.argv = quiet, .ready_regex = "(x)", .start_timeout_ms = 300};
    assert_null(http_supervisor_start(&q));
    assert_non_null(strstr(http_supervisor_error(), "no line matching /(x)/ within 300 ms"));

    struct http_supervisor_opts bad = {.argv = quiet, .ready_regex = "listening"};
    assert_null(http_supervisor_start(&bad));
    assert_non_null(strstr(http_supervisor_error(), "no group"));
}

/* Output of a service that keeps writing: marks, and a death with a report in it. */
static void output_after_a_mark_should_hold_the_report_of_a_dying_service(void **state) {
    (void)state;
    const char *script = OUT_DIR "/fake_panic.sh";
    assert_true(fileio_mkdirs(OUT_DIR));
    write_script(script, "echo 'fake listening on http://127.0.0.1:9'\n"
                         "while [ ! -e " OUT_DIR "/fake_panic.go ]; do sleep 0.01; done\n"
                         "echo 'panic: boom'\n"
                         "echo\n"
                         "echo 'goroutine 7 [running]:'\n"
                         "echo 'main.handle()'\n"
                         "printf '\\t/src/main.go:12 +0x1d\\n'\n"
                         "exit 2\n");
    /* the script panics once the test, having noted its input, creates fake_panic.go */
    unlink(OUT_DIR "/fake_panic.go");
    char *argv[] = {"/bin/sh", (char *)script, NULL};
    struct http_supervisor_opts o = {.argv = argv, .ready_regex = "listening on (http://[^ ]+)$"};
    struct http_supervisor *s = http_supervisor_start(&o);
    assert_non_null(s);
    assert_string_equal(http_supervisor_addr(s), "127.0.0.1:9");
    http_supervisor_note_input(s, (const uint8_t *)"X", 1);
    write_script(OUT_DIR "/fake_panic.go", "");
    for (int i = 0; i < 200 && http_supervisor_alive(s); i++)
        sleep_ms(10);
    struct http_supervisor_death d;
    assert_true(http_supervisor_check_death(s, &d));
    assert_int_equal(d.exit_code, 2);
    assert_int_equal(d.signal, 0);
    assert_int_equal(strncmp(d.excerpt, "panic: boom\n\ngoroutine 7 [running]:", 35), 0);

    char out[1024];
    size_t n = http_supervisor_output_since(s, 0, out, sizeof(out));
    assert_true(n > 0 && strstr(out, "fake listening") == out);
    uint64_t end = http_supervisor_output_mark(s);
    assert_int_equal(http_supervisor_output_since(s, end, out, sizeof(out)), 0);
    assert_int_equal(http_supervisor_output_since(s, end - 12, out, 5), 4); /* cut to cap - 1 */
    http_supervisor_free(s);
}

/* ---- config errors ---------------------------------------------------------------------- */

static bool load_text(const char *service_json, const char *variant, struct service_config *sc) {
    char text[2048];
    snprintf(text, sizeof(text), "{\"name\": \"t\", \"service\": %s}", service_json);
    struct target_config c;
    assert_true(target_config_parse(text, strlen(text), "cfg.json", &c));
    snprintf(c.path, sizeof(c.path), "/x/cfg.json");
    snprintf(c.dir, sizeof(c.dir), "%s", OUT_DIR);
    bool ok = service_config_load(&c, OUT_DIR, variant, NULL, sc);
    target_config_free(&c);
    return ok;
}

static void expect_config_error(const char *service_json, const char *message) {
    struct service_config sc;
    assert_false(load_text(service_json, NULL, &sc));
    if (strstr(service_config_error(), message) == NULL)
        fail_msg("error \"%s\" lacks \"%s\"", service_config_error(), message);
}

static void service_config_errors_should_name_the_file_and_key(void **state) {
    (void)state;
    expect_config_error("3", "/x/cfg.json: service: expected an object");
    expect_config_error("{\"ready_line\": \"(x)\"}", "/x/cfg.json: service.command: missing");
    expect_config_error("{\"command\": 3, \"ready_line\": \"(x)\"}",
                        "/x/cfg.json: service.command: expected a non-empty array");
    expect_config_error("{\"command\": [\"a\", 3], \"ready_line\": \"(x)\"}",
                        "/x/cfg.json: service.command[1]: expected a non-empty string");
    expect_config_error("{\"command\": [\"a\", \"{port}\"], \"ready_line\": \"(x)\"}",
                        "service.command[1]: unknown placeholder in \"{port}\"");
    expect_config_error("{\"command\": [\"a\"]}", "/x/cfg.json: service.ready_line: missing");
    expect_config_error("{\"command\": [\"a\"], \"ready_line\": \"x\"}",
                        "service.ready_line: needs a group");
    expect_config_error("{\"command\": [\"a\"], \"ready_line\": \"(x\"}",
                        "service.ready_line: not a POSIX extended regex");
    expect_config_error("{\"command\": [\"a\"], \"ready_line\": \"(x)\", \"health\": \"h\"}",
                        "service.health: expected a path starting with '/'");
    expect_config_error("{\"command\": [\"a\"], \"ready_line\": \"(x)\", \"env\": {\"A\": 1}}",
                        "service.env.A: expected a string");
    expect_config_error(
        "{\"command\": [\"a\"], \"ready_line\": \"(x)\", \"allow_non_loopback\": \"yes\"}",
        "service.allow_non_loopback: expected true or false");
    /* A non-loopback addr is refused before the build; allow_non_loopback lets it through. */
    expect_config_error(
        "{\"command\": [\"a\"], \"ready_line\": \"(x)\", \"addr\": \"10.0.0.1:80\", "
        "\"build\": [\"sh\", \"-c\", \"exit 3\"]}",
        "/x/cfg.json: service.addr: 10.0.0.1:80 is not a loopback address; set "
        "service.allow_non_loopback to true to allow it");
    expect_config_error("{\"command\": [\"a\"], \"ready_line\": \"(x)\", "
                        "\"build\": [\"sh\", \"-c\", \"echo compile error here; exit 3\"]}",
                        "service.build: `sh -c echo compile error here; exit 3` failed (exit "
                        "code 3)");

    struct service_config sc;
    assert_true(load_text("{\"command\": [\"{out}/d\", \"-addr\", \"{addr}\"], \"addr\": "
                          "\"127.0.0.1:7\", \"env\": {\"K\": \"{addr}\"}, \"ready_line\": \"(x)\"}",
                          NULL, &sc));
    assert_string_equal(sc.argv[0], OUT_DIR "/d");
    assert_string_equal(sc.argv[2], "127.0.0.1:7");
    assert_string_equal(sc.env[0], "K=127.0.0.1:7");
    assert_null(sc.env[1]);
    assert_string_equal(sc.log_path, OUT_DIR "/service.log");
    service_config_free(&sc);
    assert_true(load_text("{\"command\": [\"a\"], \"ready_line\": \"(x)\", \"addr\": "
                          "\"10.0.0.1:80\", \"allow_non_loopback\": true}",
                          NULL, &sc));
    assert_string_equal(sc.addr, "10.0.0.1:80");
    service_config_free(&sc);

    /* The variant's env is read by config/variant_env; its reason is the one kept. */
    assert_false(load_text("{\"command\": [\"a\"], \"ready_line\": \"(x)\"}", "nosuch", &sc));
    assert_string_equal(service_config_error(), "/x/cfg.json: variants: no variant \"nosuch\"");
}

/* ---- the output oracle ----------------------------------------------------------------- */

static char *read_report(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/data/reports/%s", RF_SOURCE_DIR, name);
    struct fileio_buf b;
    assert_true(fileio_read(path, 1u << 22, &b));
    *len = b.size;
    return (char *)b.data;
}

static void expect_report(const char *name, enum http_oracle_kind kind, const char *head,
                          const char *inside, const char *last_line) {
    size_t len;
    char *text = read_report(name, &len);
    struct http_oracle_finding *f = malloc(sizeof(*f));
    assert_non_null(f);
    assert_true(http_oracle_scan(text, len, f));
    if (f->kind != kind)
        fail_msg("%s: %s, expected %s", name, http_oracle_kind_name(f->kind),
                 http_oracle_kind_name(kind));
    assert_int_equal(strncmp(f->excerpt, head, strlen(head)), 0);
    assert_non_null(strstr(f->excerpt, inside));
    size_t n = strlen(f->excerpt);
    assert_true(n > 0 && f->excerpt[n - 1] == '\n');
    const char *last = f->excerpt + n - 1;
    while (last > f->excerpt && last[-1] != '\n')
        last--;
    if (strncmp(last, last_line, strlen(last_line)) != 0)
        fail_msg("%s: excerpt ends with \"%s\", expected \"%s\"", name, last, last_line);
    assert_memory_equal(text + f->offset, f->excerpt, n);
    free(f);
    free(text);
}

static const char http_panic_log[] =
    "ordersd listening on http://127.0.0.1:41233\n"
    "ordersd: http: 2026/11/28 07:26:23 http: panic serving 127.0.0.1:1234: boom\n"
    "goroutine 21 [running]:\n"
    "net/http.(*conn).serve.func1()\n"
    "\t/usr/local/go/src/net/http/server.go:1947 +0xbe\n"
    "panic({0x6d1a40?, 0x7c5b10?})\n"
    "\t/usr/local/go/src/runtime/panic.go:792 +0x132\n"
    "racefuzz/targets/orders/service.(*Service).getOrder(0xc000118000, {0x7c8e58, "
    "0xc0001200e0}, 0xc00012a000)\n"
    "\t/work/main/targets/orders/service/orders.go:88 +0x2c5\n"
    "created by net/http.(*Server).Serve in goroutine 1\n"
    "\t/usr/local/go/src/net/http/server.go:3454 +0x485\n"
    "ordersd: http: 2026/11/28 07:26:24 next request logged\n";

static void service_output_should_be_scanned_for_race_reports_and_panics(void **state) {
    (void)state;
    expect_report("go_g1_race_fxrates_createpayment.log", SVCO_GO_RACE,
                  "==================\nWARNING: DATA RACE\nRead at",
                  "racefuzz/targets/orders/service.fxRates()", "==================");
    expect_report("go_panic_index_out_of_range.txt", SVCO_GO_PANIC,
                  "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1",
                  "main.main()", "\t/tmp/sigwork/gopanic/main.go:18 +0x94");
    expect_report("go_fatal_concurrent_map_writes.txt", SVCO_GO_FATAL,
                  "fatal error: concurrent map writes\n\ngoroutine 25 [running]:",
                  "main.(*cache).record(...)", "\t/tmp/sigwork/gomap/main.go:14 +0x71");
    expect_report("frames_tsan_race_text_normalize.log", SVCO_TSAN,
                  "==================\nWARNING: ThreadSanitizer: data race", "filter_upper",
                  "==================");
    expect_report("frames_asan_uaf_catalog_release.log", SVCO_ASAN, "=====", "heap-use-after-free",
                  "SUMMARY: AddressSanitizer: heap-use-after-free");
    expect_report("ubsan_signed_overflow_with_stack.txt", SVCO_UBSAN,
                  "ubsan.c:4:82: runtime error: signed integer overflow", "#2 ",
                  "SUMMARY: UndefinedBehaviorSanitizer");

    struct http_oracle_finding *f = malloc(sizeof(*f));
    assert_non_null(f);
    assert_true(http_oracle_scan(http_panic_log, strlen(http_panic_log), f));
    assert_int_equal(f->kind, SVCO_GO_HTTP_PANIC);
    assert_string_equal(http_oracle_kind_name(f->kind), "go-http-panic");
    const char *head = "ordersd: http: 2026/11/28 07:26:23 http: panic serving 127.0.0.1:1234: "
                       "boom\ngoroutine 21 [running]:\n";
    assert_int_equal(strncmp(f->excerpt, head, strlen(head)), 0);
    assert_non_null(strstr(f->excerpt, "service.(*Service).getOrder"));
    assert_non_null(strstr(f->excerpt, "created by net/http.(*Server).Serve"));
    assert_null(strstr(f->excerpt, "next request logged"));

    /* Scanning on past a report finds the next one; a clean log has none. */
    size_t len;
    char *clean = read_report("go_clean_run_no_crash.log", &len);
    assert_false(http_oracle_scan(clean, len, f));
    assert_int_equal(f->kind, SVCO_NONE);
    free(clean);
    char two[1024];
    snprintf(two, sizeof(two), "%spanic: second\n\ngoroutine 9 [running]:\nmain.f()\n\tm.go:1\n",
             http_panic_log);
    assert_true(http_oracle_scan(two, strlen(two), f));
    size_t next = f->offset + f->len;
    assert_true(http_oracle_scan(two + next, strlen(two) - next, f));
    assert_int_equal(f->kind, SVCO_GO_PANIC);
    assert_int_equal(strncmp(f->excerpt, "panic: second", 13), 0);
    free(f);
}

int main(int argc, char **argv) {
    go_bin = argc > 1 ? argv[1] : NULL;
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(supervisor_should_start_the_service_and_find_its_address),
        cmocka_unit_test(
            killed_service_should_be_restarted_and_the_death_attributed_to_the_last_input),
        cmocka_unit_test(non_loopback_service_address_should_be_refused),
        cmocka_unit_test(service_without_ready_line_should_fail_with_its_output),
        cmocka_unit_test(output_after_a_mark_should_hold_the_report_of_a_dying_service),
        cmocka_unit_test(service_config_errors_should_name_the_file_and_key),
        cmocka_unit_test(service_output_should_be_scanned_for_race_reports_and_panics),
    };
    int rc = cmocka_run_group_tests(tests, build_orders, free_orders);
    curl_global_cleanup();
    return rc;
}
