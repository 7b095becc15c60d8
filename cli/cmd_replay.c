/* racefuzz replay: one crash file in, a trustworthy report out. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envsnap.h"
#include "fileio.h"
#include "finding.h"
#include "log.h"
#include "replay.h"
#include "replay_args.h"
#include "rf_config.h"

/* Lines of the first reproduction's report printed (a Go race: both stacks and the
 * goroutines' creation sites fit). */
#define REPLAY_PRINT_LINES 60

void cmd_replay_help(void) {
    printf("usage: racefuzz replay FILE [--target NAME --mode plain|frames|go]\n"
           "                       [--sanitizer address|thread] [--variant V] [--env K=V]...\n"
           "                       [-n ATTEMPTS] [--json OUT] [--expect-fixed] [--no-sandbox]\n\n"
           "Runs FILE against its target ATTEMPTS times (default 20), each in a sandbox (own\n"
           "network namespace with only loopback, read-only file system but a private work\n"
           "directory, PID namespace, process and file limits, scrubbed environment) with its\n"
           "own perturbation seed, and prints how often it reproduced, the report of the first\n"
           "reproduction (sanitizer stack; Go race: both stacks with goroutine creation sites)\n"
           "and the environment. A FILE in the crash store (crashes/TARGET/SIG/) needs no\n"
           "--target/--mode: its report.json says, and gets its Reproduced count updated.\n"
           "Exit: 0 reproduced (with --expect-fixed: did not reproduce), 1 the opposite,\n"
           "2 usage, 3 environment.\n");
}

static const char *json_str(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void print_excerpt(const char *log) {
    struct fileio_buf b;
    if (!fileio_read(log, RF_MAX_FILE_SIZE, &b))
        return;
    const char *p = signature_report_start((const char *)b.data);
    for (int i = 0; *p != '\0' && i < REPLAY_PRINT_LINES; i++) {
        size_t n = strcspn(p, "\n");
        printf("  %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
    fileio_buf_free(&b);
}

static void print_env(const cJSON *snap) {
    const cJSON *cpus = cJSON_GetObjectItemCaseSensitive(snap, "CPUCount");
    printf("environment: %s; %s; %.0f CPUs; %s; %s\n  executable %s (sha256 %.16s...)\n",
           json_str(snap, "Uname") ? json_str(snap, "Uname") : "?",
           json_str(snap, "OS") ? json_str(snap, "OS") : "?",
           cJSON_IsNumber(cpus) ? cpus->valuedouble : 0,
           json_str(snap, "Compiler") ? json_str(snap, "Compiler") : "no clang",
           json_str(snap, "GoVersion") ? json_str(snap, "GoVersion") : "no go",
           json_str(snap, "ExecutablePath"), json_str(snap, "ExecutableSha256"));
}

/* CASR's severity classes, from the kind: memory writes are exploitable, reads and frees
 * probably, races, leaks, hangs and wrong answers are bugs but not memory corruption. */
static const char *severity(const struct signature_result *s) {
    if (strstr(s->kind, "use-after-free") != NULL || strstr(s->kind, "double-free") != NULL ||
        (strstr(s->kind, "overflow") != NULL && strstr(s->detail, "WRITE") != NULL))
        return "EXPLOITABLE";
    if (strstr(s->kind, "overflow") != NULL || strstr(s->kind, "SEGV") != NULL ||
        strstr(s->kind, "deadly-signal") != NULL)
        return "PROBABLY_EXPLOITABLE";
    return "NOT_EXPLOITABLE";
}

static void add_stacktrace(cJSON *j, const char *log) {
    struct fileio_buf b;
    cJSON *lines = cJSON_AddArrayToObject(j, "Stacktrace");
    if (!fileio_read(log, RF_MAX_FILE_SIZE, &b))
        return;
    const char *p = signature_report_start((const char *)b.data);
    for (int i = 0; *p != '\0' && i < 200; i++) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        if (line != NULL)
            cJSON_AddItemToArray(lines, cJSON_CreateString(line));
        free(line);
        p += n + (p[n] == '\n');
    }
    fileio_buf_free(&b);
}

static cJSON *result_json(const struct replay_args *a, const struct replay_result *r, cJSON *snap) {
    cJSON *j = snap;
    cJSON *rep = cJSON_AddObjectToObject(j, "Reproduced");
    cJSON_AddNumberToObject(rep, "attempts", r->attempts);
    cJSON_AddNumberToObject(rep, "hits", r->hits);
    cJSON_AddStringToObject(j, "Target", a->target);
    cJSON_AddStringToObject(j, "Mode", a->mode);
    cJSON_AddStringToObject(j, "Input", a->file);
    if (r->have_sig) {
        cJSON_AddStringToObject(j, "Kind", r->sig.kind);
        cJSON_AddStringToObject(j, "Signature", r->sig.state);
        cJSON_AddStringToObject(j, "Key", r->sig.key);
        cJSON_AddStringToObject(j, "Detail", r->sig.detail);
        cJSON_AddStringToObject(j, "FirstReportLog", r->first_log);
        cJSON_AddStringToObject(j, "CrashSeverity", severity(&r->sig));
        add_stacktrace(j, r->first_log);
    }
    cJSON_AddNumberToObject(j, "Seconds", r->seconds);
    return j;
}

static int finish(struct replay_args *a, const struct replay_result *r, const char *binary) {
    bool json_failed = false;
    printf("replay of %s: reproduced %u/%u (%s, %s mode, %.1fs)\n", a->file, r->hits, r->attempts,
           a->target, a->mode, r->seconds);
    if (r->have_sig) {
        char sig[1100];
        store_state_oneline(r->sig.state, sig, sizeof(sig));
        printf("kind: %s%s%s\nsignature: %s\nreport (%s):\n", r->sig.kind,
               r->sig.detail[0] ? " - " : "", r->sig.detail, sig, r->first_log);
        print_excerpt(r->first_log);
    }
    if (r->crashed_other > 0)
        printf("note: %u attempt(s) crashed with another signature\n", r->crashed_other);
    struct envsnap_opts eo = {.executable = binary, .env = a->env, .engine = "replay"};
    cJSON *snap = envsnap_collect(&eo);
    if (snap != NULL) {
        print_env(snap);
        result_json(a, r, snap);
        if (a->json != NULL && !cli_write_json(a->json, snap))
            json_failed = true;
        else if (a->json != NULL)
            printf("report: %s\n", a->json);
    }
    cJSON_Delete(snap);
    if (a->store_dir[0] != '\0')
        store_update_report(a->store_dir, (int)r->attempts, (int)r->hits, NULL);
    bool reproduced = r->hits > 0;
    if (json_failed) {
        LOG_E("--json: %s: the report could not be written (the result is above)", a->json);
        return CLI_EXIT_ENV;
    }
    return reproduced != a->expect_fixed ? CLI_EXIT_OK : CLI_EXIT_FOUND;
}

int cmd_replay(int argc, char **argv) {
    static struct replay_args a;
    int rc = replay_args_resolve(argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct replay_opts o;
    struct replay_result r;
    replay_args_opts(&a, &o);
    if (!replay_run(&o, &r))
        return CLI_EXIT_ENV;
    return finish(&a, &r, a.binary);
}
