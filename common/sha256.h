/* SHA-256 (FIPS 180-4), for the hashes reports carry (executable, target config): a
 * reader compares them with `sha256sum`, so it has to be the standard one. */
#ifndef RF_SHA256_H
#define RF_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex. */
void sha256_final_hex(struct sha256 *s, char hex[65]);

/* Hashes a whole file; logs and returns false when it cannot be read. */
bool sha256_file_hex(const char *path, char hex[65]);

#endif
