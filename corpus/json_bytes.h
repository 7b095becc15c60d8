/* Byte strings in the JSON views: the printable test and the two encodings ("text" for
 * printable ASCII, "hex" for anything else), shared by every view. */
#ifndef RF_JSON_BYTES_H
#define RF_JSON_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* True when every byte is printable ASCII (0x20..0x7e); true for n == 0. */
bool json_bytes_printable(const uint8_t *p, size_t n);

/* Lower-case hex of n bytes, NUL-terminated, malloc'd; NULL on out-of-memory. */
char *json_bytes_hex(const uint8_t *p, size_t n);

/* NUL-terminated malloc'd copy of n bytes; NULL on out-of-memory. */
char *json_bytes_dup(const uint8_t *p, size_t n);

/* Decodes obj's {"text": ...} or {"hex": ...} into a malloc'd buffer (NUL-terminated).
 * On failure returns false with *why saying what is wrong and nothing allocated. */
bool json_bytes_decode(const cJSON *obj, uint8_t **p, size_t *n, const char **why);

#endif
