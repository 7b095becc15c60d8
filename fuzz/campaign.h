/* One bounded campaign: an engine (libFuzzer or AFL++) run on one fuzz target binary with
 * seeds, a dictionary, a time budget and a fixed seed, and what came out of it: the first
 * crash input, time to it, executions per second. The front command's `fuzz` and `demo`
 * verbs and the benchmarks are built on this. */
#ifndef RF_CAMPAIGN_H
#define RF_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum campaign_engine { CAMPAIGN_LIBFUZZER, CAMPAIGN_AFL, CAMPAIGN_ENGINE_COUNT };

struct campaign_status;

struct campaign_opts {
    enum campaign_engine engine;
    const char *fuzzer;      /* the target binary for that engine */
    const char *seeds_dir;   /* read only; never written */
    const char *work_dir;    /* created; holds corpus, findings and the engine log */
    const char *dict;        /* dictionary file, or NULL */
    const char *afl_mutator; /* AFL++ custom mutator library, or NULL for AFL++'s own */
    const char *const *env;  /* K=V entries for the engine's environment, NULL-terminated */
    double time_s;
    uint64_t seed;
    size_t max_len;
    char *const *extra; /* engine flags passed through (after `--`) */
    size_t nextra;
    bool progress;   /* a line on stderr every 10 s */
    bool keep_going; /* on past findings to the budget, each finding kept: libFuzzer started
                      * again after each (unless -fork is passed), AFL++ without
                      * AFL_BENCH_UNTIL_CRASH */
    struct campaign_status *status; /* ticked while the engine runs (campaign_status.h), or NULL */
};

struct campaign_result {
    bool ran;   /* the engine started and stopped by itself or at the budget */
    bool found; /* a crash (or hang/leak) input was saved */
    double seconds;
    struct timespec started; /* wall clock at the engine's start: findings' times count from it */
    char crash[4096];        /* first finding's path */
    char log[4096];          /* the engine's own output */
    double execs_per_s;      /* from the engine's final statistics; 0 when unknown */
    unsigned long long execs;
};

const char *campaign_engine_name(enum campaign_engine e);
bool campaign_engine_parse(const char *name, enum campaign_engine *out);

/* false when the engine could not run, or was stopped by an interrupt (procgroup_interrupted()
 * then says which signal). */
bool campaign_run(const struct campaign_opts *o, struct campaign_result *r);

/* Calls fn on every finding file of a run, wherever the engine's flags sent it: libFuzzer's
 * artifacts (one per crash with -fork/-ignore_crashes), every AFL++ instance folder's
 * crashes/ and hangs/ (-M/-S NAME). Returns how many there were; fn NULL only counts. */
typedef void (*campaign_finding_fn)(const char *path, void *arg);
size_t campaign_each_finding(const struct campaign_opts *o, campaign_finding_fn fn, void *arg);

/* Seconds from the engine's start to when it saved the finding at path (the file's
 * modification time: engines write a finding once, when they find it), never below 0;
 * -1 when path cannot be read. *at (unless NULL) gets that wall-clock time. */
double campaign_finding_time(const struct campaign_result *r, const char *path, time_t *at);

/* Merges the run's corpus with seeds_dir into a corpus as small as keeps their coverage
 * (libFuzzer -merge=1 with the run's binary), then puts it in seeds_dir's place: the old one
 * is renamed away first and removed last, so a failure at any step leaves one of the two
 * whole. libFuzzer runs only (AFL++'s queue: false, logged). *before and *after get the
 * input counts. Writes the merge log to work_dir/merge.log. */
bool campaign_merge(const struct campaign_opts *o, size_t *before, size_t *after);

#endif
