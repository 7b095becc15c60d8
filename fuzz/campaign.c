#define _GNU_SOURCE
#include "campaign.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "campaign_series.h"
#include "campaign_status.h"
#include "fileio.h"
#include "log.h"
#include "rf_config.h"
#include "subproc.h"

/* Engines get this long past the budget to write their findings and exit. */
#define CAMPAIGN_GRACE_S 30.0
#define CAMPAIGN_MAX_ARGS 64
#define CAMPAIGN_MAX_ENV 64
/* Engine starts of one keep-going campaign at most: a seed that crashes at once would
 * otherwise restart the engine as fast as it can for the whole budget. */
#define CAMPAIGN_MAX_RESTARTS 1000

static const char *const engine_names[CAMPAIGN_ENGINE_COUNT] = {
    [CAMPAIGN_LIBFUZZER] = "libfuzzer",
    [CAMPAIGN_AFL] = "afl",
};

const char *campaign_engine_name(enum campaign_engine e) {
    return (unsigned)e < CAMPAIGN_ENGINE_COUNT ? engine_names[e] : "?";
}

bool campaign_engine_parse(const char *name, enum campaign_engine *out) {
    for (int e = 0; e < CAMPAIGN_ENGINE_COUNT; e++)
        if (strcmp(name, engine_names[e]) == 0) {
            *out = (enum campaign_engine)e;
            return true;
        }
    return false;
}

struct argbuf {
    char *argv[CAMPAIGN_MAX_ARGS + 1];
    char store[CAMPAIGN_MAX_ARGS][512];
    size_t n;
};

