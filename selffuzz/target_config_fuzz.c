/* Fuzzes the target-config loader (racefuzz.json) and the variant env reader on it: any
 * text is parsed or refused with a located error, never read past its length, an
 * accepted config has a usable name, and every env a variant yields is "K=V" pairs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "target_config.h"
#include "variant_env.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* Every variant the config names, read as fuzz set-up, replay and the service start do. */
static void check_variants(const struct target_config *c) {
    const cJSON *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(c->root, "variants")) {
        struct variant_env env;
        if (v->string == NULL || !variant_env_load(c, v->string, &env))
            continue;
        for (size_t i = 0; i < env.count; i++) {
            const char *eq = strchr(env.entries[i], '=');
            CHECK(eq != NULL && eq > env.entries[i]);
        }
        CHECK(env.count == 0 || env.entries[env.count] == NULL);
        variant_env_free(&env);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static struct target_config c;
    if (target_config_parse((const char *)data, size, "fuzz", &c)) {
        CHECK(c.root != NULL && c.name != NULL && c.name[0] != '\0');
        CHECK(strchr(c.name, '/') == NULL);
        (void)target_config_section(&c, "frames");
        check_variants(&c);
        target_config_free(&c);
    } else {
        CHECK(c.root == NULL);
    }
    return 0;
}
