/* racefuzz demo: the main job. Short campaigns on the sample targets with both engines,
 * then one table of what was found and how to replay it. Later modes add rows. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "fuzz_setup.h"
#include "log.h"
#include "rf_config.h"
#include "subproc.h"

void cmd_demo_help(void) {
    printf("usage: racefuzz demo [--time SECONDS]\n\n"
           "Fuzzes the sample targets for a short fixed budget per campaign (default 120 s)\n"
           "with libFuzzer and AFL++, both using racefuzz's structure-aware mutators, and\n"
           "prints each finding with a replay of it. Exit 1 when something was found.\n");
}

struct demo_row {
    const char *target, *mode;
    enum campaign_engine engine;
    struct campaign_result r;
    char replay_cmd[8400];
    char summary[256];
};

/* The sanitizer's one-line summary of a replay ("SUMMARY: AddressSanitizer: ..."). */
static void replay_summary(struct demo_row *row, const char *work) {
    char log[4096], bin[4096];
    snprintf(bin, sizeof(bin), "%s/%s_replay", cli_self_dir(), row->target);
    snprintf(log, sizeof(log), "%s/replay.log", work);
    snprintf(row->replay_cmd, sizeof(row->replay_cmd), "%s %s", bin, row->r.crash);
    char *argv[] = {bin, row->r.crash, NULL};
    struct subproc_opts o = {.argv = argv, .output_path = log, .timeout_s = 60};
    struct subproc_result sr;
    struct fileio_buf b;
    snprintf(row->summary, sizeof(row->summary), "did not reproduce");
    if (!subproc_run(&o, &sr) || !fileio_read(log, RF_MAX_FILE_SIZE, &b))
        return;
    const char *s = strstr((const char *)b.data, "SUMMARY: ");
    if (s != NULL) {
        size_t n = strcspn(s, "\n");
        snprintf(row->summary, sizeof(row->summary), "%.*s", (int)n, s);
    } else if (sr.signal != 0 || sr.exit_code != 0) {
        snprintf(row->summary, sizeof(row->summary), "replay exit %d signal %d", sr.exit_code,
                 sr.signal);
    }
    fileio_buf_free(&b);
}

static bool run_row(struct demo_row *row, double time_s) {
    static struct fuzz_setup s;
    struct fuzz_request req = {.target = row->target,
                               .mode = row->mode,
                               .sanitizer = "address",
                               .engine = row->engine,
                               .work_root = ".racefuzz/demo",
                               .custom_mutator = true};
    if (!fuzz_setup_prepare(&s, &req))
        return false;
    s.opts.time_s = time_s;
    s.opts.seed = 1;
    s.opts.max_len = 1024;
    s.opts.progress = true;
    fprintf(stderr, "racefuzz demo: %s mode, target %s, %s, up to %.0fs\n", row->mode, row->target,
            campaign_engine_name(row->engine), time_s);
    if (!campaign_run(&s.opts, &row->r))
        return false;
    if (row->r.found)
        replay_summary(row, s.work);
    return true;
}

static void print_table(struct demo_row *rows, size_t n) {
    printf("\n%-8s %-8s %-10s %-6s %-9s %s\n", "target", "mode", "engine", "found", "time",
           "exec/s");
    for (size_t i = 0; i < n; i++)
        printf("%-8s %-8s %-10s %-6s %-9.1f %.0f\n", rows[i].target, rows[i].mode,
               campaign_engine_name(rows[i].engine), rows[i].r.found ? "yes" : "no",
               rows[i].r.seconds, rows[i].r.execs_per_s);
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].r.found)
            continue;
        printf("\n[%s/%s] %s\n  input:  %s\n  replay: %s\n", rows[i].target,
               campaign_engine_name(rows[i].engine), rows[i].summary, rows[i].r.crash,
               rows[i].replay_cmd);
    }
}

int cmd_demo(int argc, char **argv) {
    unsigned long long time_s = 120;
    if (argc == 3 && strcmp(argv[1], "--time") == 0) {
        if (!cli_parse_u64("time", argv[2], 86400, &time_s))
            return CLI_EXIT_USAGE;
    } else if (argc != 1) {
        cmd_demo_help();
        return CLI_EXIT_USAGE;
    }
    struct demo_row rows[] = {
        {.target = "planted", .mode = "plain", .engine = CAMPAIGN_LIBFUZZER},
        {.target = "planted", .mode = "plain", .engine = CAMPAIGN_AFL},
    };
    size_t n = sizeof(rows) / sizeof(rows[0]), found = 0;
    for (size_t i = 0; i < n; i++) {
        if (!run_row(&rows[i], (double)time_s))
            return CLI_EXIT_ENV;
        found += rows[i].r.found;
    }
    print_table(rows, n);
    return found > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
