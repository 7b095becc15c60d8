/* The frames driver: inputs run as concurrent sessions on every worker, each worker gets
 * exactly its frames, empty inputs are skipped, the hooks run when they should, a hang is
 * reported with every late worker's stack, and 100,000 inputs leak no thread and no memory.
 * The targets are static functions of this file that record what the driver made them do. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "frames_driver.h"
#include "rng.h"

/* ASan's allocator statistics; weak so the test also links without ASan. */
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

#define MAX_FRAME_LEN 4096u

static struct frames_driver_opts opts(unsigned workers, unsigned deadline_ms) {
    return (struct frames_driver_opts){
        .workers = workers, .deadline_ms = deadline_ms, .max_frame_len = MAX_FRAME_LEN};
}

/* ---- building inputs ---------------------------------------------------------------- */

struct input {
    uint8_t buf[16384];
    size_t len;
};

static void input_frame(struct input *in, const void *data, size_t n) {
    assert_true(in->len + FRAME_HEADER_LEN + n <= sizeof(in->buf));
    frame_store_le32(in->buf + in->len, (uint32_t)n);
    if (n > 0)
        memcpy(in->buf + in->len + FRAME_HEADER_LEN, data, n);
    in->len += FRAME_HEADER_LEN + n;
}

/* The payload of target frame i: it names the frame ("f", two digits) and its length
 * varies, down to an empty frame every sixth, so every frame is told apart by position
 * and content. Returns the length. */
static size_t payload_of(size_t i, uint8_t p[16]) {
    size_t n = i % 6 == 5 ? 0 : 3 + i % 11;
    for (size_t k = 0; k < n; k++)
        p[k] = (uint8_t)(k == 0   ? 'f'
                         : k == 1 ? '0' + i / 10 % 10
                         : k == 2 ? '0' + i % 10
                                  : i * 7 + k);
    return n;
}

/* An input of the schedule frame `sched` and `frames` target frames (payload_of). */
static void input_build(struct input *in, const uint8_t *sched, size_t sched_len, size_t frames) {
    in->len = 0;
    input_frame(in, sched, sched_len);
    for (size_t i = 0; i < frames; i++) {
        uint8_t p[16];
        input_frame(in, p, payload_of(i, p));
    }
}

/* ---- a target that records every call ---------------------------------------------- */

#define MAX_CALLS 32

struct call {
    uint8_t buf[1024];
    size_t len;
    pthread_t thread;
};

static pthread_mutex_t rec_mu = PTHREAD_MUTEX_INITIALIZER;
static struct call calls[MAX_CALLS];
static size_t ncalls;

static void record_clear(void) {
    pthread_mutex_lock(&rec_mu);
    ncalls = 0;
    pthread_mutex_unlock(&rec_mu);
}

static int record_decode(const uint8_t *buf, size_t len) {
    pthread_mutex_lock(&rec_mu);
    if (ncalls < MAX_CALLS && len <= sizeof(calls[0].buf)) {
        memcpy(calls[ncalls].buf, buf, len);
        calls[ncalls].len = len;
        calls[ncalls].thread = pthread_self();
    }
    ncalls++; /* counted even when not kept, so an overflow shows as a wrong count */
    pthread_mutex_unlock(&rec_mu);
    return 0;
}

/* The documented assignment (frames_sched.h), computed independently of the driver:
 * owner[i] is the worker of target frame i; returns the number of active workers. */
static unsigned expected_owners(const uint8_t *sched, size_t sched_len, size_t frames, unsigned max,
                                unsigned *owner) {
    unsigned active = 1 + (sched_len > 0 ? sched[0] : max - 1) % max;
    for (size_t i = 0; i < frames; i++) {
        size_t at = 1 + max + i;
        owner[i] = (at < sched_len ? sched[at] : (unsigned)(i % active)) % active;
    }
    return active;
}

/* Asserts the recorded calls are exactly the non-empty expected shares: one call per
 * worker with frames, each a well-formed stream of that worker's frames in input order,
 * each on its own thread; only worker 0's share runs on the caller's thread. */
