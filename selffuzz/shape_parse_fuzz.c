/* Fuzzes the payload-shape parser (racefuzz.json `frames`): any JSON must be parsed or
 * refused without crashing, and an accepted shape set must generate payloads and seeds
 * that stay within their buffers, with seeds well-formed. */
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "dict.h"
#include "engine_api.h"
#include "frame.h"
#include "rng.h"
#include "seedgen.h"
#include "shape.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* Small on purpose: a shape may ask for 64 KiB fields; the generator must cut them. */
#define GEN_CAP 1024

static void generate(const struct shape_set *s, uint64_t seed) {
    static uint8_t buf[GEN_CAP];
    struct rng r;
    rng_seed(&r, seed);
    for (int i = 0; i < 4; i++) {
        const struct shape_msg *m = shape_pick(s, &r);
        CHECK(m >= s->msgs && m < s->msgs + s->count);
        CHECK(shape_gen_payload(m, &r, buf, GEN_CAP) <= GEN_CAP);
    }
    size_t n = seedgen_frames_one(s, seed, buf, GEN_CAP);
    CHECK(n <= GEN_CAP);
    CHECK(frame_is_well_formed(buf, n, UINT32_MAX));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static struct dict d;
    cJSON *frames = cJSON_ParseWithLength((const char *)data, size);
    if (frames == NULL)
        return 0;
    struct shape_set s;
    if (shape_parse(frames, "fuzz", &s)) {
        CHECK(s.count > 0 && s.total_weight >= s.count);
        dict_init(&d);
        (void)shape_collect_dict(frames, &s, &d);
        generate(&s, size);
        shape_free(&s);
    } else {
        CHECK(s.count == 0 && s.msgs == NULL);
    }
    cJSON_Delete(frames);
    return 0;
}
