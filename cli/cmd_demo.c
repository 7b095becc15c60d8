/* racefuzz demo: the main job. Short fixed-seed campaigns on the sample targets, then
 * one table of what was found and how each finding replays. Later modes add rows. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "fuzz_setup.h"
#include "log.h"
#include "rf_config.h"
#include "subproc.h"

/* Replays per finding: races are flaky, so the table says how often each reproduces.
 * Each replay runs the input DEMO_RUNS_PER_REPLAY times in one process (-runs=N), as a
 * race needs many tries to hit its window. */
#define DEMO_REPLAYS 5
#define DEMO_RUNS_PER_REPLAY "-runs=100"
/* go mode runs a whole request schedule per run (milliseconds, not microseconds). */
#define DEMO_GO_RUNS_PER_REPLAY "-runs=20"
/* Lines of the report shown under a finding (a Go race: both stacks, creation sites). */
#define DEMO_DETAIL_LINES 40

void cmd_demo_help(void) {
    printf("usage: racefuzz demo [--time SECONDS]\n\n"
           "The main job. Fuzzes the sample targets with a fixed seed, each campaign up to\n"
           "SECONDS (default 120; most stop at their first finding long before):\n"
           "  planted  plain mode, libFuzzer and AFL++, the structure-aware frame mutator\n"
           "  orders   frames mode (concurrent sessions on the C protocol layer): C1 under\n"
           "           ThreadSanitizer, C2 and C3 under AddressSanitizer, one bug enabled each\n"
           "  orders   go mode (request schedules against the Go handler in-process, race\n"
           "           detector on): G1..G7, one bug enabled each\n"
           "Then replays every finding %d times and prints a table: what, where, how often it\n"
           "reproduced, the sanitizer's summary, and the command to replay it yourself.\n"
           "Exit 1 when something was found (the expected outcome), 3 on a setup problem.\n",
           DEMO_REPLAYS);
}

/* One campaign of the demo; `bugs` (ORDERS_BUGS) enables one planted bug, NULL all.
 * `flag` is passed to the engine (C3: leaks off, so the use-after-free side of the
 * refcount bug, not its leak side, is what stops the run). */
struct demo_spec {
    const char *label, *target, *mode, *sanitizer, *bugs;
    enum campaign_engine engine;
    const char *flag;
};

static const struct demo_spec demo_specs[] = {
    {"planted overflow", "planted", "plain", "address", NULL, CAMPAIGN_LIBFUZZER, NULL},
    {"planted overflow", "planted", "plain", "address", NULL, CAMPAIGN_AFL, NULL},
    {"orders C1 race", "orders", "frames", "thread", "C1", CAMPAIGN_LIBFUZZER, NULL},
    {"orders C2 overflow", "orders", "frames", "address", "C2", CAMPAIGN_LIBFUZZER, NULL},
    {"orders C3 UAF", "orders", "frames", "address", "C3", CAMPAIGN_LIBFUZZER, "-detect_leaks=0"},
    {"orders G1 fx race", "orders", "go", "race", "G1", CAMPAIGN_LIBFUZZER, NULL},
    {"orders G2 leak", "orders", "go", "race", "G2", CAMPAIGN_LIBFUZZER, NULL},
    {"orders G3 pool auth", "orders", "go", "race", "G3", CAMPAIGN_LIBFUZZER, NULL},
    {"orders G4 timer hang", "orders", "go", "race", "G4", CAMPAIGN_LIBFUZZER, NULL},
    {"orders G5 audit map", "orders", "go", "race", "G5", CAMPAIGN_LIBFUZZER, NULL},
    {"orders G6 name race", "orders", "go", "race", "G6", CAMPAIGN_LIBFUZZER, NULL},
    {"orders G7 lost points", "orders", "go", "race", "G7", CAMPAIGN_LIBFUZZER, NULL},
};

#define DEMO_ROWS (sizeof(demo_specs) / sizeof(demo_specs[0]))