static void assert_shares(const unsigned *owner, size_t frames, unsigned active) {
    size_t expected_calls = 0;
    bool used[MAX_CALLS] = {false};
    unsigned worker_of[MAX_CALLS] = {0};
    for (unsigned w = 0; w < active; w++) {
        struct input share = {.len = 0};
        size_t n = 0;
        for (size_t i = 0; i < frames; i++) {
            if (owner[i] != w)
                continue;
            uint8_t p[16];
            input_frame(&share, p, payload_of(i, p));
            n++;
        }
        if (n == 0)
            continue;
        expected_calls++;
        size_t match = MAX_CALLS;
        for (size_t c = 0; c < ncalls && c < MAX_CALLS; c++)
            if (!used[c] && calls[c].len == share.len &&
                memcmp(calls[c].buf, share.buf, share.len) == 0)
                match = c;
        if (match == MAX_CALLS)
            fail_msg("worker %u's share (%zu frames) was not decoded as one session", w, n);
        used[match] = true;
        worker_of[match] = w;
        assert_true(frame_is_well_formed(calls[match].buf, calls[match].len, MAX_FRAME_LEN));
    }
    assert_int_equal(ncalls, expected_calls);
    for (size_t a = 0; a < ncalls; a++) {
        if (pthread_equal(calls[a].thread, pthread_self()))
            assert_int_equal(worker_of[a], 0);
        for (size_t b = a + 1; b < ncalls; b++)
            assert_false(pthread_equal(calls[a].thread, calls[b].thread));
    }
}

/* ---- a target that records overlap -------------------------------------------------- */

static atomic_uint inside, inside_max;

