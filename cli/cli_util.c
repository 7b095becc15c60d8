#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "fileio.h"
#include "log.h"
#include "project.h"

int cli_parse_u64(const char *opt, const char *text, unsigned long long max,
                  unsigned long long *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v > max) {
        LOG_E("--%s: '%s' is not an integer in 0..%llu", opt, text, max);
        return 0;
    }
    *out = v;
    return 1;
}

bool cli_check_target(const char *name) {
    size_t n = name != NULL ? strlen(name) : 0;
    bool ok = n > 0 && n < 128 && name[0] != '.' && name[0] != '-';
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)name[i]) || strchr("_-.", name[i]) != NULL;
    if (!ok)
        LOG_E("--target: '%s' is not a target name (letters, digits, '_', '-', '.'; no '/', "
              "no leading '.')",
              name != NULL ? name : "");
    return ok;
}

int cli_parse_seconds(const char *opt, const char *text, unsigned long long max,
                      unsigned long long *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v == 0 || v > max) {
        /* 0 is named apart: the engines read it as "no limit", never what a budget means */
        LOG_E("--%s: '%s' is not a number of seconds in 1..%llu%s", opt, text, max,
              end != text && *end == '\0' && v == 0 ? " (0 would mean no limit)" : "");
        return 0;
    }
    *out = v;
    return 1;
}

int cli_config_path(const char *target, const char *config, char *out, size_t cap) {
    int n;
    if (config != NULL)
        n = snprintf(out, cap, "%s", config);
    else if (target != NULL && project_name() != NULL && strcmp(target, project_name()) == 0)
        n = snprintf(out, cap, "%s", project_config());
    else if (target != NULL) {
        if (!cli_check_target(target))
            return 0;
        n = snprintf(out, cap, "%s/targets/%s/racefuzz.json", cli_root_dir(), target);
    } else {
        LOG_E("name a target with --target NAME or --config PATH");
        return 0;
    }
    return n > 0 && (size_t)n < cap;
}

bool cli_write_json(const char *path, const cJSON *j) {
    char *text = j != NULL ? cJSON_Print(j) : NULL;
    bool ok = text != NULL && fileio_write_atomic(path, text, strlen(text));
    free(text);
    return ok;
}
