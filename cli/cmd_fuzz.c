/* racefuzz fuzz: one bounded campaign on one target. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fuzz_setup.h"
#include "log.h"

void cmd_fuzz_help(void) {
    printf("usage: racefuzz fuzz --target NAME [--engine libfuzzer|afl] [--time SECONDS]\n"
           "                     [--seed N] [--max-len BYTES] [--work-root DIR]\n"
           "                     [--no-custom-mutator] [-- ENGINE FLAGS...]\n\n"
           "Runs one campaign with fixed seed and budget, stops at the first finding, and\n"
           "prints where it is. Flags after `--` go to the engine unchanged (-jobs=2, -M main).\n"
           "Exit: 0 nothing found, 1 found, 2 usage, 3 environment (engine missing, ...).\n");
}

struct fuzz_args {
    const char *target, *work_root;
    enum campaign_engine engine;
    unsigned long long time_s, seed, max_len;
    bool custom;
};

static int parse(int argc, char **argv, struct fuzz_args *a) {
    static const struct option opts[] = {
        {"target", required_argument, NULL, 't'},      {"engine", required_argument, NULL, 'e'},
        {"time", required_argument, NULL, 'T'},        {"seed", required_argument, NULL, 's'},
        {"max-len", required_argument, NULL, 'm'},     {"work-root", required_argument, NULL, 'w'},
        {"no-custom-mutator", no_argument, NULL, 'N'}, {NULL, 0, NULL, 0}};
    *a = (struct fuzz_args){
        .work_root = ".racefuzz/runs", .time_s = 60, .seed = 1, .max_len = 1024, .custom = true};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 't':
            a->target = optarg;
            break;
        case 'w':
            a->work_root = optarg;
            break;
        case 'N':
            a->custom = false;
            break;
        case 'e':
            ok = campaign_engine_parse(optarg, &a->engine);
            if (!ok)
                LOG_E("--engine: '%s' is not libfuzzer or afl", optarg);
            break;
        case 'T':
            ok = cli_parse_u64("time", optarg, 30 * 86400, &a->time_s);
            break;
        case 's':
            ok = cli_parse_u64("seed", optarg, 0xFFFFFFFFu, &a->seed);
            break;
        case 'm':
            ok = cli_parse_u64("max-len", optarg, 1 << 24, &a->max_len);
            break;
        default:
            ok = false;
        }
        if (!ok)
            return 0;
    }
    if (a->target == NULL) {
        LOG_E("fuzz: --target NAME is required");
        return 0;
    }
    return 1;
}

int cmd_fuzz(int argc, char **argv) {
    struct fuzz_args a;
    static struct fuzz_setup s;
    struct campaign_result r;
    if (!parse(argc, argv, &a))
        return CLI_EXIT_USAGE;
    if (!fuzz_setup_prepare(&s, a.target, a.engine, a.work_root, a.custom))
        return CLI_EXIT_ENV;
    s.opts.time_s = (double)a.time_s;
    s.opts.seed = a.seed;
    s.opts.max_len = a.max_len;
    s.opts.extra = argv + optind;
    s.opts.nextra = (size_t)(argc - optind);
    s.opts.progress = true;
    if (!campaign_run(&s.opts, &r))
        return CLI_EXIT_ENV;
    printf("target %s, engine %s: %s after %.1fs, %.0f exec/s; engine log %s\n", a.target,
           campaign_engine_name(a.engine), r.found ? "FOUND" : "nothing found", r.seconds,
           r.execs_per_s, r.log);
    if (r.found)
        printf("finding: %s\n", r.crash);
    return r.found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
