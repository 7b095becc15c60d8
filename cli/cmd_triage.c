/* racefuzz triage: engines' crash files into the crash store, folded by signature. */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
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
#include "replay.h"
#include "rf_config.h"

/* Attempts per imported input by default: enough for a race that shows one time in two;
 * -n raises it for rarer ones. */
#define TRIAGE_ATTEMPTS 3

void cmd_triage_help(void) {
    printf(
        "usage: racefuzz triage --target NAME --mode plain|frames|go\n"
        "                       [--sanitizer address|thread] [--env K=V]... [-n N] PATH...\n\n"
        "Imports crash inputs into the crash store (crashes/TARGET/KIND-KEY/): PATH is a\n"
        "file, a libFuzzer artifact directory (crash-*, leak-*, timeout-*, oom-*), or an\n"
        "AFL++ output directory (crashes/ and hangs/ of every instance). Each input is\n"
        "replayed in the sandbox up to N times (default %d) to get its report; inputs that do not\n"
        "reproduce are listed and left where they are. Exit: 0 imported, 1 some did not\n"
        "reproduce, 2 usage, 3 environment.\n",
        TRIAGE_ATTEMPTS);
}

struct triage {
    const char *target, *mode, *sanitizer;
    const char *env[REPLAY_MAX_ENV + 1];
    size_t nenv;
    unsigned long long attempts;
    char binary[4096];
    unsigned imported, new_sigs, unreproduced;
};

static bool is_engine_crash(const char *name) {
    static const char *const prefixes[] = {"crash-", "leak-", "timeout-", "oom-", "id:"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static void import_file(struct triage *t, const char *path) {
    char work[4096];
    snprintf(work, sizeof(work), "%s/.racefuzz/triage/%ld-%u", project_home(), (long)getpid(),
             t->imported + t->unreproduced);
    struct replay_opts o = {.binary = t->binary,
                            .binary_args = finding_replay_flags(t->mode),
                            .input = path,
                            .env = t->env,
                            .attempts = (unsigned)t->attempts,
                            .timeout_s = RF_REPLAY_ATTEMPT_TIMEOUT_S,
                            .sandbox = true,
                            .work_dir = work};
    struct replay_result r;
    struct store_entry e;
    if (!replay_run(&o, &r) || !r.have_sig) {
        printf("  %s: did not reproduce in %llu attempts\n", path, t->attempts);
        t->unreproduced++;
        return;
    }
    struct finding f = {.target = t->target,
                        .mode = t->mode,
                        .sanitizer = t->sanitizer,
                        .engine = "triage",
                        .input = path,
                        .report = r.first_log,
                        .env = t->env};
    if (!finding_store(&f, &e)) {
        t->unreproduced++;
        return;
    }
    t->imported++;
    t->new_sigs += e.is_new;
    printf("  %s: %s -> %s (%s, seen %lu times)\n", path, r.sig.kind, e.dir,
           e.is_new ? "new" : "known", e.count);
}

/* Files of an engine's output: artifact names, or everything in AFL++'s crashes/hangs. */
static void import_dir(struct triage *t, const char *dir, int depth) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4200];
    if (d == NULL) {
        PLOG_E("%s", dir);
        return;
    }
    bool afl_dir = strstr(dir, "/crashes") != NULL || strstr(dir, "/hangs") != NULL;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.' || snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < 0 ||
            stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < 3)
            import_dir(t, path, depth + 1);
        else if (S_ISREG(st.st_mode) && (is_engine_crash(e->d_name) || afl_dir) &&
                 strcmp(e->d_name, "README.txt") != 0)
            import_file(t, path);
    }
    closedir(d);
}

/* -n N: 1..10000; cli_parse_u64 names a bad number, 0 is named here (it imports nothing). */
static bool take_attempts(const char *text, unsigned long long *out) {
    if (!cli_parse_u64("n", text, 10000, out))
        return false;
    if (*out == 0)
        LOG_E("-n: 0 attempts would import nothing; give 1 or more");
    return *out > 0;
}

static bool parse(int argc, char **argv, struct triage *t) {
    static const struct option opts[] = {
        {"target", required_argument, NULL, 't'},    {"mode", required_argument, NULL, 'M'},
        {"sanitizer", required_argument, NULL, 'S'}, {"env", required_argument, NULL, 'E'},
        {"attempts", required_argument, NULL, 'n'},  {NULL, 0, NULL, 0}};
    memset(t, 0, sizeof(*t));
    t->sanitizer = "address";
    t->attempts = TRIAGE_ATTEMPTS;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
        if (c == 'n' && !take_attempts(optarg, &t->attempts))
            return false;
        else if (c == 'n')
            continue;
        if (c == 't')
            t->target = optarg;
        else if (c == 'M')
            t->mode = optarg;
        else if (c == 'S')
            t->sanitizer = optarg;
        else if (c == 'E' && t->nenv >= REPLAY_MAX_ENV) {
            LOG_E("--env: at most %d entries", REPLAY_MAX_ENV);
            return false;
        } else if (c == 'E')
            t->env[t->nenv++] = optarg;
        else
            return false;
    }
    if (t->target == NULL || t->mode == NULL || optind >= argc) {
        LOG_E("triage: --target, --mode and at least one PATH are required");
        return false;
    }
    return cli_check_target(t->target) && fuzz_setup_check_mode(t->mode);
}

int cmd_triage(int argc, char **argv) {
    static struct triage t;
    if (!parse(argc, argv, &t))
        return CLI_EXIT_USAGE;
    if (!finding_binary(t.target, t.mode, t.sanitizer, t.binary, sizeof(t.binary)) ||
        access(t.binary, X_OK) != 0) {
        LOG_E("%s: replay binary not built (./racefuzz builds it)", t.binary);
        return CLI_EXIT_ENV;
    }
    printf("triage into %s/%s:\n", finding_store_root(), t.target);
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            PLOG_E("%s", argv[i]);
            return CLI_EXIT_USAGE;
        }
        if (S_ISDIR(st.st_mode))
            import_dir(&t, argv[i], 0);
        else
            import_file(&t, argv[i]);
    }
    printf("%u imported (%u new signatures), %u did not reproduce\n", t.imported, t.new_sigs,
           t.unreproduced);
    return t.unreproduced > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
