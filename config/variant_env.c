#define _POSIX_C_SOURCE 200809L
#include "variant_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static _Thread_local char err[512];

const char *variant_env_error(void) {
    return err;
}

/* Logs the reason and keeps it for variant_env_error(). */
#define fail_with(...) log_error_kept(err, sizeof(err), __VA_ARGS__)

static char *key_value(const char *k, const char *v) {
    size_t n = strlen(k) + strlen(v) + 2;
    char *kv = malloc(n);
    if (kv != NULL)
        snprintf(kv, n, "%s=%s", k, v);
    return kv;
}

static bool check_entry(const struct target_config *cfg, const char *variant, const cJSON *e) {
    if (!cJSON_IsString(e)) {
        fail_with("%s: variants.%s.env.%s: expected a string", cfg->path, variant, e->string);
        return false;
    }
    if (e->string[0] == '\0' || strchr(e->string, '=') != NULL) {
        fail_with("%s: variants.%s.env: '%s' is not a variable name", cfg->path, variant,
                  e->string);
        return false;
    }
    return true;
}

/* The variant's "env" object, or NULL after logging why there is none to read. */
static const cJSON *env_object(const struct target_config *cfg, const char *variant, bool *ok) {
    const cJSON *vars = target_config_section(cfg, "variants");
    const cJSON *v = cJSON_IsObject(vars) ? cJSON_GetObjectItemCaseSensitive(vars, variant) : NULL;
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(v, "env");
    *ok = false;
    if (!cJSON_IsObject(v))
        fail_with("%s: variants: no variant \"%s\"", cfg->path, variant);
    else if (env != NULL && !cJSON_IsObject(env))
        fail_with("%s: variants.%s.env: expected an object of strings", cfg->path, variant);
    else
        *ok = true;
    return *ok ? env : NULL;
}

bool variant_env_load(const struct target_config *cfg, const char *variant,
                      struct variant_env *out) {
    bool ok;
    err[0] = '\0';
    const cJSON *env = env_object(cfg, variant, &ok), *e;
    memset(out, 0, sizeof(*out));
    cJSON_ArrayForEach(e, env) {
        if (!check_entry(cfg, variant, e))
            return false;
    }
    size_t n = (size_t)cJSON_GetArraySize(env);
    if (!ok || n == 0)
        return ok;
    ok = false;
    if ((out->entries = calloc(n + 1, sizeof(*out->entries))) == NULL)
        goto out;
    cJSON_ArrayForEach(e, env) {
        if ((out->entries[out->count] = key_value(e->string, e->valuestring)) == NULL)
            goto out;
        out->count++;
    }
    ok = true;
out:
    if (!ok) { /* only allocation fails here: every entry was checked above */
        fail_with("%s: variants.%s.env: out of memory", cfg->path, variant);
        variant_env_free(out); /* on success *out is the caller's */
    }
    return ok;
}

void variant_env_free(struct variant_env *e) {
    for (size_t i = 0; i < e->count; i++)
        free(e->entries[i]);
    free(e->entries);
    memset(e, 0, sizeof(*e));
}
