/* racefuzz demo: the main job. Short fixed-seed campaigns on the sample targets; every
 * finding goes to the crash store and is replayed in the sandbox; one table at the end says
 * what was found, how reliably it reproduces and where its report is. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "finding.h"
#include "fuzz_setup.h"
#include "log.h"
#include "procgroup.h"
#include "replay.h"
#include "rf_config.h"

/* Replay attempts per finding: races are flaky, so the table says how often each one
 * reproduces, each attempt with its own perturbation seed. */
#define DEMO_REPLAYS 20
/* Lines of a go-mode report shown under the table (a Go race: both stacks). */
#define DEMO_DETAIL_LINES 40

void cmd_demo_help(void) {
    printf("usage: racefuzz demo [--time SECONDS]\n\n"
           "The main job. Fuzzes the sample targets with a fixed seed, each campaign up to\n"
           "SECONDS (1 or more; default 120; most stop at their first finding long before):\n"
           "  planted  plain mode, libFuzzer and AFL++, the structure-aware frame mutator\n"
           "  orders   frames mode (concurrent sessions on the C protocol layer): C1 under\n"
           "           ThreadSanitizer, C2 and C3 under AddressSanitizer, one bug enabled each\n"
           "  orders   go mode (request schedules against the Go handler in-process, race\n"
           "           detector on): G1..G7, one bug enabled each\n"
           "  orders   http mode (the live service, race build, supervised, over loopback,\n"
           "           with its own coverage): G2, G3, G6\n"
           "Every finding goes to the crash store (crashes/TARGET/KIND-KEY/, deduplicated)\n"
           "and is replayed %d times in the sandbox. The table at the end gives bug, kind,\n"
           "mode, time to find, reproduced k/%d and the report's path; the racing stacks of\n"
           "go-mode findings follow it.\n"
           "Exit 1 when something was found (the expected outcome), 3 on a setup problem.\n",
           DEMO_REPLAYS, DEMO_REPLAYS);
}

/* One campaign of the demo; `bugs` (ORDERS_BUGS) enables one planted bug, NULL all.
 * `flag` is passed to the engine and the replays (C3: leaks off, so the use-after-free
 * side of the refcount bug, not its leak side, is what stops the run). */
struct demo_spec {
    const char *label, *target, *mode, *sanitizer, *bugs;
    enum campaign_engine engine;
    const char *flag;
    double min_time; /* a floor under --time for a row that needs longer */
};

static const struct demo_spec demo_specs[] = {
    {"planted overflow", "planted", "plain", "address", NULL, CAMPAIGN_LIBFUZZER, NULL, 0},
    /* AFL++ takes 45-150 s here to find it (BENCHMARKS.md): 120 s would miss it often. */
    {"planted overflow", "planted", "plain", "address", NULL, CAMPAIGN_AFL, NULL, 300},
    {"orders C1 race", "orders", "frames", "thread", "C1", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders C2 overflow", "orders", "frames", "address", "C2", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders C3 UAF", "orders", "frames", "address", "C3", CAMPAIGN_LIBFUZZER, "-detect_leaks=0",
     0},
    {"orders G1 fx race", "orders", "go", "race", "G1", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G2 leak", "orders", "go", "race", "G2", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G3 pool auth", "orders", "go", "race", "G3", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G4 timer hang", "orders", "go", "race", "G4", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G5 audit map", "orders", "go", "race", "G5", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G6 name race", "orders", "go", "race", "G6", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G7 lost points", "orders", "go", "race", "G7", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G2 leak (HTTP)", "orders", "http", "address", "G2", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G3 auth (HTTP)", "orders", "http", "address", "G3", CAMPAIGN_LIBFUZZER, NULL, 0},
    {"orders G6 race (HTTP)", "orders", "http", "address", "G6", CAMPAIGN_LIBFUZZER, NULL, 0},
};

#define DEMO_ROWS (sizeof(demo_specs) / sizeof(demo_specs[0]))

