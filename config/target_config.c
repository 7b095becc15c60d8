#define _POSIX_C_SOURCE 200809L
#include "target_config.h"

#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "rf_config.h"

static const char *const target_config_sections[] = {
    "name", "variants", "frames", "go", "service", "endpoints", "schedule", "description"};

/* Line and column of a byte offset, for error messages people can jump to. */
static void line_col(const char *text, size_t off, size_t *line, size_t *col) {
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static bool known_section(const char *key) {
    for (size_t i = 0; i < sizeof(target_config_sections) / sizeof(target_config_sections[0]); i++)
        if (strcmp(key, target_config_sections[i]) == 0)
            return true;
    return false;
}

bool target_config_is_note(const char *key) {
    return key != NULL && key[0] == '_';
}

static bool check_root(const struct target_config *c, const char *origin) {
    if (!cJSON_IsObject(c->root)) {
        LOG_E("%s: the top level must be a JSON object", origin);
        return false;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c->root, "name");
    if (!cJSON_IsString(name) || name->valuestring[0] == '\0' || strchr(name->valuestring, '/')) {
        LOG_E("%s: \"name\" must be a non-empty string without '/'", origin);
        return false;
    }
    for (const cJSON *s = c->root->child; s != NULL; s = s->next)
        if (!target_config_is_note(s->string) && !known_section(s->string)) {
            LOG_E("%s: unknown top-level key \"%s\"", origin, s->string);
            return false;
        }
    return true;
}

bool target_config_parse(const char *text, size_t len, const char *origin,
                         struct target_config *out) {
    const char *end = NULL;
    memset(out, 0, sizeof(*out));
    out->root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (out->root == NULL) {
        size_t line, col;
        size_t off = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        line_col(text, off, &line, &col);
        LOG_E("%s:%zu:%zu: invalid JSON", origin, line, col);
        return false;
    }
    if (!check_root(out, origin)) {
        target_config_free(out);
        return false;
    }
    out->name = cJSON_GetObjectItemCaseSensitive(out->root, "name")->valuestring;
    return true;
}

bool target_config_load(const char *path, struct target_config *out) {
    struct fileio_buf b;
    memset(out, 0, sizeof(*out));
    if (!fileio_read(path, RF_MAX_FILE_SIZE, &b))
        return false;
    bool ok = target_config_parse((const char *)b.data, b.size, path, out);
    fileio_buf_free(&b);
    if (!ok)
        return false;
    snprintf(out->path, sizeof(out->path), "%s", path);
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    snprintf(out->dir, sizeof(out->dir), "%s", dirname(tmp));
    return true;
}

const cJSON *target_config_section(const struct target_config *c, const char *name) {
    return cJSON_GetObjectItemCaseSensitive(c->root, name);
}

void target_config_free(struct target_config *c) {
    cJSON_Delete(c->root);
    c->root = NULL;
    c->name = NULL;
}