static void spin_us(long us) {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do
        clock_gettime(CLOCK_MONOTONIC, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

/* Each caller stays inside until `overlap_want` callers are inside at once, or for at most
 * `overlap_wait_us`, sleeping meanwhile. Sleeping, not spinning: the overlap then shows even
 * when another process holds one of this machine's two cores, while a driver that ran its
 * workers one after another would never get a second caller in. */
static unsigned overlap_want;
static long overlap_wait_us;
static atomic_bool overlap_met; /* `overlap_want` reached this input */

static long us_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000000L + (t.tv_nsec - t0->tv_nsec) / 1000;
}

static int overlap_decode(const uint8_t *buf, size_t len) {
    (void)buf;
    (void)len;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned now = atomic_fetch_add(&inside, 1) + 1;
    unsigned seen = atomic_load(&inside_max);
    while (now > seen && !atomic_compare_exchange_weak(&inside_max, &seen, now))
        ;
    if (now >= overlap_want)
        atomic_store(&overlap_met, true);
    while (!atomic_load(&overlap_met) && us_since(&t0) < overlap_wait_us)
        nanosleep(&(struct timespec){.tv_nsec = 20000}, NULL);
    atomic_fetch_sub(&inside, 1);
    return 0;
}

/* Runs `inputs` inputs of 4 frames (default assignment: frame i to worker i % workers). */
static void run_overlap(unsigned workers, unsigned want, long wait_us, int inputs,
                        struct frames_driver_stats *st) {
    struct frames_target t = {.decode = overlap_decode};
    struct frames_driver_opts o = opts(workers, 5000);
    overlap_want = want;
    overlap_wait_us = wait_us;
    atomic_store(&inside_max, 0);
    struct frames_driver *d = frames_driver_new(&t, &o);
    assert_non_null(d);
    struct input in;
    const uint8_t sched[] = {(uint8_t)(workers - 1)}; /* all workers active */
    input_build(&in, sched, sizeof(sched), 4);
    for (int i = 0; i < inputs; i++) {
        atomic_store(&overlap_met, false);
        frames_driver_run(d, in.buf, in.len);
    }
    frames_driver_get_stats(d, st);
    frames_driver_free(d);
    assert_int_equal(st->inputs, (uint64_t)inputs);
}

static void frames_driver_should_run_workers_concurrently(void **state) {
    (void)state;
    struct frames_driver_stats st;
    run_overlap(4, 4, 50000, 300, &st);
    print_message("4 workers: max_overlap %u, overlapped %llu/%llu inputs, target saw %u\n",
                  st.max_overlap, (unsigned long long)st.overlapped, (unsigned long long)st.inputs,
                  atomic_load(&inside_max));
    /* All four workers were inside the target at the same time, and the driver saw it. */
    assert_int_equal(atomic_load(&inside_max), 4);
    assert_int_equal(st.max_overlap, 4);
    assert_true(st.overlapped > 0);
}

/* The control: one worker can never overlap, however long the target waits for a second
 * caller, so the statistic is not trivially >= 2. */
static void frames_driver_should_not_overlap_a_single_worker(void **state) {
    (void)state;
    struct frames_driver_stats st;
    run_overlap(1, 2, 5000, 20, &st);
    assert_int_equal(atomic_load(&inside_max), 1);
    assert_int_equal(st.max_overlap, 1);
    assert_int_equal(st.overlapped, 0);
}

/* ---- shares ------------------------------------------------------------------------- */

static void frames_driver_should_give_each_worker_its_frames_in_order(void **state) {
    (void)state;
    const unsigned max = 4;
    struct frames_target t = {.decode = record_decode};
    struct frames_driver_opts o = opts(max, 5000);
    struct frames_driver *d = frames_driver_new(&t, &o);
    assert_non_null(d);
    struct rng r;
    rng_seed(&r, 7);
    struct input in;
    for (int k = 0; k < 2000; k++) {
        size_t frames = 1 + rng_below(&r, 12);
        /* Any length, from none to past the assignment bytes: short ones take defaults. */
        size_t sched_len = rng_below(&r, 1 + max + frames + 3);
        uint8_t sched[32];
        for (size_t i = 0; i < sched_len; i++)
            sched[i] = (uint8_t)rng_next(&r);
        for (size_t i = 1; i <= max && i < sched_len; i++)
            sched[i] %= 4; /* small start offsets keep the test fast */
        input_build(&in, sched, sched_len, frames);
        unsigned owner[16];
        unsigned active = expected_owners(sched, sched_len, frames, max, owner);
        record_clear();
        frames_driver_run(d, in.buf, in.len);
        assert_shares(owner, frames, active);
    }
    struct frames_driver_stats st;
    frames_driver_get_stats(d, &st);
    assert_int_equal(st.inputs, 2000);
    frames_driver_free(d);
}

/* Explicit cases of the defaults, for a reader: a short schedule frame takes all workers
 * and round-robin assignment, and a partial assignment keeps the bytes it has. */
static void frames_driver_should_default_a_short_schedule_frame(void **state) {
    (void)state;
    struct frames_target t = {.decode = record_decode};
    struct frames_driver_opts o = opts(4, 5000);
    struct frames_driver *d = frames_driver_new(&t, &o);
    assert_non_null(d);
    struct input in;

    input_build(&in, NULL, 0, 6); /* empty: 4 workers, frame i to worker i % 4 */
    record_clear();
    frames_driver_run(d, in.buf, in.len);
    assert_shares((const unsigned[]){0, 1, 2, 3, 0, 1}, 6, 4);

    const uint8_t one[] = {1}; /* 2 workers, round robin */
    input_build(&in, one, sizeof(one), 5);
    record_clear();
    frames_driver_run(d, in.buf, in.len);
    assert_shares((const unsigned[]){0, 1, 0, 1, 0}, 5, 2);

    const uint8_t partial[] = {3, 0, 0, 0, 0, 2, 2}; /* frames 0 and 1 to worker 2 */
    input_build(&in, partial, sizeof(partial), 5);
    record_clear();
    frames_driver_run(d, in.buf, in.len);
    assert_shares((const unsigned[]){2, 2, 2, 3, 0}, 5, 4);

    const uint8_t wrap[] = {5, 0, 0, 0, 0, 7, 4}; /* 2 workers; 7 % 2, 4 % 2 */
    input_build(&in, wrap, sizeof(wrap), 3);
    record_clear();
    frames_driver_run(d, in.buf, in.len);
    assert_shares((const unsigned[]){1, 0, 0}, 3, 2);
    frames_driver_free(d);
}

/* A malformed tail ends the input: whole frames before it still run. */
static void frames_driver_should_stop_at_a_malformed_frame(void **state) {
    (void)state;
    struct frames_target t = {.decode = record_decode};
    struct frames_driver_opts o = opts(2, 5000);
    struct frames_driver *d = frames_driver_new(&t, &o);
    assert_non_null(d);
    struct input in;
    const uint8_t sched[] = {1}; /* 2 workers, round robin */
    input_build(&in, sched, sizeof(sched), 3);
    frame_store_le32(in.buf + in.len, MAX_FRAME_LEN + 1); /* too long: ends the input */
    in.len += FRAME_HEADER_LEN;
    memset(in.buf + in.len, 'x', 8);
    in.len += 8;
    record_clear();
    frames_driver_run(d, in.buf, in.len);
    assert_shares((const unsigned[]){0, 1, 0}, 3, 2);

    input_build(&in, sched, sizeof(sched), 2);
    in.buf[in.len++] = 9; /* a truncated length field */
    in.buf[in.len++] = 0;
    record_clear();
    frames_driver_run(d, in.buf, in.len);
    assert_shares((const unsigned[]){0, 1}, 2, 2);
    frames_driver_free(d);
}

static void frames_driver_should_skip_inputs_without_target_frames(void **state) {
    (void)state;
    struct frames_target t = {.decode = record_decode};
    struct frames_driver_opts o = opts(4, 5000);
    struct frames_driver *d = frames_driver_new(&t, &o);
    assert_non_null(d);
    record_clear();
    struct input in;
    frames_driver_run(d, in.buf, 0); /* nothing at all */
    const uint8_t sched[] = {3, 1, 2};
    input_build(&in, sched, sizeof(sched), 0); /* a schedule frame only */
    frames_driver_run(d, in.buf, in.len);
    frames_driver_run(d, in.buf, 2);          /* a truncated schedule length */
    frames_driver_run(d, in.buf, in.len - 1); /* a schedule frame past the end */
    in.buf[in.len++] = 1;                     /* schedule frame, then 1..3 header bytes */
    frames_driver_run(d, in.buf, in.len);
    input_build(&in, sched, sizeof(sched), 0);
    frame_store_le32(in.buf + in.len, 100); /* claims 100 bytes, carries 3 */
    memcpy(in.buf + in.len + FRAME_HEADER_LEN, "abc", 3);
    frames_driver_run(d, in.buf, in.len + FRAME_HEADER_LEN + 3);
    frame_store_le32(in.buf + in.len, MAX_FRAME_LEN + 1); /* over the frame limit */
    frames_driver_run(d, in.buf, in.len + FRAME_HEADER_LEN + 3);
    frame_store_le32(in.buf, MAX_FRAME_LEN + 1); /* the schedule frame over the limit */
    frames_driver_run(d, in.buf, in.len);

    struct frames_driver_stats st;
    frames_driver_get_stats(d, &st);
    assert_int_equal(ncalls, 0);
    assert_int_equal(st.inputs, 0);

    /* The control: one target frame after the same schedule frame does run. */
    input_build(&in, sched, sizeof(sched), 1);
    frames_driver_run(d, in.buf, in.len);
    frames_driver_get_stats(d, &st);
    assert_int_equal(ncalls, 1);
    assert_int_equal(st.inputs, 1);
    frames_driver_free(d);
}

/* ---- hooks -------------------------------------------------------------------------- */

static atomic_uint init_calls, reset_calls, hook_decodes, hook_errors;
static atomic_uint expected_resets; /* set by the test before each input */
static atomic_int init_result;

static int hook_init(void) {
    atomic_fetch_add(&init_calls, 1);
    return atomic_load(&init_result);
}

static int hook_decode(const uint8_t *buf, size_t len) {
    (void)buf;
    (void)len;
    atomic_fetch_add(&inside, 1);
    /* init ran once before any decode; the previous input's reset ran before this one */
    if (atomic_load(&init_calls) != 1 || atomic_load(&reset_calls) != atomic_load(&expected_resets))
        atomic_fetch_add(&hook_errors, 1);
    spin_us(5); /* lets a reset that ran early meet a decode still inside */
    atomic_fetch_add(&hook_decodes, 1);
    atomic_fetch_sub(&inside, 1);
    return 0;
}

static void hook_reset(void) {
    /* no decode inside, and every share of this input already decoded */
    if (atomic_load(&inside) != 0 ||
        atomic_load(&hook_decodes) != 4 * (atomic_load(&expected_resets) + 1))
        atomic_fetch_add(&hook_errors, 1);
    atomic_fetch_add(&reset_calls, 1);
}

static void frames_driver_should_call_reset_between_inputs_and_init_once(void **state) {
    (void)state;
    atomic_store(&init_calls, 0);
    atomic_store(&reset_calls, 0);
    atomic_store(&hook_decodes, 0);
    atomic_store(&hook_errors, 0);
    atomic_store(&expected_resets, 0);
    atomic_store(&init_result, 0);
    struct frames_target t = {.init = hook_init, .reset = hook_reset, .decode = hook_decode};
    struct frames_driver_opts o = opts(4, 5000);
    struct frames_driver *d = frames_driver_new(&t, &o);
    assert_non_null(d);
    assert_int_equal(atomic_load(&init_calls), 1);
    assert_int_equal(atomic_load(&reset_calls), 0);
    struct input in;
    input_build(&in, NULL, 0, 4); /* 4 workers, one frame each */
    for (unsigned k = 0; k < 300; k++) {
        atomic_store(&expected_resets, k);
        frames_driver_run(d, in.buf, in.len);
        assert_int_equal(atomic_load(&reset_calls), k + 1);
    }
    assert_int_equal(atomic_load(&hook_decodes), 300 * 4);
    assert_int_equal(atomic_load(&hook_errors), 0);
    assert_int_equal(atomic_load(&init_calls), 1);
    frames_driver_free(d);
    assert_int_equal(atomic_load(&init_calls), 1);
}

static void frames_driver_should_fail_when_init_fails(void **state) {
    (void)state;
    atomic_store(&init_calls, 0);
    atomic_store(&init_result, -1);
    struct frames_target t = {.init = hook_init, .decode = hook_decode};
    struct frames_driver_opts o = opts(4, 5000);
    assert_null(frames_driver_new(&t, &o));
    assert_int_equal(atomic_load(&init_calls), 1);
    atomic_store(&init_result, 0);
}

/* ---- hangs -------------------------------------------------------------------------- */

/* The name the hang report's stacks must show. */
__attribute__((noinline)) static void test_hang_block_forever(void) {
    for (;;)
        pause(); /* the stack request interrupts it; it goes back to waiting */
}

static int hang_decode(const uint8_t *buf, size_t len) {
    if (len > FRAME_HEADER_LEN && buf[FRAME_HEADER_LEN] == 'H')
        test_hang_block_forever();
    return 0;
}

/* In the child: workers 0..2 get a frame starting with 'H' and block, worker 3 does not. */
static _Noreturn void hang_child(int out_fd) {
    dup2(out_fd, STDERR_FILENO);
    signal(SIGABRT, SIG_DFL);
    struct frames_target t = {.decode = hang_decode};
    struct frames_driver_opts o = opts(4, 200);
    struct frames_driver *d = frames_driver_new(&t, &o);
    if (d == NULL)
        _exit(3);
    struct input in = {.len = 0};
    const uint8_t sched[] = {3, 0, 0, 0, 0, 0, 1, 2, 3}; /* 4 workers, frame i to worker i */
    input_frame(&in, sched, sizeof(sched));
    input_frame(&in, "H0", 2);
    input_frame(&in, "H1", 2);
    input_frame(&in, "H2", 2);
    input_frame(&in, "ok", 2);
    frames_driver_run(d, in.buf, in.len);
    _exit(0); /* the driver returned: no hang was reported */
}

/* Reads fd to EOF into buf (NUL-terminated) or until the deadline; false on timeout. */
static bool read_all(int fd, char *buf, size_t cap, int timeout_ms) {
    size_t len = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long left =
            timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L);
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return false;
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t keep = (size_t)n < cap - 1 - len ? (size_t)n : cap - 1 - len;
        memcpy(buf + len, chunk, keep);
        len += keep;
    }
    buf[len] = '\0';
    return true;
}

