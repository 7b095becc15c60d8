/* racefuzz nightly: the unattended job (nightly.h). Every run of every target is time-boxed
 * and goes on past findings; each stored crash known before the job is replayed; the
 * results go to --out as summary.json, junit.xml, results.sarif and index.html. */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "envsnap.h"
#include "fileio.h"
#include "finding.h"
#include "fuzz_setup.h"
#include "log.h"
#include "nightly.h"
#include "procgroup.h"
#include "project.h"
#include "report_set.h"
#include "rf_config.h"

#define NIGHTLY_MAX_ITEMS 32

void cmd_nightly_help(void) {
    printf("usage: racefuzz nightly --out DIR (--target NAME[:MODE,...] | --config PATH)...\n"
           "                        [--engine libfuzzer|afl]... [--time SECONDS] [--seed N]\n"
           "                        [--replays N] [--merge]\n\n"
           "The job a CI schedule runs. For each target (one of racefuzz's, in the modes\n"
           "named, plain by default; or a config of your own, http mode): a time-boxed\n"
           "campaign per mode and engine (--time each, default 60) that fuzzes on past its\n"
           "findings and stores every one; with --merge, the run's corpus merged into the\n"
           "stored one (libFuzzer -merge=1); then every crash stored before the job replayed\n"
           "--replays times (default 5): one marked fixed (racefuzz mark-fixed) that\n"
           "reproduces is a regression. AFL++ runs plain and frames targets only.\n"
           "Results in DIR: summary.json, junit.xml, results.sarif, index.html (one file, with\n"
           "the reports it links under DIR/crashes/), runs under DIR/work/.\n"
           "Exit: 0 nothing new, 1 a new crash or a regression, 2 the job failed (usage, a\n"
           "run or replay that could not be made, a result not written).\n");
}

struct nightly_item {
    const char *config; /* a user's config, or NULL */
    char target[128];   /* racefuzz's own target (config: filled from it) */
    char modes[8][16];
    size_t nmodes;
};

struct nightly_args {
    struct nightly_item items[NIGHTLY_MAX_ITEMS];
    size_t nitems;
    enum campaign_engine engines[CAMPAIGN_ENGINE_COUNT];
    size_t nengines;
    unsigned long long time_s, seed, replays;
    bool merge;
    const char *out;
};

/* NAME[:MODE,MODE...] */
static bool take_target(struct nightly_args *a, const char *spec, const char *config) {
    if (a->nitems >= NIGHTLY_MAX_ITEMS) {
        LOG_E("nightly: more than %d targets", NIGHTLY_MAX_ITEMS);
        return false;
    }
    struct nightly_item *it = &a->items[a->nitems++];
    memset(it, 0, sizeof(*it));
    it->config = config;
    if (config != NULL) {
        snprintf(it->modes[it->nmodes++], sizeof(it->modes[0]), "http");
        return true;
    }
    size_t len = strcspn(spec, ":");
    snprintf(it->target, sizeof(it->target), "%.*s", (int)len, spec);
    if (!cli_check_target(it->target))
        return false;
    for (const char *p = spec[len] == ':' ? spec + len + 1 : "plain"; *p != '\0';) {
        size_t m = strcspn(p, ",");
        if (it->nmodes == 8 || m >= sizeof(it->modes[0])) {
            LOG_E("--target %s: too many or too long modes", spec);
            return false;
        }
        snprintf(it->modes[it->nmodes], sizeof(it->modes[0]), "%.*s", (int)m, p);
        if (!fuzz_setup_check_mode(it->modes[it->nmodes++]))
            return false;
        p += m + (p[m] == ',');
    }
    return true;
}

static bool take(int c, struct nightly_args *a) {
    switch (c) {
    case 't':
        return take_target(a, optarg, NULL);
    case 'C':
        return take_target(a, NULL, optarg);
    case 'e':
        if (a->nengines < CAMPAIGN_ENGINE_COUNT &&
            campaign_engine_parse(optarg, &a->engines[a->nengines])) {
            a->nengines++;
            return true;
        }
        LOG_E("--engine: '%s' is not libfuzzer or afl (each once)", optarg);
        return false;
    case 'T':
        return cli_parse_seconds("time", optarg, 30 * 86400, &a->time_s);
    case 's':
        return cli_parse_u64("seed", optarg, 0xFFFFFFFFu, &a->seed);
    case 'n':
        return cli_parse_u64("replays", optarg, 1000, &a->replays);
    case 'm':
        a->merge = true;
        return true;
    case 'o':
        a->out = optarg;
        return true;
    default:
        return false;
    }
}

