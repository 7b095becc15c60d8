/* The target config (racefuzz.json): one file per target naming its decoder, Go package,
 * service command, endpoints and payload shapes. Sections are read by the modules that
 * use them; this module only loads, validates the common part and reports errors with
 * the file name and line. See docs/target-config.md. */
#ifndef RF_TARGET_CONFIG_H
#define RF_TARGET_CONFIG_H

#include <stdbool.h>

#include <cjson/cJSON.h>

struct target_config {
    char path[4096];
    char dir[4096]; /* directory of the file: relative paths inside resolve against it */
    const char *name;
    cJSON *root;
};

/* Loads and checks the file. On error logs "PATH:LINE:COL: problem" and returns false. */
bool target_config_load(const char *path, struct target_config *out);

/* Parses config text already in memory (origin names it in errors). */
bool target_config_parse(const char *text, size_t len, const char *origin,
                         struct target_config *out);

/* True for a key starting with '_': a note for people ("_comment", "_guess", "_todo_reset",
 * as `racefuzz init` writes them). JSON has no comments, so every loader of racefuzz.json
 * skips these keys in every object it checks the keys of. */
bool target_config_is_note(const char *key);

/* A top-level section, or NULL when absent. */
const cJSON *target_config_section(const struct target_config *c, const char *name);

void target_config_free(struct target_config *c);

#endif