struct demo_row {
    struct demo_spec spec;
    struct campaign_result r;
    char replay_cmd[8600];
    char summary[256];
    char details[4096]; /* the report's key lines: racing stacks, the oracle's message */
    int reproduced;
};

/* The libFuzzer binary of the row's build runs one file when given one: the replay. */
static void replay_binary(const struct demo_row *row, char *out, size_t cap) {
    bool tsan = strcmp(row->spec.sanitizer, "thread") == 0;
    const char *infix = strcmp(row->spec.mode, "plain") == 0 ? "" : row->spec.mode;
    snprintf(out, cap, "%s%s/%s%s%s_fuzzer", cli_self_dir(), tsan ? "/../tsan/bin" : "",
             row->spec.target, *infix ? "_" : "", infix);
}

/* The first line of the report: a sanitizer's "SUMMARY: ...", a Go race, a Go runtime
 * `fatal error`, a panic, or one of our oracles ("racefuzz: go-mode hang: ..."). */
static const char *const report_starts[] = {"SUMMARY: ",         "WARNING: DATA RACE",
                                            "fatal error:",      "panic:",
                                            "racefuzz: go-mode", "racefuzz: error: hang"};

static const char *find_report(const char *text) {
    for (size_t i = 0; i < sizeof(report_starts) / sizeof(report_starts[0]); i++) {
        const char *s = strstr(text, report_starts[i]);
        if (s != NULL)
            return s;
    }
    return NULL;
}

/* Copies up to DEMO_DETAIL_LINES lines from `from`, stopping after a Go race report's
 * closing "==================" line. */
static void copy_details(const char *from, char *out, size_t cap) {
    size_t len = 0, lines = 0;
    const char *p = from;
    while (*p != '\0' && lines < DEMO_DETAIL_LINES) {
        size_t n = strcspn(p, "\n");
        if (lines > 0 && strncmp(p, "==================", 18) == 0)
            break;
        int w = snprintf(out + len, cap - len, "    %.*s\n", (int)n, p);
        if (w < 0 || (size_t)w >= cap - len)
            break;
        len += (size_t)w;
        lines++;
        p += n + (p[n] == '\n');
    }
}

static bool read_summary(const char *log, struct demo_row *row) {
    struct fileio_buf b;
    if (!fileio_read(log, RF_MAX_FILE_SIZE, &b))
        return false;
    const char *s = find_report((const char *)b.data);
    if (s != NULL) {
        snprintf(row->summary, sizeof(row->summary), "%.*s", (int)strcspn(s, "\n"), s);
        if (strcmp(row->spec.mode, "go") == 0)
            copy_details(s, row->details, sizeof(row->details));
    }
    fileio_buf_free(&b);
    return s != NULL;
}

static void replay(struct demo_row *row, const char *work) {
    char bin[4096], log[4200], env[128];
    replay_binary(row, bin, sizeof(bin));
    snprintf(env, sizeof(env), "ORDERS_BUGS=%s", row->spec.bugs != NULL ? row->spec.bugs : "all");
    const char *runs =
        strcmp(row->spec.mode, "go") == 0 ? DEMO_GO_RUNS_PER_REPLAY : DEMO_RUNS_PER_REPLAY;
    char *argv[] = {bin, (char *)runs, row->r.crash, NULL, NULL};
    if (row->spec.flag != NULL) { /* the campaign's engine flag applies to the replay too */
        argv[2] = (char *)row->spec.flag;
        argv[3] = row->r.crash;
    }
    snprintf(row->replay_cmd, sizeof(row->replay_cmd), "%s%s%s %s %s%s%s",
             row->spec.bugs ? env : "", row->spec.bugs ? " " : "", bin, runs,
             row->spec.flag != NULL ? row->spec.flag : "", row->spec.flag != NULL ? " " : "",
             row->r.crash);
    snprintf(row->summary, sizeof(row->summary), "did not reproduce");
    for (int i = 0; i < DEMO_REPLAYS; i++) {
        snprintf(log, sizeof(log), "%s/replay-%d.log", work, i);
        unlink(log); /* subproc appends: each replay reads only its own output */
        const char *envv[] = {env, NULL};
        struct subproc_opts o = {
            .argv = argv, .env_add = envv, .output_path = log, .timeout_s = 60};
        struct subproc_result sr;
        if (!subproc_run(&o, &sr) || (sr.exit_code == 0 && sr.signal == 0))
            continue;
        row->reproduced++;
        if (row->reproduced == 1 && !read_summary(log, row))
            snprintf(row->summary, sizeof(row->summary), "exit %d, signal %d", sr.exit_code,
                     sr.signal);
    }
}

