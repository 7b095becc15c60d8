/* Dictionary of tokens (magic values, keywords) the mutators splice into payloads.
 * Files use the AFL++/libFuzzer syntax: one `name="value"` or `"value"` per line,
 * `\xNN`, `\\` and `\"` escapes, `#` comments. */
#ifndef RF_DICT_H
#define RF_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rf_config.h"

struct dict_token {
    uint8_t len;
    uint8_t data[RF_DICT_MAX_TOKEN];
};

struct dict {
    struct dict_token tokens[RF_DICT_MAX_TOKENS];
    size_t count;
};

void dict_init(struct dict *d);

/* Adds a token unless it is empty, too long, a duplicate, or the dictionary is full;
 * returns whether it was added. */
bool dict_add(struct dict *d, const uint8_t *data, size_t len);

/* Parses dictionary text. On a malformed line returns false with *bad_line set (1-based);
 * tokens before it are kept. */
bool dict_parse(struct dict *d, const char *text, size_t len, size_t *bad_line);

/* Hex string ("52465a31") to bytes; false on odd length or a non-hex digit. */
bool dict_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *out_len);

/* Writes the tokens as a dictionary file both engines read (-dict= / -x), atomically. */
bool dict_write_file(const struct dict *d, const char *path);

#endif
