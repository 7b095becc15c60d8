#include "seedgen.h"

#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "frame.h"
#include "log.h"
#include "rng.h"

/* Seeds are kept small: engines grow inputs themselves, and small seeds run fast. */
#define SEEDGEN_MAX_SEED 4096
#define SEEDGEN_MIN_FRAMES 2
#define SEEDGEN_MAX_FRAMES 6

size_t seedgen_frames_one(const struct shape_set *s, uint64_t seed, uint8_t *out, size_t cap) {
    struct rng r;
    rng_seed(&r, seed);
    size_t frames = SEEDGEN_MIN_FRAMES + rng_below(&r, SEEDGEN_MAX_FRAMES - SEEDGEN_MIN_FRAMES + 1);
    size_t off = 0;
    for (size_t i = 0; i < frames && cap - off > FRAME_HEADER_LEN; i++) {
        size_t room = cap - off - FRAME_HEADER_LEN;
        if (room > s->max_frame_len)
            room = s->max_frame_len;
        size_t n = shape_gen_payload(shape_pick(s, &r), &r, out + off + FRAME_HEADER_LEN, room);
        frame_store_le32(out + off, (uint32_t)n);
        off += FRAME_HEADER_LEN + n;
    }
    return off;
}

bool seedgen_frames_dir(const struct shape_set *s, uint64_t seed, size_t count, const char *dir) {
    uint8_t *buf = malloc(SEEDGEN_MAX_SEED);
    if (buf == NULL || !fileio_mkdirs(dir)) {
        LOG_E("%s: cannot create the output directory", dir);
        free(buf);
        return false;
    }
    struct rng r;
    rng_seed(&r, seed);
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        char path[4096];
        size_t n = seedgen_frames_one(s, rng_next(&r), buf, SEEDGEN_MAX_SEED);
        int len = snprintf(path, sizeof(path), "%s/seed-%04zu.bin", dir, i);
        ok = len > 0 && (size_t)len < sizeof(path) && fileio_write_atomic(path, buf, n);
    }
    free(buf);
    return ok;
}
