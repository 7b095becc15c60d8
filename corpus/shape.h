/* Payload shapes: a target's description of its message types (racefuzz.json
 * frames.messages), used to write seeds that are real messages and to seed the
 * mutator's dictionary with the constants they contain. */
#ifndef RF_SHAPE_H
#define RF_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "dict.h"
#include "rng.h"

/* A message has at most this many fields: seeds are messages, not files. */
#define SHAPE_MAX_FIELDS 256

enum shape_kind {
    SHAPE_U8,
    SHAPE_U16LE,
    SHAPE_U32LE,
    SHAPE_ONE_OF_U8,
    SHAPE_CONST,
    SHAPE_BYTES,
    SHAPE_ASCII,
    SHAPE_LEN8,
    SHAPE_LEN16LE,
    SHAPE_LEN32LE,
    SHAPE_SUM8,
    SHAPE_XOR8,
    SHAPE_KIND_COUNT
};

struct shape_field {
    enum shape_kind kind;
    uint32_t lo, hi; /* value range, or length range for bytes/ascii */
    uint8_t *bytes;  /* const bytes, or the one_of_u8 choices */
    size_t nbytes;
};

struct shape_msg {
    char name[64];
    unsigned weight;
    struct shape_field *fields;
    size_t nfields;
};

struct shape_set {
    struct shape_msg *msgs;
    size_t count;
    uint32_t max_frame_len;
    unsigned total_weight;
};

/* Parses a `frames` object. On error logs "ORIGIN: frames.messages[i].fields[j]: problem"
 * and returns false with nothing allocated. */
bool shape_parse(const cJSON *frames, const char *origin, struct shape_set *out);

void shape_free(struct shape_set *s);

/* Adds every constant of every message (const fields, constant u8/u16/u32 values) and the
 * `dict` hex tokens to d. False when a `dict` entry is not a hex string. */
bool shape_collect_dict(const cJSON *frames, const struct shape_set *s, struct dict *d);

/* Writes one payload of message m; returns its length (at most cap). */
size_t shape_gen_payload(const struct shape_msg *m, struct rng *r, uint8_t *out, size_t cap);

/* Picks a message by weight. */
const struct shape_msg *shape_pick(const struct shape_set *s, struct rng *r);

#endif
