/* A finding between the verbs that make, store and replay it: which binary replays a
 * (target, mode, sanitizer), with which flags, and how one campaign's finding lands in the
 * crash store with its environment. Shared by `fuzz`, `demo`, `triage` and `replay`. */
#ifndef RF_FINDING_H
#define RF_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

struct finding {
    const char *target, *mode, *sanitizer, *engine; /* sanitizer: address, thread, race */
    const char *input;                              /* the crash file */
    const char *report;        /* file holding its report (engine log); NULL: replay for one */
    const char *const *env;    /* the target's extra env (variant, --env) */
    char *const *engine_flags; /* NULL-terminated; may be NULL */
    time_t found_at;           /* when the engine saved the input; 0: unknown (now) */
    double found_after_s;      /* seconds into its campaign, when found_at is known */
};

/* The libFuzzer binary that replays inputs of (target, mode, sanitizer). */
bool finding_binary(const char *target, const char *mode, const char *sanitizer, char *out,
                    size_t cap);

/* Flags that make that binary replay one input meaningfully: a frames-mode race needs
 * many runs of the input to hit its window (-runs stops at the first report), a go or
 * http-mode schedule a few (RF_REPLAY_SCHEDULE_RUNS); plain mode runs once.
 * NULL-terminated, static. */
char *const *finding_replay_flags(const char *mode);

/* What counts as reproducing a stored finding (replay.h): its key, or its kind with one of
 * its crash-state frames on top. Filled from its report.json; strings owned here. */
struct finding_expect {
    char key[17], kind[64];
    char state[8][256];
    const char *frames[9]; /* NULL-terminated views of state */
};

void finding_expect_from(const cJSON *report, struct finding_expect *e);

/* The crash store's root: $RACEFUZZ_STORE, else <source root>/crashes. */
const char *finding_store_root(void);

/* Reads the input and its report, computes the signature and stores it with an
 * environment snapshot. Logs and returns false when the report has no recognisable crash
 * or the store cannot be written. */
bool finding_store(const struct finding *f, struct store_entry *e);

#endif
