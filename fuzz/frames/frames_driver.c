#define _GNU_SOURCE
#include "frames_driver.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frames_sched.h"
#include "log.h"
#include "rf_config.h"
#include "rng.h"

/* Provided by every sanitizer runtime; absent in plain builds. */
void __sanitizer_print_stack_trace(void) __attribute__((weak));

/* ThreadSanitizer's dynamic annotation, and the bounds of the engine's 8-bit coverage
 * counters (SanitizerCoverage's section); all weak, absent where not built in. */
void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem,
                             unsigned long size, const char *desc) __attribute__((weak));
extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));

struct frames_driver;

struct frames_worker {
    struct frames_driver *d;
    unsigned index;
};

struct frames_driver {
    struct frames_target target;
    struct frames_worker workers[FRAMES_MAX_WORKERS];
    struct frames_driver_opts opts;
    struct frames_sched sched;
    struct frames_plan plan;
    pthread_t threads[FRAMES_MAX_WORKERS]; /* [0] is the caller's thread: it runs share 0 */
    unsigned started;                      /* slots filled, the caller's included */
    pthread_t watchdog;
    pthread_cond_t watchdog_cv; /* signalled on stop, so freeing the driver never waits */
    bool watchdog_started;
    /* When the current input was released (ms, monotonic), 0 between inputs. The
     * watchdog reports a hang from it, since the caller may itself be the stuck worker. */
    atomic_uint_fast64_t input_started_ms;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    uint64_t gen;    /* input number; a change wakes the workers (under mu) */
    unsigned active; /* workers taking part in input `gen` (under mu) */
    bool stop;       /* under mu */
    /* (gen << 8 | active), published for workers that are still spinning: one word, so
     * a late worker never pairs one input's number with another input's worker count. */
    atomic_uint_fast64_t pub;
    atomic_uint ready;       /* workers waiting at the gate this input */
    atomic_uint_fast64_t go; /* the gate: workers run once go == gen */
    atomic_uint done;        /* workers finished this input */
    atomic_uint running;     /* workers inside the target right now (stats only) */
    atomic_bool finished[FRAMES_MAX_WORKERS];
    struct frames_driver_stats stats;
    atomic_uint input_overlap;
};

static _Thread_local int worker_index = -1;
static atomic_int stacks_printed;

void frames_driver_default_opts(struct frames_driver_opts *o) {
    o->workers = RF_FRAMES_WORKERS;
    o->deadline_ms = RF_FRAMES_DEADLINE_MS;
    o->max_frame_len = RF_FRAME_MAX_LEN_DEFAULT;
    const char *w = getenv("RACEFUZZ_WORKERS"), *dl = getenv("RACEFUZZ_DEADLINE_MS"),
               *ps = getenv("RACEFUZZ_PERTURB_SEED");
    o->perturb_seed = ps != NULL ? strtoull(ps, NULL, 10) : 0;
    if (w != NULL) {
        long v = strtol(w, NULL, 10);
        if (v >= 1 && v <= FRAMES_MAX_WORKERS)
            o->workers = (unsigned)v;
        else
            LOG_W("RACEFUZZ_WORKERS=%s ignored: expected 1..%d", w, FRAMES_MAX_WORKERS);
    }
    if (dl != NULL) {
        long v = strtol(dl, NULL, 10);
        if (v >= 1 && v <= 3600 * 1000)
            o->deadline_ms = (unsigned)v;
        else
            LOG_W("RACEFUZZ_DEADLINE_MS=%s ignored: expected 1..3600000", dl);
    }
}

