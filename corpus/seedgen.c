#include "seedgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "frame.h"
#include "log.h"
#include "rng.h"

/* Mirrors fuzz/frames/frames_sched.h's schedule frame: [workers-1][spin x W][worker per frame]. */
#define SEEDGEN_MAX_WORKERS 16

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

static const struct shape_msg *find_msg(const struct shape_set *s, const char *name) {
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->msgs[i].name, name) == 0)
            return &s->msgs[i];
    return NULL;
}

bool seedgen_check_sessions(const struct shape_set *s, const cJSON *sessions, const char *origin) {
    size_t i = 0;
    const cJSON *sess, *name;
    if (sessions == NULL)
        return true;
    if (!cJSON_IsArray(sessions)) {
        LOG_E("%s: frames.sessions: expected an array of arrays of message names", origin);
        return false;
    }
    cJSON_ArrayForEach(sess, sessions) {
        if (!cJSON_IsArray(sess) || cJSON_GetArraySize(sess) == 0) {
            LOG_E("%s: frames.sessions[%zu]: expected a non-empty array of names", origin, i);
            return false;
        }
        cJSON_ArrayForEach(name, sess) {
            if (!cJSON_IsString(name) || find_msg(s, name->valuestring) == NULL) {
                LOG_E("%s: frames.sessions[%zu]: \"%s\" is not a message in frames.messages",
                      origin, i, cJSON_IsString(name) ? name->valuestring : "?");
                return false;
            }
        }
        i++;
    }
    return true;
}

/* Appends one frame built from message m; false when it does not fit. */
static bool put_msg(const struct shape_set *s, const struct shape_msg *m, struct rng *r,
                    uint8_t *out, size_t cap, size_t *off) {
    if (cap - *off <= FRAME_HEADER_LEN)
        return false;
    size_t room = cap - *off - FRAME_HEADER_LEN;
    if (room > s->max_frame_len)
        room = s->max_frame_len;
    size_t n = shape_gen_payload(m, r, out + *off + FRAME_HEADER_LEN, room);
    frame_store_le32(out + *off, (uint32_t)n);
    *off += FRAME_HEADER_LEN + n;
    return true;
}

/* One session's messages: a frames.sessions template, or 1..4 weighted picks. */
static size_t session_msgs(const struct shape_set *s, const cJSON *sessions, struct rng *r,
                           const struct shape_msg **out, size_t cap) {
    int n = cJSON_GetArraySize(sessions);
    size_t k = 0;
    if (n > 0) {
        const cJSON *name, *t = cJSON_GetArrayItem(sessions, (int)rng_below(r, (size_t)n));
        cJSON_ArrayForEach(name, t) {
            if (k < cap)
                out[k++] = find_msg(s, name->valuestring);
        }
        return k;
    }
    size_t want = 1 + rng_below(r, 4);
    for (k = 0; k < want && k < cap; k++)
        out[k] = shape_pick(s, r);
    return k;
}

size_t seedgen_scheduled_one(const struct shape_set *s, const struct seedgen_opts *o, uint64_t seed,
                             uint8_t *out, size_t cap) {
    struct rng r;
    rng_seed(&r, seed);
    unsigned w = o->workers > SEEDGEN_MAX_WORKERS ? SEEDGEN_MAX_WORKERS : o->workers;
    unsigned sessions = w < 2 ? 1 : 2 + (unsigned)rng_below(&r, w - 1);
    uint8_t sched[1 + SEEDGEN_MAX_WORKERS + 256];
    size_t nsched = 1 + w, off;
    sched[0] = (uint8_t)(sessions - 1);
    for (unsigned i = 0; i < w; i++)
        sched[1 + i] = (uint8_t)rng_below(&r, 4); /* small offsets: start nearly together */
    /* Reserve the schedule frame's room; its length is known once the sessions are. */
    size_t body = FRAME_HEADER_LEN + sizeof(sched);
    if (cap < body)
        return 0;
    off = body;
    for (unsigned j = 0; j < sessions; j++) {
        const struct shape_msg *msgs[16];
        size_t n = session_msgs(s, o->sessions, &r, msgs, 16);
        for (size_t i = 0; i < n && nsched < sizeof(sched); i++, nsched++) {
            if (!put_msg(s, msgs[i], &r, out, cap, &off))
                break;
            sched[nsched] = (uint8_t)j;
        }
    }
    /* Move the target frames down to sit right after the real schedule frame. */
    size_t frames_len = off - body, head = FRAME_HEADER_LEN + nsched;
    memmove(out + head, out + body, frames_len);
    frame_store_le32(out, (uint32_t)nsched);
    memcpy(out + FRAME_HEADER_LEN, sched, nsched);
    return head + frames_len;
}

bool seedgen_frames_dir(const struct shape_set *s, const struct seedgen_opts *o, uint64_t seed,
                        size_t count, const char *dir) {
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
        uint64_t one = rng_next(&r);
        size_t n = o->workers > 0 ? seedgen_scheduled_one(s, o, one, buf, SEEDGEN_MAX_SEED)
                                  : seedgen_frames_one(s, one, buf, SEEDGEN_MAX_SEED);
        int len = snprintf(path, sizeof(path), "%s/seed-%04zu.bin", dir, i);
        ok = len > 0 && (size_t)len < sizeof(path) && fileio_write_atomic(path, buf, n);
    }
    free(buf);
    return ok;
}
