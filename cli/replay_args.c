#define _GNU_SOURCE
#include "replay_args.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "finding.h"
#include "log.h"
#include "rf_config.h"
#include "store.h"
#include "target_config.h"

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
        return cli_parse_u64("time", optarg, 86400, &a->time_s);
    case 'n':
        return cli_parse_u64("n", optarg, 10000, &a->attempts) && a->attempts > 0;
    case 'E':
        if (a->nenv >= REPLAY_MAX_ENV)
            return false;
        a->env[a->nenv++] = optarg;
        return true;
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

/* The environment the finding was made in (variant, --env), before any --env of now. */
static void stored_env(struct replay_args *a, const cJSON *report) {
    static char env[16][512];
    const cJSON *e;
    size_t n = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(report, "TargetEnv")) {
        if (n < 16 && cJSON_IsString(e) && a->nenv < REPLAY_MAX_ENV) {
            snprintf(env[n], sizeof(env[n]), "%s", e->valuestring);
            memmove(a->env + 1, a->env, a->nenv * sizeof(a->env[0]));
            a->env[0] = env[n++];
            a->nenv++;
        }
    }
}

/* A file in the crash store: target, mode, sanitizer and signature from its report.json. */
static void from_store(struct replay_args *a) {
    static char dir[4096], target[256], mode[32], sanitizer[32];
    snprintf(dir, sizeof(dir), "%s", a->file);
    char *d = dirname(dir);
    char path[4200];
    snprintf(path, sizeof(path), "%s/report.json", d);
    if (access(path, R_OK) != 0)
        return;
    cJSON *j = store_load_report(d);
    const char *t = json_str(j, "Target"), *m = json_str(j, "Mode"), *s = json_str(j, "Sanitizer");
    if (t != NULL && a->target == NULL)
        a->target = snprintf(target, sizeof(target), "%s", t) > 0 ? target : NULL;
    if (m != NULL && a->mode == NULL)
        a->mode = snprintf(mode, sizeof(mode), "%s", m) > 0 ? mode : NULL;
    if (s != NULL && *s != '\0')
        a->sanitizer = snprintf(sanitizer, sizeof(sanitizer), "%s", s) > 0 ? sanitizer : NULL;
    stored_flags(a, j);
    stored_env(a, j);
    finding_expect_from(j, &a->expect);
    snprintf(a->store_dir, sizeof(a->store_dir), "%s", d);
    cJSON_Delete(j);
}

/* The variant's env from the target config, before --env entries. */
static bool variant_env(struct replay_args *a) {
    static char store[16][512];
    char path[4096];
    struct tcfg cfg;
    if (a->variant == NULL)
        return true;
    if (!cli_config_path(a->target, NULL, path, sizeof(path)) || !tcfg_load(path, &cfg))
        return false;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(tcfg_section(&cfg, "variants"), a->variant);
    const cJSON *e;
    size_t n = 0;
    bool ok = cJSON_IsObject(v);
    if (!ok)
        LOG_E("%s: no variant \"%s\"", path, a->variant);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(v, "env")) {
        if (n < 16 && cJSON_IsString(e) && a->nenv < REPLAY_MAX_ENV) {
            snprintf(store[n], sizeof(store[n]), "%s=%s", e->string, e->valuestring);
            a->env[a->nenv++] = store[n++];
        }
    }
    tcfg_free(&cfg);
    return ok;
}

int replay_args_resolve(int argc, char **argv, struct replay_args *a) {
    if (!parse(argc, argv, a))
        return CLI_EXIT_USAGE;
    from_store(a);
    if (a->target == NULL || a->mode == NULL) {
        LOG_E("%s: not in the crash store; name its --target and --mode", a->file);
        return CLI_EXIT_USAGE;
    }
    if (!variant_env(a))
        return CLI_EXIT_USAGE;
    if (!finding_binary(a->target, a->mode, a->sanitizer, a->binary, sizeof(a->binary)) ||
        access(a->binary, X_OK) != 0) {
        LOG_E("%s: replay binary not built (./racefuzz builds it; check --target/--mode)",
              a->binary);
        return CLI_EXIT_ENV;
    }
    snprintf(a->work, sizeof(a->work), "%s/.racefuzz/replay/%ld-%ld", cli_root_dir(),
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
