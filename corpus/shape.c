#include "shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const struct {
    const char *key;
    enum shape_kind kind;
    uint32_t max; /* largest value (or length) the kind holds */
} shape_kinds[SHAPE_KIND_COUNT] = {
    {"u8", SHAPE_U8, 0xFF},
    {"u16le", SHAPE_U16LE, 0xFFFF},
    {"u32le", SHAPE_U32LE, 0xFFFFFFFFu},
    {"one_of_u8", SHAPE_ONE_OF_U8, 0xFF},
    {"const", SHAPE_CONST, 0},
    {"bytes", SHAPE_BYTES, 65536},
    {"ascii", SHAPE_ASCII, 65536},
    {"len8", SHAPE_LEN8, 0},
    {"len16le", SHAPE_LEN16LE, 0},
    {"len32le", SHAPE_LEN32LE, 0},
    {"sum8", SHAPE_SUM8, 0},
    {"xor8", SHAPE_XOR8, 0},
};

static size_t field_width(enum shape_kind k) {
    switch (k) {
    case SHAPE_U16LE:
    case SHAPE_LEN16LE:
        return 2;
    case SHAPE_U32LE:
    case SHAPE_LEN32LE:
        return 4;
    default:
        return 1;
    }
}

/* Reads N or [lo, hi] bounded by max. */
static bool parse_range(const cJSON *v, uint32_t max, struct shape_field *f) {
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble < 0 || v->valuedouble > max)
            return false;
        f->lo = f->hi = (uint32_t)v->valuedouble;
        return true;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2)
        return false;
    const cJSON *lo = cJSON_GetArrayItem(v, 0), *hi = cJSON_GetArrayItem(v, 1);
    if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) || lo->valuedouble < 0 ||
        hi->valuedouble > max || lo->valuedouble > hi->valuedouble)
        return false;
    f->lo = (uint32_t)lo->valuedouble;
    f->hi = (uint32_t)hi->valuedouble;
    return true;
}

static bool parse_one_of(const cJSON *v, struct shape_field *f) {
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v) || n == 0)
        return false;
    f->bytes = malloc((size_t)n);
    if (f->bytes == NULL)
        return false;
    f->nbytes = (size_t)n;
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsNumber(e) || e->valuedouble < 0 || e->valuedouble > 255)
            return false;
        f->bytes[i] = (uint8_t)e->valuedouble;
    }
    return true;
}

static bool parse_const(const cJSON *v, struct shape_field *f) {
    if (!cJSON_IsString(v))
        return false;
    size_t cap = strlen(v->valuestring) / 2 + 1;
    f->bytes = malloc(cap);
    return f->bytes != NULL && dict_hex_decode(v->valuestring, f->bytes, cap, &f->nbytes) &&
           f->nbytes > 0;
}

static bool parse_field_value(const cJSON *v, uint32_t max, struct shape_field *f) {
    switch (f->kind) {
    case SHAPE_ONE_OF_U8:
        return parse_one_of(v, f);
    case SHAPE_CONST:
        return parse_const(v, f);
    case SHAPE_LEN8:
    case SHAPE_LEN16LE:
    case SHAPE_LEN32LE:
        return cJSON_IsString(v) && strcmp(v->valuestring, "rest") == 0;
    case SHAPE_SUM8:
    case SHAPE_XOR8:
        return cJSON_IsString(v) && strcmp(v->valuestring, "before") == 0;
    default:
        return parse_range(v, max, f);
    }
}

static bool parse_field(const cJSON *obj, struct shape_field *f, const char **why) {
    const cJSON *v = obj != NULL ? obj->child : NULL;
    *why = "expected an object with exactly one key naming the field kind";
    if (!cJSON_IsObject(obj) || v == NULL || v->next != NULL)
        return false;
    for (size_t k = 0; k < SHAPE_KIND_COUNT; k++) {
        if (strcmp(v->string, shape_kinds[k].key) != 0)
            continue;
        f->kind = shape_kinds[k].kind;
        *why = "bad value for this field kind (see docs/target-config.md)";
        return parse_field_value(v, shape_kinds[k].max, f);
    }
    *why = "unknown field kind";
    return false;
}

