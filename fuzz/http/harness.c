/* The `http` mode harness: each fuzz input is a request schedule fired over loopback at the
 * live service, which a supervisor started from the target config and keeps alive. The
 * engine's feedback is the service's own coverage (its libFuzzer counters through shared
 * memory, go/cover) when it publishes it, and response classes otherwise.
 *
 * Environment (racefuzz fuzz --mode http sets it):
 *   RACEFUZZ_HTTP_CONFIG    the target config (racefuzz.json): its "service" section
 *   RACEFUZZ_HTTP_WORK      where the service is built and its output logged
 *   RACEFUZZ_HTTP_FEEDBACK  "blackbox": response classes only, even when the service
 *                           publishes its coverage (the benchmark's baseline)
 * At exit it prints how many of the service's counters the run reached in all
 * ("racefuzz: http-mode coverage: N service counters"), whatever the feedback.
 *
 * A finding prints "racefuzz: http-mode <kind>: ..." with the service's output excerpt and
 * the inputs that ran before it, then aborts so the engine keeps the input. Kinds: death
 * (exit or signal), race/panic/fatal (the service's stderr), hang, expectation (5xx or a
 * config rule), invariant (the config's invariant endpoint), leak (goroutines above the
 * idle count after the schedule drained). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine_api.h"
#include "http_driver.h"
#include "http_expect.h"
#include "log.h"
#include "http_cov.h"
#include "rf_config.h"
#include "schedule.h"
#include "http_supervisor.h"
#include "http_oracle.h"
#include "target_config.h"

/* Black-box feedback when the service publishes no coverage: one counter per (step
 * position, status, size bucket, transport error), in libFuzzer's extra counters. */
#define HTTP_BLACKBOX_COUNTERS 4096
static uint8_t blackbox[HTTP_BLACKBOX_COUNTERS]
    __attribute__((section("__libfuzzer_extra_counters"), used));

static struct {
    struct target_config cfg;
    struct service_config sc;
    struct http_supervisor *svc;
    struct http_cov *cov;
    struct http_driver *drv;
    struct http_expect exp;
    bool remote, blackbox_only;
    int64_t idle_goroutines;
    uint8_t *reached; /* every service counter any input hit */
    size_t nreached;
    char cov_env[4200];
} H;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The finding's report, then abort: libFuzzer saves the input that was running. */
static void report(const char *kind, const char *detail, uint64_t mark) {
    static char out[65536];
    fprintf(stderr, "racefuzz: http-mode %s: %s\n", kind, detail);
    size_t n = http_supervisor_output_since(H.svc, mark, out, sizeof(out));
    if (n > 0)
        fprintf(stderr, "--- service output during this input ---\n%.*s\n", (int)n, out);
    const uint8_t *datas[RF_SVC_HISTORY];
    size_t lens[RF_SVC_HISTORY];
    size_t h = http_supervisor_history(H.svc, datas, lens, RF_SVC_HISTORY);
    fprintf(stderr, "--- this input and the %zu before it (newest first): sizes", h ? h - 1 : 0);
    for (size_t i = 0; i < h; i++)
        fprintf(stderr, " %zu", lens[i]);
    fprintf(stderr, " ---\n");
    fflush(stderr);
    abort();
}

/* All goroutines' stacks from the service (SIGQUIT: Go prints them and exits), for hang and
 * leak reports; the harness aborts right after, and the supervisor's death-signal hook
 * takes the service down with it in any case. */
static void dump_goroutines(void) {
    pid_t pid = http_supervisor_pid(H.svc);
    if (pid > 0 && kill(pid, SIGQUIT) == 0)
        usleep(RF_HTTP_DUMP_WAIT_MS * 1000);
}

/* The region goes with a normal exit; after a crash or a timeout (libFuzzer _Exit()s) the
 * next harness sweeps it (http_cov_region.h). */
static void drop_region(void) {
    http_cov_destroy(H.cov);
    H.cov = NULL;
}

