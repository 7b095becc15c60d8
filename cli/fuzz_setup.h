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
    const char *mode;       /* "plain" (one call per input), "frames" (concurrent driver),
                             * "go" (request schedules against a Go handler, in-process) or
                             * "http" (request schedules against a live service) */
    const char *sanitizer;  /* "address" (ASan+UBSan) or "thread" (TSan, libFuzzer only) */
    const char *variant;    /* a key of the config's "variants" (its env applies), or NULL */
    const char *seeds;      /* a seed directory replacing corpus/<target>/..., or NULL */
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

/* CLI_EXIT_OK when s is ready; CLI_EXIT_USAGE for a bad request or config (logged, naming
 * the option or file), CLI_EXIT_ENV when the binary is not built. */
int fuzz_setup_prepare(struct fuzz_setup *s, const struct fuzz_request *r);

/* After the campaign and its replays: removes what harness processes that died left behind
 * (http mode: their remote-coverage regions; see fuzz/http/http_cov_region.h). */
void fuzz_setup_sweep(const struct fuzz_request *r);

/* True for a mode racefuzz has; otherwise logs "--mode: 'X' is not ..." and returns false. */
bool fuzz_setup_check_mode(const char *mode);

#endif
