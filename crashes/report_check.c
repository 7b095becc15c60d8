#include "report_check.h"

#include <stddef.h>
#include <string.h>

#include "log.h"

enum report_type { REPORT_STRING, REPORT_STRINGS, REPORT_ENV };

static const struct {
    const char *key;
    enum report_type type;
} report_fields[] = {
    {"Target", REPORT_STRING},       {"Mode", REPORT_STRING},   {"Sanitizer", REPORT_STRING},
    {"Key", REPORT_STRING},          {"Kind", REPORT_STRING},   {"CrashState", REPORT_STRINGS},
    {"EngineFlags", REPORT_STRINGS}, {"TargetEnv", REPORT_ENV},
};

static const char *const expected[] = {
    [REPORT_STRING] = "a string",
    [REPORT_STRINGS] = "an array of strings",
    [REPORT_ENV] = "an array of \"K=V\" strings",
};

static bool element_ok(const cJSON *e, enum report_type type) {
    if (!cJSON_IsString(e))
        return false;
    const char *eq = strchr(e->valuestring, '=');
    return type != REPORT_ENV || (eq != NULL && eq != e->valuestring);
}

static bool field_ok(const cJSON *v, enum report_type type) {
    const cJSON *e;
    if (v == NULL || type == REPORT_STRING)
        return v == NULL || cJSON_IsString(v);
    if (!cJSON_IsArray(v))
        return false;
    cJSON_ArrayForEach(e, v) {
        if (!element_ok(e, type))
            return false;
    }
    return true;
}

bool report_check(const cJSON *report, const char *path) {
    for (size_t i = 0; i < sizeof(report_fields) / sizeof(report_fields[0]); i++) {
        enum report_type type = report_fields[i].type;
        if (!field_ok(cJSON_GetObjectItemCaseSensitive(report, report_fields[i].key), type)) {
            LOG_E("%s: %s: expected %s", path, report_fields[i].key, expected[type]);
            return false;
        }
    }
    return true;
}
