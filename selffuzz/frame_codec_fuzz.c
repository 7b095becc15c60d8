/* Fuzzes the frame codec: strict parse, iteration and serialization must agree, and a
 * lenient split must always re-serialize to a well-formed stream. Any disagreement
 * aborts, which the engine records as a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "frame.h"
#include "rf_config.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_strict(const uint8_t *data, size_t size, uint32_t max_len) {
    struct frame_stream s;
    size_t err_off = 0;
    enum frame_err err = frame_parse(data, size, max_len, RF_MUT_MAX_FRAMES, &s, &err_off);
    CHECK((err == FRAME_OK) == frame_is_well_formed(data, size, max_len) ||
          err == FRAME_ERR_TOO_MANY);
    if (err != FRAME_OK) {
        CHECK(err_off <= size);
        return;
    }
    size_t need = frame_serialized_size(s.frames, s.count);
    CHECK(need == size);
    uint8_t *out = malloc(need + 1);
    CHECK(out != NULL);
    CHECK(frame_serialize(s.frames, s.count, out, need) == need);
    CHECK(memcmp(out, data, size) == 0);
    free(out);
    frame_stream_free(&s);
}

static void check_lenient(const uint8_t *data, size_t size, uint32_t max_len) {
    static struct frame views[RF_MUT_MAX_FRAMES];
    size_t n = frame_split_lenient(data, size, max_len, views, RF_MUT_MAX_FRAMES);
    size_t need = frame_serialized_size(views, n);
    uint8_t *out = malloc(need + 1);
    CHECK(out != NULL);
    CHECK(frame_serialize(views, n, out, need) == need);
    CHECK(frame_is_well_formed(out, need, UINT32_MAX));
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* The first byte picks the maximum frame length, so the TOO_LONG path is explored. */
    uint32_t max_len = size > 0 ? (uint32_t)data[0] * 4 : 0;
    check_strict(data, size, max_len);
    check_strict(data, size, UINT32_MAX);
    check_lenient(data, size, max_len);
    return 0;
}