/* Longest the bytes of fields [from, n) can be. */
static uint64_t max_rest(const struct shape_msg *m, size_t from) {
    uint64_t total = 0;
    for (size_t j = from; j < m->nfields; j++) {
        const struct shape_field *f = &m->fields[j];
        total += f->kind == SHAPE_CONST                             ? f->nbytes
                 : f->kind == SHAPE_BYTES || f->kind == SHAPE_ASCII ? f->hi
                                                                    : field_width(f->kind);
    }
    return total;
}

/* A "rest" length must be able to hold what follows, or seeds would lie silently. */
static bool check_len_fields(const struct shape_msg *m, size_t i, const char *origin) {
    for (size_t j = 0; j < m->nfields; j++) {
        enum shape_kind k = m->fields[j].kind;
        if (k != SHAPE_LEN8 && k != SHAPE_LEN16LE)
            continue;
        uint64_t cap = k == SHAPE_LEN8 ? 0xFF : 0xFFFF;
        if (max_rest(m, j + 1) > cap) {
            LOG_E("%s: frames.messages[%zu].fields[%zu]: the fields after this length can be "
                  "%llu bytes, more than it holds (%llu)",
                  origin, i, j, (unsigned long long)max_rest(m, j + 1), (unsigned long long)cap);
            return false;
        }
    }
    return true;
}

static void free_msg(struct shape_msg *m) {
    for (size_t j = 0; j < m->nfields; j++)
        free(m->fields[j].bytes);
    free(m->fields);
}

static bool parse_msg(const cJSON *obj, size_t i, const char *origin, struct shape_msg *m) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
    const cJSON *weight = cJSON_GetObjectItemCaseSensitive(obj, "weight");
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(obj, "fields");
    if (!cJSON_IsString(name) || !cJSON_IsArray(fields)) {
        LOG_E("%s: frames.messages[%zu]: needs a string \"name\" and an array \"fields\"", origin,
              i);
        return false;
    }
    snprintf(m->name, sizeof(m->name), "%s", name->valuestring);
    m->weight = cJSON_IsNumber(weight) && weight->valuedouble >= 1 && weight->valuedouble <= 1000
                    ? (unsigned)weight->valuedouble
                    : 1;
    m->nfields = (size_t)cJSON_GetArraySize(fields);
    if (m->nfields > SHAPE_MAX_FIELDS) {
        LOG_E("%s: frames.messages[%zu]: more than %d fields", origin, i, SHAPE_MAX_FIELDS);
        m->nfields = 0;
        return false;
    }
    m->fields = calloc(m->nfields ? m->nfields : 1, sizeof(*m->fields));
    if (m->fields == NULL)
        return false;
    for (size_t j = 0; j < m->nfields; j++) {
        const char *why;
        if (!parse_field(cJSON_GetArrayItem(fields, (int)j), &m->fields[j], &why)) {
            LOG_E("%s: frames.messages[%zu].fields[%zu]: %s", origin, i, j, why);
            return false;
        }
    }
    return check_len_fields(m, i, origin);
}

bool shape_parse(const cJSON *frames, const char *origin, struct shape_set *out) {
    memset(out, 0, sizeof(*out));
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(frames, "messages");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(frames, "max_frame_len");
    if (!cJSON_IsArray(msgs) || cJSON_GetArraySize(msgs) == 0) {
        LOG_E("%s: frames.messages: expected a non-empty array of message shapes", origin);
        return false;
    }
    out->max_frame_len =
        cJSON_IsNumber(max) && max->valuedouble >= 1 && max->valuedouble < 4294967296.0
            ? (uint32_t)max->valuedouble
            : 65536;
    out->msgs = calloc((size_t)cJSON_GetArraySize(msgs), sizeof(*out->msgs));
    if (out->msgs == NULL)
        return false;
    for (const cJSON *m = msgs->child; m != NULL; m = m->next) {
        if (!parse_msg(m, out->count, origin, &out->msgs[out->count])) {
            free_msg(&out->msgs[out->count]);
            shape_free(out);
            return false;
        }
        out->total_weight += out->msgs[out->count].weight;
        out->count++;
    }
    return true;
}

void shape_free(struct shape_set *s) {
    for (size_t i = 0; i < s->count; i++)
        free_msg(&s->msgs[i]);
    free(s->msgs);
    memset(s, 0, sizeof(*s));
}

