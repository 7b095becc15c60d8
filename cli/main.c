/* racefuzz: the front command. Finds the verb and hands over; nothing else. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "procgroup.h"

static const struct cli_verb verbs[] = {
    {"init", "propose a racefuzz.json from a Go module, an OpenAPI file or a C header", cmd_init,
     cmd_init_help, false},
    {"demo", "the main job: build, fuzz the sample targets briefly, list what was found", cmd_demo,
     cmd_demo_help, true},
    {"corpus", "generate seeds, show a binary input as JSON, build one from JSON", cmd_corpus,
     cmd_corpus_help, false},
    {"fuzz", "run a bounded campaign on a target with libFuzzer or AFL++", cmd_fuzz, cmd_fuzz_help,
     true},
    {"minimize", "shrink a crash input by structure, keeping it reproducing", cmd_minimize,
     cmd_minimize_help, true},
    {"triage", "import engines' crash files into the deduplicated crash store", cmd_triage,
     cmd_triage_help, true},
    {"replay", "reproduce one crash file N times in a sandbox: rate, stacks, environment",
     cmd_replay, cmd_replay_help, true},
    {"report", "the crash store as JUnit XML and SARIF 2.1.0 for CI", cmd_report, cmd_report_help,
     false},
    {"nightly", "the unattended CI job: fuzz every target, replay known crashes, report",
     cmd_nightly, cmd_nightly_help, true},
    {"mark-fixed", "declare stored crashes fixed: reports pass them until they reproduce",
     cmd_mark_fixed, cmd_mark_fixed_help, false},
};

#define VERB_COUNT (sizeof(verbs) / sizeof(verbs[0]))

static char self_dir[PATH_MAX];
static char root_dir[PATH_MAX];

const char *cli_self_dir(void) {
    return self_dir;
}

const char *cli_root_dir(void) {
    return root_dir;
}

int cli_is_help(const char *arg) {
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* An installed racefuzz keeps its data (harness sources, CMake modules, sample targets'
 * configs and seeds) here, relative to bin/ (cmake/RacefuzzInstall.cmake). */
#define INSTALLED_DATA "/../share/racefuzz"

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the data lives, first found: RACEFUZZ_ROOT; the install prefix racefuzz runs from
 * (bin/../share/racefuzz), so an installed copy never reads the tree it was built from;
 * the source tree compiled into a build tree's binary. */
static void find_dirs(void) {
    char exe[PATH_MAX], data[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    snprintf(self_dir, sizeof(self_dir), "%s", n > 0 ? dirname(exe) : ".");
    const char *env = getenv("RACEFUZZ_ROOT");
    if (env != NULL && *env != '\0') {
        snprintf(root_dir, sizeof(root_dir), "%s", env);
        return;
    }
    int len = snprintf(data, sizeof(data), "%s%s", self_dir, INSTALLED_DATA);
    if (len > 0 && (size_t)len < sizeof(data) && is_dir(data) && realpath(data, root_dir) != NULL)
        return;
    snprintf(root_dir, sizeof(root_dir), "%s", RACEFUZZ_SOURCE_DIR);
}

const char *cli_variant_dir(const char *variant) {
    static char dirs[2][PATH_MAX];
    char *dir = dirs[strcmp(variant, "tsan") == 0];
    snprintf(dir, PATH_MAX, "%s/../%s/bin", self_dir, variant);
    if (!is_dir(dir))
        snprintf(dir, PATH_MAX, "%s/../lib/racefuzz/%s", self_dir, variant);
    return dir;
}

/* `racefuzz --where`: the two directories every path is found from, for scripts and for
 * checking an installed copy does not use the tree it was built from. */
static int print_where(void) {
    printf("bin: %s\ndata: %s\n", self_dir, root_dir);
    return CLI_EXIT_OK;
}

static void usage(FILE *out) {
    fprintf(out, "usage: racefuzz VERB [options]   (racefuzz VERB --help for details)\n\n"
                 "Coverage-guided fuzzing of concurrent Go services and their C protocol layer.\n\n"
                 "verbs:\n");
    for (size_t i = 0; i < VERB_COUNT; i++)
        fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(out,
            "\n  --version    print the version\n"
            "  --where      print where racefuzz finds its binaries (bin:) and data (data:)\n");
    fprintf(out, "\nexit codes: 0 ok, 1 findings, 2 usage or input error, 3 environment error\n");
}

/* A verb that starts children gets the interrupt handling of procgroup.h; after an
 * interrupt its own exit code gives way to 128 + the signal's number. */
static int run_verb(const struct cli_verb *v, int argc, char **argv) {
    if (v->supervises && !procgroup_install()) {
        PLOG_E("cannot install the signal handlers");
        return CLI_EXIT_ENV;
    }
    int rc = v->run(argc, argv);
    return procgroup_interrupted() != 0 ? procgroup_finish() : rc;
}

int main(int argc, char **argv) {
    log_init_from_env();
    find_dirs();
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("racefuzz %s\n", RACEFUZZ_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--where") == 0)
        return print_where();
    for (size_t i = 0; i < VERB_COUNT; i++) {
        if (strcmp(argv[1], verbs[i].name) != 0)
            continue;
        if (argc > 2 && cli_is_help(argv[2])) {
            verbs[i].help();
            return CLI_EXIT_OK;
        }
        return run_verb(&verbs[i], argc - 1, argv + 1);
    }
    fprintf(stderr, "racefuzz: unknown verb '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
