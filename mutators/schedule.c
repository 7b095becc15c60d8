#include "schedule.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "frame.h"

static const char *const sched_errors[SCHED_ERR_COUNT] = {
    [SCHED_OK] = "ok",
    [SCHED_ERR_NO_HEADER] = "empty input: no header frame",
    [SCHED_ERR_FRAME_HEAD] = "truncated frame length field (fewer than 4 bytes left)",
    [SCHED_ERR_FRAME_PAST_END] = "frame length runs past the end of the input",
    [SCHED_ERR_SHORT_HEADER] = "header frame shorter than 12 bytes",
    [SCHED_ERR_LONG_HEADER] = "header frame longer than 12 bytes",
    [SCHED_ERR_VERSION] = "unknown schedule format version",
    [SCHED_ERR_LANES] = "lanes must be 1..16",
    [SCHED_ERR_TOO_MANY_STEPS] = "more than 256 steps",
    [SCHED_ERR_STEP_TRUNCATED] = "step frame ends inside a fixed or length field",
    [SCHED_ERR_INNER_PAST_END] = "path, headers or body length runs past the step frame",
    [SCHED_ERR_STEP_TRAILING] = "bytes left in the step frame after the body",
    [SCHED_ERR_BAD_LANE] = "step lane is not below the schedule's lanes",
    [SCHED_ERR_BAD_METHOD] = "unknown method",
    [SCHED_ERR_STEP_TOO_LONG] = "step too long for one frame",
    [SCHED_ERR_NOMEM] = "out of memory",
};

static const char *const sched_methods[SCHED_METHOD_COUNT] = {
    [SCHED_GET] = "GET",       [SCHED_POST] = "POST",   [SCHED_PUT] = "PUT",
    [SCHED_DELETE] = "DELETE", [SCHED_PATCH] = "PATCH", [SCHED_HEAD] = "HEAD",
};

const char *schedule_strerror(enum schedule_err err) {
    if ((unsigned)err >= SCHED_ERR_COUNT)
        return "unknown schedule error";
    return sched_errors[err];
}

const char *schedule_method_name(enum schedule_method m) {
    if ((unsigned)m >= SCHED_METHOD_COUNT)
        return NULL;
    return sched_methods[m];
}

bool schedule_method_parse(const char *name, enum schedule_method *out) {
    for (unsigned m = 0; m < SCHED_METHOD_COUNT; m++)
        if (strcmp(name, sched_methods[m]) == 0) {
            *out = (enum schedule_method)m;
            return true;
        }
    return false;
}

