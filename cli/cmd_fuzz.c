/* racefuzz fuzz: one bounded campaign on one target. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "campaign_status.h"
#include "cli.h"
#include "finding.h"
#include "finding_run.h"
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
           "                     [--keep-going]\n"
           "                     [-- ENGINE FLAGS...]\n\n"
           "Runs one campaign with a fixed seed and budget, stops at the first finding (with\n"
           "--keep-going: fuzzes on to the budget and stores every finding), and prints where\n"
           "it is. --mode frames runs each input as concurrent sessions on the\n"
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
    bool mode_set, keep_going;
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
    case 'K':
        a->keep_going = true;
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
    static const struct option opts[] = {
        {"target", required_argument, NULL, 't'},      {"mode", required_argument, NULL, 'M'},
        {"engine", required_argument, NULL, 'e'},      {"sanitizer", required_argument, NULL, 'S'},
        {"variant", required_argument, NULL, 'V'},     {"env", required_argument, NULL, 'E'},
        {"time", required_argument, NULL, 'T'},        {"seed", required_argument, NULL, 's'},
        {"max-len", required_argument, NULL, 'm'},     {"work-root", required_argument, NULL, 'w'},
        {"no-custom-mutator", no_argument, NULL, 'N'}, {"keep-going", no_argument, NULL, 'K'},
        {"seeds", required_argument, NULL, 'D'},       {"config", required_argument, NULL, 'C'},
        {"workdir", required_argument, NULL, 'W'},     {NULL, 0, NULL, 0}};
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

/* Every finding of the run into the crash store; the first one's time, for FOUND. */
static double store_findings(const struct fuzz_args *a, const struct fuzz_setup *s,
                             const struct campaign_result *r) {
    struct finding base = {.target = a->req.target,
                           .mode = a->req.mode,
                           .sanitizer = a->req.sanitizer,
                           .engine = campaign_engine_name(a->req.engine),
                           .env = s->env,
                           .engine_flags = s->opts.extra};
    static struct finding_tally t;
    finding_run_store(&base, &s->opts, r, &t);
    return t.first_s;
}

int cmd_fuzz(int argc, char **argv) {
    static struct fuzz_args a;
    static struct fuzz_setup s;
    static struct campaign_status st;
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
    s.opts.keep_going = a.keep_going;
    s.opts.status = campaign_status_init(&st, a.req.target, a.req.mode, &s.opts, &r);
    bool ran = campaign_run(&s.opts, &r);
    campaign_status_end(&st, ran);
    if (!ran)
        return CLI_EXIT_ENV;
    double first_s = r.found ? store_findings(&a, &s, &r) : r.seconds;
    printf("target %s, engine %s: %s after %.1fs (run %.1fs), %.0f exec/s; engine log %s\n",
           a.req.target, campaign_engine_name(a.req.engine), r.found ? "FOUND" : "nothing found",
           first_s, r.seconds, r.execs_per_s, r.log);
    if (r.found)
        printf("finding: %s\n", r.crash);
    fuzz_setup_sweep(&a.req);
    return r.found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
