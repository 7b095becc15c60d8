#define _GNU_SOURCE
#include "replay_args.h"

#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "finding.h"
#include "fuzz_setup.h"
#include "log.h"
#include "project.h"
#include "report_check.h"
#include "rf_config.h"
#include "store.h"
#include "target_config.h"
#include "variant_env.h"

/* Appends (front=false) or prepends an entry; false, logged, when the table is full. */
static bool push_env(struct replay_args *a, const char *kv, bool front) {
    if (a->nenv >= REPLAY_MAX_ENV) {
        LOG_E("replay: more than %d environment entries (stored, variant and --env)",
              REPLAY_MAX_ENV);
        return false;
    }
    if (front)
        memmove(a->env + 1, a->env, a->nenv * sizeof(a->env[0]));
    a->env[front ? 0 : a->nenv] = kv;
    a->nenv++;
    return true;
}

static bool take(int c, struct replay_args *a) {
    switch (c) {
    case 't':
        a->target = optarg;
        return true;
    case 'M':
        a->mode = optarg;
        return true;
    case 'S':
        a->sanitizer = optarg;
        return true;
    case 'V':
        a->variant = optarg;
        return true;
    case 'j':
        a->json = optarg;
        return true;
    case 'F':
        a->expect_fixed = true;
        return true;
    case 'P':
        a->no_sandbox = true;
        return true;
    case 'o':
        a->out = optarg;
        return true;
    case 'R':
        a->promote = true;
        return true;
    case 'T':
        return cli_parse_seconds("time", optarg, 86400, &a->time_s);
    case 'n':
        if (!cli_parse_u64("n", optarg, 10000, &a->attempts))
            return false;
        if (a->attempts == 0)
            LOG_E("-n: 0 runs would replay nothing; give 1 or more");
        return a->attempts > 0;
    case 'E':
        return push_env(a, optarg, false);
    default:
        return false;
    }
}

static bool parse(int argc, char **argv, struct replay_args *a) {
    static const struct option opts[] = {
        {"target", required_argument, NULL, 't'},    {"mode", required_argument, NULL, 'M'},
        {"sanitizer", required_argument, NULL, 'S'}, {"variant", required_argument, NULL, 'V'},
        {"env", required_argument, NULL, 'E'},       {"json", required_argument, NULL, 'j'},
        {"expect-fixed", no_argument, NULL, 'F'},    {"no-sandbox", no_argument, NULL, 'P'},
        {"out", required_argument, NULL, 'o'},       {"promote", no_argument, NULL, 'R'},
        {"time", required_argument, NULL, 'T'},      {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof(*a));
    a->attempts = 20;
    a->time_s = 120;
    a->sanitizer = "address";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1)
        if (!take(c, a))
            return false;
    if (optind != argc - 1) {
        LOG_E("replay: name exactly one crash FILE");
        return false;
    }
    a->file = argv[optind];
    return true;
}

