#include "schedule_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_bytes.h"
#include "log.h"

/* ---- view ---- */

/* Adds key as a string holding exactly n printable bytes. */
static bool add_string(cJSON *obj, const char *key, const uint8_t *p, size_t n) {
    char *t = json_bytes_dup(p, n);
    bool ok = t != NULL && cJSON_AddStringToObject(obj, key, t) != NULL;
    free(t);
    return ok;
}

/* Adds key: {"text": ...} for non-empty printable bytes, else {"hex": ...}. */
static bool add_blob(cJSON *obj, const char *key, const uint8_t *p, size_t n) {
    cJSON *o = cJSON_AddObjectToObject(obj, key);
    if (o == NULL)
        return false;
    if (n > 0 && json_bytes_printable(p, n))
        return add_string(o, "text", p, n);
    char *h = json_bytes_hex(p, n);
    bool ok = h != NULL && cJSON_AddStringToObject(o, "hex", h) != NULL;
    free(h);
    return ok;
}

/* Length of the line at p (printable bytes up to "\r\n"), or SIZE_MAX when the bytes there
 * are not such a line. */
static size_t line_len(const uint8_t *p, size_t left) {
    for (size_t i = 0; i + 1 < left; i++) {
        if (p[i] == '\r' && p[i + 1] == '\n')
            return i;
        if (p[i] < 0x20 || p[i] > 0x7e)
            return SIZE_MAX;
    }
    return SIZE_MAX;
}

static bool headers_are_lines(const uint8_t *p, size_t n) {
    for (size_t off = 0, len; off < n; off += len + 2)
        if ((len = line_len(p + off, n - off)) == SIZE_MAX)
            return false;
    return true;
}

static bool add_headers(cJSON *obj, const uint8_t *p, size_t n) {
    if (!headers_are_lines(p, n))
        return add_blob(obj, "headers", p, n);
    cJSON *arr = cJSON_AddArrayToObject(obj, "headers");
    if (arr == NULL)
        return false;
    for (size_t off = 0, len; off < n; off += len + 2) {
        len = line_len(p + off, n - off);
        char *t = json_bytes_dup(p + off, len);
        cJSON *line = t != NULL ? cJSON_CreateString(t) : NULL;
        free(t);
        if (line == NULL || !cJSON_AddItemToArray(arr, line)) {
            cJSON_Delete(line);
            return false;
        }
    }
    return true;
}

static bool add_step(cJSON *arr, const struct schedule_step *st) {
    const char *method = schedule_method_name(st->method);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return false;
    }
    bool ok = method != NULL && cJSON_AddNumberToObject(o, "lane", st->lane) != NULL &&
              cJSON_AddNumberToObject(o, "barrier", st->barrier) != NULL &&
              cJSON_AddNumberToObject(o, "delay_us", st->delay_us) != NULL &&
              cJSON_AddStringToObject(o, "method", method) != NULL;
    if (ok && json_bytes_printable(st->path, st->path_len))
        ok = add_string(o, "path", st->path, st->path_len);
    else if (ok)
        ok = add_blob(o, "path", st->path, st->path_len);
    ok = ok && add_headers(o, st->headers, st->headers_len);
    return ok && (st->body_len == 0 || add_blob(o, "body", st->body, st->body_len));
}

cJSON *schedule_json_view(const struct schedule *s) {
    cJSON *view = cJSON_CreateObject(), *arr = NULL;
    bool ok = view != NULL && cJSON_AddStringToObject(view, "format", "schedule") != NULL &&
              cJSON_AddNumberToObject(view, "version", s->version) != NULL &&
              cJSON_AddNumberToObject(view, "lanes", s->lanes) != NULL &&
              cJSON_AddNumberToObject(view, "repeat", s->repeat) != NULL &&
              cJSON_AddNumberToObject(view, "jitter_seed", s->jitter_seed) != NULL &&
              cJSON_AddNumberToObject(view, "flags", s->flags) != NULL &&
              (arr = cJSON_AddArrayToObject(view, "steps")) != NULL;
    for (size_t i = 0; ok && i < s->nsteps; i++)
        ok = add_step(arr, &s->steps[i]);
    if (!ok)
        cJSON_Delete(view); /* one resource: no out: label; cJSON_Delete(NULL) does nothing */
    return ok ? view : NULL;
}

/* ---- build ---- */

/* What one build holds: the schedule under construction and the buffers its steps view
 * (three per step: path, headers, body), all freed together by build_free. */
struct build {
    const char *origin;
    struct schedule s;
    uint8_t **owned;
};

static void build_free(struct build *b) {
    for (size_t i = 0; b->owned != NULL && i < 3 * b->s.nsteps; i++)
        free(b->owned[i]);
    free(b->owned);
    schedule_free(&b->s);
}

