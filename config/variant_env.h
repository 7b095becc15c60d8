/* The environment of one variant of a target config:
 *   "variants": {"fixed": {"env": {"ORDERS_BUGS": "none"}}}
 * read once here for every user (fuzz set-up, replay, the http service's start), so all
 * of them take the same entries and report the same errors. */
#ifndef RF_VARIANT_ENV_H
#define RF_VARIANT_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "target_config.h"

struct variant_env {
    char **entries; /* "K=V", owned; NULL-terminated (NULL when count is 0) */
    size_t count;
};

/* Fills out with the env of `variant` in cfg. False (logged as "CONFIG: variants.NAME...:
 * problem") when the variant is missing, its env is not an object of strings, a key is
 * empty or holds '=', or memory runs out; out is then empty. */
bool variant_env_load(const struct target_config *cfg, const char *variant,
                      struct variant_env *out);

void variant_env_free(struct variant_env *e);

/* The reason the last variant_env_load of this thread failed, one line; "" when it did
 * not. */
const char *variant_env_error(void);

#endif
