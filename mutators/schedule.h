/* HTTP request schedule codec. A schedule is a frame stream (frame.h): frame 0 is the
 * header, every further frame is one step. All integers are little-endian.
 *
 * Header frame, exactly SCHED_HEADER_LEN (12) bytes:
 *   off 0  u8     version      SCHED_VERSION (1); other values are rejected
 *   off 1  u8     lanes        1..SCHED_MAX_LANES (16): concurrent connections/goroutines
 *   off 2  u16le  repeat       runs of the whole schedule per input (the runner treats 0 as 1)
 *   off 4  u32le  jitter_seed  seeds the runner's delay jitter; carried, not interpreted here
 *   off 8  u32le  flags        reserved for the runner; carried unchanged, not interpreted here
 *
 * Step frame (0..SCHED_MAX_STEPS of them), in this order and nothing after the body:
 *   off 0  u8     lane         < lanes; steps of one lane run in order, lanes concurrently
 *   off 1  u8     barrier      0 = none; steps sharing a non-zero group are released together
 *   off 2  u32le  delay_us     delay before sending, in microseconds
 *   off 6  u8     method       enum schedule_method (GET=0 ... HEAD=5); others are rejected
 *   off 7  u16le  path_len     then path_len bytes of request target ("/v1/orders?x=1")
 *          u16le  headers_len  then headers_len bytes of "Name: value\r\n" lines
 *          u32le  body_len     then body_len bytes of body
 * So a step frame is SCHED_STEP_MIN_LEN (15) bytes plus its three payloads.
 *
 * The codec checks structure only: path, header and body bytes are carried unchanged and
 * never validated (malformed headers are the runner's to interpret, and fuzzing wants them).
 * Every accepted input re-serializes byte-identically: there is no slack anywhere in the
 * format (exact header length, no bytes after a step's body, no trailing bytes).
 *
 * Steps are views into the parsed buffer, which must outlive the schedule. */
#ifndef RF_SCHEDULE_H
#define RF_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_VERSION 1u
#define SCHED_HEADER_LEN 12u
#define SCHED_STEP_MIN_LEN 15u
/* 16 lanes cover every race a handful of concurrent clients can produce, and keep the
 * runner's goroutines/connections per input small. */
#define SCHED_MAX_LANES 16u
/* Bounds one input's run time and the mutator's work per schedule. */
#define SCHED_MAX_STEPS 256u
/* err_step value for errors that belong to no step (header, stream-wide). */
#define SCHED_NO_STEP ((size_t)-1)

enum schedule_err {
    SCHED_OK = 0,
    SCHED_ERR_NO_HEADER,      /* empty input: not even a header frame */
    SCHED_ERR_FRAME_HEAD,     /* a frame's 4-byte length field is cut by the end of input */
    SCHED_ERR_FRAME_PAST_END, /* a frame's length runs past the end of input */
    SCHED_ERR_SHORT_HEADER,   /* header frame shorter than SCHED_HEADER_LEN */
    SCHED_ERR_LONG_HEADER,    /* header frame longer than SCHED_HEADER_LEN */
    SCHED_ERR_VERSION,        /* unknown format version */
    SCHED_ERR_LANES,          /* lanes is 0 or above SCHED_MAX_LANES */
    SCHED_ERR_TOO_MANY_STEPS, /* more than SCHED_MAX_STEPS step frames */
    SCHED_ERR_STEP_TRUNCATED, /* step frame ends inside a fixed field or a length field */
    SCHED_ERR_INNER_PAST_END, /* path/headers/body length runs past the step frame's end */
    SCHED_ERR_STEP_TRAILING,  /* bytes left in the step frame after the body */
    SCHED_ERR_BAD_LANE,       /* step lane is not below the header's lanes */
    SCHED_ERR_BAD_METHOD,     /* method byte is not an enum schedule_method */
    SCHED_ERR_STEP_TOO_LONG,  /* (serializing) a step would not fit a frame's u32 length */
    SCHED_ERR_NOMEM,
    SCHED_ERR_COUNT
};

enum schedule_method {
    SCHED_GET = 0,
    SCHED_POST,
    SCHED_PUT,
    SCHED_DELETE,
    SCHED_PATCH,
    SCHED_HEAD,
    SCHED_METHOD_COUNT
};

/* One request. The byte fields are views (not NUL-terminated); NULL is fine at length 0. */
struct schedule_step {
    uint8_t lane, barrier;
    uint32_t delay_us;
    enum schedule_method method;
    const uint8_t *path;
    uint16_t path_len;
    const uint8_t *headers;
    uint16_t headers_len;
    const uint8_t *body;
    uint32_t body_len;
};

struct schedule {
    uint8_t version, lanes;
    uint16_t repeat;
    uint32_t jitter_seed, flags;
    struct schedule_step *steps; /* malloc'd by schedule_parse (NULL when nsteps == 0) */
    size_t nsteps;
};

const char *schedule_strerror(enum schedule_err err);

/* Upper-case HTTP name ("POST"); NULL for a value outside the enum. */
const char *schedule_method_name(enum schedule_method m);

/* Exact, case-sensitive match of an upper-case name (HTTP methods are case-sensitive).
 * Returns false and leaves *out untouched for an unknown name. */
bool schedule_method_parse(const char *name, enum schedule_method *out);

/* Parses strictly. Checks run in order: frame structure of the whole stream, the header,
 * then each step in order; the first failure is returned. On success out->steps is malloc'd
 * (free with schedule_free) and points into buf. On failure out holds nothing to free, and
 * *err_step (if non-NULL) is the 0-based index of the offending step, or SCHED_NO_STEP. */
enum schedule_err schedule_parse(const uint8_t *buf, size_t len, struct schedule *out,
                                 size_t *err_step);

/* Frees the steps array (not the buffer they view) and empties the schedule. */
void schedule_free(struct schedule *s);

/* Checks a schedule built by hand (JSON, mutator) against every rule schedule_parse enforces,
 * so that what schedule_serialize writes parses back. Same error contract as schedule_parse. */
enum schedule_err schedule_check(const struct schedule *s, size_t *err_step);

/* Bytes schedule_serialize() would write; 0 when a step is too long to encode. */
size_t schedule_serialized_size(const struct schedule *s);

/* Writes the fields as they are (run schedule_check first on hand-built schedules). Returns
 * bytes written, or 0 when they don't fit in cap or can't be encoded; then nothing is
 * written past cap. */
size_t schedule_serialize(const struct schedule *s, uint8_t *out, size_t cap);

#endif
