/* Replay: one crash input run N times against its target, each attempt in the sandbox
 * (sandbox.h) with its own perturbation seed (RACEFUZZ_PERTURB_SEED: the harnesses add
 * seeded jitter to their schedules, so a race gets a different interleaving each time),
 * and what came out: how often it reproduced, the signature and report of the first
 * reproduction. */
#ifndef RF_REPLAY_H
#define RF_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "signature.h"

#define REPLAY_MAX_ENV 64

struct replay_opts {
    const char *binary;       /* the target's libFuzzer binary (runs files it is given) */
    char *const *binary_args; /* its flags before the input (e.g. "-runs=1000"); may be NULL */
    const char *input;        /* the crash file */
    const char *const *env;   /* K=V for the target (variant, --env); NULL-terminated */
    const char *expect_key;   /* signature key that counts as a reproduction; NULL: any */
    /* Also a reproduction: a report of this kind whose top frame (of either stack) is one of
     * these (the stored crash state). A race is one bug however its accesses pair up on a
     * given run (putUser against putUser, or against getUser), so its signature varies
     * while its racing function does not. Both NULL: the key alone decides. */
    const char *expect_kind;
    const char *const *expect_frames; /* NULL-terminated */
    unsigned attempts;                /* default 20 */
    double timeout_s;                 /* per attempt */
    bool sandbox;                     /* false: plain child processes (debugging the sandbox) */
    const char *work_dir;             /* attempt outputs go here (attempt-N.log) */
};

struct replay_result {
    unsigned attempts, hits;
    bool have_sig;
    struct signature_result sig; /* of the first reproduction (or first crash when none matched) */
    char first_log[4200];        /* output of that attempt */
    double seconds;              /* wall time of all attempts */
    unsigned crashed_other;      /* attempts that crashed with another signature */
};

/* false (logged) only when attempts could not be run at all; false, unlogged, when an
 * interrupt stopped them (procgroup.h says what it stopped). */
bool replay_run(const struct replay_opts *o, struct replay_result *r);

#endif