struct demo_row {
    struct demo_spec spec;
    char env[64];
    struct campaign_result r;
    struct store_entry stored;
    bool have_store;
    struct replay_result rep;
    char kind[64];
};

/* The replay binary's flags: the mode's, plus the campaign's own engine flag. */
static void replay_flags(const struct demo_row *row, char **out, size_t cap) {
    char *const *mode = finding_replay_flags(row->spec.mode);
    size_t n = 0;
    for (; mode[n] != NULL && n + 2 < cap; n++)
        out[n] = mode[n];
    if (row->spec.flag != NULL)
        out[n++] = (char *)row->spec.flag;
    out[n] = NULL;
}

/* The finding into the store, then DEMO_REPLAYS sandboxed attempts against the stored
 * input, counted as reproductions only when they show the same signature. */
/* env: the campaign's whole environment (the variant's, and what the mode needs: http
 * mode's config and build directory), so the stored finding and its replays run alike. */
static void store_and_replay(struct demo_row *row, const char *const *env,
                             char *const *engine_flags) {
    struct finding f = {.target = row->spec.target,
                        .mode = row->spec.mode,
                        .sanitizer = row->spec.sanitizer,
                        .engine = campaign_engine_name(row->spec.engine),
                        .input = row->r.crash,
                        .report = row->r.log,
                        .env = env,
                        .engine_flags = engine_flags};
    char binary[4096], work[4200], *flags[8];
    row->have_store = finding_store(&f, &row->stored);
    if (!finding_binary(row->spec.target, row->spec.mode, row->spec.sanitizer, binary,
                        sizeof(binary)))
        return;
    replay_flags(row, flags, sizeof(flags) / sizeof(flags[0]));
    cJSON *rep = row->have_store ? store_load_report(row->stored.dir) : NULL;
    static struct finding_expect ex;
    finding_expect_from(rep, &ex);
    snprintf(work, sizeof(work), "%s/.racefuzz/replays/%s-%ld", cli_root_dir(),
             ex.key[0] ? ex.key : "unstored", (long)getpid());
    struct replay_opts o = {.binary = binary,
                            .binary_args = flags,
                            .input = row->have_store ? row->stored.input : row->r.crash,
                            .env = env,
                            .expect_key = ex.key[0] ? ex.key : NULL,
                            .expect_kind = ex.kind[0] ? ex.kind : NULL,
                            .expect_frames = ex.frames[0] ? ex.frames : NULL,
                            .attempts = DEMO_REPLAYS,
                            .timeout_s = RF_REPLAY_ATTEMPT_TIMEOUT_S,
                            .sandbox = true,
                            .work_dir = work};
    fprintf(stderr, "racefuzz demo: replaying %s %d times in the sandbox\n", row->spec.label,
            DEMO_REPLAYS);
    if (replay_run(&o, &row->rep) && row->have_store)
        store_update_report(row->stored.dir, (int)row->rep.attempts, (int)row->rep.hits, NULL);
    snprintf(row->kind, sizeof(row->kind), "%s",
             cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rep, "Kind"))
                 ? cJSON_GetObjectItemCaseSensitive(rep, "Kind")->valuestring
                 : row->rep.sig.kind);
    cJSON_Delete(rep);
}

