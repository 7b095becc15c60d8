/* Fuzzes the JSON view of frame streams, both ways:
 *   (a) any bytes -> frames_json_view -> frames_json_build gives back exactly the bytes;
 *   (b) the same input read as JSON text -> frames_json_build refuses or builds without
 *       crashing, and what it builds round-trips as in (a).
 * A disagreement aborts, which the engine records as a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine_api.h"
#include "frames_json.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_round_trip(const uint8_t *data, size_t size) {
    cJSON *view = frames_json_view(data, size);
    CHECK(view != NULL);
    uint8_t *out = NULL;
    size_t n = 0;
    CHECK(frames_json_build(view, "fuzz", &out, &n));
    CHECK(n == size);
    CHECK(size == 0 || memcmp(out, data, size) == 0);
    free(out);
    cJSON_Delete(view);
}

static void check_build(const uint8_t *data, size_t size) {
    cJSON *view = cJSON_ParseWithLength((const char *)data, size);
    if (view == NULL)
        return;
    uint8_t *out = NULL;
    size_t n = 0;
    if (frames_json_build(view, "fuzz", &out, &n)) {
        CHECK(out != NULL);
        check_round_trip(out, n);
        free(out);
    }
    cJSON_Delete(view);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check_round_trip(data, size);
    check_build(data, size);
    return 0;
}