static void add_const_tokens(const struct shape_field *f, struct dict *d) {
    uint8_t le[4];
    if (f->kind == SHAPE_CONST) {
        dict_add(d, f->bytes, f->nbytes);
    } else if ((f->kind == SHAPE_U8 || f->kind == SHAPE_U16LE || f->kind == SHAPE_U32LE) &&
               f->lo == f->hi) {
        for (size_t k = 0; k < field_width(f->kind); k++)
            le[k] = (uint8_t)(f->lo >> (8 * k));
        dict_add(d, le, field_width(f->kind));
    }
}

bool shape_collect_dict(const cJSON *frames, const struct shape_set *s, struct dict *d) {
    for (size_t i = 0; i < s->count; i++)
        for (size_t j = 0; j < s->msgs[i].nfields; j++)
            add_const_tokens(&s->msgs[i].fields[j], d);
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(frames, "dict");
    const cJSON *t;
    cJSON_ArrayForEach(t, extra) {
        uint8_t tok[RF_DICT_MAX_TOKEN];
        size_t n;
        if (!cJSON_IsString(t) || !dict_hex_decode(t->valuestring, tok, sizeof(tok), &n))
            return false;
        dict_add(d, tok, n);
    }
    return true;
}

const struct shape_msg *shape_pick(const struct shape_set *s, struct rng *r) {
    size_t x = rng_below(r, s->total_weight);
    for (size_t i = 0; i < s->count; i++) {
        if (x < s->msgs[i].weight)
            return &s->msgs[i];
        x -= s->msgs[i].weight;
    }
    return &s->msgs[0];
}

static uint32_t pick_in(struct rng *r, uint32_t lo, uint32_t hi) {
    return lo + (uint32_t)rng_below(r, (size_t)hi - lo + 1);
}

/* Writes one field's first-pass bytes (lengths and checksums are filled later). */
static size_t gen_field(const struct shape_field *f, struct rng *r, uint8_t *out, size_t cap) {
    size_t n = f->kind == SHAPE_CONST                             ? f->nbytes
               : f->kind == SHAPE_BYTES || f->kind == SHAPE_ASCII ? pick_in(r, f->lo, f->hi)
                                                                  : field_width(f->kind);
    if (n > cap)
        return SIZE_MAX;
    uint32_t v =
        f->kind == SHAPE_ONE_OF_U8 ? f->bytes[rng_below(r, f->nbytes)] : pick_in(r, f->lo, f->hi);
    for (size_t k = 0; k < n; k++) {
        if (f->kind == SHAPE_CONST)
            out[k] = f->bytes[k];
        else if (f->kind == SHAPE_BYTES)
            out[k] = (uint8_t)rng_next(r);
        else if (f->kind == SHAPE_ASCII)
            out[k] = (uint8_t)(0x21 + rng_below(r, 94));
        else
            out[k] = (uint8_t)(v >> (8 * k));
    }
    return n;
}

static void fill_derived(const struct shape_msg *m, const size_t *pos, uint8_t *out, size_t len) {
    for (size_t j = 0; j < m->nfields; j++) {
        enum shape_kind k = m->fields[j].kind;
        if (k == SHAPE_LEN8 || k == SHAPE_LEN16LE || k == SHAPE_LEN32LE) {
            size_t w = field_width(k);
            uint32_t rest = (uint32_t)(len - pos[j] - w);
            for (size_t b = 0; b < w; b++)
                out[pos[j] + b] = (uint8_t)(rest >> (8 * b));
        }
    }
    for (size_t j = 0; j < m->nfields; j++) {
        enum shape_kind k = m->fields[j].kind;
        if (k != SHAPE_SUM8 && k != SHAPE_XOR8)
            continue;
        uint8_t acc = 0;
        for (size_t b = 0; b < pos[j]; b++)
            acc = k == SHAPE_SUM8 ? (uint8_t)(acc + out[b]) : (uint8_t)(acc ^ out[b]);
        out[pos[j]] = acc;
    }
}

size_t shape_gen_payload(const struct shape_msg *m, struct rng *r, uint8_t *out, size_t cap) {
    size_t len = 0;
    size_t pos[SHAPE_MAX_FIELDS];
    for (size_t j = 0; j < m->nfields; j++) {
        pos[j] = len;
        size_t n = gen_field(&m->fields[j], r, out + len, cap - len);
        if (n == SIZE_MAX)
            return len; /* over capacity: the message is cut, as a truncated seed would be */
        len += n;
    }
    fill_derived(m, pos, out, len);
    return len;
}
