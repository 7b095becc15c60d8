/* The environment a crash happened (or was replayed) in, for report.json. Field names are
 * CASR's where CASR has one (Date, Uname, OS, OSRelease, Architecture, ExecutablePath,
 * ProcCmdline, ProcEnviron, ...), the rest are ours (ExecutableSha256, BuildId,
 * ConfigSha256, Compiler, GoVersion, GOMAXPROCS, CPUCount, SanitizerOptions, Engine,
 * EngineFlags, Schedule, RacefuzzVersion).
 *
 * ProcEnviron never holds a secret: a variable whose name contains KEY, TOKEN, PASSWORD,
 * SECRET, PASSWD or CREDENTIAL (any case) is left out entirely, not masked, so neither its
 * value nor its length reaches a report that may be attached to a public issue. */
#ifndef RF_ENVSNAP_H
#define RF_ENVSNAP_H

#include <stdbool.h>

#include <cjson/cJSON.h>

struct envsnap_opts {
    const char *executable;    /* the target binary */
    char *const *argv;         /* its command line, NULL-terminated; may be NULL */
    const char *const *env;    /* its environment, NULL-terminated; NULL: ours */
    const char *config;        /* the target config file; may be NULL */
    const char *engine;        /* "libfuzzer", "afl", "replay"; may be NULL */
    char *const *engine_flags; /* NULL-terminated; may be NULL */
    const cJSON *schedule;     /* the input's JSON view; may be NULL (copied) */
};

/* A new object with every field it could gather; fields it could not are left out.
 * NULL only on out-of-memory. */
cJSON *envsnap_collect(const struct envsnap_opts *o);

/* True when an environment variable's name marks it as a secret (see above). */
bool envsnap_is_secret(const char *name, size_t len);

#endif