static const char *json_str(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Engine flags of the finding that change what a run reports (C3's -detect_leaks=0). */
static void stored_flags(struct replay_args *a, const cJSON *report) {
    const cJSON *e;
    size_t n = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(report, "EngineFlags")) {
        if (n < 4 && cJSON_IsString(e) && strncmp(e->valuestring, "-detect_leaks=", 14) == 0)
            snprintf(a->stored_flags[n++], sizeof(a->stored_flags[0]), "%s", e->valuestring);
    }
}

/* The environment the finding was made in (variant, --env), before any --env of now. The
 * strings stay in the report kept by from_store; report_check has made TargetEnv an array
 * of "K=V" strings. */
static bool stored_env(struct replay_args *a, const cJSON *report) {
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(report, "TargetEnv");
    size_t i = (size_t)cJSON_GetArraySize(env);
    while (i-- > 0) /* prepending in reverse keeps the stored order */
        if (!push_env(a, cJSON_GetArrayItem(env, (int)i)->valuestring, true))
            return false;
    return true;
}

static const char *copy_str(const cJSON *j, const char *key, char *buf, size_t cap) {
    const char *v = json_str(j, key);
    return v != NULL && *v != '\0' && (size_t)snprintf(buf, cap, "%s", v) < cap ? buf : NULL;
}

/* A finding of a user's target (its report names a config outside racefuzz's tree that
 * is still there) replays with that config, its work beside it. A config of our own
 * targets, or one that is gone (a report from another machine), changes nothing. */
static bool user_config(const cJSON *report, const char *target) {
    const char *config = json_str(report, "Config");
    char own[4096], real[PATH_MAX], real_own[PATH_MAX];
    const char *name;
    if (config == NULL || realpath(config, real) == NULL ||
        !cli_config_path(target, NULL, own, sizeof(own)))
        return true;
    if (realpath(own, real_own) != NULL && strcmp(real, real_own) == 0)
        return true;
    if (!project_use_config(real, NULL, &name))
        return false;
    if (strcmp(name, target) != 0) {
        LOG_E("%s: its \"name\" is %s, the stored finding's target %s", real, name, target);
        return false;
    }
    return true;
}

/* A file in the crash store: target, mode, sanitizer and signature from its report.json.
 * False (logged) when the report is there but cannot be read or has a field of the wrong
 * type; true, with nothing taken, for a file outside the store. */
static bool from_store(struct replay_args *a) {
    static char dir[4096], target[256], mode[32], sanitizer[32], path[4200];
    static cJSON *j; /* kept: a->env points into its TargetEnv strings */
    snprintf(dir, sizeof(dir), "%s", a->file);
    char *d = dirname(dir);
    snprintf(path, sizeof(path), "%s/report.json", d);
    if (access(path, F_OK) != 0)
        return true;
    cJSON_Delete(j); /* the previous file's, when one process replays several (nightly) */
    if ((j = store_load_report(d)) == NULL || !report_check(j, path))
        return false;
    if (a->target == NULL)
        a->target = copy_str(j, "Target", target, sizeof(target));
    if (a->mode == NULL)
        a->mode = copy_str(j, "Mode", mode, sizeof(mode));
    if (copy_str(j, "Sanitizer", sanitizer, sizeof(sanitizer)) != NULL)
        a->sanitizer = sanitizer;
    stored_flags(a, j);
    finding_expect_from(j, &a->expect);
    if (a->target != NULL && !user_config(j, a->target))
        return false;
    snprintf(a->store_dir, sizeof(a->store_dir), "%s", d);
    return stored_env(a, j);
}

/* The variant's env from the target config, before --env entries; the entries live as
 * long as the process (replay runs once). */
static bool variant_env(struct replay_args *a) {
    static struct variant_env venv;
    char path[4096];
    struct target_config cfg;
    if (a->variant == NULL)
        return true;
    if (!cli_config_path(a->target, NULL, path, sizeof(path)) || !target_config_load(path, &cfg))
        return false;
    bool ok = variant_env_load(&cfg, a->variant, &venv);
    target_config_free(&cfg);
    for (size_t i = 0; ok && i < venv.count; i++)
        ok = push_env(a, venv.entries[i], false);
    return ok;
}

/* --json PATH is checked before the replays run: a report that cannot be written would
 * otherwise be lost after minutes of work. */
static bool check_json_out(const struct replay_args *a) {
    char dir[4096];
    struct stat st;
    if (a->json == NULL)
        return true;
    if (stat(a->json, &st) == 0 && S_ISDIR(st.st_mode)) {
        LOG_E("--json: %s is a directory; name the report file", a->json);
        return false;
    }
    snprintf(dir, sizeof(dir), "%s", a->json);
    if (access(dirname(dir), W_OK) != 0) {
        PLOG_E("--json: %s: cannot write in its directory", a->json);
        return false;
    }
    return true;
}

int replay_args_resolve(int argc, char **argv, struct replay_args *a) {
    if (!parse(argc, argv, a))
        return CLI_EXIT_USAGE;
    if (!from_store(a))
        return CLI_EXIT_USAGE;
    if (a->target == NULL || a->mode == NULL) {
        LOG_E("%s: not in the crash store; name its --target and --mode", a->file);
        return CLI_EXIT_USAGE;
    }
    if (!cli_check_target(a->target) || !fuzz_setup_check_mode(a->mode) || !check_json_out(a))
        return CLI_EXIT_USAGE;
    if (!variant_env(a))
        return CLI_EXIT_USAGE;
    if (!finding_binary(a->target, a->mode, a->sanitizer, a->binary, sizeof(a->binary)) ||
        access(a->binary, X_OK) != 0) {
        LOG_E("%s: replay binary not built (./racefuzz builds it; check --target/--mode)",
              a->binary);
        return CLI_EXIT_ENV;
    }
    snprintf(a->work, sizeof(a->work), "%s/.racefuzz/replay/%ld-%ld", project_home(),
             (long)time(NULL), (long)getpid());
    return CLI_EXIT_OK;
}

void replay_args_opts(struct replay_args *a, struct replay_opts *o) {
    char *const *mode = finding_replay_flags(a->mode);
    size_t n = 0;
    for (; mode[n] != NULL && n < 4; n++)
        a->flags[n] = mode[n];
    for (size_t i = 0; i < 4 && a->stored_flags[i][0] != '\0'; i++)
        a->flags[n++] = a->stored_flags[i];
    a->flags[n] = NULL;
    *o = (struct replay_opts){.binary = a->binary,
                              .binary_args = a->flags,
                              .input = a->file,
                              .env = a->env,
                              .expect_key = a->expect.key[0] != '\0' ? a->expect.key : NULL,
                              .expect_kind = a->expect.kind[0] != '\0' ? a->expect.kind : NULL,
                              .expect_frames = a->expect.frames[0] ? a->expect.frames : NULL,
                              .attempts = (unsigned)a->attempts,
                              .timeout_s = RF_REPLAY_ATTEMPT_TIMEOUT_S,
                              .sandbox = !a->no_sandbox,
                              .work_dir = a->work};
}
