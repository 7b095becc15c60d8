/* The JSON view of a frame stream, for people: `racefuzz corpus show` prints it and
 * `racefuzz corpus from-json` builds the bytes back. The round trip is exact for any
 * input, malformed ones included (their unparsable tail is kept as "trailing"):
 *   {"format": "frames", "size": 13,
 *    "frames": [{"len": 5, "text": "hello"}, {"len": 2, "hex": "0102"}],
 *    "trailing": {"offset": 11, "error": "...", "hex": "ffff"}} */
#ifndef RF_FRAMES_JSON_H
#define RF_FRAMES_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Builds the view; NULL only on out-of-memory. Caller owns the result (cJSON_Delete). */
cJSON *frames_json_view(const uint8_t *buf, size_t size);

/* Builds bytes from a view. On error logs "ORIGIN: frames[i]: problem" and returns false.
 * *out is malloc'd on success. */
bool frames_json_build(const cJSON *view, const char *origin, uint8_t **out, size_t *out_size);

#endif
