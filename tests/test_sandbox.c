/* The replay sandbox holds: a target that reaches for the network, writes outside its
 * work directory and fork-bombs is contained, and its end (SIGABRT) is still reported. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "rf_config.h"
#include "sandbox.h"

static const char *probe_path;

static char *run_probe(const char *outside, struct sandbox_result *r, const char *out) {
    char *argv[] = {(char *)probe_path, (char *)outside, NULL};
    const char *env[] = {"PATH=/usr/bin:/bin", "SECRET_TOKEN=should-not-matter", NULL};
    struct sandbox_opts o = {
        .argv = argv, .env = env, .output_path = out, .timeout_s = 30, .max_procs = 64};
    assert_true(sandbox_run(&o, r));
    struct fileio_buf b;
    assert_true(fileio_read(out, RF_MAX_FILE_SIZE, &b));
    return (char *)b.data; /* the test frees it (fileio_buf_free) */
}

static void sandbox_should_contain_network_writes_and_fork_bombs_and_still_report(void **state) {
    (void)state;
    char outside[256], out[256];
    snprintf(outside, sizeof(outside), "%s/sandbox-escape-%ld", RF_BINARY_DIR, (long)getpid());
    snprintf(out, sizeof(out), "%s/sandbox-probe-%ld.log", RF_BINARY_DIR, (long)getpid());
    unlink(outside);
    struct sandbox_result r;
    char *text = run_probe(outside, &r, out);
    printf("%s", text);
    printf("ended: signal %d, exit %d, %.2fs%s\n", r.signal, r.exit_code, r.seconds,
           r.timed_out ? " (timed out)" : "");
    assert_non_null(strstr(text, "connect 10.1.2.3: Network is unreachable"));
    assert_non_null(strstr(text, "connect 1.1.1.1: Network is unreachable"));
    assert_non_null(strstr(text, "loopback: connected"));
    assert_non_null(strstr(text, "Read-only file system"));
    assert_non_null(strstr(text, "write work dir: written"));
    assert_non_null(strstr(text, "fork bomb: stopped after"));
    assert_int_equal(access(outside, F_OK), -1);
    assert_false(r.timed_out);
    assert_int_equal(r.signal, SIGABRT);
    struct fileio_buf b = {.data = (uint8_t *)text};
    fileio_buf_free(&b);
    unlink(out);
}

static void sandbox_should_kill_a_command_at_its_time_limit(void **state) {
    (void)state;
    char out[256];
    snprintf(out, sizeof(out), "%s/sandbox-sleep-%ld.log", RF_BINARY_DIR, (long)getpid());
    char *argv[] = {"/bin/sleep", "30", NULL};
    const char *env[] = {NULL};
    struct sandbox_opts o = {.argv = argv, .env = env, .output_path = out, .timeout_s = 0.5};
    struct sandbox_result r;
    assert_true(sandbox_run(&o, &r));
    assert_true(r.timed_out);
    assert_true(r.seconds < 5);
    unlink(out);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PROBE_BINARY\n", argv[0]);
        return 2;
    }
    probe_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sandbox_should_contain_network_writes_and_fork_bombs_and_still_report),
        cmocka_unit_test(sandbox_should_kill_a_command_at_its_time_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
