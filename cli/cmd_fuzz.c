/* racefuzz fuzz: one bounded campaign on one target. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "finding.h"
#include "fuzz_setup.h"
#include "log.h"
#include "project.h"
#include "rf_config.h"

void cmd_fuzz_help(void) {
    printf("usage: racefuzz fuzz --target NAME | --config PATH [--workdir DIR]\n"
           "                     [--mode plain|frames|go|http]\n"
           "                     [--engine libfuzzer|afl] [--sanitizer address|thread]\n"
           "                     [--variant NAME] [--env K=V]...\n"
           "                     [--time SECONDS] [--seed N] [--max-len BYTES]\n"
           "                     [--seeds DIR] [--work-root DIR] [--no-custom-mutator]\n"
           "                     [-- ENGINE FLAGS...]\n\n"
           "Runs one campaign with a fixed seed and budget, stops at the first finding, and\n"
           "prints where it is. --mode frames runs each input as concurrent sessions on the\n"
           "frames driver (seeds: corpus/NAME/frames); --mode go runs request schedules\n"
           "against the target's Go handler in-process, race detector on (seeds:\n"
           "corpus/NAME/schedule); --mode http sends them to the live service the target\n"
           "config starts (loopback only); --seeds DIR starts from DIR instead of the\n"
           "committed seeds; --sanitizer thread uses the TSan build;\n"
           "--variant applies that variant's env from the target config (e.g. fixed).\n"
           "--config PATH fuzzes a target of your own repository (http mode, its default):\n"
           "its corpus/, crashes/ and .racefuzz/ go beside the config, or under --workdir.\n"
           "--time is the budget in seconds, 1 or more (default 60).\n"
           "Flags after `--` go to the engine unchanged (-jobs=2, -M main).\n"
           "Ctrl-C, SIGTERM or SIGHUP is passed on to the engine, which gets %.0f s to stop\n"
           "before it is killed; racefuzz then exits 128 + the signal's number.\n"
           "Exit: 0 nothing found, 1 found, 2 usage, 3 environment (engine missing, ...).\n",
           RF_INTERRUPT_GRACE_S);
}

struct fuzz_args {
    struct fuzz_request req;
    const char *env[FUZZ_SETUP_MAX_ENV + 1];
    size_t nenv;
    unsigned long long time_s, seed, max_len;
    const char *config, *workdir; /* a user's target (project.h) */
    bool mode_set;
    char work_root[4200];
};

/* One option; false (logged) on a bad value. */
static bool take_option(int c, struct fuzz_args *a) {
    switch (c) {
    case 't':
        a->req.target = optarg;
        return true;
    case 'M':
        a->req.mode = optarg;
        a->mode_set = true;
        return true;
    case 'S':
        a->req.sanitizer = optarg;
        return true;
    case 'V':
        a->req.variant = optarg;
        return true;
    case 'w':
        a->req.work_root = optarg;
        return true;
    case 'D':
        a->req.seeds = optarg;
        return true;
    case 'C':
        a->config = optarg;
        return true;
    case 'W':
        a->workdir = optarg;
        return true;
    case 'N':
        a->req.custom_mutator = false;
        return true;
    case 'E':
        if (a->nenv >= FUZZ_SETUP_MAX_ENV)
            return false;
        a->env[a->nenv++] = optarg;
        a->env[a->nenv] = NULL;
        return true;
    case 'e':
        if (campaign_engine_parse(optarg, &a->req.engine))
            return true;
        LOG_E("--engine: '%s' is not libfuzzer or afl", optarg);
        return false;
    case 'T':
        return cli_parse_seconds("time", optarg, 30 * 86400, &a->time_s);
    case 's':
        return cli_parse_u64("seed", optarg, 0xFFFFFFFFu, &a->seed);
    case 'm':
        return cli_parse_u64("max-len", optarg, 1 << 24, &a->max_len);
    default:
        return false;
    }
}

/* --config: the config's name is the target; its runs go beside its data unless
 * --work-root says otherwise. */
static int use_config(struct fuzz_args *a) {
    if (a->req.target != NULL) {
        LOG_E("fuzz: --target and --config name the target twice; give one");
        return 0;
    }
    if (!project_use_config(a->config, a->workdir, &a->req.target))
        return 0;
    if (!a->mode_set)
        a->req.mode = "http";
    if (strcmp(a->req.work_root, ".racefuzz/runs") == 0) {
        snprintf(a->work_root, sizeof(a->work_root), "%s/.racefuzz/runs", project_home());
        a->req.work_root = a->work_root;
    }
    return 1;
}