static void start_service(void) {
    const char *config = getenv("RACEFUZZ_HTTP_CONFIG"), *work = getenv("RACEFUZZ_HTTP_WORK");
    if (config == NULL || work == NULL) {
        LOG_E("http harness: RACEFUZZ_HTTP_CONFIG and RACEFUZZ_HTTP_WORK must be set "
              "(racefuzz fuzz --mode http sets them)");
        exit(1);
    }
    H.cov = http_cov_create(NULL, 0);
    if (H.cov != NULL)
        atexit(drop_region);
    if (H.cov == NULL || !target_config_load(config, &H.cfg) ||
        !http_expect_load(target_config_section(&H.cfg, "service"), H.cfg.path, &H.exp))
        exit(1);
    snprintf(H.cov_env, sizeof(H.cov_env), "RACEFUZZ_COVER_SHM=%s", http_cov_path(H.cov));
    /* A replay runs the service built by the campaign (its sandbox cannot write a Go build
     * cache), and logs into its own work directory. */
    const char *prebuilt = getenv("RACEFUZZ_HTTP_PREBUILT");
    if (prebuilt != NULL && strcmp(prebuilt, "1") == 0)
        cJSON_DeleteItemFromObjectCaseSensitive((cJSON *)target_config_section(&H.cfg, "service"),
                                                "build");
    const char *extra[] = {H.cov_env, NULL};
    if (!service_config_load(&H.cfg, work, NULL, extra, &H.sc))
        exit(1);
    struct http_supervisor_opts o;
    http_supervisor_opts_from_config(&o, &H.sc);
    if (access(work, W_OK) != 0)
        o.log_path = "service.log";
    H.svc = http_supervisor_start(&o);
    if (H.svc == NULL)
        exit(1);
    H.remote = http_cov_wait_attached(H.cov, RF_HTTP_COVER_ATTACH_MS);
    fprintf(stderr, "racefuzz: http-mode: service at %s, %s\n", http_supervisor_addr(H.svc),
            H.remote ? "remote coverage on" : "no remote coverage: black-box feedback");
}

static void start_driver(void) {
    struct http_driver_opts o;
    http_driver_default_opts(&o);
    o.addr = http_supervisor_addr(H.svc);
    o.allow_non_loopback = H.sc.allow_non_loopback;
    H.drv = http_driver_new(&o);
    if (H.drv == NULL)
        exit(1);
}

/* Cumulative service coverage, for the exit line. */
static void note_reached(const struct http_cov_snapshot *snap) {
    if (H.reached == NULL) {
        H.reached = calloc(snap->n ? snap->n : 1, 1);
        H.nreached = H.reached != NULL ? snap->n : 0;
    }
    for (size_t i = 0; i < snap->n && i < H.nreached; i++)
        H.reached[i] |= snap->counters[i] != 0;
}

static void print_reached(void) {
    size_t n = 0;
    for (size_t i = 0; i < H.nreached; i++)
        n += H.reached[i];
    fprintf(stderr, "racefuzz: http-mode coverage: %zu service counters reached (%s feedback)\n", n,
            H.blackbox_only || !H.remote ? "black-box" : "remote");
}

/* The service's goroutines once every connection of ours is closed (and its counters). */
static bool goroutines(int64_t *out) {
    struct http_cov_snapshot snap;
    if (!H.remote || http_cov_snapshot(H.cov, RF_HTTP_COVER_TIMEOUT_MS, &snap) != RCOV_OK)
        return false;
    note_reached(&snap);
    *out = snap.goroutines;
    return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *fb = getenv("RACEFUZZ_HTTP_FEEDBACK");
    H.blackbox_only = fb != NULL && strcmp(fb, "blackbox") == 0;
    start_service();
    start_driver();
    atexit(print_reached);
    http_driver_disconnect(H.drv);
    if (!goroutines(&H.idle_goroutines))
        H.idle_goroutines = -1;
    return 0;
}

/* One request outside the schedule (reset, invariant): a one-step schedule. */
static int single_request(enum schedule_method m, const char *path,
                          struct http_driver_result *res) {
    struct schedule_step st = {
        .method = m, .path = (const uint8_t *)path, .path_len = (uint16_t)strlen(path)};
    struct schedule s = {
        .version = SCHED_VERSION, .lanes = 1, .repeat = 1, .steps = &st, .nsteps = 1};
    struct http_driver_outcome out;
    if (!http_driver_run(H.drv, &s, &out) || out.nsteps != 1)
        return 0;
    *res = out.results[0];
    return res->status;
}

static void check_service(uint64_t mark) {
    struct http_supervisor_death d;
    char why[512];
    if (http_supervisor_check_death(H.svc, &d)) {
        snprintf(why, sizeof(why), "the service %s %d",
                 d.signal ? "was killed by signal" : "exited with",
                 d.signal ? d.signal : d.exit_code);
        report("death", why, mark);
    }
    static char text[65536];
    static struct http_oracle_finding f;
    size_t n = http_supervisor_output_since(H.svc, mark, text, sizeof(text));
    if (n > 0 && http_oracle_scan(text, n, &f)) {
        snprintf(why, sizeof(why), "%.*s", (int)strcspn(f.excerpt, "\n"), f.excerpt);
        report(http_oracle_kind_name(f.kind), why, mark);
    }
}

