/* Shared by `fuzz` and `demo`: from a target name and engine to a ready campaign_opts
 * (binary, seeds, dictionary, mutator library, a fresh work directory). */
#ifndef RF_FUZZ_SETUP_H
#define RF_FUZZ_SETUP_H

#include <stdbool.h>

#include "campaign.h"

struct fuzz_setup {
    struct campaign_opts opts;
    char fuzzer[4096], seeds[4096], work[4096], dict[4096], mutator[4096];
};

/* work_root: where runs go (default .racefuzz/runs). custom_mutator: link/load ours. */
bool fuzz_setup_prepare(struct fuzz_setup *s, const char *target, enum campaign_engine engine,
                        const char *work_root, bool custom_mutator);

#endif
