/* racefuzz nightly: what one unattended job did, shared by the steps that make it (runs,
 * regression replays) and the writers that report it (summary.json and JUnit in
 * nightly_summary.c, the HTML page in nightly_html.c). */
#ifndef RF_NIGHTLY_H
#define RF_NIGHTLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "campaign.h"
#include "campaign_series.h"

#define NIGHTLY_MAX_RUNS 64
#define NIGHTLY_MAX_KNOWN 512
#define NIGHTLY_MAX_NEW 64

/* One time-boxed campaign: a target in one mode with one engine. */
struct nightly_run {
    char target[128], mode[16], engine[16], config[4096]; /* config: a user's, or "" */
    bool ran; /* the engine ran to its budget; false: error says why */
    char error[256];
    double seconds, execs_per_s;
    unsigned long long execs;
    double coverage; /* the last status line's */
    size_t findings, new_sigs;
    bool merged;
    size_t corpus_before, corpus_after;
    struct campaign_series series;
    char log[4096];
};

/* A stored crash found before this job, replayed against today's build. */
enum nightly_outcome {
    NIGHTLY_FIXED_HOLDS,    /* marked fixed, did not reproduce: passes */
    NIGHTLY_REGRESSION,     /* marked fixed, reproduced: fails */
    NIGHTLY_OPEN,           /* not marked fixed, reproduced: a known open bug */
    NIGHTLY_NOT_REPRODUCED, /* not marked fixed, did not reproduce: flaky, or fixed unmarked */
    NIGHTLY_REPLAY_FAILED,  /* could not be replayed at all (binary, store): the job fails */
};

struct nightly_known {
    char target[128], name[256], kind[64], dir[4096];
    bool fixed;
    unsigned attempts, hits;
    enum nightly_outcome outcome;
};

/* A signature first stored by this job's runs. */
struct nightly_new {
    char target[128], dir[4096], name[256], kind[64];
    size_t run; /* index into runs[] of the run that stored it */
};

struct nightly {
    const char *out; /* the results folder */
    time_t started, finished;
    struct nightly_run runs[NIGHTLY_MAX_RUNS];
    size_t nruns;
    struct nightly_known known[NIGHTLY_MAX_KNOWN];
    size_t nknown;
    struct nightly_new fresh[NIGHTLY_MAX_NEW];
    size_t nfresh;
    bool failed; /* the job itself failed somewhere (a run, a replay, a write) */
    cJSON *env;  /* the machine's snapshot (envsnap), owned */
};

const char *nightly_outcome_name(enum nightly_outcome o);

/* How each run is made. */
struct nightly_opts {
    double time_s;
    unsigned long long seed;
    bool merge; /* the run's corpus merged into the stored one */
    const char *work_root;
};

/* One time-boxed campaign of target in mode with engine e (the project, project.h, is
 * already chosen), its findings stored, its corpus merged when asked: appended to n->runs,
 * new signatures to n->fresh. A run that cannot be made sets n->failed and says why in its
 * error. */
void nightly_run(struct nightly *n, const struct nightly_opts *o, const char *target,
                 const char *mode, enum campaign_engine e);

/* Replays every crash stored for target before this job (those in n->known with that
 * target, filled by the caller from the store) with attempts each. */
void nightly_regress(struct nightly *n, const char *target, unsigned attempts);

/* Fills n->known from the store under root for target: its entries before the runs. */
bool nightly_known_load(struct nightly *n, const char *root, const char *target);

/* OUT/summary.json and OUT/junit.xml. False (logged) when one cannot be written. */
bool nightly_summary_write(const struct nightly *n);
bool nightly_junit_write(const struct nightly *n);

/* OUT/index.html: one file, no network: the crash table, a coverage and an exec/s plot per
 * run (SVG), the environment. */
bool nightly_html_write(const struct nightly *n);

/* Writes OUT/name through a temporary file renamed into place (a reader never sees half a
 * file). False (logged) when it cannot be written. */
bool nightly_write(const struct nightly *n, const char *name,
                   void (*fn)(FILE *out, const struct nightly *n));

/* 0 nothing new, 1 a new crash or a regression, 2 the job failed. */
int nightly_exit_code(const struct nightly *n);

#endif
