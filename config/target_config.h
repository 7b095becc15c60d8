/* The target config (racefuzz.json): one file per target naming its decoder, Go package,
 * service command, endpoints and payload shapes. Sections are read by the modules that
 * use them; this module only loads, validates the common part and reports errors with
 * the file name and line. See docs/target-config.md. */
#ifndef RF_TARGET_CONFIG_H
#define RF_TARGET_CONFIG_H

#include <stdbool.h>

#include <cjson/cJSON.h>

struct tcfg {
    char path[4096];
    char dir[4096]; /* directory of the file: relative paths inside resolve against it */
    const char *name;
    cJSON *root;
};

/* Loads and checks the file. On error logs "PATH:LINE:COL: problem" and returns false. */
bool tcfg_load(const char *path, struct tcfg *out);

/* Parses config text already in memory (origin names it in errors). */
bool tcfg_parse(const char *text, size_t len, const char *origin, struct tcfg *out);

/* A top-level section, or NULL when absent. */
const cJSON *tcfg_section(const struct tcfg *c, const char *name);

void tcfg_free(struct tcfg *c);

#endif
