/* A deliberately small session protocol with one planted heap overflow, used to prove
 * that structure-aware mutation reaches bugs behind length-consistent frame sequences.
 *
 * Every frame payload starts with a type byte:
 *   0x01 HELLO  version(u8) magic "PLNT"
 *   0x02 AUTH   len(u16le) token[len]      len must equal payload - 3
 *   0x03 DATA   seq(u8) body...            seq counts 1, 2, 3, ... after AUTH
 *   0x04 COMMIT len(u8) bytes...
 * The bug: COMMIT after a HELLO v2, an AUTH with a token of 8+ bytes and three DATA
 * frames trusts its own len byte over the buffer sized from the DATA bodies. */
#ifndef PLANTED_H
#define PLANTED_H

#include <stddef.h>
#include <stdint.h>

enum planted_result {
    PLANTED_OK = 0,
    PLANTED_ERR_FRAMING = -1,  /* not a well-formed frame stream */
    PLANTED_ERR_SEQUENCE = -2, /* message out of order or unknown */
    PLANTED_ERR_FIELD = -3,    /* a field failed validation */
};

/* Decodes one session; never reads past buf + len except through the planted bug. */
enum planted_result planted_decode(const uint8_t *buf, size_t len);

#endif
