/* Fuzzes the check of a stored report.json (what replay and triage trust): any text is
 * refused or accepted without a crash, and an accepted report gives readers only the
 * types they take. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine_api.h"
#include "report_check.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* What replay does with an accepted report's TargetEnv: every entry splits at '='. */
static void check_env(const cJSON *report) {
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(report, "TargetEnv")) {
        const char *eq = strchr(e->valuestring, '=');
        CHECK(eq != NULL && eq > e->valuestring);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    if (cJSON_IsObject(j) && report_check(j, "fuzz/report.json")) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "Target");
        CHECK(t == NULL || cJSON_IsString(t));
        check_env(j);
    }
    cJSON_Delete(j);
    return 0;
}
