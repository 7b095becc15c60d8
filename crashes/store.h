/* The crash store: every finding of any mode and engine, deduplicated by signature
 * (signature.h), never lost.
 *
 *   ROOT/TARGET/KIND-KEY/crash-HASH   the input (the smallest seen; HASH: its content hash)
 *   ROOT/TARGET/KIND-KEY/report.json  CASR-style fields plus ours (Signature, Kind, Count...)
 *   ROOT/TARGET/KIND-KEY/report.txt   the same for people
 *
 * Crash safety: writers of one target serialise on ROOT/TARGET/.lock (flock). A new
 * signature is assembled in a ".tmp-*" directory (each file fsync'ed) and renamed into
 * place, so it appears whole or not at all. An update writes the new input under its own
 * name first, then replaces report.json atomically (temp, fsync, rename), then removes the
 * old input: a SIGKILL at any point leaves report.json naming an input that exists. Left-
 * over ".tmp-*" directories and unreferenced inputs are removed by the next writer. */
#ifndef RF_STORE_H
#define RF_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "signature.h"

struct store_finding {
    const char *target, *mode, *engine; /* "orders", "go", "libfuzzer" */
    const uint8_t *input;
    size_t input_size;
    const struct signature_result *sig;
    const char *report; /* the report text (sanitizer/Go output); may be NULL */
    size_t report_len;
    const cJSON *extra; /* more report.json fields for a new entry (environment...); may be NULL */
    time_t found_at;    /* when the engine saved the input (FirstSeen/LastSeen); 0: now */
};

struct store_entry {
    char dir[4096];   /* the signature's directory */
    char input[4096]; /* its input file after the put */
    unsigned long count;
    bool is_new;         /* first time this signature was seen */
    bool input_replaced; /* the finding's input was smaller and replaced the stored one */
};

/* Records one finding. Logs and returns false on an I/O error; what was stored before
 * stays intact. */
bool store_put(const char *root, const struct store_finding *f, struct store_entry *out);

/* Loads DIR/report.json (caller cJSON_Deletes). Logs and returns NULL when it is missing
 * or malformed. */
cJSON *store_load_report(const char *dir);

/* Replaces DIR/report.json's "Reproduced" with {attempts, hits} and merges `fields`
 * (may be NULL) into it, atomically, under the target's lock. */
bool store_update_report(const char *dir, int attempts, int hits, const cJSON *fields);

/* Merges `fields` into DIR/report.json (report.txt follows), atomically, under the target's
 * lock; Reproduced and every other field stay as they are. `racefuzz mark-fixed` sets
 * "Fixed" with it. */
bool store_update_fields(const char *dir, const cJSON *fields);

/* Called by store_walk for one entry: its target, its directory's name (KIND-KEY) and
 * path. Returning false stops the walk. */
typedef bool (*store_walk_fn)(const char *target, const char *entry, const char *dir, void *ctx);

/* Calls fn for every entry ROOT/TARGET/ENTRY, targets and entries in name order, skipping
 * dot-names (the lock, a writer's .tmp-*) and anything but directories. Reads only, and
 * takes no lock: report.json is only ever replaced by rename, so a reader sees the old
 * file or the new one whole. False when ROOT cannot be read (logged as "ROOT: problem") or
 * fn stopped the walk; a target directory that cannot be read is logged and skipped. */
bool store_walk(const char *root, store_walk_fn fn, void *ctx);

/* A signature's state ("KIND\nFUNC\n...") on one line, for people: "KIND | FUNC | ...". */
void store_state_oneline(const char *state, char *out, size_t cap);

#endif
