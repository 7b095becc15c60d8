/* Frame stream codec: a stream is a sequence of frames, each a 4-byte little-endian
 * length L followed by L payload bytes. Every format of racefuzz (seeds, schedules,
 * protocol bodies) is built on this one codec.
 *
 * Nothing here allocates except frame_parse(); views point into the caller's buffer,
 * which must outlive them. No function reads past buf + size. */
#ifndef RF_FRAME_H
#define RF_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER_LEN 4u

enum frame_err {
    FRAME_OK = 0,
    FRAME_END,                /* iteration finished cleanly at the end of the buffer */
    FRAME_ERR_TRUNCATED_HEAD, /* 1..3 bytes left: not even a whole length field */
    FRAME_ERR_PAST_END,       /* the length field claims more bytes than remain */
    FRAME_ERR_TOO_LONG,       /* the length field exceeds the configured maximum */
    FRAME_ERR_TOO_MANY,       /* more frames than the caller allows */
    FRAME_ERR_NOMEM,
    FRAME_ERR_COUNT
};

struct frame {
    const uint8_t *data;
    uint32_t len;
};

struct frame_iter {
    const uint8_t *buf;
    size_t size;
    size_t off;       /* offset of the next header */
    uint32_t max_len; /* FRAME_ERR_TOO_LONG above this */
};

/* Owned array of views into one buffer. */
struct frame_stream {
    struct frame *frames;
    size_t count;
};

const char *frame_strerror(enum frame_err err);

static inline uint32_t frame_load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void frame_store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void frame_iter_init(struct frame_iter *it, const uint8_t *buf, size_t size, uint32_t max_len);

/* Yields the next frame (FRAME_OK), FRAME_END at a clean end, or an error. After an
 * error it->off still points at the offending header, so callers can report where. */
enum frame_err frame_iter_next(struct frame_iter *it, struct frame *out);

/* Parses the whole buffer strictly: any malformed frame fails the parse. On success
 * out->frames is malloc'd (free with frame_stream_free), possibly NULL when count == 0.
 * On failure *err_off (if non-NULL) gets the offset of the bad header. */
enum frame_err frame_parse(const uint8_t *buf, size_t size, uint32_t max_len, size_t max_frames,
                           struct frame_stream *out, size_t *err_off);

void frame_stream_free(struct frame_stream *s);

/* Bytes frame_serialize() would write for these frames. */
size_t frame_serialized_size(const struct frame *frames, size_t count);

/* Writes the frames; returns bytes written, or 0 when cap is too small (and then writes
 * nothing past cap). An empty stream also returns 0: check count first. */
size_t frame_serialize(const struct frame *frames, size_t count, uint8_t *out, size_t cap);

/* Lenient split used on mutator inputs, which may be garbage: whole frames are taken as
 * they are; a malformed tail becomes one last frame holding the remaining bytes, so the
 * result always re-serializes well-formed. Returns the number of views written (at most
 * cap). */
size_t frame_split_lenient(const uint8_t *buf, size_t size, uint32_t max_len, struct frame *out,
                           size_t cap);

/* True when the buffer parses strictly with no frame above max_len. */
bool frame_is_well_formed(const uint8_t *buf, size_t size, uint32_t max_len);

#endif
