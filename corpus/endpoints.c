#include "endpoints.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_bytes.h"
#include "log.h"

static const char *const body_names[SCHED_BODY_COUNT] = {
    [SCHED_BODY_NONE] = "none",
    [SCHED_BODY_JSON] = "json",
    [SCHED_BODY_FRAMES] = "frames",
    [SCHED_BODY_RAW] = "raw",
};

static const char *const endpoint_keys[] = {"method", "path", "headers", "body", "example"};

const char *endpoints_body_name(enum sched_body_kind k) {
    return (unsigned)k < SCHED_BODY_COUNT ? body_names[k] : NULL;
}

/* target_config_parse (fuzzing, tests) leaves the path empty; messages still need a file name. */
static const char *origin_of(const struct target_config *c) {
    return c->path[0] != '\0' ? c->path : "racefuzz.json";
}

static char *dup_str(const char *s) {
    return json_bytes_dup((const uint8_t *)s, strlen(s));
}

/* Visible ASCII only: a space or control byte would split or end the request line. */
static bool visible(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x21 || s[i] > 0x7e)
            return false;
    return true;
}

static bool name_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-';
}

static bool valid_param_name(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i]))
            return false;
    return n > 0;
}

/* A value fills one path segment, so it may not start another segment or the query. */
static bool valid_param_value(const char *s) {
    size_t n = strlen(s);
    return n > 0 && n <= ENDPOINTS_MAX_VALUE && visible(s, n) && strpbrk(s, "/?#{}") == NULL;
}

/* ---- service.path_params ---- */

static bool load_param(const cJSON *p, const char *origin, struct sched_model *m) {
    int n = cJSON_GetArraySize(p);
    size_t j = 0;
    const cJSON *v;
    if (!valid_param_name(p->string, strlen(p->string))) {
        LOG_E("%s: service.path_params: \"%s\" is not a name (letters, digits, '_', '-')", origin,
              p->string);
        return false;
    }
    if (!cJSON_IsArray(p) || n == 0 || (unsigned)n > SCHED_MODEL_MAX_VALUES) {
        LOG_E("%s: service.path_params.%s: expected an array of 1..%u strings", origin, p->string,
              SCHED_MODEL_MAX_VALUES);
        return false;
    }
    cJSON_ArrayForEach(v, p) {
        if (!cJSON_IsString(v) || !valid_param_value(v->valuestring)) {
            LOG_E("%s: service.path_params.%s[%zu]: expected a string of 1..%u visible "
                  "characters without '/', '?', '#', '{' or '}'",
                  origin, p->string, j, ENDPOINTS_MAX_VALUE);
            return false;
        }
        if (!sched_model_add_value(m, p->string, v->valuestring, strlen(v->valuestring))) {
            LOG_E("%s: service.path_params.%s: out of memory", origin, p->string);
            return false;
        }
        j++;
    }
    return true;
}

static bool load_params(const struct target_config *c, const char *origin, struct sched_model *m) {
    const cJSON *svc = target_config_section(c, "service");
    const cJSON *pp = cJSON_GetObjectItemCaseSensitive(svc, "path_params");
    if (pp == NULL)
        return true;
    if (!cJSON_IsObject(pp)) {
        LOG_E("%s: service.path_params: expected an object of name -> array of strings", origin);
        return false;
    }
    for (const cJSON *p = pp->child; p != NULL; p = p->next)
        if (!target_config_is_note(p->string) && !load_param(p, origin, m))
            return false;
    return true;
}

/* ---- one endpoint ---- */

static bool check_keys(const cJSON *o, const char *at, const char *origin) {
    for (const cJSON *k = o->child; k != NULL; k = k->next) {
        bool known = target_config_is_note(k->string);
        for (size_t i = 0; i < sizeof(endpoint_keys) / sizeof(endpoint_keys[0]); i++)
            known = known || strcmp(k->string, endpoint_keys[i]) == 0;
        if (!known) {
            LOG_E("%s: %s: unknown key \"%s\" (method, path, headers, body, example)", origin, at,
                  k->string);
            return false;
        }
    }
    return true;
}

