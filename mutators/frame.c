#include "frame.h"

#include "bytes.h"

#include <stdlib.h>
#include <string.h>

static const char *const frame_errors[FRAME_ERR_COUNT] = {
    [FRAME_OK] = "ok",
    [FRAME_END] = "end of stream",
    [FRAME_ERR_TRUNCATED_HEAD] = "truncated frame header (fewer than 4 bytes left)",
    [FRAME_ERR_PAST_END] = "frame length runs past the end of the stream",
    [FRAME_ERR_TOO_LONG] = "frame length exceeds the configured maximum",
    [FRAME_ERR_TOO_MANY] = "too many frames",
    [FRAME_ERR_NOMEM] = "out of memory",
};

const char *frame_strerror(enum frame_err err) {
    if ((unsigned)err >= FRAME_ERR_COUNT)
        return "unknown frame error";
    return frame_errors[err];
}

void frame_iter_init(struct frame_iter *it, const uint8_t *buf, size_t size, uint32_t max_len) {
    it->buf = buf;
    it->size = size;
    it->off = 0;
    it->max_len = max_len;
}

enum frame_err frame_iter_next(struct frame_iter *it, struct frame *out) {
    size_t left = it->size - it->off;
    if (left == 0)
        return FRAME_END;
    if (left < FRAME_HEADER_LEN)
        return FRAME_ERR_TRUNCATED_HEAD;
    uint32_t len = frame_load_le32(it->buf + it->off);
    if (len > it->max_len)
        return FRAME_ERR_TOO_LONG;
    if (len > left - FRAME_HEADER_LEN)
        return FRAME_ERR_PAST_END;
    out->data = it->buf + it->off + FRAME_HEADER_LEN;
    out->len = len;
    it->off += FRAME_HEADER_LEN + (size_t)len;
    return FRAME_OK;
}

/* Counts frames first so the array is allocated once, at its exact size. */
static enum frame_err frame_count(const uint8_t *buf, size_t size, uint32_t max_len, size_t *count,
                                  size_t *err_off) {
    struct frame_iter it;
    struct frame f;
    enum frame_err err;
    frame_iter_init(&it, buf, size, max_len);
    *count = 0;
    while ((err = frame_iter_next(&it, &f)) == FRAME_OK)
        (*count)++;
    if (err != FRAME_END && err_off != NULL)
        *err_off = it.off;
    return err == FRAME_END ? FRAME_OK : err;
}

enum frame_err frame_parse(const uint8_t *buf, size_t size, uint32_t max_len, size_t max_frames,
                           struct frame_stream *out, size_t *err_off) {
    size_t count;
    out->frames = NULL;
    out->count = 0;
    enum frame_err err = frame_count(buf, size, max_len, &count, err_off);
    if (err != FRAME_OK)
        return err;
    if (count > max_frames)
        return FRAME_ERR_TOO_MANY;
    if (count == 0)
        return FRAME_OK;
    out->frames = malloc(count * sizeof(*out->frames));
    if (out->frames == NULL)
        return FRAME_ERR_NOMEM;
    struct frame_iter it;
    frame_iter_init(&it, buf, size, max_len);
    for (size_t i = 0; i < count; i++)
        (void)frame_iter_next(&it, &out->frames[i]);
    out->count = count;
    return FRAME_OK;
}

void frame_stream_free(struct frame_stream *s) {
    free(s->frames);
    s->frames = NULL;
    s->count = 0;
}

size_t frame_serialized_size(const struct frame *frames, size_t count) {
    size_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += FRAME_HEADER_LEN + (size_t)frames[i].len;
    return total;
}

size_t frame_serialize(const struct frame *frames, size_t count, uint8_t *out, size_t cap) {
    if (frame_serialized_size(frames, count) > cap)
        return 0;
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
        frame_store_le32(out + off, frames[i].len);
        off += FRAME_HEADER_LEN;
        if (frames[i].len > 0)
            bytes_move(out + off, frames[i].data, frames[i].len);
        off += frames[i].len;
    }
    return off;
}

size_t frame_split_lenient(const uint8_t *buf, size_t size, uint32_t max_len, struct frame *out,
                           size_t cap) {
    struct frame_iter it;
    size_t n = 0;
    enum frame_err err = FRAME_END;
    frame_iter_init(&it, buf, size, max_len);
    while (n < cap && (err = frame_iter_next(&it, &out[n])) == FRAME_OK)
        n++;
    if (n == cap || err == FRAME_END)
        return n;
    /* Malformed tail: keep its bytes (after the bogus header, if there is one). */
    size_t skip = it.size - it.off >= FRAME_HEADER_LEN ? FRAME_HEADER_LEN : 0;
    size_t tail = it.size - it.off - skip;
    if (tail > max_len)
        tail = max_len;
    out[n].data = buf + it.off + skip;
    out[n].len = (uint32_t)tail;
    return n + 1;
}

bool frame_is_well_formed(const uint8_t *buf, size_t size, uint32_t max_len) {
    struct frame_iter it;
    struct frame f;
    enum frame_err err;
    frame_iter_init(&it, buf, size, max_len);
    while ((err = frame_iter_next(&it, &f)) == FRAME_OK)
        ;
    return err == FRAME_END;
}
