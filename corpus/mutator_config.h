/* What the structure-aware mutators need from a target config, for whoever runs them:
 * `racefuzz fuzz` (cli/fuzz_setup.c) and `racefuzz corpus mutator`, whose output the
 * OSS-Fuzz build (ci/oss-fuzz/build_fuzzers.sh) puts beside each fuzz target. */
#ifndef RACEFUZZ_MUTATOR_CONFIG_H
#define RACEFUZZ_MUTATOR_CONFIG_H

#include <stdbool.h>

#include "target_config.h"

/* Writes the dictionary of the config's message shapes (their constants and frames.dict)
 * to path. *written is false, and no file is made, when there are no tokens (a config
 * without a "frames" section has none). False on a malformed config or a failed write,
 * logged with the file's name. */
bool mutator_config_dict(const struct target_config *cfg, const char *path, bool *written);

/* frames.fixups, checked: *spec is NULL when the config has none, else a string owned by
 * cfg. False (logged against the config file) when the rules do not parse. */
bool mutator_config_fixups(const struct target_config *cfg, const char **spec);

#endif