static size_t count_of(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void frames_driver_should_report_a_hang_with_every_worker_stack(void **state) {
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        hang_child(fds[1]);
    }
    close(fds[1]);
    static char err[1 << 20];
    bool in_time = read_all(fds[0], err, sizeof(err), 60000);
    close(fds[0]);
    if (!in_time)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!in_time || !WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        fprintf(stderr, "child stderr:\n%s\n", err);
    if (!in_time)
        fail_msg("the hung child did not end within 60 s");
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        fail_msg("child status %#x, expected death by SIGABRT", status);
    if (strstr(err, "racefuzz: hang") == NULL || count_of(err, "stack of worker") != 3 ||
        strstr(err, "stack of worker 00:") == NULL || strstr(err, "stack of worker 01:") == NULL ||
        strstr(err, "stack of worker 02:") == NULL || strstr(err, "stack of worker 03:") != NULL ||
        count_of(err, "test_hang_block_forever") < 3) {
        fprintf(stderr, "child stderr:\n%s\n", err);
        fail_msg("the hang report lacks a stack per stuck worker (00..02, not 03)");
    }
}

/* ---- leaks -------------------------------------------------------------------------- */

static unsigned task_count(void) {
    DIR *dir = opendir("/proc/self/task");
    assert_non_null(dir);
    unsigned n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(dir);
    return n;
}

