/* The endpoints model (sched_model.h) as a small line-based text file, so the schedule
 * mutator's glue, which runs inside an engine, reads a model without parsing the target
 * config: the harness setup writes the file from racefuzz.json (corpus/endpoints.h) and
 * passes its path in RACEFUZZ_ENDPOINTS.
 *
 *   racefuzz-endpoints 1               first line: format and version
 *   # comment                          '#' lines and blank lines are ignored
 *   E <METHOD> <body-kind> <path>      an endpoint; body-kind is none|json|frames|raw,
 *                                      path is the rest of the line ("/v1/orders/{id}?x=1")
 *   H <Name: value>                    a header line of the last E ("\r\n" added on reading)
 *   X <hex>                            the example body of the last E, hex-encoded
 *   P <name> <value>                   a value for {name}; value is the rest of the line
 *
 * Fields are separated by one space. Lines end in "\n" or "\r\n". Text fields (path, header
 * lines, values) cannot hold CR, LF or NUL: the writer refuses a model that has them. */
#ifndef RF_SCHED_MODEL_FILE_H
#define RF_SCHED_MODEL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sched_model.h"

#define SCHED_MODEL_FILE_MAGIC "racefuzz-endpoints 1"

/* Parses text[0..len). On error writes "ORIGIN:LINE: problem" to err (err_cap bytes, may
 * be 0) and returns false with *out empty; on success free *out with sched_model_free. */
bool sched_model_file_parse(const char *text, size_t len, const char *origin,
                            struct sched_model *out, char *err, size_t err_cap);

/* Formats m. On success *text is malloc'd and NUL-terminated (caller frees), *len excludes
 * the NUL. On error (a text field holding CR, LF or NUL, a header block that is not
 * "\r\n"-terminated lines, out-of-memory) writes the reason, naming the endpoint or param,
 * to err and returns false. */
bool sched_model_file_format(const struct sched_model *m, char **text, size_t *len, char *err,
                             size_t err_cap);

/* Reads and parses a file; logs "PATH:LINE: problem" and returns false on any failure. */
bool sched_model_file_read(const char *path, struct sched_model *out);

/* Formats and writes atomically (fileio_write_atomic); logs and returns false on failure. */
bool sched_model_file_write(const struct sched_model *m, const char *path);

#endif
