#define _GNU_SOURCE
#include "finding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "envsnap.h"
#include "fileio.h"
#include "log.h"
#include "project.h"
#include "replay.h"
#include "rf_config.h"
#include "schedule.h"
#include "schedule_json.h"
#include "sha256.h"

/* Replays that may be spent getting a report for an input stored without one. */
#define FINDING_REPORT_ATTEMPTS 3

bool finding_binary(const char *target, const char *mode, const char *sanitizer, char *out,
                    size_t cap) {
    bool tsan = sanitizer != NULL && strcmp(sanitizer, "thread") == 0;
    bool plain = strcmp(mode, "plain") == 0;
    if (strcmp(mode, "http") == 0) { /* one generic harness for every target */
        int n = snprintf(out, cap, "%s/racefuzz_http_fuzzer", cli_self_dir());
        return n > 0 && (size_t)n < cap;
    }
    int n = snprintf(out, cap, "%s/%s%s%s_fuzzer", tsan ? cli_variant_dir("tsan") : cli_self_dir(),
                     target, plain ? "" : "_", plain ? "" : mode);
    return n > 0 && (size_t)n < cap;
}

char *const *finding_replay_flags(const char *mode) {
    static char *const frames[] = {"-runs=1000", NULL};
    static char *const schedules[] = {"-runs=" RF_REPLAY_SCHEDULE_RUNS, NULL};
    static char *const once[] = {"-runs=1", NULL};
    if (strcmp(mode, "frames") == 0)
        return frames;
    return strcmp(mode, "go") == 0 || strcmp(mode, "http") == 0 ? schedules : once;
}

void finding_expect_from(const cJSON *report, struct finding_expect *e) {
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(report, "Key");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(report, "Kind"), *f;
    size_t n = 0;
    memset(e, 0, sizeof(*e));
    if (cJSON_IsString(key))
        snprintf(e->key, sizeof(e->key), "%s", key->valuestring);
    if (cJSON_IsString(kind))
        snprintf(e->kind, sizeof(e->kind), "%s", kind->valuestring);
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "CrashState")) {
        if (n < 8 && cJSON_IsString(f)) {
            snprintf(e->state[n], sizeof(e->state[n]), "%s", f->valuestring);
            e->frames[n] = e->state[n];
            n++;
        }
    }
}

const char *finding_store_root(void) {
    static char root[4096];
    const char *env = getenv("RACEFUZZ_STORE");
    if (env != NULL && *env != '\0')
        return env;
    snprintf(root, sizeof(root), "%s/crashes", project_home());
    return root;
}

/* The schedule's JSON view for a go/http-mode input (NULL for other modes or bytes that
 * are not a schedule). */
static cJSON *schedule_view(const char *mode, const struct fileio_buf *in) {
    struct schedule s;
    if (strcmp(mode, "go") != 0 && strcmp(mode, "http") != 0)
        return NULL;
    if (schedule_parse(in->data, in->size, &s, NULL) != SCHED_OK)
        return NULL;
    cJSON *v = schedule_json_view(&s);
    schedule_free(&s);
    return v;
}

/* The mutator's settings steer the engine, not the target: a replay has no use for them,
 * and their files (in the campaign's work directory) may be gone or unreadable by then. */
static bool mutator_setting(const char *entry) {
    static const char *const names[] = {"RACEFUZZ_DICT=",
                                        "RACEFUZZ_ENDPOINTS=",
                                        "RACEFUZZ_FIXUPS=",
                                        "RACEFUZZ_SCHEDULE_FRAME=",
                                        "RACEFUZZ_LIE_ONE_IN=",
                                        "RACEFUZZ_MAX_FRAME_LEN=",
                                        "RACEFUZZ_INVALID_JSON_ONE_IN="};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strncmp(entry, names[i], strlen(names[i])) == 0)
            return true;
    return false;
}

static cJSON *snapshot(const struct finding *f, const char *binary, const struct fileio_buf *in) {
    char config[4096];
    cJSON *view = schedule_view(f->mode, in);
    struct envsnap_opts o = {.executable = binary,
                             .env = NULL,
                             .engine = f->engine,
                             .engine_flags = f->engine_flags,
                             .schedule = view};
    if (cli_config_path(f->target, NULL, config, sizeof(config)))
        o.config = config;
    cJSON *j = envsnap_collect(&o);
    cJSON_Delete(view);
    if (j == NULL)
        return NULL;
    cJSON_AddStringToObject(j, "Sanitizer", f->sanitizer != NULL ? f->sanitizer : "");
    if (f->found_at != 0)
        cJSON_AddNumberToObject(j, "FoundAfterSeconds", f->found_after_s);
    cJSON *env = cJSON_AddArrayToObject(j, "TargetEnv");
    for (size_t i = 0; f->env != NULL && f->env[i] != NULL; i++)
        if (!envsnap_is_secret(f->env[i], strcspn(f->env[i], "=")) && !mutator_setting(f->env[i]))
            cJSON_AddItemToArray(env, cJSON_CreateString(f->env[i]));
    return j;
}