static bool run_row(struct demo_row *row, double time_s) {
    static struct fuzz_setup s;
    snprintf(row->env, sizeof(row->env), "ORDERS_BUGS=%s",
             row->spec.bugs != NULL ? row->spec.bugs : "all");
    const char *envv[] = {row->env, NULL};
    struct fuzz_request req = {.target = row->spec.target,
                               .mode = row->spec.mode,
                               .sanitizer = row->spec.sanitizer,
                               .engine = row->spec.engine,
                               .env = row->spec.bugs != NULL ? envv : NULL,
                               .work_root = ".racefuzz/demo",
                               .custom_mutator = true};
    if (fuzz_setup_prepare(&s, &req) != CLI_EXIT_OK)
        return false;
    s.opts.time_s = time_s > row->spec.min_time ? time_s : row->spec.min_time;
    s.opts.seed = 1;
    s.opts.max_len = 4096;
    s.opts.progress = true;
    char *flags[] = {(char *)row->spec.flag, NULL};
    s.opts.extra = flags;
    s.opts.nextra = row->spec.flag != NULL ? 1 : 0;
    fprintf(stderr, "racefuzz demo: %s (%s mode, %s, %s), up to %.0fs\n", row->spec.label,
            row->spec.mode, campaign_engine_name(row->spec.engine), row->spec.sanitizer,
            s.opts.time_s);
    if (!campaign_run(&s.opts, &row->r))
        return false;
    if (row->r.found)
        store_and_replay(row, s.env, row->spec.flag != NULL ? flags : NULL);
    fuzz_setup_sweep(&req);
    return true;
}

/* The first lines of a report, from where it starts, up to a Go race's closing line. */
static void print_details(const char *log) {
    struct fileio_buf b;
    if (log[0] == '\0' || !fileio_read(log, RF_MAX_FILE_SIZE, &b))
        return;
    const char *p = signature_report_start((const char *)b.data);
    for (int i = 0; *p != '\0' && i < DEMO_DETAIL_LINES; i++) {
        size_t n = strcspn(p, "\n");
        if (i > 0 && strncmp(p, "==================", 18) == 0)
            break;
        printf("    %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
    fileio_buf_free(&b);
}

static void print_table(const struct demo_row *rows, size_t n) {
    printf("\n%-22s %-30s %-7s %-9s %-8s %-10s %s\n", "bug", "kind", "mode", "engine", "found",
           "reproduced", "report");
    for (size_t i = 0; i < n; i++) {
        const struct demo_row *w = &rows[i];
        char found[32] = "no", rep[32] = "-";
        if (w->r.found) {
            snprintf(found, sizeof(found), "%.1fs", w->r.seconds);
            snprintf(rep, sizeof(rep), "%u/%u", w->rep.hits, w->rep.attempts);
        }
        printf("%-22s %-30s %-7s %-9s %-8s %-10s %s\n", w->spec.label, w->r.found ? w->kind : "-",
               w->spec.mode, campaign_engine_name(w->spec.engine), found, rep,
               w->have_store ? w->stored.dir : "-");
    }
    for (size_t i = 0; i < n; i++) {
        const struct demo_row *w = &rows[i];
        if (!w->r.found || strcmp(w->spec.mode, "frames") == 0 ||
            strcmp(w->spec.mode, "plain") == 0)
            continue;
        printf("\n[%s] %s\n  replay: ./racefuzz replay %s\n", w->spec.label, w->kind,
               w->have_store ? w->stored.input : w->r.crash);
        print_details(w->rep.first_log);
    }
    printf("\nEvery report: crashes/<target>/<kind>-<key>/report.txt (and report.json); "
           "replay one with ./racefuzz replay FILE.\n");
}

int cmd_demo(int argc, char **argv) {
    unsigned long long time_s = 120;
    if (argc == 3 && strcmp(argv[1], "--time") == 0) {
        if (!cli_parse_seconds("time", argv[2], 86400, &time_s))
            return CLI_EXIT_USAGE;
    } else if (argc != 1) {
        LOG_E("demo: unexpected argument '%s' (demo takes only --time SECONDS)", argv[1]);
        cmd_demo_help();
        return CLI_EXIT_USAGE;
    }
    static struct demo_row rows[DEMO_ROWS];
    size_t n = DEMO_ROWS, found = 0;
    for (size_t i = 0; i < n; i++) {
        rows[i].spec = demo_specs[i];
        if (!run_row(&rows[i], (double)time_s) || procgroup_interrupted() != 0)
            return CLI_EXIT_ENV; /* main turns an interrupt into its own exit status */
        found += rows[i].r.found;
    }
    print_table(rows, n);
    return found > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