/* Reads obj[key] as an integer in lo..hi into *out. An absent key takes *dflt, or is an
 * error when dflt is NULL. `at` prefixes the field in messages ("steps[3]." or ""). */
static bool get_uint(const struct build *b, const cJSON *obj, const char *at, const char *key,
                     uint32_t lo, uint32_t hi, const uint32_t *dflt, uint32_t *out) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (item == NULL && dflt != NULL) {
        *out = *dflt;
        return true;
    }
    if (item == NULL) {
        LOG_E("%s: %s%s: missing", b->origin, at, key);
        return false;
    }
    double v = cJSON_IsNumber(item) ? item->valuedouble : -1.0;
    if (!(v >= lo && v <= hi && (double)(uint32_t)v == v)) {
        LOG_E("%s: %s%s: expected an integer in %u..%u", b->origin, at, key, (unsigned)lo,
              (unsigned)hi);
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool bytes_from_text(const char *t, uint8_t **p, size_t *n) {
    *n = strlen(t);
    *p = (uint8_t *)json_bytes_dup((const uint8_t *)t, *n);
    return *p != NULL;
}

/* Joins an array of header lines, each followed by "\r\n". */
static bool bytes_from_lines(const cJSON *arr, uint8_t **p, size_t *n, const char **why) {
    size_t total = 0, off = 0;
    const cJSON *line;
    *why = "every header line must be a string without CR or LF";
    cJSON_ArrayForEach(line, arr) {
        if (!cJSON_IsString(line) || strpbrk(line->valuestring, "\r\n") != NULL)
            return false;
        total += strlen(line->valuestring) + 2;
    }
    *why = "out of memory";
    if ((*p = malloc(total + 1)) == NULL)
        return false;
    cJSON_ArrayForEach(line, arr) {
        size_t len = strlen(line->valuestring);
        memcpy(*p + off, line->valuestring, len);
        memcpy(*p + off + len, "\r\n", 2);
        off += len + 2;
    }
    *n = total;
    return true;
}

/* What a byte field may be, besides {"hex"} or {"text"}: absent (then empty), a plain
 * string, an array of header lines. */
enum { BYTES_OPTIONAL = 1, BYTES_STRING = 2, BYTES_LINES = 4 };

/* Reads one byte field of a step into a malloc'd buffer of at most max bytes. */
static bool get_bytes(const struct build *b, const cJSON *obj, const char *at, const char *key,
                      unsigned kinds, uint8_t **p, size_t *n, size_t max) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    const char *why = "missing";
    bool ok = false;
    if (item == NULL && (kinds & BYTES_OPTIONAL))
        return bytes_from_text("", p, n);
    if (item != NULL && cJSON_IsString(item) && (kinds & BYTES_STRING))
        ok = bytes_from_text(item->valuestring, p, n) || (why = "out of memory", false);
    else if (item != NULL && cJSON_IsArray(item) && (kinds & BYTES_LINES))
        ok = bytes_from_lines(item, p, n, &why);
    else if (item != NULL)
        ok = json_bytes_decode(item, p, n, &why);
    if (ok && *n > max) {
        why = "too long";
        free(*p);
        *p = NULL;
        ok = false;
    }
    if (!ok)
        LOG_E("%s: %s%s: %s", b->origin, at, key, why);
    return ok;
}

static bool get_method(const struct build *b, const cJSON *o, const char *at,
                       enum schedule_method *m) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, "method");
    if (item == NULL) {
        LOG_E("%s: %smethod: missing", b->origin, at);
        return false;
    }
    if (!cJSON_IsString(item) || !schedule_method_parse(item->valuestring, m)) {
        LOG_E("%s: %smethod: %s is not one of GET, POST, PUT, DELETE, PATCH, HEAD", b->origin, at,
              cJSON_IsString(item) ? item->valuestring : "(not a string)");
        return false;
    }
    return true;
}

static bool get_lane(const struct build *b, const cJSON *o, const char *at, uint8_t *lane) {
    uint32_t v;
    if (!get_uint(b, o, at, "lane", 0, UINT8_MAX, NULL, &v))
        return false;
    if (v >= b->s.lanes) {
        LOG_E("%s: %slane: %u is not below lanes (%u)", b->origin, at, (unsigned)v,
              (unsigned)b->s.lanes);
        return false;
    }
    *lane = (uint8_t)v;
    return true;
}