/* A report for an input whose engine did not keep one (afl-fuzz keeps the target's
 * output to itself): replay it with the libFuzzer build of the same mode. */
static bool report_by_replay(const struct finding *f, char *log, size_t cap) {
    char binary[4096], work[4096];
    struct replay_result r;
    snprintf(work, sizeof(work), "%s/.racefuzz/replays/store-%ld", project_home(), (long)getpid());
    if (!finding_binary(f->target, f->mode, f->sanitizer, binary, sizeof(binary)))
        return false;
    struct replay_opts o = {.binary = binary,
                            .binary_args = finding_replay_flags(f->mode),
                            .input = f->input,
                            .env = f->env,
                            .attempts = FINDING_REPORT_ATTEMPTS,
                            .timeout_s = RF_REPLAY_ATTEMPT_TIMEOUT_S,
                            .sandbox = true,
                            .work_dir = work};
    if (!replay_run(&o, &r) || !r.have_sig)
        return false;
    snprintf(log, cap, "%s", r.first_log);
    return true;
}

/* The engine's report, or a replay's: true with *sig filled when one is recognised. Else
 * false, with *rep holding the engine's own log when it can be read (it becomes the stored
 * report: whatever the engine said about the input is all there is). */
static bool read_report(const struct finding *f, struct fileio_buf *rep,
                        struct signature_result *sig) {
    char log[4200];
    struct fileio_buf r;
    if (!report_by_replay(f, log, sizeof(log)) || !fileio_read(log, RF_MAX_FILE_SIZE, &r))
        return false;
    if (!signature_from_report((const char *)r.data, r.size, sig)) {
        fileio_buf_free(&r);
        return false;
    }
    if (rep->data != NULL)
        fileio_buf_free(rep);
    *rep = r;
    return true;
}

/* What the engine called the input: AFL++ names the signal in the file name
 * ("id:000000,sig:06,..."), its hangs/ folder a hang; libFuzzer the artifact's prefix. */
static void engine_verdict(const char *input, char *out, size_t cap) {
    const char *base = strrchr(input, '/') != NULL ? strrchr(input, '/') + 1 : input;
    const char *sig = strstr(base, ",sig:");
    if (strstr(input, "/hangs/") != NULL)
        snprintf(out, cap, "a hang (AFL++)");
    else if (sig != NULL)
        snprintf(out, cap, "signal %ld (AFL++)", strtol(sig + 5, NULL, 10));
    else
        snprintf(out, cap, "a %.*s artifact", (int)strcspn(base, "-"), base);
}

/* A finding no recogniser reads (a target that dies silently, a sanitizer logging to a
 * file) is stored all the same, never dropped. Without a report nothing says that two
 * such inputs are one bug, so each input's content hash is its own signature. */
static void unrecognised(const struct finding *f, const struct fileio_buf *in,
                         struct signature_result *sig) {
    struct sha256 h;
    char hex[65], verdict[128], detail[256];
    sha256_init(&h);
    sha256_update(&h, in->data, in->size);
    sha256_final_hex(&h, hex);
    hex[16] = '\0';
    engine_verdict(f->input, verdict, sizeof(verdict));
    snprintf(detail, sizeof(detail),
             "%s; no crash report recognised in the engine log nor in %d "
             "replays",
             verdict, FINDING_REPORT_ATTEMPTS);
    signature_unrecognised(hex, detail, sig);
    LOG_W("%s: %s: stored as kind %s with the engine's log", f->input, detail, sig->kind);
}

/* The report (engine log, else a replay's) and its signature, kind unrecognised when
 * none parses; rep->data stays NULL when there is no text at all. */
static void find_report(const struct finding *f, const struct fileio_buf *in,
                        struct fileio_buf *rep, struct signature_result *sig) {
    *rep = (struct fileio_buf){0};
    if (f->report != NULL && fileio_read(f->report, RF_MAX_FILE_SIZE, rep) &&
        signature_from_report((const char *)rep->data, rep->size, sig))
        return;
    if (!read_report(f, rep, sig))
        unrecognised(f, in, sig);
}

bool finding_store(const struct finding *f, struct store_entry *e) {
    struct fileio_buf in, rep = {0};
    char binary[4096];
    struct signature_result sig;
    if (!fileio_read(f->input, RF_MAX_FILE_SIZE, &in))
        return false;
    find_report(f, &in, &rep, &sig);
    finding_binary(f->target, f->mode, f->sanitizer, binary, sizeof(binary));
    cJSON *extra = snapshot(f, binary, &in);
    const char *text = rep.data != NULL ? (const char *)rep.data : "";
    const char *start = signature_report_start(text);
    struct store_finding sf = {.target = f->target,
                               .mode = f->mode,
                               .engine = f->engine,
                               .input = in.data,
                               .input_size = in.size,
                               .sig = &sig,
                               .report = start,
                               .report_len = rep.size - (size_t)(start - text),
                               .extra = extra,
                               .found_at = f->found_at};
    bool ok = store_put(finding_store_root(), &sf, e);
    cJSON_Delete(extra);
    fileio_buf_free(&in);
    if (rep.data != NULL)
        fileio_buf_free(&rep);
    return ok;
}
