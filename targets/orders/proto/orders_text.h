/* Text fields: identifiers copied as they are, free text normalized for storage. */
#ifndef ORDERS_TEXT_H
#define ORDERS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies an identifier (user id, SKU: letters, digits, '-', '_', '.') of 1..cap-1 bytes
 * into out with a NUL. Returns false, leaving out untouched, on any other byte or length. */
bool text_copy_id(const uint8_t *in, size_t len, char *out, size_t cap);

/* Copies printable ASCII (a client name, a content type) of 1..cap-1 bytes into out. */
bool text_copy_printable(const uint8_t *in, size_t len, char *out, size_t cap);

/* Normalizes free text the way addresses are stored: control and non-ASCII bytes dropped,
 * letters upper-cased, leading and trailing blanks removed, inner runs of blanks collapsed
 * to one space, the result cut to ORDERS_MAX_TEXT bytes. Writes at most cap-1 bytes and a
 * NUL into out (cap >= 1). Returns the length written. */
size_t text_normalize(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
