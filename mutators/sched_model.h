/* What the schedule mutator and the schedule seed generator know about a target's HTTP
 * surface: its endpoints (method, path template, fixed headers, body kind, an example
 * body) and values for the {name} segments of path templates. Built from the target
 * config's "endpoints" and "service.path_params" (corpus/endpoints.h loads it); ids seen
 * in responses are added at run time (sched_model_add_value) so later mutations can name
 * objects the target really created.
 *
 * Plain data: every string is owned by the model and NUL-terminated. */
#ifndef RF_SCHED_MODEL_H
#define RF_SCHED_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schedule.h"

enum sched_body_kind {
    SCHED_BODY_NONE = 0, /* no body */
    SCHED_BODY_JSON,     /* JSON text: mutated with cJSON (values, keys, sometimes broken) */
    SCHED_BODY_FRAMES,   /* a frame stream of the target's protocol: the frame mutator */
    SCHED_BODY_RAW,      /* opaque bytes: byte-level mutation */
    SCHED_BODY_COUNT
};

struct sched_endpoint {
    enum schedule_method method;
    char *path;    /* template, e.g. "/v1/orders/{id}?currency=EUR" */
    char *headers; /* "Name: value\r\n" lines ("" when none) */
    enum sched_body_kind body;
    char *example; /* example body (JSON text for SCHED_BODY_JSON); NULL when none */
};

/* Values for one {name} path segment; ids learned at run time go to the "id" param. */
struct sched_values {
    char *name;
    char **values;
    size_t nvalues, cap;
};

struct sched_model {
    struct sched_endpoint *eps;
    size_t neps;
    struct sched_values *params;
    size_t nparams;
};

/* Values of a param by name; NULL when the model has none. */
const struct sched_values *sched_model_param(const struct sched_model *m, const char *name);

/* Adds a value (len bytes, copied) to the named param, creating the param if needed.
 * Duplicates are ignored; a param holds at most SCHED_MODEL_MAX_VALUES values (the
 * oldest learned ones stay). Returns false only on out-of-memory. */
#define SCHED_MODEL_MAX_VALUES 256u
bool sched_model_add_value(struct sched_model *m, const char *name, const char *val, size_t len);

/* Appends an endpoint, copying every string (headers NULL means none, example NULL means
 * no example). Returns false only on out-of-memory, leaving the model as it was. */
bool sched_model_add_endpoint(struct sched_model *m, enum schedule_method method, const char *path,
                              const char *headers, enum sched_body_kind body, const char *example);

/* Where one {name} of a template sits in a matched request target. */
struct sched_segment {
    size_t off, len;  /* the value's bytes in the path */
    const char *name; /* the name between the braces, inside the template; not NUL-terminated */
    size_t name_len;
};

/* Matches one template against path[0..len) (rules of sched_model_match). On a match
 * stores the first `cap` {name} segments in seg (may be NULL with cap 0), sets *nseg (may be
 * NULL) to the number the template has, and returns true. */
bool sched_template_match(const char *tmpl, const uint8_t *path, size_t len,
                          struct sched_segment *seg, size_t cap, size_t *nseg);

/* The first endpoint whose method is `method` and whose template matches the request target
 * path[0..len): a {name} segment matches one non-empty segment, every other byte matches
 * itself, and the query ("?..." of either side) is ignored. NULL when none matches. */
const struct sched_endpoint *sched_model_match(const struct sched_model *m,
                                               enum schedule_method method, const uint8_t *path,
                                               size_t len);

/* Frees everything the model owns and empties it. */
void sched_model_free(struct sched_model *m);

#endif