static int parse(int argc, char **argv, struct fuzz_args *a) {
    static const struct option opts[] = {{"target", required_argument, NULL, 't'},
                                         {"mode", required_argument, NULL, 'M'},
                                         {"engine", required_argument, NULL, 'e'},
                                         {"sanitizer", required_argument, NULL, 'S'},
                                         {"variant", required_argument, NULL, 'V'},
                                         {"env", required_argument, NULL, 'E'},
                                         {"time", required_argument, NULL, 'T'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"max-len", required_argument, NULL, 'm'},
                                         {"work-root", required_argument, NULL, 'w'},
                                         {"no-custom-mutator", no_argument, NULL, 'N'},
                                         {"seeds", required_argument, NULL, 'D'},
                                         {"config", required_argument, NULL, 'C'},
                                         {"workdir", required_argument, NULL, 'W'},
                                         {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof(*a));
    a->req = (struct fuzz_request){.mode = "plain",
                                   .sanitizer = "address",
                                   .work_root = ".racefuzz/runs",
                                   .custom_mutator = true,
                                   .env = a->env};
    a->time_s = 60;
    a->seed = 1;
    a->max_len = 4096;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (!take_option(c, a))
            return 0;
    if (a->config != NULL)
        return use_config(a);
    if (a->workdir != NULL) {
        LOG_E("fuzz: --workdir goes with --config PATH (a target of your own)");
        return 0;
    }
    if (a->req.target == NULL) {
        LOG_E("fuzz: --target NAME or --config PATH is required");
        return 0;
    }
    return 1;
}

struct store_ctx {
    const struct fuzz_args *a;
    const struct fuzz_setup *s;
    const struct campaign_result *r;
    const char *log; /* the engine log, when it speaks of this one finding only */
};

/* Every finding lands in the crash store; a store problem is reported, never fatal (the
 * engine's copy of the input stays where the line above says). */
static void store_finding(const char *input, void *arg) {
    const struct store_ctx *c = arg;
    struct store_entry e;
    const char *sanitizer = strcmp(c->a->req.mode, "go") == 0 ? "race" : c->a->req.sanitizer;
    struct finding f = {.target = c->a->req.target,
                        .mode = c->a->req.mode,
                        .sanitizer = sanitizer,
                        .engine = campaign_engine_name(c->a->req.engine),
                        .input = input,
                        .report = c->log,
                        .env = c->s->env,
                        .engine_flags = c->s->opts.extra};
    f.found_after_s = campaign_finding_time(c->r, input, &f.found_at);
    if (f.found_after_s < 0)
        f.found_at = 0;
    if (finding_store(&f, &e))
        printf("stored: %s (%s, seen %lu time%s, found after %.1fs); input %s\n", e.dir,
               e.is_new ? "new" : "known", e.count, e.count == 1 ? "" : "s",
               f.found_after_s > 0 ? f.found_after_s : 0, e.input);
}

static void count_only(const char *input, void *arg) {
    (void)input, (void)arg;
}

struct first_ctx {
    const struct campaign_result *r;
    double first_s; /* the earliest finding's time; < 0: none read yet */
};

static void note_first(const char *input, void *arg) {
    struct first_ctx *c = arg;
    double s = campaign_finding_time(c->r, input, NULL);
    if (s >= 0 && (c->first_s < 0 || s < c->first_s))
        c->first_s = s;
}

/* "FOUND after" is when the first finding was saved, not the run's end: with -fork or
 * -ignore_crashes the engine runs on to its budget after it. */
static double first_finding_s(const struct fuzz_setup *s, const struct campaign_result *r) {
    struct first_ctx c = {r, -1};
    campaign_each_finding(&s->opts, note_first, &c);
    return c.first_s >= 0 ? c.first_s : r->seconds;
}

/* Several findings (libFuzzer -fork/-ignore_crashes, AFL++ instances) share one engine
 * log that holds no report of each, or the first one's for all: each is then replayed for
 * its own report. */
static void store_findings(const struct fuzz_args *a, const struct fuzz_setup *s,
                           const struct campaign_result *r) {
    struct store_ctx c = {a, s, r, NULL};
    size_t n = campaign_each_finding(&s->opts, count_only, NULL);
    c.log = n <= 1 ? r->log : NULL;
    if (n > 1)
        printf("%zu findings: each replayed for its own report\n", n);
    campaign_each_finding(&s->opts, store_finding, &c);
}

int cmd_fuzz(int argc, char **argv) {
    static struct fuzz_args a;
    static struct fuzz_setup s;
    struct campaign_result r;
    if (!parse(argc, argv, &a))
        return CLI_EXIT_USAGE;
    int rc = fuzz_setup_prepare(&s, &a.req);
    if (rc != CLI_EXIT_OK)
        return rc;
    s.opts.time_s = (double)a.time_s;
    s.opts.seed = a.seed;
    s.opts.max_len = a.max_len;
    s.opts.extra = argv + optind;
    s.opts.nextra = (size_t)(argc - optind);
    s.opts.progress = true;
    if (!campaign_run(&s.opts, &r))
        return CLI_EXIT_ENV;
    printf("target %s, engine %s: %s after %.1fs (run %.1fs), %.0f exec/s; engine log %s\n",
           a.req.target, campaign_engine_name(a.req.engine), r.found ? "FOUND" : "nothing found",
           r.found ? first_finding_s(&s, &r) : r.seconds, r.seconds, r.execs_per_s, r.log);
    if (r.found) {
        printf("finding: %s\n", r.crash);
        store_findings(&a, &s, &r);
    }
    fuzz_setup_sweep(&a.req);
    return r.found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
