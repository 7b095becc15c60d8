#include "dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

void dict_init(struct dict *d) {
    d->count = 0;
}

bool dict_add(struct dict *d, const uint8_t *data, size_t len) {
    if (len == 0 || len > RF_DICT_MAX_TOKEN || d->count >= RF_DICT_MAX_TOKENS)
        return false;
    for (size_t i = 0; i < d->count; i++)
        if (d->tokens[i].len == len && memcmp(d->tokens[i].data, data, len) == 0)
            return false;
    d->tokens[d->count].len = (uint8_t)len;
    memcpy(d->tokens[d->count].data, data, len);
    d->count++;
    return true;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool dict_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *out_len) {
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = n / 2;
    return true;
}

/* Decodes the quoted value starting after the opening quote; returns false on a bad
 * escape, a missing closing quote, trailing garbage or an over-long token. */
static bool dict_parse_value(const char *p, const char *end, uint8_t *tok, size_t *tok_len) {
    size_t n = 0;
    while (p < end && *p != '"') {
        uint8_t c = (uint8_t)*p++;
        if (c == '\\') {
            if (p >= end)
                return false;
            char e = *p++;
            if (e == 'x') {
                if (end - p < 2 || hex_digit(p[0]) < 0 || hex_digit(p[1]) < 0)
                    return false;
                c = (uint8_t)(hex_digit(p[0]) << 4 | hex_digit(p[1]));
                p += 2;
            } else if (e == '\\' || e == '"') {
                c = (uint8_t)e;
            } else {
                return false;
            }
        }
        if (n >= RF_DICT_MAX_TOKEN)
            return false;
        tok[n++] = c;
    }
    if (p >= end)
        return false;
    for (p++; p < end; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r')
            return false;
    *tok_len = n;
    return true;
}

static bool dict_parse_line(struct dict *d, const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    if (p == end || *p == '#')
        return true;
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (q == NULL)
        return false;
    /* Anything before the quote must be `name=` (name optional; AFL++ also allows blanks
     * around the '='). */
    const char *b = q;
    while (b > p && (b[-1] == ' ' || b[-1] == '\t'))
        b--;
    if (b != p && b[-1] != '=')
        return false;
    uint8_t tok[RF_DICT_MAX_TOKEN];
    size_t len;
    if (!dict_parse_value(q + 1, end, tok, &len))
        return false;
    dict_add(d, tok, len);
    return true;
}

bool dict_parse(struct dict *d, const char *text, size_t len, size_t *bad_line) {
    const char *p = text, *end = text + len;
    size_t line = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        if (!dict_parse_line(d, p, eol)) {
            *bad_line = line;
            return false;
        }
        p = nl != NULL ? nl + 1 : end;
        line++;
    }
    return true;
}

bool dict_write_file(const struct dict *d, const char *path) {
    /* Each byte as \xNN: 4 bytes, plus `tN="` and `"\n` per line. */
    size_t cap = d->count * (RF_DICT_MAX_TOKEN * 4 + 32) + 1, used = 0;
    char *text = malloc(cap);
    if (text == NULL)
        return false;
    for (size_t i = 0; i < d->count; i++) {
        used += (size_t)snprintf(text + used, cap - used, "t%zu=\"", i);
        for (size_t k = 0; k < d->tokens[i].len; k++)
            used += (size_t)snprintf(text + used, cap - used, "\\x%02x", d->tokens[i].data[k]);
        used += (size_t)snprintf(text + used, cap - used, "\"\n");
    }
    bool ok = fileio_write_atomic(path, text, used);
    free(text);
    return ok;
}