static uint16_t load_le16(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

static void store_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* A bounded reader over one frame's payload: take() never hands out bytes past the end. */
struct cursor {
    const uint8_t *p;
    size_t left;
};

static bool take(struct cursor *c, size_t n, const uint8_t **out) {
    if (n > c->left)
        return false;
    *out = c->p;
    c->p += n;
    c->left -= n;
    return true;
}

static void set_step(size_t *err_step, size_t i) {
    if (err_step != NULL)
        *err_step = i;
}

/* Pass 1: the frame structure of the whole input, and the frame count. Frame k is step
 * k - 1, so an error in frame 0 (the header) belongs to no step. */
static enum schedule_err count_frames(const uint8_t *buf, size_t len, size_t *nframes,
                                      size_t *err_step) {
    struct frame_iter it;
    struct frame f;
    enum frame_err err;
    size_t n = 0;
    frame_iter_init(&it, buf, len, UINT32_MAX);
    /* Stops one frame past the limit: a longer input is "too many steps" whatever its
     * tail holds, so a reported step index never exceeds SCHED_MAX_STEPS. */
    while (n <= SCHED_MAX_STEPS + 1 && (err = frame_iter_next(&it, &f)) == FRAME_OK)
        n++;
    if (n > SCHED_MAX_STEPS + 1) {
        *nframes = n;
        set_step(err_step, SCHED_MAX_STEPS);
        return SCHED_ERR_TOO_MANY_STEPS;
    }
    *nframes = n;
    set_step(err_step, n == 0 ? SCHED_NO_STEP : n - 1);
    if (err == FRAME_ERR_TRUNCATED_HEAD)
        return SCHED_ERR_FRAME_HEAD;
    if (err != FRAME_END)
        return SCHED_ERR_FRAME_PAST_END;
    if (n == 0)
        return SCHED_ERR_NO_HEADER;
    set_step(err_step, SCHED_MAX_STEPS);
    return n - 1 > SCHED_MAX_STEPS ? SCHED_ERR_TOO_MANY_STEPS : SCHED_OK;
}

static enum schedule_err check_header(const struct schedule *s) {
    if (s->version != SCHED_VERSION)
        return SCHED_ERR_VERSION;
    if (s->lanes == 0 || s->lanes > SCHED_MAX_LANES)
        return SCHED_ERR_LANES;
    return SCHED_OK;
}

static enum schedule_err decode_header(const struct frame *f, struct schedule *out) {
    if (f->len < SCHED_HEADER_LEN)
        return SCHED_ERR_SHORT_HEADER;
    if (f->len > SCHED_HEADER_LEN)
        return SCHED_ERR_LONG_HEADER;
    out->version = f->data[0];
    out->lanes = f->data[1];
    out->repeat = load_le16(f->data + 2);
    out->jitter_seed = frame_load_le32(f->data + 4);
    out->flags = frame_load_le32(f->data + 8);
    return check_header(out);
}

static enum schedule_err check_step(const struct schedule_step *st, uint8_t lanes) {
    if (st->lane >= lanes)
        return SCHED_ERR_BAD_LANE;
    if ((unsigned)st->method >= SCHED_METHOD_COUNT)
        return SCHED_ERR_BAD_METHOD;
    return SCHED_OK;
}

/* Structure first (so a cut step reports the cut, whatever its lane says), then values. */
static enum schedule_err decode_step(const struct frame *f, uint8_t lanes,
                                     struct schedule_step *st) {
    struct cursor c = {f->data, f->len};
    const uint8_t *p;
    if (!take(&c, 9, &p))
        return SCHED_ERR_STEP_TRUNCATED;
    st->lane = p[0];
    st->barrier = p[1];
    st->delay_us = frame_load_le32(p + 2);
    uint8_t method = p[6];
    st->path_len = load_le16(p + 7);
    if (!take(&c, st->path_len, &st->path))
        return SCHED_ERR_INNER_PAST_END;
    if (!take(&c, 2, &p))
        return SCHED_ERR_STEP_TRUNCATED;
    st->headers_len = load_le16(p);
    if (!take(&c, st->headers_len, &st->headers))
        return SCHED_ERR_INNER_PAST_END;
    if (!take(&c, 4, &p))
        return SCHED_ERR_STEP_TRUNCATED;
    st->body_len = frame_load_le32(p);
    if (!take(&c, st->body_len, &st->body))
        return SCHED_ERR_INNER_PAST_END;
    if (c.left != 0)
        return SCHED_ERR_STEP_TRAILING;
    st->method = method < SCHED_METHOD_COUNT ? (enum schedule_method)method : SCHED_METHOD_COUNT;
    return check_step(st, lanes);
}

/* Pass 2: decodes header and steps from a stream count_frames() accepted. */
static enum schedule_err decode_all(const uint8_t *buf, size_t len, struct schedule *out,
                                    size_t *err_step) {
    struct frame_iter it;
    struct frame f;
    frame_iter_init(&it, buf, len, UINT32_MAX);
    (void)frame_iter_next(&it, &f);
    set_step(err_step, SCHED_NO_STEP);
    enum schedule_err err = decode_header(&f, out);
    for (size_t i = 0; err == SCHED_OK && i < out->nsteps; i++) {
        (void)frame_iter_next(&it, &f);
        set_step(err_step, i);
        err = decode_step(&f, out->lanes, &out->steps[i]);
    }
    return err;
}

enum schedule_err schedule_parse(const uint8_t *buf, size_t len, struct schedule *out,
                                 size_t *err_step) {
    size_t nframes;
    memset(out, 0, sizeof(*out));
    enum schedule_err err = count_frames(buf, len, &nframes, err_step);
    if (err != SCHED_OK)
        return err;
    out->nsteps = nframes - 1;
    if (out->nsteps > 0 && (out->steps = calloc(out->nsteps, sizeof(*out->steps))) == NULL) {
        out->nsteps = 0;
        set_step(err_step, SCHED_NO_STEP);
        return SCHED_ERR_NOMEM;
    }
    err = decode_all(buf, len, out, err_step);
    if (err != SCHED_OK)
        schedule_free(out);
    else
        set_step(err_step, SCHED_NO_STEP);
    return err;
}

void schedule_free(struct schedule *s) {
    free(s->steps);
    s->steps = NULL;
    s->nsteps = 0;
}

static uint64_t step_frame_len(const struct schedule_step *st) {
    return (uint64_t)SCHED_STEP_MIN_LEN + st->path_len + st->headers_len + st->body_len;
}

enum schedule_err schedule_check(const struct schedule *s, size_t *err_step) {
    set_step(err_step, SCHED_NO_STEP);
    enum schedule_err err = check_header(s);
    if (err != SCHED_OK)
        return err;
    if (s->nsteps > SCHED_MAX_STEPS) {
        set_step(err_step, SCHED_MAX_STEPS);
        return SCHED_ERR_TOO_MANY_STEPS;
    }
    for (size_t i = 0; i < s->nsteps; i++) {
        set_step(err_step, i);
        if (step_frame_len(&s->steps[i]) > UINT32_MAX)
            return SCHED_ERR_STEP_TOO_LONG;
        if ((err = check_step(&s->steps[i], s->lanes)) != SCHED_OK)
            return err;
    }
    set_step(err_step, SCHED_NO_STEP);
    return SCHED_OK;
}

size_t schedule_serialized_size(const struct schedule *s) {
    size_t total = FRAME_HEADER_LEN + SCHED_HEADER_LEN;
    for (size_t i = 0; i < s->nsteps; i++) {
        uint64_t n = step_frame_len(&s->steps[i]);
        if (n > UINT32_MAX)
            return 0;
        total += FRAME_HEADER_LEN + (size_t)n;
    }
    return total;
}

/* Appends n bytes at *off; the caller has checked the total fits. */
static void put(uint8_t *out, size_t *off, const void *p, size_t n) {
    if (n > 0)
        bytes_move(out + *off, p, n);
    *off += n;
}

static void put_step(uint8_t *out, size_t *off, const struct schedule_step *st) {
    uint8_t fix[4 + 9], len16[2], len32[4];
    frame_store_le32(fix, (uint32_t)step_frame_len(st));
    fix[4] = st->lane;
    fix[5] = st->barrier;
    frame_store_le32(fix + 6, st->delay_us);
    fix[10] = (uint8_t)st->method;
    store_le16(fix + 11, st->path_len);
    put(out, off, fix, sizeof(fix));
    put(out, off, st->path, st->path_len);
    store_le16(len16, st->headers_len);
    put(out, off, len16, sizeof(len16));
    put(out, off, st->headers, st->headers_len);
    frame_store_le32(len32, st->body_len);
    put(out, off, len32, sizeof(len32));
    put(out, off, st->body, st->body_len);
}

size_t schedule_serialize(const struct schedule *s, uint8_t *out, size_t cap) {
    size_t need = schedule_serialized_size(s), off = 0;
    if (need == 0 || need > cap)
        return 0;
    uint8_t hdr[FRAME_HEADER_LEN + SCHED_HEADER_LEN];
    frame_store_le32(hdr, SCHED_HEADER_LEN);
    hdr[4] = s->version;
    hdr[5] = s->lanes;
    store_le16(hdr + 6, s->repeat);
    frame_store_le32(hdr + 8, s->jitter_seed);
    frame_store_le32(hdr + 12, s->flags);
    put(out, &off, hdr, sizeof(hdr));
    for (size_t i = 0; i < s->nsteps; i++)
        put_step(out, &off, &s->steps[i]);
    return off;
}
