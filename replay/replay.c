#define _GNU_SOURCE
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "rf_config.h"
#include "sandbox.h"
#include "subproc.h"

#define REPLAY_DEFAULT_ATTEMPTS 20

/* What every attempt's environment holds besides the caller's entries: a PATH for tools
 * the target may run (gdb, symbolizers), and sanitizer settings that make a report
 * complete and the run stop at it. Nothing else of ours leaks in (the sandbox's env is
 * exactly this list). */
static const char *const base_env[] = {
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "LANG=C.UTF-8",
    "ASAN_OPTIONS=abort_on_error=1:symbolize=1:detect_leaks=1",
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1",
    "GORACE=halt_on_error=1",
    "GOTRACEBACK=all",
    "RACEFUZZ_HTTP_PREBUILT=1", /* http mode: run the service the campaign built */
    NULL,
};

struct attempt_env {
    char seed[64];
    const char *v[REPLAY_MAX_ENV + 8];
};

/* getenv() returns the first K= of an environment, so a base entry the caller sets too is
 * left out rather than listed before the caller's. */
static bool overridden(const char *base, const char *const *env) {
    size_t k = strcspn(base, "=");
    for (size_t i = 0; env != NULL && env[i] != NULL; i++)
        if (strncmp(env[i], base, k) == 0 && env[i][k] == '=')
            return true;
    return false;
}

static void build_env(const struct replay_opts *o, unsigned attempt, struct attempt_env *e) {
    size_t n = 0;
    for (size_t i = 0; base_env[i] != NULL; i++)
        if (!overridden(base_env[i], o->env))
            e->v[n++] = base_env[i];
    for (size_t i = 0; o->env != NULL && o->env[i] != NULL && n < REPLAY_MAX_ENV; i++)
        e->v[n++] = o->env[i];
    snprintf(e->seed, sizeof(e->seed), "RACEFUZZ_PERTURB_SEED=%u", attempt + 1);
    e->v[n++] = e->seed;
    e->v[n] = NULL;
}

static bool build_argv(const struct replay_opts *o, char **argv, size_t cap) {
    size_t n = 0;
    argv[n++] = (char *)o->binary;
    for (size_t i = 0; o->binary_args != NULL && o->binary_args[i] != NULL; i++) {
        if (n + 2 >= cap)
            return false;
        argv[n++] = o->binary_args[i];
    }
    argv[n++] = o->sandbox ? SANDBOX_INPUT : (char *)o->input;
    argv[n] = NULL;
    return true;
}

/* One attempt; *crashed says whether the target ended abnormally. */
static bool run_attempt(const struct replay_opts *o, unsigned i, const char *log, bool *crashed) {
    struct attempt_env e;
    char *argv[64];
    build_env(o, i, &e);
    if (!build_argv(o, argv, sizeof(argv) / sizeof(argv[0]))) {
        LOG_E("replay: too many binary arguments");
        return false;
    }
    if (o->sandbox) {
        struct sandbox_opts so = {.argv = argv,
                                  .env = e.v,
                                  .input = o->input,
                                  .output_path = log,
                                  .timeout_s = o->timeout_s};
        struct sandbox_result sr;
        if (!sandbox_run(&so, &sr))
            return false;
        *crashed = sr.timed_out || sr.signal != 0 || sr.exit_code != 0;
        return true;
    }
    unlink(log); /* subproc appends */
    struct subproc_opts po = {
        .argv = argv, .env_add = e.v, .output_path = log, .timeout_s = o->timeout_s};
    struct subproc_result pr;
    if (!subproc_run(&po, &pr))
        return false;
    *crashed = pr.timed_out || pr.signal != 0 || pr.exit_code != 0;
    return true;
}

enum verdict { VERDICT_UNKNOWN, VERDICT_OTHER, VERDICT_MATCH };

static bool same_bug(const struct replay_opts *o, const struct signature_result *sig) {
    if (o->expect_kind == NULL || o->expect_frames == NULL || strcmp(sig->kind, o->expect_kind))
        return false;
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; sig->nframes[k] > 0 && o->expect_frames[i] != NULL; i++)
            if (strcmp(sig->frames[k][0].func, o->expect_frames[i]) == 0)
                return true;
    return false;
}

/* Reads a crashed attempt's output: the crash we replay, another one, or no report. */
static enum verdict judge(const struct replay_opts *o, const char *log,
                          struct signature_result *sig) {
    struct fileio_buf b;
    memset(sig, 0, sizeof(*sig));
    if (!fileio_read(log, RF_MAX_FILE_SIZE, &b))
        return VERDICT_UNKNOWN;
    bool have = signature_from_report((const char *)b.data, b.size, sig);
    fileio_buf_free(&b);
    if (!have) {
        snprintf(sig->kind, sizeof(sig->kind), "%s", "unrecognised-exit");
        return VERDICT_UNKNOWN;
    }
    if (o->expect_key == NULL || strcmp(sig->key, o->expect_key) == 0 || same_bug(o, sig))
        return VERDICT_MATCH;
    return VERDICT_OTHER;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void note_crash(struct replay_result *r, const struct signature_result *sig, const char *log,
                       bool matched) {
    if (matched) {
        if (r->hits++ > 0)
            return;
    } else {
        r->crashed_other++;
        if (r->have_sig)
            return;
    }
    /* The first reproduction's report wins over an earlier other crash's. */
    r->have_sig = true;
    r->sig = *sig;
    snprintf(r->first_log, sizeof(r->first_log), "%s", log);
}

bool replay_run(const struct replay_opts *o, struct replay_result *r) {
    unsigned n = o->attempts ? o->attempts : REPLAY_DEFAULT_ATTEMPTS;
    double start = now_s();
    memset(r, 0, sizeof(*r));
    if (!fileio_mkdirs(o->work_dir))
        return false;
    for (unsigned i = 0; i < n; i++) {
        char log[4200];
        bool crashed = false;
        snprintf(log, sizeof(log), "%s/attempt-%02u.log", o->work_dir, i + 1);
        if (!run_attempt(o, i, log, &crashed))
            return false;
        r->attempts++;
        struct signature_result sig;
        if (!crashed)
            continue;
        note_crash(r, &sig, log, judge(o, log, &sig) == VERDICT_MATCH);
    }
    r->seconds = now_s() - start;
    return true;
}
