/* Shared by `fuzz` and `demo`: from a request (target, mode, engine, sanitizer, variant)
 * to a ready campaign_opts: binary, seeds, dictionary, mutator library, environment and
 * a fresh work directory. */
#ifndef RF_FUZZ_SETUP_H
#define RF_FUZZ_SETUP_H

#include <stdbool.h>

#include "campaign.h"

#define FUZZ_SETUP_MAX_ENV 32

struct fuzz_request {
    const char *target;
    const char *mode;       /* "plain" (one call per input), "frames" (concurrent driver) or
                             * "go" (request schedules against a Go handler, in-process) */
    const char *sanitizer;  /* "address" (ASan+UBSan) or "thread" (TSan, libFuzzer only) */
    const char *variant;    /* a key of the config's "variants" (its env applies), or NULL */
    const char *const *env; /* extra K=V entries, NULL-terminated, or NULL */
    enum campaign_engine engine;
    const char *work_root;
    bool custom_mutator;
};

struct fuzz_setup {
    struct campaign_opts opts;
    char fuzzer[4096], seeds[4096], work[4096], dict[4096], mutator[4096], endpoints[4096];
    char env_store[FUZZ_SETUP_MAX_ENV][512];
    const char *env[FUZZ_SETUP_MAX_ENV + 1];
};

bool fuzz_setup_prepare(struct fuzz_setup *s, const struct fuzz_request *r);

#endif