static bool build_step(struct build *b, const cJSON *o, size_t i) {
    static const uint32_t zero = 0;
    struct schedule_step *st = &b->s.steps[i];
    uint8_t **own = &b->owned[3 * i];
    uint32_t barrier;
    size_t np, nh, nb;
    char at[40];
    snprintf(at, sizeof(at), "steps[%zu].", i);
    if (!cJSON_IsObject(o)) {
        LOG_E("%s: steps[%zu]: expected an object", b->origin, i);
        return false;
    }
    if (!get_lane(b, o, at, &st->lane) ||
        !get_uint(b, o, at, "barrier", 0, UINT8_MAX, &zero, &barrier) ||
        !get_uint(b, o, at, "delay_us", 0, UINT32_MAX, &zero, &st->delay_us) ||
        !get_method(b, o, at, &st->method) ||
        !get_bytes(b, o, at, "path", BYTES_STRING, &own[0], &np, UINT16_MAX) ||
        !get_bytes(b, o, at, "headers", BYTES_OPTIONAL | BYTES_LINES, &own[1], &nh, UINT16_MAX) ||
        !get_bytes(b, o, at, "body", BYTES_OPTIONAL, &own[2], &nb, UINT32_MAX))
        return false;
    st->barrier = (uint8_t)barrier;
    st->path = own[0];
    st->path_len = (uint16_t)np;
    st->headers = own[1];
    st->headers_len = (uint16_t)nh;
    st->body = own[2];
    st->body_len = (uint32_t)nb;
    return true;
}

static bool build_header(struct build *b, const cJSON *view) {
    static const uint32_t one = 1, zero = 0;
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(view, "format");
    uint32_t version, lanes, repeat;
    if (format != NULL && !(cJSON_IsString(format) && !strcmp(format->valuestring, "schedule"))) {
        LOG_E("%s: format: expected \"schedule\"", b->origin);
        return false;
    }
    if (!get_uint(b, view, "", "version", SCHED_VERSION, SCHED_VERSION, &one, &version) ||
        !get_uint(b, view, "", "lanes", 1, SCHED_MAX_LANES, NULL, &lanes) ||
        !get_uint(b, view, "", "repeat", 0, UINT16_MAX, &one, &repeat) ||
        !get_uint(b, view, "", "jitter_seed", 0, UINT32_MAX, &zero, &b->s.jitter_seed) ||
        !get_uint(b, view, "", "flags", 0, UINT32_MAX, &zero, &b->s.flags))
        return false;
    b->s.version = (uint8_t)version;
    b->s.lanes = (uint8_t)lanes;
    b->s.repeat = (uint16_t)repeat;
    return true;
}

static bool build_steps(struct build *b, const cJSON *view) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(view, "steps");
    if (!cJSON_IsArray(arr)) {
        LOG_E("%s: steps: missing, or not an array", b->origin);
        return false;
    }
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    if (n > SCHED_MAX_STEPS) {
        LOG_E("%s: steps: %zu steps, at most %u allowed", b->origin, n, SCHED_MAX_STEPS);
        return false;
    }
    if (n == 0)
        return true;
    b->s.steps = calloc(n, sizeof(*b->s.steps));
    b->owned = calloc(3 * n, sizeof(*b->owned));
    b->s.nsteps = n;
    if (b->s.steps == NULL || b->owned == NULL) {
        LOG_E("%s: out of memory", b->origin);
        return false;
    }
    for (const cJSON *o = arr->child; o != NULL; o = o->next, i++)
        if (!build_step(b, o, i))
            return false;
    return true;
}

/* Last line of defence: whatever passed the field checks must also pass schedule_check. */
static bool build_bytes(const struct build *b, uint8_t **out, size_t *out_size) {
    size_t bad;
    enum schedule_err err = schedule_check(&b->s, &bad);
    if (err != SCHED_OK && bad == SCHED_NO_STEP)
        LOG_E("%s: %s", b->origin, schedule_strerror(err));
    else if (err != SCHED_OK)
        LOG_E("%s: steps[%zu]: %s", b->origin, bad, schedule_strerror(err));
    if (err != SCHED_OK)
        return false;
    size_t need = schedule_serialized_size(&b->s);
    if (need == 0 || (*out = malloc(need)) == NULL) {
        LOG_E("%s: %s", b->origin, need == 0 ? "a step is too long" : "out of memory");
        return false;
    }
    *out_size = schedule_serialize(&b->s, *out, need);
    return true;
}

bool schedule_json_build(const cJSON *view, const char *origin, uint8_t **out, size_t *out_size) {
    struct build b = {.origin = origin};
    bool ok = false;
    if (!cJSON_IsObject(view))
        LOG_E("%s: expected a schedule object", origin);
    else
        ok = build_header(&b, view) && build_steps(&b, view) && build_bytes(&b, out, out_size);
    build_free(&b);
    return ok;
}
