/* JSON-body mutator for the schedule mutator: parses a body with cJSON, applies one edit
 * from a table (a number to a boundary, a string to an id or a long run, a key renamed,
 * dropped or added, an array element duplicated, ...) and prints the document back
 * compactly. Pure for the rng state, except through the engine's byte mutator. */
#ifndef RF_JSON_MUTATE_H
#define RF_JSON_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "frame_mutate.h"
#include "rng.h"
#include "sched_model.h"

enum json_mutate_edit {
    JMUT_NUMBER,       /* interesting / boundary / sign / arithmetic */
    JMUT_STRING,       /* dict token, model value or learned id, empty, long, engine bytes */
    JMUT_BOOL,         /* flip, or a value becomes a bool */
    JMUT_NULL,         /* a value becomes null */
    JMUT_RETYPE,       /* a value becomes another type (or is wrapped in an array) */
    JMUT_RENAME_KEY,   /* an object key renamed (model names, dict, case, suffix, empty) */
    JMUT_DROP_KEY,     /* an object member removed */
    JMUT_ADD_KEY,      /* a member added, sometimes a duplicate of an existing key */
    JMUT_DUP_ELEMENT,  /* an array element repeated 1..4 times */
    JMUT_DROP_ELEMENT, /* an array element removed */
    JMUT_EDIT_COUNT
};

/* Where values come from; every pointer may be NULL. */
struct json_mutate_src {
    struct rng *rng;
    const struct dict *dict;
    const struct sched_model *model; /* param names become keys, param values strings */
    frame_mutate_engine_fn engine_mutate;
    void *engine_arg;
};

/* Parses text[0..len), applies one edit and prints into out (capacity cap). Returns the
 * printed length and sets *edit; 0 when the text is not JSON or the result does not fit. */
size_t json_mutate_mutate(const struct json_mutate_src *s, const uint8_t *text, size_t len,
                          uint8_t *out, size_t cap, enum json_mutate_edit *edit);

/* Makes buf[0..*len) invalid JSON on purpose (a cut, a stray or missing delimiter), within
 * cap bytes. False when it could not (an empty buffer). */
bool json_mutate_break(struct rng *r, uint8_t *buf, size_t *len, size_t cap);

const char *json_mutate_edit_name(enum json_mutate_edit e);

#endif