static bool load_method(const cJSON *o, const char *at, const char *origin,
                        struct sched_endpoint *ep) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "method");
    if (!cJSON_IsString(v)) {
        LOG_E("%s: %s.method: %s", origin, at, v == NULL ? "missing" : "expected a string");
        return false;
    }
    if (!schedule_method_parse(v->valuestring, &ep->method)) {
        LOG_E("%s: %s.method: unknown method \"%s\" (GET, POST, PUT, DELETE, PATCH, HEAD)", origin,
              at, v->valuestring);
        return false;
    }
    return true;
}

/* Checks every {name} segment of a template: well formed, and with values to fill it. */
static bool check_template(const char *path, const char *at, const char *origin,
                           const struct sched_model *m) {
    size_t segments = 0;
    for (const char *p = path; *p != '\0'; p++) {
        if (*p == '}') {
            LOG_E("%s: %s.path: '}' without an opening '{'", origin, at);
            return false;
        }
        if (*p != '{')
            continue;
        const char *end = strchr(p, '}');
        size_t n = end != NULL ? (size_t)(end - p - 1) : 0;
        if (end == NULL || !valid_param_name(p + 1, n)) {
            LOG_E("%s: %s.path: a '{' must open a {name} of letters, digits, '_', '-'", origin, at);
            return false;
        }
        char name[ENDPOINTS_MAX_PATH + 1];
        memcpy(name, p + 1, n);
        name[n] = '\0';
        if (sched_model_param(m, name) == NULL) {
            LOG_E("%s: %s.path: {%s} has no values in service.path_params", origin, at, name);
            return false;
        }
        if (++segments > ENDPOINTS_MAX_SEGMENTS) {
            LOG_E("%s: %s.path: more than %u {name} segments", origin, at, ENDPOINTS_MAX_SEGMENTS);
            return false;
        }
        p = end;
    }
    return true;
}

static bool load_path(const cJSON *o, const char *at, const char *origin,
                      const struct sched_model *m, struct sched_endpoint *ep) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "path");
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    size_t n = s != NULL ? strlen(s) : 0;
    if (s == NULL) {
        LOG_E("%s: %s.path: %s", origin, at, v == NULL ? "missing" : "expected a string");
        return false;
    }
    if (s[0] != '/' || n > ENDPOINTS_MAX_PATH || !visible(s, n)) {
        LOG_E("%s: %s.path: expected \"/...\" of at most %u visible characters", origin, at,
              ENDPOINTS_MAX_PATH);
        return false;
    }
    if (!check_template(s, at, origin, m))
        return false;
    if ((ep->path = dup_str(s)) == NULL)
        LOG_E("%s: %s.path: out of memory", origin, at);
    return ep->path != NULL;
}

/* HTTP token characters (RFC 9110 5.6.2): what a header name may hold. */
static bool token(const char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i]) && strchr("!#$%&'*+.^`|~", s[i]) == NULL)
            return false;
    return n > 0;
}

/* Header values: printable ASCII; CR or LF would end the line early. */
static bool header_value(const char *s) {
    for (; *s != '\0'; s++)
        if (*s < 0x20 || *s > 0x7e)
            return false;
    return true;
}

/* Joins the headers object into "Name: value\r\n" lines. */
static bool load_headers(const cJSON *o, const char *at, const char *origin,
                         struct sched_endpoint *ep) {
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "headers"), *v;
    size_t total = 0, off = 0;
    if (h != NULL && !cJSON_IsObject(h)) {
        LOG_E("%s: %s.headers: expected an object of name -> string", origin, at);
        return false;
    }
    cJSON_ArrayForEach(v, h) {
        if (!token(v->string) || !cJSON_IsString(v) || !header_value(v->valuestring)) {
            LOG_E("%s: %s.headers.%s: expected a header name and a string of printable ASCII",
                  origin, at, v->string);
            return false;
        }
        total += strlen(v->string) + 2 + strlen(v->valuestring) + 2;
    }
    if (total > ENDPOINTS_MAX_HEADERS) {
        LOG_E("%s: %s.headers: longer than %u bytes", origin, at, ENDPOINTS_MAX_HEADERS);
        return false;
    }
    if ((ep->headers = malloc(total + 1)) == NULL) {
        LOG_E("%s: %s.headers: out of memory", origin, at);
        return false;
    }
    cJSON_ArrayForEach(v, h) {
        int n =
            snprintf(ep->headers + off, total + 1 - off, "%s: %s\r\n", v->string, v->valuestring);
        off += n > 0 ? (size_t)n : 0;
    }
    ep->headers[total] = '\0';
    return true;
}

