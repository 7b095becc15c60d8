#include "fixup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum fixup_kind kind;
    size_t width;
} fixup_kinds[] = {
    {"len8", FIXUP_LEN8, 1}, {"len16le", FIXUP_LEN16LE, 2}, {"len32le", FIXUP_LEN32LE, 4},
    {"sum8", FIXUP_SUM8, 1}, {"xor8", FIXUP_XOR8, 1},
};

#define FIXUP_KINDS (sizeof(fixup_kinds) / sizeof(fixup_kinds[0]))

/* One "kind@where" item of len bytes. */
static bool parse_item(const char *p, size_t len, struct fixup *f, const char **why) {
    const char *at = memchr(p, '@', len);
    *why = "expected KIND@OFFSET or KIND@last";
    if (at == NULL)
        return false;
    size_t klen = (size_t)(at - p), wlen = len - klen - 1;
    const char *where = at + 1;
    for (size_t k = 0; k < FIXUP_KINDS; k++) {
        if (strlen(fixup_kinds[k].name) != klen || memcmp(fixup_kinds[k].name, p, klen) != 0)
            continue;
        f->kind = fixup_kinds[k].kind;
        f->offset = 0;
        if (f->kind == FIXUP_SUM8 || f->kind == FIXUP_XOR8) {
            *why = "checksums take @last";
            return wlen == 4 && memcmp(where, "last", 4) == 0;
        }
        *why = "length fix-ups take a decimal payload offset below 65536";
        if (wlen == 0 || wlen > 5)
            return false;
        for (size_t i = 0; i < wlen; i++) {
            if (where[i] < '0' || where[i] > '9')
                return false;
            f->offset = f->offset * 10 + (uint32_t)(where[i] - '0');
        }
        return f->offset < 65536;
    }
    *why = "unknown fix-up kind (len8, len16le, len32le, sum8, xor8)";
    return false;
}

bool fixup_parse(const char *spec, struct fixup_list *out, const char **why) {
    out->count = 0;
    *why = "";
    while (*spec != '\0') {
        size_t len = strcspn(spec, ",");
        if (out->count >= FIXUP_MAX) {
            *why = "too many fix-ups";
            return false;
        }
        if (!parse_item(spec, len, &out->items[out->count], why))
            return false;
        out->count++;
        spec += len;
        if (*spec == ',')
            spec++;
    }
    return true;
}

static size_t width_of(enum fixup_kind k) {
    for (size_t i = 0; i < FIXUP_KINDS; i++)
        if (fixup_kinds[i].kind == k)
            return fixup_kinds[i].width;
    return 1;
}

void fixup_apply(const struct fixup_list *l, uint8_t *payload, size_t len) {
    for (size_t i = 0; i < l->count; i++) {
        const struct fixup *f = &l->items[i];
        if (f->kind == FIXUP_SUM8 || f->kind == FIXUP_XOR8) {
            if (len == 0)
                continue;
            uint8_t acc = 0;
            for (size_t b = 0; b + 1 < len; b++)
                acc = f->kind == FIXUP_SUM8 ? (uint8_t)(acc + payload[b])
                                            : (uint8_t)(acc ^ payload[b]);
            payload[len - 1] = acc;
            continue;
        }
        size_t w = width_of(f->kind);
        if ((size_t)f->offset + w > len)
            continue;
        uint32_t rest = (uint32_t)(len - f->offset - w);
        for (size_t b = 0; b < w; b++)
            payload[f->offset + b] = (uint8_t)(rest >> (8 * b));
    }
}