static bool arg(struct argbuf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool arg(struct argbuf *a, const char *fmt, ...) {
    if (a->n >= CAMPAIGN_MAX_ARGS)
        return false;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(a->store[a->n], sizeof(a->store[a->n]), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(a->store[a->n]))
        return false;
    a->argv[a->n] = a->store[a->n];
    a->argv[++a->n] = NULL;
    return true;
}

/* The first regular file in dir whose name starts with one of the prefixes. */
static bool first_file(const char *dir, const char *const *prefixes, char *out, size_t cap) {
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;
    if (d == NULL)
        return false;
    while (!found && (e = readdir(d)) != NULL)
        for (size_t i = 0; prefixes[i] != NULL && !found; i++)
            if (strncmp(e->d_name, prefixes[i], strlen(prefixes[i])) == 0) {
                int n = snprintf(out, cap, "%s/%s", dir, e->d_name);
                found = n > 0 && (size_t)n < cap;
            }
    closedir(d);
    return found;
}

/* A flag the caller passed through (after `--`) that starts with prefix. */
static bool has_flag(const struct campaign_opts *o, const char *prefix) {
    for (size_t i = 0; i < o->nextra; i++)
        if (strncmp(o->extra[i], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

static bool libfuzzer_args(const struct campaign_opts *o, struct argbuf *a) {
    bool ok = arg(a, "%s", o->fuzzer) && arg(a, "-seed=%llu", (unsigned long long)o->seed) &&
              arg(a, "-max_total_time=%d", (int)(o->time_s + 0.5)) &&
              arg(a, "-artifact_prefix=%s/findings/", o->work_dir) &&
              arg(a, "-print_final_stats=1");
    if (ok && o->max_len > 0)
        ok = arg(a, "-max_len=%zu", o->max_len);
    if (ok && o->dict != NULL)
        ok = arg(a, "-dict=%s", o->dict);
    for (size_t i = 0; ok && i < o->nextra; i++)
        ok = arg(a, "%s", o->extra[i]);
    return ok && arg(a, "%s/corpus", o->work_dir) && arg(a, "%s", o->seeds_dir);
}

static bool afl_args(const struct campaign_opts *o, struct argbuf *a) {
    bool ok = arg(a, "afl-fuzz") && arg(a, "-i") && arg(a, "%s", o->seeds_dir) && arg(a, "-o") &&
              arg(a, "%s/afl", o->work_dir) && arg(a, "-s") &&
              arg(a, "%llu", (unsigned long long)o->seed) && arg(a, "-V") &&
              arg(a, "%d", (int)(o->time_s + 0.5));
    if (ok && o->max_len > 0)
        ok = arg(a, "-G") && arg(a, "%zu", o->max_len);
    if (ok && o->dict != NULL)
        ok = arg(a, "-x") && arg(a, "%s", o->dict);
    for (size_t i = 0; ok && i < o->nextra; i++)
        ok = arg(a, "%s", o->extra[i]);
    return ok && arg(a, "--") && arg(a, "%s", o->fuzzer);
}

/* Reads "key: value" / "stat::key: value" numbers from engine output or a stats file. */
static double stat_value(const char *path, const char *key) {
    struct fileio_buf b;
    double v = 0;
    if (!fileio_read(path, RF_MAX_FILE_SIZE, &b))
        return 0;
    const char *p = (const char *)b.data, *hit = NULL;
    while ((p = strstr(p, key)) != NULL)
        hit = p++, (void)0;
    if (hit != NULL) {
        hit = strchr(hit + strlen(key), ':');
        if (hit != NULL)
            v = strtod(hit + 1, NULL);
    }
    fileio_buf_free(&b);
    return v;
}

static void progress_tick(double elapsed, void *arg) {
    const struct campaign_opts *o = arg;
    if (campaign_status_tick(o->status) || !o->progress)
        return; /* a terminal's status line stands in for this one */
    if (((int)elapsed) % 10 == 0)
        fprintf(stderr, "racefuzz: %s on %s: %.0fs / %.0fs\n", campaign_engine_name(o->engine),
                o->fuzzer, elapsed, o->time_s);
}

/* The first AFL++ finding in any instance folder (afl/default, or afl/NAME of -M/-S
 * NAME): crashes of every instance before any hang. Statistics add up over instances. */
static bool afl_first(const char *afl, const char *sub, char *out, size_t cap) {
    static const char *const prefixes[] = {"id:", NULL};
    char dir[4400];
    struct dirent *e;
    bool found = false;
    DIR *d = opendir(afl);
    while (d != NULL && !found && (e = readdir(d)) != NULL) {
        int n = snprintf(dir, sizeof(dir), "%s/%s/%s", afl, e->d_name, sub);
        found = e->d_name[0] != '.' && n > 0 && (size_t)n < sizeof(dir) &&
                first_file(dir, prefixes, out, cap);
    }
    if (d != NULL)
        closedir(d);
    return found;
}

static void afl_stats(const char *afl, struct campaign_result *r) {
    char stats[4400];
    struct dirent *e;
    DIR *d = opendir(afl);
    while (d != NULL && (e = readdir(d)) != NULL) {
        int n = snprintf(stats, sizeof(stats), "%s/%s/fuzzer_stats", afl, e->d_name);
        if (e->d_name[0] == '.' || n < 0 || (size_t)n >= sizeof(stats))
            continue;
        r->execs_per_s += stat_value(stats, "execs_per_sec");
        r->execs += (unsigned long long)stat_value(stats, "execs_done");
    }
    if (d != NULL)
        closedir(d);
}

static size_t each_in(const char *dir, const char *const *prefixes, campaign_finding_fn fn,
                      void *arg) {
    char path[4400];
    struct dirent *e;
    size_t n = 0;
    DIR *d = opendir(dir);
    while (d != NULL && (e = readdir(d)) != NULL)
        for (size_t i = 0; prefixes[i] != NULL; i++) {
            int len = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            if (strncmp(e->d_name, prefixes[i], strlen(prefixes[i])) != 0 || len < 0 ||
                (size_t)len >= sizeof(path))
                continue;
            if (fn != NULL)
                fn(path, arg);
            n++;
            break;
        }
    if (d != NULL)
        closedir(d);
    return n;
}

double campaign_finding_time(const struct campaign_result *r, const char *path, time_t *at) {
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (at != NULL)
        *at = st.st_mtim.tv_sec;
    double s = (double)(st.st_mtim.tv_sec - r->started.tv_sec) +
               (double)(st.st_mtim.tv_nsec - r->started.tv_nsec) / 1e9;
    return s > 0 ? s : 0;
}

size_t campaign_each_finding(const struct campaign_opts *o, campaign_finding_fn fn, void *arg) {
    static const char *const lf_prefixes[] = {"crash-", "leak-", "timeout-", "oom-", NULL};
    static const char *const afl_prefixes[] = {"id:", NULL};
    static const char *const subs[] = {"crashes", "hangs"};
    char dir[4400];
    struct dirent *e;
    size_t n = 0;
    if (o->engine == CAMPAIGN_LIBFUZZER) {
        snprintf(dir, sizeof(dir), "%s/findings", o->work_dir);
        return each_in(dir, lf_prefixes, fn, arg);
    }
    snprintf(dir, sizeof(dir), "%s/afl", o->work_dir);
    DIR *d = opendir(dir);
    while (d != NULL && (e = readdir(d)) != NULL)
        for (size_t i = 0; e->d_name[0] != '.' && i < 2; i++) {
            char sub[4600];
            snprintf(sub, sizeof(sub), "%s/%s/%s", dir, e->d_name, subs[i]);
            n += each_in(sub, afl_prefixes, fn, arg);
        }
    if (d != NULL)
        closedir(d);
    return n;
}

/* libFuzzer -fork prints no final statistics: its last status line has the totals. */
static void fork_stats(const struct campaign_opts *o, struct campaign_result *r) {
    struct campaign_series s;
    if (!campaign_series_load(o, r, &s))
        return;
    const struct campaign_point *last = &s.v[s.n - 1];
    r->execs = (unsigned long long)last->execs;
    r->execs_per_s = last->t > 0 ? last->execs / last->t : last->execs_per_s;
    campaign_series_free(&s);
}

static void collect(const struct campaign_opts *o, struct campaign_result *r) {
    static const char *const lf_prefixes[] = {"crash-", "leak-", "timeout-", "oom-", NULL};
    char dir[4096];
    if (o->engine == CAMPAIGN_LIBFUZZER) {
        snprintf(dir, sizeof(dir), "%s/findings", o->work_dir);
        r->found = first_file(dir, lf_prefixes, r->crash, sizeof(r->crash));
        r->execs_per_s = stat_value(r->log, "stat::average_exec_per_sec");
        r->execs = (unsigned long long)stat_value(r->log, "stat::number_of_executed_units");
        if (r->execs == 0)
            fork_stats(o, r);
        return;
    }
    snprintf(dir, sizeof(dir), "%s/afl", o->work_dir);
    r->found = afl_first(dir, "crashes", r->crash, sizeof(r->crash)) ||
               afl_first(dir, "hangs", r->crash, sizeof(r->crash));
    afl_stats(dir, r);
}

static bool append_env(const char **out, size_t *n, const char *const *list) {
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        if (*n >= CAMPAIGN_MAX_ENV)
            return false;
        out[(*n)++] = list[i];
    }
    out[*n] = NULL;
    return true;
}

/* Engine settings first, then the caller's, so a user can override ours. */
static bool merge_env(const char **out, const char *const *a, const char *const *b) {
    size_t n = 0;
    out[0] = NULL;
    return append_env(out, &n, a) && append_env(out, &n, b);
}

/* The harness's own first error line in the engine log, without its "racefuzz: error: "
 * prefix: why a start failed (a service the supervisor refused, a config problem), for the
 * terminal. "" when there is none. */
static void harness_reason(const char *log, char *buf, size_t cap) {
    static const char mark[] = "racefuzz: error: ";
    char *line = NULL;
    size_t n = 0;
    FILE *f = fopen(log, "r");
    buf[0] = '\0';
    if (f == NULL)
        return;
    while (getline(&line, &n, f) >= 0) {
        if (strncmp(line, mark, sizeof(mark) - 1) != 0)
            continue;
        const char *why = line + sizeof(mark) - 1;
        snprintf(buf, cap, "%.*s", (int)strcspn(why, "\n"), why);
        break;
    }
    free(line);
    fclose(f);
}

/* An engine that exits non-zero without a finding did not fuzz (could not start, bad flag,
 * missing binary): that must not read as "nothing found", and the harness's reason, if it
 * gave one, is shown with it (not only in the log). */
static void report_failure(const struct campaign_opts *o, const struct campaign_result *r,
                           const struct subproc_result *sr) {
    char why[1024];
    harness_reason(r->log, why, sizeof(why));
    LOG_E("%s: the engine failed (exit %d, signal %d) without a finding; see %s", o->fuzzer,
          sr->exit_code, sr->signal, r->log);
    if (why[0] != '\0')
        LOG_E("the harness said: %s", why);
}

/* The line a restarted engine's log gets (campaign_series.h reads it). */
static bool restart_mark(const char *log, double at_s) {
    FILE *f = fopen(log, "a");
    bool ok = f != NULL && fprintf(f, CAMPAIGN_RESTART_MARK "%.3f s\n", at_s) > 0;
    ok = f != NULL && fclose(f) == 0 && ok;
    if (!ok)
        PLOG_E("%s: cannot append to the engine log", log);
    return ok;
}

/* One engine process for o's budget; r->seconds and the statistics are its own. */
static bool run_segment(const struct campaign_opts *o, struct campaign_result *r) {
    struct argbuf a = {.n = 0};
    bool ok = o->engine == CAMPAIGN_LIBFUZZER ? libfuzzer_args(o, &a) : afl_args(o, &a);
    if (!ok) {
        LOG_E("%s: too many or too long engine arguments", o->fuzzer);
        return false;
    }
    char mut_env[4200];
    snprintf(mut_env, sizeof(mut_env), "AFL_CUSTOM_MUTATOR_LIBRARY=%s",
             o->afl_mutator != NULL ? o->afl_mutator : "");
    /* AFL++ as root on a CI box: no CPU governor, no UI, stop at the first crash. With
     * our library loaded, only our mutator runs: AFL++'s havoc cuts through length
     * prefixes (the planted bug: found in 138 s with it alone, not in 600 s mixed). */
    const char *afl_env[] = {"AFL_SKIP_CPUFREQ=1",
                             "AFL_NO_UI=1",
                             o->keep_going ? "AFL_NO_CRASH_README=1" : "AFL_BENCH_UNTIL_CRASH=1",
                             "AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1",
                             "AFL_NO_AFFINITY=1",
                             o->afl_mutator != NULL ? "AFL_CUSTOM_MUTATOR_ONLY=1" : NULL,
                             mut_env,
                             NULL};
    const char *env[CAMPAIGN_MAX_ENV + 1];
    if (!merge_env(env, o->engine == CAMPAIGN_AFL ? afl_env : NULL, o->env)) {
        LOG_E("%s: too many environment entries", o->fuzzer);
        return false;
    }
    struct subproc_opts so = {
        .argv = a.argv,
        .env_add = env,
        .output_path = r->log,
        .timeout_s = o->time_s + CAMPAIGN_GRACE_S,
        .tick = o->progress || o->status != NULL ? progress_tick : NULL,
        .tick_arg = (void *)o,
    };
    struct subproc_result sr;
    /* Interrupted: the engine was stopped (procgroup.h said so); what it left stays in the
     * work directory, and no outcome is claimed. */
    if (!subproc_run(&so, &sr) || sr.interrupted != 0)
        return false;
    r->ran = !sr.timed_out;
    r->seconds = sr.seconds;
    collect(o, r);
    if (!r->found && (sr.signal != 0 || sr.exit_code != 0) && !sr.timed_out) {
        report_failure(o, r, &sr);
        return false;
    }
    return true;
}

static size_t findings_now(const struct campaign_opts *o) {
    return campaign_each_finding(o, NULL, NULL);
}

/* libFuzzer keeps going by being started again: after a segment that stopped at a finding,
 * the next one (seed + 1) starts from the corpus so far for the budget left. -fork with
 * -ignore_crashes would do it in one process, but in http mode each fork job starts the
 * service again and a job the parent stops at the budget dies as a finding of its own. The
 * log gets a line at each restart, so its status lines keep their time (campaign_series). */
static bool run_restarts(const struct campaign_opts *o, struct campaign_result *r) {
    struct campaign_opts seg = *o;
    double total_s = 0;
    unsigned long long execs = 0;
    char first[sizeof(r->crash)] = "";
    for (unsigned i = 0; i < CAMPAIGN_MAX_RESTARTS && o->time_s - total_s >= 1; i++) {
        size_t before = findings_now(o);
        seg.time_s = o->time_s - total_s;
        seg.seed = o->seed + i;
        if (i > 0 && !restart_mark(r->log, total_s))
            return false;
        if (!run_segment(&seg, r))
            return false;
        total_s += r->seconds;
        execs += r->execs;
        if (r->found && first[0] == '\0')
            snprintf(first, sizeof(first), "%s", r->crash);
        if (findings_now(o) == before)
            break; /* it ran to its budget */
    }
    r->seconds = total_s;
    r->execs = execs;
    r->execs_per_s = total_s > 0 ? (double)execs / total_s : 0;
    r->found = first[0] != '\0';
    snprintf(r->crash, sizeof(r->crash), "%s", first);
    return true;
}

bool campaign_run(const struct campaign_opts *o, struct campaign_result *r) {
    char findings[4096], corpus[4096];
    memset(r, 0, sizeof(*r));
    snprintf(findings, sizeof(findings), "%s/findings", o->work_dir);
    snprintf(corpus, sizeof(corpus), "%s/corpus", o->work_dir);
    if (!fileio_mkdirs(findings) || !fileio_mkdirs(corpus)) {
        LOG_E("%s: cannot create the work directory", o->work_dir);
        return false;
    }
    snprintf(r->log, sizeof(r->log), "%s/engine.log", o->work_dir);
    clock_gettime(CLOCK_REALTIME, &r->started);
    if (o->keep_going && o->engine == CAMPAIGN_LIBFUZZER && !has_flag(o, "-fork="))
        return run_restarts(o, r);
    return run_segment(o, r);
}