static bool load_body(const cJSON *o, const char *at, const char *origin,
                      struct sched_endpoint *ep) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "body");
    ep->body = SCHED_BODY_NONE;
    if (v == NULL)
        return true;
    for (int k = 0; k < SCHED_BODY_COUNT && cJSON_IsString(v); k++)
        if (strcmp(v->valuestring, body_names[k]) == 0) {
            ep->body = (enum sched_body_kind)k;
            return true;
        }
    LOG_E("%s: %s.body: unknown body kind \"%s\" (none, json, frames, raw)", origin, at,
          cJSON_IsString(v) ? v->valuestring : "(not a string)");
    return false;
}

/* A JSON example is kept as compact text; a raw one must be a string. Frames bodies come
 * from frames.messages and "none" has no body, so an example there is a mistake. */
static bool load_example(const cJSON *o, const char *at, const char *origin,
                         struct sched_endpoint *ep) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "example");
    if (v == NULL)
        return true;
    if (ep->body == SCHED_BODY_JSON)
        ep->example = cJSON_PrintUnformatted(v);
    else if (ep->body == SCHED_BODY_RAW && cJSON_IsString(v))
        ep->example = dup_str(v->valuestring);
    else {
        LOG_E("%s: %s.example: %s", origin, at,
              ep->body == SCHED_BODY_RAW ? "expected a string for a raw body"
                                         : "only json and raw bodies take an example");
        return false;
    }
    if (ep->example == NULL)
        LOG_E("%s: %s.example: out of memory", origin, at);
    return ep->example != NULL;
}

static bool load_endpoint(const cJSON *o, size_t i, const char *origin, const struct sched_model *m,
                          struct sched_endpoint *ep) {
    char at[32];
    snprintf(at, sizeof(at), "endpoints[%zu]", i);
    if (!cJSON_IsObject(o)) {
        LOG_E("%s: %s: expected an object with \"method\" and \"path\"", origin, at);
        return false;
    }
    return check_keys(o, at, origin) && load_method(o, at, origin, ep) &&
           load_path(o, at, origin, m, ep) && load_headers(o, at, origin, ep) &&
           load_body(o, at, origin, ep) && load_example(o, at, origin, ep);
}

/* Two entries for one method and path would only skew the seed mix towards it. */
static bool check_duplicates(const struct sched_model *m, const char *origin) {
    for (size_t i = 1; i < m->neps; i++)
        for (size_t j = 0; j < i; j++)
            if (m->eps[i].method == m->eps[j].method && !strcmp(m->eps[i].path, m->eps[j].path)) {
                LOG_E("%s: endpoints[%zu]: same method and path as endpoints[%zu]", origin, i, j);
                return false;
            }
    return true;
}

static bool load_endpoints(const struct target_config *c, const char *origin,
                           struct sched_model *m) {
    const cJSON *arr = target_config_section(c, "endpoints");
    int n = cJSON_GetArraySize(arr);
    if (arr == NULL) {
        LOG_E("%s: no \"endpoints\": a schedule needs the target's HTTP endpoints "
              "(docs/target-config.md)",
              origin);
        return false;
    }
    if (!cJSON_IsArray(arr) || n == 0 || (unsigned)n > ENDPOINTS_MAX_COUNT) {
        LOG_E("%s: endpoints: expected an array of 1..%u endpoint objects", origin,
              ENDPOINTS_MAX_COUNT);
        return false;
    }
    if ((m->eps = calloc((size_t)n, sizeof(*m->eps))) == NULL) {
        LOG_E("%s: endpoints: out of memory", origin);
        return false;
    }
    for (const cJSON *o = arr->child; o != NULL; o = o->next) {
        /* Counted before it is filled, so sched_model_free releases a half-loaded entry. */
        struct sched_endpoint *ep = &m->eps[m->neps++];
        if (!load_endpoint(o, m->neps - 1, origin, m, ep))
            return false;
    }
    return check_duplicates(m, origin);
}

bool endpoints_load(const struct target_config *c, struct sched_model *out) {
    const char *origin = origin_of(c);
    memset(out, 0, sizeof(*out));
    if (load_params(c, origin, out) && load_endpoints(c, origin, out))
        return true;
    sched_model_free(out);
    return false;
}
