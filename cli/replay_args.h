/* The arguments `replay` and `minimize` share, and how a crash file becomes a replay
 * request: a file in the crash store brings its target, mode, sanitizer, signature key and
 * environment from report.json; otherwise --target and --mode say. */
#ifndef RF_REPLAY_ARGS_H
#define RF_REPLAY_ARGS_H

#include <stdbool.h>

#include "finding.h"
#include "replay.h"

struct replay_args {
    const char *file, *target, *mode, *sanitizer, *variant, *json, *out;
    const char *env[REPLAY_MAX_ENV + 1];
    size_t nenv;
    unsigned long long attempts, time_s;
    bool expect_fixed, no_sandbox, promote;
    struct finding_expect expect; /* from the store entry; empty otherwise */
    char store_dir[4096];
    char *flags[8];           /* the binary's flags: the mode's, then the finding's own */
    char stored_flags[4][64]; /* engine flags of the finding that change what a run reports */
    char binary[4096];
    char work[4096];
};

/* Parses argv (replay's and minimize's options, one FILE) and resolves the request:
 * store metadata, the variant's env, the binary, a fresh work directory. Logs and returns
 * a cli_exit code other than CLI_EXIT_OK on failure. */
int replay_args_resolve(int argc, char **argv, struct replay_args *a);

/* The replay request for a's file. */
void replay_args_opts(struct replay_args *a, struct replay_opts *o);

#endif