static atomic_ulong trivial_decodes;

static int trivial_decode(const uint8_t *buf, size_t len) {
    atomic_fetch_add_explicit(&trivial_decodes, 1, memory_order_relaxed);
    return len > 0 && buf[0] == 0xAB;
}

static double seconds_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* LeakSanitizer checks the rest at exit: this binary is built with ASan. */
static void frames_driver_should_not_leak_threads_or_memory_over_100000_inputs(void **state) {
    (void)state;
    const unsigned workers = 2;
    const int inputs = 100000;
    unsigned baseline = task_count(); /* this thread and any the runtime started */
    struct frames_target t = {.decode = trivial_decode};
    struct frames_driver_opts o = opts(workers, 5000);
    struct frames_driver *d = frames_driver_new(&t, &o);
    assert_non_null(d);
    struct input in;
    const uint8_t sched[] = {1}; /* both workers */
    size_t allocated_after_warmup = 0;
    unsigned tasks_after_first = 0;
    unsigned long expected_decodes = 0;
    atomic_store(&trivial_decodes, 0);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < inputs; i++) {
        size_t frames = 1 + (size_t)i % 5; /* shares of varying size */
        input_build(&in, sched, sizeof(sched), frames);
        frames_driver_run(d, in.buf, in.len);
        expected_decodes += frames < workers ? frames : workers;
        if (i == 0)
            tasks_after_first = task_count();
        if (i == 999 && __sanitizer_get_current_allocated_bytes != NULL)
            allocated_after_warmup = __sanitizer_get_current_allocated_bytes();
    }
    print_message("%d inputs on %u workers in %.1f s\n", inputs, workers, seconds_since(&t0));
    struct frames_driver_stats st;
    frames_driver_get_stats(d, &st);
    assert_int_equal(st.inputs, (uint64_t)inputs);
    assert_int_equal(atomic_load(&trivial_decodes), expected_decodes);
    /* The pool (worker threads and at most one helper such as a watchdog; the caller may
     * run a share itself) is created by the first input and never grows. */
    print_message("threads: %u before the driver, %u after its first input, %u after %d\n",
                  baseline, tasks_after_first, task_count(), inputs);
    assert_true(tasks_after_first > baseline);
    assert_true(tasks_after_first <= baseline + workers + 1);
    assert_int_equal(task_count(), tasks_after_first);
    if (__sanitizer_get_current_allocated_bytes != NULL) {
        size_t now = __sanitizer_get_current_allocated_bytes();
        print_message("heap: %zu bytes after 1,000 inputs, %zu after %d\n", allocated_after_warmup,
                      now, inputs);
        assert_true(now <= allocated_after_warmup + 64 * 1024);
    }
    frames_driver_free(d);
    assert_int_equal(task_count(), baseline);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_driver_should_run_workers_concurrently),
        cmocka_unit_test(frames_driver_should_not_overlap_a_single_worker),
        cmocka_unit_test(frames_driver_should_give_each_worker_its_frames_in_order),
        cmocka_unit_test(frames_driver_should_default_a_short_schedule_frame),
        cmocka_unit_test(frames_driver_should_stop_at_a_malformed_frame),
        cmocka_unit_test(frames_driver_should_skip_inputs_without_target_frames),
        cmocka_unit_test(frames_driver_should_call_reset_between_inputs_and_init_once),
        cmocka_unit_test(frames_driver_should_fail_when_init_fails),
        cmocka_unit_test(frames_driver_should_report_a_hang_with_every_worker_stack),
        cmocka_unit_test(frames_driver_should_not_leak_threads_or_memory_over_100000_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
