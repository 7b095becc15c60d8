/* Fix-ups: fields the mutator recomputes after mutating a payload, so inputs get past a
 * decoder's length and checksum checks (what AFL++'s post_process does for users). The
 * target config declares them (frames.fixups); the engines' glue receives them as the
 * RACEFUZZ_FIXUPS string, e.g. "len16le@2,sum8@last":
 *   lenN@OFF   the bytes after the length field at payload offset OFF (len8, len16le, len32le)
 *   sum8@last  the last payload byte is the 8-bit sum of the bytes before it (xor8 alike)
 * Fix-ups run in the order given, so lengths go before the checksum that covers them. */
#ifndef RF_FIXUP_H
#define RF_FIXUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIXUP_MAX 8

enum fixup_kind { FIXUP_LEN8, FIXUP_LEN16LE, FIXUP_LEN32LE, FIXUP_SUM8, FIXUP_XOR8 };

struct fixup {
    enum fixup_kind kind;
    uint32_t offset; /* length fields only */
};

struct fixup_list {
    struct fixup items[FIXUP_MAX];
    size_t count;
};

/* Parses a spec; on error returns false with *why set (a static string). */
bool fixup_parse(const char *spec, struct fixup_list *out, const char **why);

/* Applies every fix-up that fits the payload; payload bytes only, never its length. */
void fixup_apply(const struct fixup_list *l, uint8_t *payload, size_t len);

#endif
