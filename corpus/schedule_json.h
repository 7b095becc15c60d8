/* The JSON view of a schedule (mutators/schedule.h), for people: `racefuzz corpus show`
 * prints it and `racefuzz corpus from-json` builds the bytes back.
 *   {"format": "schedule", "version": 1, "lanes": 2, "repeat": 1, "jitter_seed": 7,
 *    "flags": 0,
 *    "steps": [{"lane": 0, "barrier": 1, "delay_us": 0, "method": "POST",
 *               "path": "/v1/orders", "headers": ["Authorization: Bearer tok-u1"],
 *               "body": {"text": "{\"sku\":1}"}}]}
 * Byte fields that plain JSON text would not carry exactly become {"hex": "..."}:
 *   path     a string when every byte is printable ASCII, else {"hex"};
 *   headers  an array of lines (each printable ASCII, "\r\n" dropped) when the block is
 *            exactly such lines, else {"hex"};
 *   body     {"text"} when non-empty printable ASCII, {"hex"} otherwise; left out when empty.
 * So view -> build -> parse -> view is exact for every schedule schedule_parse accepts. */
#ifndef RF_SCHEDULE_JSON_H
#define RF_SCHEDULE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "schedule.h"

/* Builds the view; NULL only on out-of-memory (or a method outside the enum, which
 * schedule_parse never yields). Caller owns the result (cJSON_Delete). */
cJSON *schedule_json_view(const struct schedule *s);

/* Builds schedule bytes from a view written by schedule_json_view or by hand. Defaults for
 * absent keys: version 1, repeat 1, jitter_seed 0, flags 0; per step barrier 0, delay_us 0,
 * no headers, empty body. "lanes", "steps" and each step's "lane", "method" and "path" are
 * required. On error logs "ORIGIN: steps[i].field: problem" and returns false; on success
 * *out is malloc'd (caller frees) and parses with schedule_parse. */
bool schedule_json_build(const cJSON *view, const char *origin, uint8_t **out, size_t *out_size);

#endif
