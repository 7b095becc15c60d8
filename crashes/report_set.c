#define _GNU_SOURCE
#include "report_set.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report_check.h"
#include "store.h"

static bool grow(struct report_set *s) {
    if (s->n < s->cap)
        return true;
    size_t cap = s->cap != 0 ? s->cap * 2 : 16;
    struct report_entry *v = realloc(s->v, cap * sizeof(*v));
    if (v == NULL) {
        LOG_E("out of memory loading the crash store");
        return false;
    }
    s->v = v;
    s->cap = cap;
    return true;
}

/* store_walk's callback: one entry into the set, or counted as malformed. */
static bool load_entry(const char *target, const char *entry, const char *dir, void *ctx) {
    struct report_set *s = ctx;
    char path[4200];
    snprintf(path, sizeof(path), "%s/report.json", dir);
    cJSON *j = store_load_report(dir); /* logs a missing or unparsable file */
    if (j == NULL || !report_check(j, path)) {
        cJSON_Delete(j);
        LOG_E("%s: skipped in the report", path);
        s->malformed++;
        return true;
    }
    if (!grow(s)) {
        cJSON_Delete(j);
        return false;
    }
    struct report_entry *e = &s->v[s->n++];
    snprintf(e->target, sizeof(e->target), "%s", target);
    snprintf(e->name, sizeof(e->name), "%s", entry);
    snprintf(e->dir, sizeof(e->dir), "%s", dir);
    e->json = j;
    return true;
}

bool report_set_load(const char *root, struct report_set *s) {
    memset(s, 0, sizeof(*s));
    bool ok = store_walk(root, load_entry, s);
    if (!ok)
        report_set_free(s);
    return ok;
}

void report_set_free(struct report_set *s) {
    for (size_t i = 0; i < s->n; i++)
        cJSON_Delete(s->v[i].json);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

enum report_verdict report_set_verdict(const cJSON *report) {
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(report, "Reproduced");
    const cJSON *hits = cJSON_GetObjectItemCaseSensitive(rep, "hits");
    bool replayed = cJSON_IsObject(rep);
    if (replayed && cJSON_IsNumber(hits) && hits->valuedouble > 0)
        return REPORT_FAILING; /* for a fixed one: a regression */
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "Fixed")))
        return REPORT_PASSING;
    return replayed ? REPORT_UNKNOWN : REPORT_FAILING;
}

const char *report_set_field(const cJSON *report, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(report, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

char *report_set_lines(const cJSON *report, size_t max_lines) {
    char *text = NULL;
    size_t size = 0, n = 0;
    FILE *f = open_memstream(&text, &size);
    const cJSON *line;
    if (f == NULL)
        return NULL;
    cJSON_ArrayForEach(line, cJSON_GetObjectItemCaseSensitive(report, "Stacktrace")) {
        if (n < max_lines && cJSON_IsString(line))
            fprintf(f, "%s%s", n++ > 0 ? "\n" : "", line->valuestring);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Length of the UTF-8 sequence at p (1..4) and its code point; 0 when it is not one
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp) {
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = p[0] < 0x80             ? 1
               : (p[0] & 0xe0) == 0xc0 ? 2
               : (p[0] & 0xf0) == 0xe0 ? 3
               : (p[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    if (n == 0)
        return 0;
    uint32_t v = n == 1 ? p[0] : p[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3f);
    }
    if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

static bool xml_char(uint32_t c) {
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c != 0xfffe && c != 0xffff);
}

char *report_set_clean(const char *s) {
    size_t len = strlen(s), o = 0;
    char *out = malloc(len * 3 + 1); /* a bad byte (1) becomes U+FFFD (3) */
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)s + i, &cp);
        if (n == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
            continue;
        }
        if (xml_char(cp)) {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    return out;
}