static bool parse(int argc, char **argv, struct nightly_args *a) {
    static const struct option opts[] = {{"target", required_argument, NULL, 't'},
                                         {"config", required_argument, NULL, 'C'},
                                         {"engine", required_argument, NULL, 'e'},
                                         {"time", required_argument, NULL, 'T'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"replays", required_argument, NULL, 'n'},
                                         {"merge", no_argument, NULL, 'm'},
                                         {"out", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof(*a));
    a->time_s = 60, a->seed = 1, a->replays = 5;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (!take(c, a))
            return false;
    if (optind < argc) {
        LOG_E("nightly: unexpected argument '%s'", argv[optind]);
        return false;
    }
    if (a->out == NULL || a->nitems == 0) {
        LOG_E("nightly: --out DIR and at least one --target or --config are required");
        return false;
    }
    if (a->nengines == 0)
        a->engines[a->nengines++] = CAMPAIGN_LIBFUZZER;
    return true;
}

/* The report files of a store entry, copied beside the page that links them. */
static void copy_report(const struct nightly *n, const char *target, const char *name,
                        const char *dir) {
    static const char *const files[] = {"report.txt", "report.json"};
    char to[4400], from[4400];
    snprintf(to, sizeof(to), "%s/crashes/%s/%s", n->out, target, name);
    if (!fileio_mkdirs(to))
        return;
    for (size_t i = 0; i < 2; i++) {
        struct fileio_buf b;
        snprintf(from, sizeof(from), "%s/%s", dir, files[i]);
        snprintf(to, sizeof(to), "%s/crashes/%s/%s/%s", n->out, target, name, files[i]);
        if (!fileio_read(from, RF_MAX_FILE_SIZE, &b))
            continue;
        if (!fileio_write_atomic(to, b.data, b.size))
            LOG_E("%s: the report copy could not be written", to);
        fileio_buf_free(&b);
    }
}

/* Moves the entries of s whose target the job fuzzed into all (their JSON goes with them). */
static void take_entries(struct report_set *all, struct report_set *s, const char *target) {
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->v[i].target, target) != 0)
            continue;
        if (all->n == all->cap) {
            size_t cap = all->cap ? all->cap * 2 : 16;
            struct report_entry *v = realloc(all->v, cap * sizeof(*v));
            if (v == NULL)
                return;
            all->v = v, all->cap = cap;
        }
        all->v[all->n++] = s->v[i];
        s->v[i].json = NULL;
    }
}

/* One item: its project chosen, the crashes it had before, every mode x engine run, then
 * the regression replays and the report copies. */
static void run_item(struct nightly *n, const struct nightly_args *a, struct nightly_item *it,
                     struct report_set *all) {
    const char *name = it->target;
    size_t known0 = n->nknown;
    project_clear();
    if (it->config != NULL && !project_use_config(it->config, NULL, &name)) {
        n->failed = true;
        return;
    }
    if (name != it->target)
        snprintf(it->target, sizeof(it->target), "%s", name);
    if (!nightly_known_load(n, finding_store_root(), it->target))
        n->failed = true;
    struct nightly_opts o = {(double)a->time_s, a->seed, a->merge, NULL};
    char work[4400];
    snprintf(work, sizeof(work), "%s/work", n->out);
    o.work_root = work;
    for (size_t m = 0; m < it->nmodes && procgroup_interrupted() == 0; m++)
        for (size_t e = 0; e < a->nengines && procgroup_interrupted() == 0; e++) {
            bool afl_ok = strcmp(it->modes[m], "plain") == 0 || strcmp(it->modes[m], "frames") == 0;
            if (a->engines[e] != CAMPAIGN_AFL || afl_ok)
                nightly_run(n, &o, it->target, it->modes[m], a->engines[e]);
        }
    nightly_regress(n, it->target, (unsigned)a->replays);
    for (size_t i = known0; i < n->nknown; i++)
        copy_report(n, n->known[i].target, n->known[i].name, n->known[i].dir);
    for (size_t i = 0; i < n->nfresh; i++)
        if (strcmp(n->fresh[i].target, it->target) == 0)
            copy_report(n, n->fresh[i].target, n->fresh[i].name, n->fresh[i].dir);
    struct report_set s;
    if (access(finding_store_root(), F_OK) == 0 && report_set_load(finding_store_root(), &s)) {
        take_entries(all, &s, it->target);
        report_set_free(&s);
    }
}

static bool write_results(struct nightly *n, const struct report_set *all, const char *root) {
    char sarif[4200];
    snprintf(sarif, sizeof(sarif), "%s/results.sarif", n->out);
    bool ok = nightly_summary_write(n);
    ok = nightly_junit_write(n) && ok;
    if (!cmd_report_sarif(sarif, all, root)) {
        LOG_E("%s: cannot be written", sarif);
        ok = false;
    }
    return nightly_html_write(n) && ok;
}

static void snapshot(struct nightly *n) {
    char self[4200];
    snprintf(self, sizeof(self), "%s/racefuzz", cli_self_dir());
    struct envsnap_opts eo = {.executable = self, .engine = "nightly"};
    n->env = envsnap_collect(&eo);
}

int cmd_nightly(int argc, char **argv) {
    static struct nightly_args a;
    static struct nightly n;
    struct report_set all = {0};
    char root[4200];
    if (!parse(argc, argv, &a))
        return CLI_EXIT_USAGE;
    if (!fileio_mkdirs(a.out)) {
        PLOG_E("--out: %s: cannot be made", a.out);
        return CLI_EXIT_USAGE;
    }
    memset(&n, 0, sizeof(n));
    n.out = a.out;
    n.started = time(NULL);
    snapshot(&n);
    for (size_t i = 0; i < a.nitems && procgroup_interrupted() == 0; i++) {
        run_item(&n, &a, &a.items[i], &all);
        if (i == 0)
            snprintf(root, sizeof(root), "%s", project_home()); /* SARIF paths: the first */
    }
    n.finished = time(NULL);
    if (procgroup_interrupted() != 0)
        n.failed = true; /* what was done is still written */
    if (!write_results(&n, &all, root))
        n.failed = true;
    printf("nightly: %zu run(s), %zu new crash(es), %zu known replayed; results in %s/"
           "{summary.json,junit.xml,results.sarif,index.html}\n",
           n.nruns, n.nfresh, n.nknown, n.out);
    report_set_free(&all);
    for (size_t i = 0; i < n.nruns; i++)
        campaign_series_free(&n.runs[i].series);
    cJSON_Delete(n.env);
    return procgroup_interrupted() != 0 ? CLI_EXIT_ENV : nightly_exit_code(&n);
}
