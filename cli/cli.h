/* The `racefuzz` front command: one verb a file (cmd_<verb>.c), dispatched from main.c.
 * Exit codes: 0 success / nothing found, 1 findings (fuzz, demo), 2 usage or input error,
 * 3 environment error (missing engine, build). replay: 0 when the expectation held
 * (reproduced; with --expect-fixed, did not), 1 when it did not. */
#ifndef RF_CLI_H
#define RF_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FOUND = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_ENV = 3,
};

struct cli_verb {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the verb */
    void (*help)(void);
    /* Starts engines, services or sandboxes: SIGINT, SIGTERM and SIGHUP are passed on to
     * them (procgroup.h) and racefuzz exits 128 + the signal's number once they stopped. */
    bool supervises;
};

int cmd_init(int argc, char **argv);
void cmd_init_help(void);
int cmd_corpus(int argc, char **argv);
void cmd_corpus_help(void);
int cmd_fuzz(int argc, char **argv);
void cmd_fuzz_help(void);
int cmd_demo(int argc, char **argv);
void cmd_demo_help(void);
int cmd_triage(int argc, char **argv);
void cmd_triage_help(void);
int cmd_minimize(int argc, char **argv);
void cmd_minimize_help(void);
int cmd_replay(int argc, char **argv);
void cmd_replay_help(void);
int cmd_report(int argc, char **argv);
void cmd_report_help(void);
int cmd_nightly(int argc, char **argv);
void cmd_nightly_help(void);

struct report_set;
/* s as SARIF 2.1.0 at path, frames under src_root relative to it (SRCROOT). */
bool cmd_report_sarif(const char *path, const struct report_set *s, const char *src_root);
int cmd_mark_fixed(int argc, char **argv);
void cmd_mark_fixed_help(void);

/* Directory holding the racefuzz binary (a build tree's or an install prefix's bin/);
 * other artefacts are found relative to it. */
const char *cli_self_dir(void);

/* The binaries of an engine sub-build, variant "afl" or "tsan": bin/../VARIANT/bin in a
 * build tree, else an install prefix's bin/../lib/racefuzz/VARIANT (cmake/RacefuzzInstall.cmake).
 */
const char *cli_variant_dir(const char *variant);

/* Where racefuzz's data lives: RACEFUZZ_ROOT, else the install prefix it runs from
 * (bin/../share/racefuzz), else the source tree its build tree was made from. */
const char *cli_root_dir(void);

/* True when argv[i] is -h/--help. */
int cli_is_help(const char *arg);

/* Parses a decimal option value in [0, max]; logs "--OPT: problem" on failure. */
int cli_parse_u64(const char *opt, const char *text, unsigned long long max,
                  unsigned long long *out);

/* True for a name that stays inside the tree as one path component (targets/NAME,
 * corpus/NAME, crashes/NAME): no '/', no leading '.'. Logs "--target: ..." otherwise. */
bool cli_check_target(const char *name);

/* Parses a time budget in whole seconds, 1..max: 0, a sign or anything but digits is
 * refused (logs "--OPT: problem"), since 0 would reach the engine as "no limit". */
int cli_parse_seconds(const char *opt, const char *text, unsigned long long max,
                      unsigned long long *out);

struct cJSON;
/* j printed as JSON into path, atomically (fileio_write_atomic). False when memory runs out
 * or the write fails; the caller says which file. */
bool cli_write_json(const char *path, const struct cJSON *j);

/* Resolves --target NAME to ROOT/targets/NAME/racefuzz.json, or to the user's config in
 * use (project.h) when NAME is its name; takes --config PATH as it is. */
int cli_config_path(const char *target, const char *config, char *out, size_t cap);

#endif
