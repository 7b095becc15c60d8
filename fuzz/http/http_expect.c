#define _GNU_SOURCE
#include "http_expect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static bool compile(regex_t *re, const char *pattern, const char *origin, const char *where) {
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, re, msg, sizeof(msg));
        LOG_E("%s: %s: bad regular expression \"%s\": %s", origin, where, pattern, msg);
        return false;
    }
    return true;
}

/* "POST ^/v1/payments$" */
static bool load_allow(const cJSON *item, const char *origin, size_t i,
                       struct http_expect_rule *r) {
    char where[64];
    snprintf(where, sizeof(where), "service.allow_5xx[%zu]", i);
    const char *sp = cJSON_IsString(item) ? strchr(item->valuestring, ' ') : NULL;
    if (sp == NULL || (size_t)(sp - item->valuestring) >= sizeof(r->method)) {
        LOG_E("%s: %s: expected \"METHOD PATH-REGEX\"", origin, where);
        return false;
    }
    snprintf(r->method, sizeof(r->method), "%.*s", (int)(sp - item->valuestring),
             item->valuestring);
    snprintf(r->text, sizeof(r->text), "%s", item->valuestring);
    r->forbid = 5;
    return compile(&r->path, sp + 1, origin, where);
}

static const char *str_field(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool load_rule(const cJSON *item, const char *origin, size_t i, struct http_expect_rule *r) {
    char where[64];
    snprintf(where, sizeof(where), "service.expect[%zu]", i);
    const char *path = str_field(item, "path"), *forbid = str_field(item, "forbid");
    const char *method = str_field(item, "method"), *without = str_field(item, "without_header"),
               *with = str_field(item, "with_header");
    if (!cJSON_IsObject(item) || path == NULL || forbid == NULL || strlen(forbid) != 3 ||
        strcmp(forbid + 1, "xx") != 0 || strchr("245", forbid[0]) == NULL) {
        LOG_E("%s: %s: expected {\"path\": REGEX, \"forbid\": \"2xx\"|\"4xx\"|\"5xx\", "
              "optional \"method\", \"without_header\"/\"with_header\"}",
              origin, where);
        return false;
    }
    snprintf(r->method, sizeof(r->method), "%s", method ? method : "");
    snprintf(r->header, sizeof(r->header), "%s", without ? without : with ? with : "");
    r->without = without != NULL;
    r->forbid = forbid[0] - '0';
    char *text = cJSON_PrintUnformatted(item);
    snprintf(r->text, sizeof(r->text), "%s", text ? text : "");
    cJSON_free(text);
    return compile(&r->path, path, origin, where);
}

bool http_expect_load(const cJSON *service, const char *origin, struct http_expect *out) {
    memset(out, 0, sizeof(*out));
    const cJSON *f5 = cJSON_GetObjectItemCaseSensitive(service, "fail_on_5xx"), *e;
    out->fail_on_5xx = !cJSON_IsFalse(f5);
    const char *inv = str_field(service, "invariant");
    snprintf(out->invariant, sizeof(out->invariant), "%s", inv ? inv : "");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(service, "allow_5xx")) {
        if (out->nallow == HEXP_MAX_RULES ||
            !load_allow(e, origin, out->nallow, &out->allow5xx[out->nallow]))
            return false;
        out->nallow++;
    }
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(service, "expect")) {
        if (out->nrules == HEXP_MAX_RULES ||
            !load_rule(e, origin, out->nrules, &out->rules[out->nrules]))
            return false;
        out->nrules++;
    }
    return true;
}

/* Whether the step's header block has a line "Name:" (case-insensitive name). */
static bool has_header(const struct schedule_step *st, const char *name) {
    size_t n = strlen(name);
    const char *p = (const char *)st->headers, *end = p + st->headers_len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((eol ? eol : end) - p);
        if (len > n && p[n] == ':' && strncasecmp(p, name, n) == 0)
            return true;
        p += len + 1;
    }
    return false;
}

static bool matches(const struct http_expect_rule *r, const struct schedule_step *st,
                    const char *method, const char *path) {
    if (r->method[0] != '\0' && strcmp(r->method, method) != 0)
        return false;
    if (regexec(&r->path, path, 0, NULL, 0) != 0)
        return false;
    return r->header[0] == '\0' || has_header(st, r->header) != r->without;
}

bool http_expect_check(const struct http_expect *e, const struct schedule_step *st, int status,
                       char *why, size_t cap) {
    char path[4096];
    const char *method = schedule_method_name(st->method);
    const uint8_t *q = st->path_len ? memchr(st->path, '?', st->path_len) : NULL;
    size_t n = q != NULL ? (size_t)(q - st->path) : st->path_len;
    snprintf(path, sizeof(path), "%.*s", (int)n, (const char *)st->path);
    for (size_t i = 0; i < e->nrules; i++) {
        if (status / 100 == e->rules[i].forbid && matches(&e->rules[i], st, method, path)) {
            snprintf(why, cap, "%s %s answered %d, which %s forbids", method, path, status,
                     e->rules[i].text);
            return false;
        }
    }
    if (status / 100 != 5 || !e->fail_on_5xx)
        return true;
    for (size_t i = 0; i < e->nallow; i++)
        if (matches(&e->allow5xx[i], st, method, path))
            return true;
    snprintf(why, cap, "%s %s answered %d", method, path, status);
    return false;
}

void http_expect_free(struct http_expect *e) {
    for (size_t i = 0; i < e->nallow; i++)
        regfree(&e->allow5xx[i].path);
    for (size_t i = 0; i < e->nrules; i++)
        regfree(&e->rules[i].path);
    e->nallow = e->nrules = 0;
}
