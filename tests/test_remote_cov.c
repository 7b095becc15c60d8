/* Remote coverage against a real Go service: go/cover/internal/testserver, built with
 * -race -tags libfuzzer and -d=libfuzzer (argv[1]), serves /a and /b on 127.0.0.1 and
 * publishes its counters through racefuzz/go/cover. The tests clear, send GETs over plain
 * sockets, snapshot, and look at what the harness side (fuzz/http/http_cov.c) reports. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>

#include "http_cov.h"
#include "http_cov_region.h"

#define TIMEOUT_MS 2000u

static const char *server_bin;

struct fixture {
    struct http_cov *r;
    pid_t pid;
    unsigned short port;
};

static struct fixture fx;

/* ---- the service -------------------------------------------------------------------- */

/* Starts the server with the region in its environment; reads "listening 127.0.0.1:PORT". */
static int start_server(void) {
    int out[2];
    if (pipe(out) != 0)
        return -1;
    fx.pid = fork();
    if (fx.pid < 0)
        return -1;
    if (fx.pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        setenv(RCOV_ENV, http_cov_path(fx.r), 1);
        setenv("GORACE", "halt_on_error=1", 1);
        execl(server_bin, server_bin, "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[128] = {0};
    size_t len = 0;
    while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
        ssize_t k = read(out[0], line + len, sizeof line - 1 - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    close(out[0]);
    const char *colon = strrchr(line, ':');
    fx.port = colon ? (unsigned short)strtoul(colon + 1, NULL, 10) : 0;
    return fx.port ? 0 : -1;
}

static int setup(void **state) {
    fx.r = http_cov_create(NULL, 0);
    if (!fx.r || start_server() != 0)
        return -1;
    return http_cov_wait_attached(fx.r, 5000) ? 0 : -1;
}

static int teardown(void **state) {
    if (fx.pid > 0) {
        kill(fx.pid, SIGKILL);
        while (waitpid(fx.pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    http_cov_destroy(fx.r);
    return 0;
}

static int connect_server(void) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(fx.port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* GET path; asserts a 200 and returns once the server closed the connection, so the
 * handler has finished. */
static void get(const char *path) {
    char buf[4096];
    int n =
        snprintf(buf, sizeof buf, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
    int fd = connect_server();
    assert_int_equal(write(fd, buf, (size_t)n), n);
    size_t len = 0;
    ssize_t k;
    while ((k = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
        if (k < 0 && errno == EINTR)
            continue;
        assert_true(k > 0);
        len += (size_t)k;
        if (len == sizeof buf - 1)
            len = 12; /* keep the status line, drop the rest */
    }
    buf[len] = '\0';
    close(fd);
    assert_true(strncmp(buf, "HTTP/1.1 200", 12) == 0);
}

static size_t nonzero(const struct http_cov_snapshot *s) {
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        k += s->counters[i] != 0;
    return k;
}

/* Clears, sends the GETs, snapshots; returns the non-zero counters. */
static size_t lit_by(const char *const *paths, size_t npaths, struct http_cov_snapshot *s) {
    assert_int_equal(http_cov_clear(fx.r, TIMEOUT_MS), RCOV_OK);
    for (size_t i = 0; i < npaths; i++)
        get(paths[i]);
    assert_int_equal(http_cov_snapshot(fx.r, TIMEOUT_MS, s), RCOV_OK);
    return nonzero(s);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- tests -------------------------------------------------------------------------- */

static void service_should_attach_and_report_its_counters(void **state) {
    assert_true(http_cov_attached(fx.r));
    assert_true(http_cov_ncounters(fx.r) > 0);
}

static void remote_coverage_should_grow_when_a_new_endpoint_path_is_reached(void **state) {
    struct http_cov_snapshot s;
    const char *a[] = {"/a"}, *ab[] = {"/a", "/b"};
    size_t n1 = lit_by(a, 1, &s);
    size_t n2 = lit_by(ab, 2, &s);
    assert_false(s.truncated);
    print_message("non-zero counters: GET /a %zu, GET /a + /b %zu (of %zu)\n", n1, n2, s.n);
    assert_true(n1 > 0);
    assert_true(n2 > n1);
    /* The same path again lights the same counters. */
    assert_int_equal(lit_by(a, 1, &s), n1);
}

static void clear_should_zero_the_service_counters(void **state) {
    struct http_cov_snapshot s;
    const char *ab[] = {"/a", "/b"};
    assert_true(lit_by(ab, 2, &s) > 0);
    /* Nothing of the service's instrumented code runs between these two requests. */
    assert_int_equal(lit_by(NULL, 0, &s), 0);
}

/* The goroutine count once the goroutines of earlier connections have ended. */
static int64_t settled_goroutines(void) {
    struct http_cov_snapshot s;
    int64_t last = -1;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(http_cov_snapshot(fx.r, TIMEOUT_MS, &s), RCOV_OK);
        if (s.goroutines == last)
            break;
        last = s.goroutines;
        usleep(20000);
    }
    return last;
}

static void snapshot_should_report_the_goroutine_count(void **state) {
    struct http_cov_snapshot s;
    int64_t before = settled_goroutines();
    assert_true(before > 0);
    /* An open connection is served by a goroutine of its own. */
    int fd[2] = {connect_server(), connect_server()};
    int64_t during = before;
    for (int i = 0; i < 200 && during < before + 2; i++) {
        usleep(5000);
        assert_int_equal(http_cov_snapshot(fx.r, TIMEOUT_MS, &s), RCOV_OK);
        during = s.goroutines;
    }
    close(fd[0]);
    close(fd[1]);
    print_message("goroutines: %lld idle, %lld with two connections open\n", (long long)before,
                  (long long)during);
    assert_true(during >= before + 2);
}

static void copy_to_should_fold_modulo_and_saturate(void **state) {
    struct http_cov_snapshot s;
    const char *ab[] = {"/a", "/b"};
    size_t lit = lit_by(ab, 2, &s);
    uint8_t *wide = calloc(s.n, 1);
    assert_non_null(wide);
    assert_int_equal(http_cov_copy_to(fx.r, wide, s.n), lit);
    assert_memory_equal(wide, s.counters, s.n);
    /* Folding adds to what is there: a second fold doubles (up to 255). */
    http_cov_copy_to(fx.r, wide, s.n);
    for (size_t i = 0; i < s.n; i++)
        assert_int_equal(wide[i], s.counters[i] > 127 ? 255 : 2 * s.counters[i]);
    free(wide);
    /* One slot: every counter lands there. */
    unsigned sum = 0;
    for (size_t i = 0; i < s.n; i++)
        sum += s.counters[i];
    uint8_t one = 0;
    http_cov_copy_to(fx.r, &one, 1);
    assert_int_equal(one, sum > 255 ? 255 : sum);
    assert_int_equal(http_cov_to_libfuzzer(fx.r), lit);
    assert_int_equal(http_cov_to_afl(fx.r), 0); /* no AFL++ runtime in this binary */
    /* A clear invalidates the snapshot: nothing to fold. */
    assert_int_equal(http_cov_clear(fx.r, TIMEOUT_MS), RCOV_OK);
    assert_int_equal(http_cov_copy_to(fx.r, &one, 1), 0);
}

static void a_region_without_a_service_should_say_so(void **state) {
    struct http_cov_snapshot s;
    struct http_cov *lone = http_cov_create(NULL, 4096);
    assert_non_null(lone);
    assert_false(http_cov_attached(lone));
    assert_int_equal(http_cov_ncounters(lone), 0);
    assert_int_equal(http_cov_clear(lone, TIMEOUT_MS), RCOV_NO_SERVICE);
    assert_int_equal(http_cov_snapshot(lone, TIMEOUT_MS, &s), RCOV_NO_SERVICE);
    assert_non_null(strstr(http_cov_status_str(RCOV_NO_SERVICE), "no remote coverage"));
    uint8_t dst[8] = {0};
    assert_int_equal(http_cov_copy_to(lone, dst, sizeof dst), 0);
    http_cov_destroy(lone);
}

static void a_stopped_service_should_time_out_and_recover(void **state) {
    struct http_cov_snapshot s;
    int st;
    assert_int_equal(kill(fx.pid, SIGSTOP), 0);
    /* kill() returns before the process stops; its parent learns when it has. */
    while (waitpid(fx.pid, &st, WUNTRACED) < 0 && errno == EINTR)
        ;
    enum http_cov_status late = http_cov_clear(fx.r, 50);
    kill(fx.pid, SIGCONT);
    assert_true(WIFSTOPPED(st));
    assert_int_equal(late, RCOV_TIMEOUT);
    assert_int_equal(http_cov_snapshot(fx.r, TIMEOUT_MS, &s), RCOV_OK);
}

/* ---- region files ------------------------------------------------------------------- */

static void region_name(char *buf, size_t size, long pid, unsigned n) {
    snprintf(buf, size, "%s/%s%ld-%u", RCOV_REGION_DIR, RCOV_REGION_PREFIX, pid, n);
}

static unsigned region_number(const struct http_cov *r) {
    const char *dash = strrchr(http_cov_path(r), '-');
    assert_non_null(dash);
    return (unsigned)strtoul(dash + 1, NULL, 10);
}

/* A harness that died (libFuzzer _Exit()s after a crash) left regions under PIDs a later
 * process gets again: as on a CI machine, where this test once failed with "File exists". */
static void regions_left_by_a_dead_process_with_our_pid_should_be_swept(void **state) {
    enum { STALE = 100 };
    char path[256];
    for (unsigned n = 0; n < STALE; n++) {
        region_name(path, sizeof path, (long)getpid(), n);
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        assert_true(fd >= 0 || (errno == EEXIST && strcmp(path, http_cov_path(fx.r)) == 0));
        if (fd >= 0)
            close(fd);
    }
    struct http_cov *r = http_cov_create(NULL, 4096);
    assert_non_null(r);
    for (unsigned n = 0; n < STALE; n++) {
        region_name(path, sizeof path, (long)getpid(), n);
        bool live = strcmp(path, http_cov_path(fx.r)) == 0 || strcmp(path, http_cov_path(r)) == 0;
        assert_int_equal(access(path, F_OK) == 0, live);
    }
    /* The service still has its region, and answers on it. */
    struct http_cov_snapshot s;
    assert_int_equal(http_cov_snapshot(fx.r, TIMEOUT_MS, &s), RCOV_OK);
    http_cov_destroy(r);
}

/* A region whose owner lives (here: locked through another open file) is neither swept nor
 * taken over; the next free name is used. */
static void a_region_of_a_live_owner_should_be_kept_and_skipped(void **state) {
    enum { HELD = 10 };
    struct http_cov *r = http_cov_create(NULL, 4096);
    assert_non_null(r);
    unsigned base = region_number(r);
    int held[HELD];
    char path[256];
    for (unsigned i = 0; i < HELD; i++) {
        region_name(path, sizeof path, (long)getpid(), base + 1 + i);
        held[i] = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        assert_true(held[i] >= 0);
        assert_int_equal(flock(held[i], LOCK_EX | LOCK_NB), 0);
    }
    struct http_cov *next = http_cov_create(NULL, 4096);
    assert_non_null(next);
    assert_int_equal(region_number(next), base + 1 + HELD);
    for (unsigned i = 0; i < HELD; i++) {
        region_name(path, sizeof path, (long)getpid(), base + 1 + i);
        assert_int_equal(access(path, F_OK), 0);
        unlink(path);
        close(held[i]);
    }
    http_cov_destroy(next);
    http_cov_destroy(r);
}

/* A child that exits without http_cov_destroy leaves its region; the next create removes it. */
static void a_region_of_an_exited_harness_should_be_removed_by_the_next(void **state) {
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct http_cov *r = http_cov_create(NULL, 4096);
        const char *path = r ? http_cov_path(r) : "";
        ssize_t w = write(p[1], path, strlen(path) + 1);
        _exit(r != NULL && w > 0 ? 0 : 1);
    }
    close(p[1]);
    char path[256] = "";
    ssize_t n = read(p[0], path, sizeof path - 1);
    close(p[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(n > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(access(path, F_OK), 0);
    struct http_cov *r = http_cov_create(NULL, 4096);
    assert_non_null(r);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(access(http_cov_path(fx.r), F_OK), 0);
    http_cov_destroy(r);
}

/* Not a pass/fail on speed (the machine is shared): prints what a snapshot costs when it
 * comes, as in a campaign, a while after the clear (the serving thread asleep on the
 * futex), and the service's CPU once idle. */
static void report_latency_and_idle_cost(void **state) {
    struct http_cov_snapshot s;
    enum { ROUNDS = 300 };
    uint64_t t[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        assert_int_equal(http_cov_clear(fx.r, TIMEOUT_MS), RCOV_OK);
        usleep(1000);
        uint64_t t0 = now_ns();
        assert_int_equal(http_cov_snapshot(fx.r, TIMEOUT_MS, &s), RCOV_OK);
        t[i] = now_ns() - t0;
    }
    for (int i = 1; i < ROUNDS; i++)
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            uint64_t x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    print_message("snapshot latency (%zu counters): median %.0f us, p90 %.0f us, max %.0f us\n",
                  s.n, t[ROUNDS / 2] / 1e3, t[ROUNDS * 9 / 10] / 1e3, t[ROUNDS - 1] / 1e3);

    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)fx.pid);
    double ticks = (double)sysconf(_SC_CLK_TCK), cpu[2];
    for (int k = 0; k < 2; k++) {
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        unsigned long ut = 0, st = 0;
        const char *p = strrchr(buf, ')');
        assert_non_null(p);
        assert_int_equal(
            sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st), 2);
        cpu[k] = (double)(ut + st) / ticks;
        if (k == 0)
            sleep(2);
    }
    double share = (cpu[1] - cpu[0]) / 2.0;
    print_message("idle service CPU: %.2f%% of a core (whole process, serving thread included)\n",
                  share * 100);
    assert_true(share < 0.05);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s TESTSERVER\n", argv[0]);
        return 2;
    }
    server_bin = argv[1];
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_should_attach_and_report_its_counters),
        cmocka_unit_test(remote_coverage_should_grow_when_a_new_endpoint_path_is_reached),
        cmocka_unit_test(clear_should_zero_the_service_counters),
        cmocka_unit_test(snapshot_should_report_the_goroutine_count),
        cmocka_unit_test(copy_to_should_fold_modulo_and_saturate),
        cmocka_unit_test(a_region_without_a_service_should_say_so),
        cmocka_unit_test(a_stopped_service_should_time_out_and_recover),
        cmocka_unit_test(regions_left_by_a_dead_process_with_our_pid_should_be_swept),
        cmocka_unit_test(a_region_of_a_live_owner_should_be_kept_and_skipped),
        cmocka_unit_test(a_region_of_an_exited_harness_should_be_removed_by_the_next),
        cmocka_unit_test(report_latency_and_idle_cost),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