static bool run_row(struct demo_row *row, double time_s) {
    static struct fuzz_setup s;
    char env[64];
    const char *envv[] = {env, NULL};
    snprintf(env, sizeof(env), "ORDERS_BUGS=%s", row->spec.bugs != NULL ? row->spec.bugs : "all");
    struct fuzz_request req = {.target = row->spec.target,
                               .mode = row->spec.mode,
                               .sanitizer = row->spec.sanitizer,
                               .engine = row->spec.engine,
                               .env = row->spec.bugs != NULL ? envv : NULL,
                               .work_root = ".racefuzz/demo",
                               .custom_mutator = true};
    if (!fuzz_setup_prepare(&s, &req))
        return false;
    s.opts.time_s = time_s;
    s.opts.seed = 1;
    s.opts.max_len = 4096;
    s.opts.progress = true;
    char *flag = (char *)row->spec.flag;
    s.opts.extra = &flag;
    s.opts.nextra = flag != NULL ? 1 : 0;
    fprintf(stderr, "racefuzz demo: %s (%s mode, %s, %s), up to %.0fs\n", row->spec.label,
            row->spec.mode, campaign_engine_name(row->spec.engine), row->spec.sanitizer, time_s);
    if (!campaign_run(&s.opts, &row->r))
        return false;
    if (row->r.found)
        replay(row, s.work);
    return true;
}

static void print_table(const struct demo_row *rows, size_t n) {
    printf("\n%-22s %-7s %-10s %-8s %-6s %-8s %-9s %s\n", "bug", "mode", "engine", "sanitizer",
           "found", "time", "replayed", "exec/s");
    for (size_t i = 0; i < n; i++) {
        char rep[16] = "-";
        if (rows[i].r.found)
            snprintf(rep, sizeof(rep), "%d/%d", rows[i].reproduced, DEMO_REPLAYS);
        /* libFuzzer prints its final statistics only when a run ends without a finding. */
        char eps[32] = "-";
        if (rows[i].r.execs_per_s > 0)
            snprintf(eps, sizeof(eps), "%.0f", rows[i].r.execs_per_s);
        printf("%-22s %-7s %-10s %-8s %-6s %-8.1f %-9s %s\n", rows[i].spec.label, rows[i].spec.mode,
               campaign_engine_name(rows[i].spec.engine), rows[i].spec.sanitizer,
               rows[i].r.found ? "yes" : "no", rows[i].r.seconds, rep, eps);
    }
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].r.found)
            continue;
        printf("\n[%s] %s\n  input:  %s\n  replay: %s\n%s", rows[i].spec.label, rows[i].summary,
               rows[i].r.crash, rows[i].replay_cmd, rows[i].details);
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
    static struct demo_row rows[DEMO_ROWS];
    size_t n = DEMO_ROWS, found = 0;
    for (size_t i = 0; i < n; i++) {
        rows[i].spec = demo_specs[i];
        if (!run_row(&rows[i], (double)time_s))
            return CLI_EXIT_ENV;
        found += rows[i].r.found;
    }
    print_table(rows, n);
    return found > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
