/* Fuzzes the schedule codec and its JSON view. For any bytes, schedule_parse accepts or
 * refuses without crashing; when it accepts:
 *   (a) schedule_serialize gives back exactly the input (the format has no slack);
 *   (b) the JSON view, printed and parsed back as text, builds exactly the input again;
 *   (c) the built bytes' view equals the first view.
 * A disagreement aborts, which the engine records as a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine_api.h"
#include "schedule.h"
#include "schedule_json.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_serialize(const struct schedule *s, const uint8_t *data, size_t size) {
    CHECK(schedule_check(s, NULL) == SCHED_OK);
    CHECK(schedule_serialized_size(s) == size);
    uint8_t *out = malloc(size);
    CHECK(out != NULL);
    CHECK(schedule_serialize(s, out, size) == size);
    CHECK(memcmp(out, data, size) == 0);
    CHECK(schedule_serialize(s, out, size - 1) == 0);
    free(out);
}

static void check_json(const struct schedule *s, const uint8_t *data, size_t size) {
    cJSON *view = schedule_json_view(s);
    CHECK(view != NULL);
    char *text = cJSON_PrintUnformatted(view);
    CHECK(text != NULL);
    cJSON *reparsed = cJSON_Parse(text);
    CHECK(reparsed != NULL);
    uint8_t *out = NULL;
    size_t n = 0;
    CHECK(schedule_json_build(reparsed, "fuzz", &out, &n));
    CHECK(n == size && memcmp(out, data, size) == 0);
    struct schedule again;
    CHECK(schedule_parse(out, n, &again, NULL) == SCHED_OK);
    cJSON *view2 = schedule_json_view(&again);
    CHECK(view2 != NULL && cJSON_Compare(view, view2, 1));
    cJSON_Delete(view2);
    schedule_free(&again);
    free(out);
    cJSON_Delete(reparsed);
    cJSON_free(text);
    cJSON_Delete(view);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct schedule s;
    size_t err_step = 0;
    enum schedule_err err = schedule_parse(data, size, &s, &err_step);
    if (err != SCHED_OK) {
        CHECK((unsigned)err < SCHED_ERR_COUNT && s.steps == NULL && s.nsteps == 0);
        CHECK(err_step == SCHED_NO_STEP || err_step <= SCHED_MAX_STEPS);
        return 0;
    }
    check_serialize(&s, data, size);
    check_json(&s, data, size);
    schedule_free(&s);
    return 0;
}