static void check_results(const struct schedule *s, const struct http_driver_outcome *out,
                          uint64_t mark) {
    char why[1024];
    for (size_t i = 0; i < (size_t)out->runs * out->nsteps; i++) {
        const struct http_driver_result *r = &out->results[i];
        const struct schedule_step *st = &s->steps[i % out->nsteps];
        if (r->err == HDRV_ERR_HANG) {
            snprintf(why, sizeof(why), "step %zu (%s %.*s, lane %u) had no answer within %u ms",
                     i % out->nsteps, schedule_method_name(st->method), (int)st->path_len,
                     (const char *)st->path, st->lane, RF_HTTP_STEP_DEADLINE_MS);
            dump_goroutines();
            report("hang", why, mark);
        }
        if (r->err == HDRV_OK && !http_expect_check(&H.exp, st, r->status, why, sizeof(why)))
            report("expectation", why, mark);
    }
}

static void check_invariant(uint64_t mark) {
    struct http_driver_result r;
    char why[512];
    if (H.exp.invariant[0] == '\0')
        return;
    int status = single_request(SCHED_GET, H.exp.invariant, &r);
    if (status / 100 != 2) {
        snprintf(why, sizeof(why), "GET %s answered %d: %.*s", H.exp.invariant, status,
                 (int)r.prefix_len, (const char *)r.prefix);
        report("invariant", why, mark);
    }
}

/* Goroutines back to the idle count once our connections are closed, within the settle
 * time; otherwise the schedule left some behind. */
static void check_leak(uint64_t mark) {
    int64_t g = 0;
    char why[256];
    if (H.idle_goroutines < 0)
        return;
    http_driver_disconnect(H.drv);
    double until = now_ms() + RF_GO_LEAK_SETTLE_MS;
    while (goroutines(&g) && g > H.idle_goroutines && now_ms() < until)
        usleep(2000);
    if (g > H.idle_goroutines) {
        snprintf(why, sizeof(why),
                 "%lld goroutine(s) above the idle count of %lld, %d ms after "
                 "the schedule drained",
                 (long long)(g - H.idle_goroutines), (long long)H.idle_goroutines,
                 RF_GO_LEAK_SETTLE_MS);
        dump_goroutines();
        report("leak", why, mark);
    }
}

static void blackbox_feedback(const struct http_driver_outcome *out) {
    for (size_t i = 0; i < (size_t)out->runs * out->nsteps; i++) {
        const struct http_driver_result *r = &out->results[i];
        unsigned bucket = 0;
        for (uint64_t b = r->body_len; b > 0 && bucket < 15; b >>= 2)
            bucket++;
        uint32_t h = (uint32_t)((i % out->nsteps) % 16) * 2654435761u ^
                     (uint32_t)r->status * 40503u ^ bucket * 9176u ^ (uint32_t)r->err * 7919u ^
                     (uint32_t)(r->digest & 0xff);
        blackbox[h % HTTP_BLACKBOX_COUNTERS]++;
    }
}

static void reset_service(void) {
    struct http_driver_result r;
    const cJSON *reset =
        cJSON_GetObjectItemCaseSensitive(target_config_section(&H.cfg, "service"), "reset");
    if (cJSON_IsString(reset))
        single_request(SCHED_POST, reset->valuestring, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct schedule s;
    struct http_driver_outcome out;
    if (schedule_parse(data, size, &s, NULL) != SCHED_OK)
        return -1;
    reset_service();
    http_supervisor_note_input(H.svc, data, size);
    uint64_t mark = http_supervisor_output_mark(H.svc);
    if (H.remote)
        http_cov_clear(H.cov, RF_HTTP_COVER_TIMEOUT_MS);
    bool ran = http_driver_run(H.drv, &s, &out);
    check_service(mark);
    if (ran) {
        check_results(&s, &out, mark);
        if (!H.remote || H.blackbox_only)
            blackbox_feedback(&out);
    }
    check_invariant(mark);
    check_leak(mark);
    int64_t g;
    if (H.remote && H.idle_goroutines < 0) /* no leak check: the snapshot is still wanted */
        goroutines(&g);
    check_service(mark);
    if (H.remote && !H.blackbox_only)
        http_cov_to_libfuzzer(H.cov);
    schedule_free(&s);
    return 0;
}