static void note_overlap(struct frames_driver *d) {
    /* Relaxed: statistics must not add happens-before edges that would hide races
     * between workers from ThreadSanitizer. */
    unsigned now = atomic_fetch_add_explicit(&d->running, 1, memory_order_relaxed) + 1;
    unsigned seen = atomic_load_explicit(&d->input_overlap, memory_order_relaxed);
    while (now > seen &&
           !atomic_compare_exchange_weak_explicit(&d->input_overlap, &seen, now,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

/* Waits at the gate: every active worker arrives, then the main thread opens it. */
static void gate(struct frames_driver *d, uint64_t gen) {
    atomic_fetch_add_explicit(&d->ready, 1, memory_order_relaxed);
    while (atomic_load_explicit(&d->go, memory_order_acquire) != gen)
        sched_yield();
}

/* Replay's perturbation: a different, reproducible start offset per worker and input, so
 * N attempts of one race input try N interleavings instead of the same one N times. */
static void perturb(const struct frames_driver *d, unsigned w) {
    static _Thread_local struct rng r;
    static _Thread_local bool seeded;
    if (d->opts.perturb_seed == 0)
        return;
    if (!seeded) {
        rng_seed(&r, d->opts.perturb_seed * 64 + w);
        seeded = true;
    }
    for (volatile size_t spin = rng_below(&r, RF_PERTURB_MAX_SPIN); spin > 0; spin--) {
    }
}

static void run_share(struct frames_driver *d, unsigned w) {
    const struct frames_share *sh = &d->plan.share[w];
    perturb(d, w);
    d->sched.ops->enter(&d->sched, &d->plan, w);
    if (sh->frames > 0) {
        note_overlap(d);
        d->target.decode(sh->buf, sh->len);
        atomic_fetch_sub_explicit(&d->running, 1, memory_order_relaxed);
    }
    d->sched.ops->leave(&d->sched, &d->plan, w);
}

#define PUB_STOP UINT64_MAX

/* Waits for the next input (or stop); returns its number, 0 to exit. First it spins
 * (yielding) for a while: at fuzzing rates the next input comes within microseconds, and
 * a futex sleep and wake-up per worker per input would cost more than the decode. Then
 * it sleeps on the condition variable, so an idle engine does not burn the CPU. The
 * number of active workers comes with the input number: an idle worker must not touch
 * the plan, which the main thread rewrites for the next input. */
static uint64_t wait_input(struct frames_driver *d, uint64_t seen, unsigned *active) {
    uint64_t gen;
    for (unsigned i = 0; i < RF_FRAMES_SPIN_YIELDS; i++) {
        uint64_t pub = atomic_load_explicit(&d->pub, memory_order_acquire);
        if (pub == PUB_STOP)
            return 0;
        if (pub >> 8 != seen) {
            *active = (unsigned)(pub & 0xFF);
            return pub >> 8;
        }
        sched_yield();
    }
    pthread_mutex_lock(&d->mu);
    while (!d->stop && d->gen == seen)
        pthread_cond_wait(&d->wake, &d->mu);
    gen = d->stop ? 0 : d->gen;
    *active = d->active;
    pthread_mutex_unlock(&d->mu);
    return gen;
}

static void *worker_main(void *arg) {
    struct frames_worker *self = arg;
    struct frames_driver *d = self->d;
    unsigned w = self->index, active;
    uint64_t seen = 0, gen;
    worker_index = (int)w;
    while ((gen = wait_input(d, seen, &active)) != 0) {
        seen = gen;
        if (w >= active)
            continue;
        gate(d, gen);
        run_share(d, w);
        atomic_store_explicit(&d->finished[w], true, memory_order_relaxed);
        atomic_fetch_add_explicit(&d->done, 1, memory_order_release);
    }
    return NULL;
}

/* ---- hang reports ------------------------------------------------------------------ */

static int stack_signal(void) {
    return SIGRTMIN + 4; /* glibc keeps the first two for itself; libFuzzer owns SIGUSR1/2 */
}

static void put_str(const char *s) {
    ssize_t r = write(STDERR_FILENO, s, strlen(s));
    (void)r;
}

/* Async-signal-safe enough: fixed strings, and the sanitizer's or glibc's unwinder
 * (glibc's is warmed up at start so it does not allocate here). */
static void stack_handler(int sig) {
    char num[4] = {'?', '\0', '\0', '\0'};
    (void)sig;
    if (worker_index >= 0 && worker_index < 100) {
        num[0] = (char)('0' + worker_index / 10 % 10);
        num[1] = (char)('0' + worker_index % 10);
    }
    put_str("racefuzz: hang: stack of worker ");
    put_str(num);
    put_str(":\n");
    if (__sanitizer_print_stack_trace != NULL) {
        __sanitizer_print_stack_trace();
    } else {
        void *frames[64];
        backtrace_symbols_fd(frames, backtrace(frames, 64), STDERR_FILENO);
    }
    atomic_fetch_add(&stacks_printed, 1);
}

static void wait_stack(int before) {
    for (int i = 0; i < 100 && atomic_load(&stacks_printed) == before; i++)
        usleep(10000);
}

/* Prints every late worker's stack, then aborts: the engine saves the input as a crash. */
static void report_hang(struct frames_driver *d, unsigned active) {
    unsigned late = active - atomic_load(&d->done);
    LOG_E("hang: %u of %u workers still inside the target after %u ms (deadline)", late, active,
          d->opts.deadline_ms);
    struct sigaction sa = {.sa_handler = stack_handler};
    sigemptyset(&sa.sa_mask);
    sigaction(stack_signal(), &sa, NULL);
    for (unsigned w = 0; w < active; w++) {
        if (atomic_load_explicit(&d->finished[w], memory_order_relaxed))
            continue;
        int before = atomic_load(&stacks_printed);
        if (pthread_kill(d->threads[w], stack_signal()) == 0)
            wait_stack(before);
        if (atomic_load(&stacks_printed) == before)
            LOG_E("hang: worker %u did not answer the stack request", w);
    }
    LOG_E("hang: aborting so the engine keeps this input");
    abort();
}

/* ---- main-thread side --------------------------------------------------------------- */

static void *watchdog_main(void *arg);

/* Worker 0 is the calling thread itself: an input with one active worker needs no
 * hand-off at all, and larger ones one thread fewer to wake on a 2-core machine. */
static bool start_workers(struct frames_driver *d) {
    if (d->started == 0) {
        d->threads[0] = pthread_self();
        d->started = 1;
    }
    if (!d->watchdog_started) {
        int rc = pthread_create(&d->watchdog, NULL, watchdog_main, d);
        if (rc != 0) {
            errno = rc;
            PLOG_E("frames driver: cannot start the watchdog");
            return false;
        }
        d->watchdog_started = true;
    }
    for (; d->started < d->opts.workers; d->started++) {
        unsigned w = d->started;
        d->workers[w] = (struct frames_worker){.d = d, .index = w};
        int rc = pthread_create(&d->threads[w], NULL, worker_main, &d->workers[w]);
        if (rc != 0) {
            errno = rc;
            PLOG_E("frames driver: cannot start worker %u", w);
            return false;
        }
    }
    return true;
}

static struct timespec deadline_after(unsigned ms) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static bool before(const struct timespec *limit) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec < limit->tv_sec ||
           (now.tv_sec == limit->tv_sec && now.tv_nsec < limit->tv_nsec);
}

/* Yields until *counter reaches want or the limit passes (the clock is read every 64
 * rounds: clock_gettime costs more than a yield). */
static bool yield_until(atomic_uint *counter, unsigned want, const struct timespec *limit) {
    for (unsigned i = 0;; i++) {
        if (atomic_load_explicit(counter, memory_order_acquire) >= want)
            return true;
        if (i % 64 == 63 && !before(limit))
            return atomic_load_explicit(counter, memory_order_acquire) >= want;
        sched_yield();
    }
}

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Releases the active workers together, runs share 0 here, and waits for the others, or
 * reports a hang. The caller yields instead of sleeping: on a 2-core machine it hands its
 * core to a worker. */
static void release_and_wait(struct frames_driver *d, unsigned active) {
    struct timespec limit = deadline_after(d->opts.deadline_ms);
    atomic_store_explicit(&d->input_started_ms, now_ms(), memory_order_relaxed);
    yield_until(&d->ready, active - 1, &limit);
    atomic_store_explicit(&d->go, d->gen, memory_order_release);
    worker_index = 0;
    run_share(d, 0);
    atomic_store_explicit(&d->finished[0], true, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->done, 1, memory_order_release);
    if (!yield_until(&d->done, active, &limit))
        report_hang(d, active);
    atomic_store_explicit(&d->input_started_ms, 0, memory_order_relaxed);
}

/* Checks a few times per deadline whether the current input outlived it. Sleeps in
 * between: it costs nothing per input. */
static void *watchdog_main(void *arg) {
    struct frames_driver *d = arg;
    unsigned period = d->opts.deadline_ms / 4 + 1;
    for (;;) {
        struct timespec limit = deadline_after(period);
        pthread_mutex_lock(&d->mu);
        int rc = 0;
        while (!d->stop && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&d->watchdog_cv, &d->mu, &limit);
        bool stop = d->stop;
        unsigned active = d->active;
        pthread_mutex_unlock(&d->mu);
        if (stop)
            return NULL;
        uint64_t started = atomic_load_explicit(&d->input_started_ms, memory_order_relaxed);
        /* Twice the deadline: the caller reports late workers itself at the deadline; the
         * watchdog is for the case where the caller is the one that is stuck. */
        if (started != 0 && now_ms() - started > 2u * d->opts.deadline_ms)
            report_hang(d, active);
    }
}

void frames_driver_run(struct frames_driver *d, const uint8_t *data, size_t size) {
    if (!d->sched.ops->plan(&d->sched, data, size, &d->plan))
        return;
    if (!start_workers(d))
        abort(); /* no pool, no fuzzing: fail loudly rather than run single-threaded */
    unsigned active = d->plan.workers;
    atomic_store(&d->ready, 0);
    atomic_store(&d->done, 0);
    atomic_store_explicit(&d->input_overlap, 0, memory_order_relaxed);
    for (unsigned w = 0; w < active; w++)
        atomic_store_explicit(&d->finished[w], false, memory_order_relaxed);
    pthread_mutex_lock(&d->mu);
    d->gen++;
    d->active = active;
    atomic_store_explicit(&d->pub, d->gen << 8 | active, memory_order_release);
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->mu);
    release_and_wait(d, active);
    unsigned overlap = atomic_load_explicit(&d->input_overlap, memory_order_relaxed);
    d->stats.inputs++;
    d->stats.overlapped += overlap >= 2;
    if (overlap > d->stats.max_overlap)
        d->stats.max_overlap = overlap;
    if (d->target.reset != NULL)
        d->target.reset();
}

/* Workers bump the same coverage counters at once; clang 14 lets TSan instrument those
 * increments, so every input would "race" in every function. The counters are the
 * engine's, not the target's: declare their whole section a benign race. */
static void ignore_counter_races(void) {
    if (AnnotateBenignRaceSized == NULL || __start___sancov_cntrs == NULL ||
        __stop___sancov_cntrs <= __start___sancov_cntrs)
        return;
    AnnotateBenignRaceSized(__FILE__, __LINE__, __start___sancov_cntrs,
                            (unsigned long)(__stop___sancov_cntrs - __start___sancov_cntrs),
                            "libFuzzer 8-bit coverage counters");
}

struct frames_driver *frames_driver_new(const struct frames_target *t,
                                        const struct frames_driver_opts *o) {
    struct frames_driver *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NULL;
    d->target = *t;
    d->opts = *o;
    frames_sched_free_init(&d->sched, o->workers, o->max_frame_len);
    d->opts.workers = d->sched.max_workers;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->wake, NULL);
    pthread_cond_init(&d->watchdog_cv, &ca);
    pthread_condattr_destroy(&ca);
    void *warm[1];
    backtrace(warm, 1); /* loads the unwinder now, not inside a signal handler later */
    ignore_counter_races();
    if (t->init != NULL && t->init() != 0) {
        LOG_E("frames driver: the target's init hook failed");
        frames_driver_free(d);
        return NULL;
    }
    return d;
}

void frames_driver_get_stats(const struct frames_driver *d, struct frames_driver_stats *out) {
    *out = d->stats;
}

void frames_driver_free(struct frames_driver *d) {
    if (d == NULL)
        return;
    pthread_mutex_lock(&d->mu);
    d->stop = true;
    atomic_store_explicit(&d->pub, PUB_STOP, memory_order_release);
    pthread_cond_broadcast(&d->wake);
    pthread_cond_broadcast(&d->watchdog_cv);
    pthread_mutex_unlock(&d->mu);
    for (unsigned w = 1; w < d->started; w++)
        pthread_join(d->threads[w], NULL);
    if (d->watchdog_started)
        pthread_join(d->watchdog, NULL);
    frames_plan_free(&d->plan);
    pthread_cond_destroy(&d->wake);
    pthread_cond_destroy(&d->watchdog_cv);
    pthread_mutex_destroy(&d->mu);
    free(d);
}
