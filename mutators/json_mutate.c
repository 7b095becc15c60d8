#include "json_mutate.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rf_config.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* One parsed body: its nodes in document order, each with its parent (NULL for the root). */
struct jdoc {
    const struct json_mutate_src *s;
    cJSON *root;
    cJSON *nodes[RF_SMUT_MAX_JSON_NODES];
    cJSON *parents[RF_SMUT_MAX_JSON_NODES];
    size_t n;
};

typedef bool (*json_mutate_edit_fn)(struct jdoc *d);

/* Boundaries of the integer widths services decode into, and doubles that lose precision
 * or overflow them (2^53 + 1 is where float64 ids stop being exact). */
static const double interesting_numbers[] = {
    0,
    -1,
    1,
    -0.0,
    0.5,
    127,
    128,
    255,
    256,
    -129,
    32767,
    65535,
    65536,
    2147483647,
    2147483648.0,
    -2147483648,
    4294967295,
    4294967296.,
    9007199254740993.,
    9223372036854775807.,
    -9223372036854775807. - 1,
    1e308,
    -1e308,
    DBL_MIN,
    1e-7,
};

/* Keys services often treat specially; tried beside the model's param names. */
static const char *const interesting_keys[] = {"id",     "user_id", "owner",     "admin",
                                               "role",   "price",   "amount",    "quantity",
                                               "status", "version", "__proto__", ""};

static void collect(struct jdoc *d, cJSON *node, cJSON *parent) {
    if (d->n >= RF_SMUT_MAX_JSON_NODES)
        return;
    d->nodes[d->n] = node;
    d->parents[d->n] = parent;
    d->n++;
    for (cJSON *c = node->child; c != NULL; c = c->next)
        collect(d, c, node);
}

/* A node for which keep() holds, from a random start; SIZE_MAX when none. */
static size_t pick_node(struct jdoc *d, bool (*keep)(const struct jdoc *, size_t)) {
    size_t start = rng_below(d->s->rng, d->n);
    for (size_t k = 0; k < d->n; k++) {
        size_t i = (start + k) % d->n;
        if (keep(d, i))
            return i;
    }
    return SIZE_MAX;
}

static bool is_number(const struct jdoc *d, size_t i) {
    return cJSON_IsNumber(d->nodes[i]);
}

static bool is_string(const struct jdoc *d, size_t i) {
    return cJSON_IsString(d->nodes[i]);
}

static bool is_bool(const struct jdoc *d, size_t i) {
    return cJSON_IsBool(d->nodes[i]);
}

static bool any_node(const struct jdoc *d, size_t i) {
    (void)d;
    (void)i;
    return true;
}

static bool is_member(const struct jdoc *d, size_t i) {
    return d->parents[i] != NULL && cJSON_IsObject(d->parents[i]);
}

static bool is_object(const struct jdoc *d, size_t i) {
    return cJSON_IsObject(d->nodes[i]);
}

static bool is_full_array(const struct jdoc *d, size_t i) {
    return cJSON_IsArray(d->nodes[i]) && d->nodes[i]->child != NULL;
}

/* Puts `with` where node i is (the root too); false (and `with` freed) on failure. */
static bool replace(struct jdoc *d, size_t i, cJSON *with) {
    if (with == NULL)
        return false;
    if (d->parents[i] == NULL) {
        cJSON_Delete(d->root);
        d->root = with;
    } else if (!cJSON_ReplaceItemViaPointer(d->parents[i], d->nodes[i], with)) {
        cJSON_Delete(with);
        return false;
    }
    d->n = 0; /* node list is stale: one edit per document */
    return true;
}

/* A model value: a learned id or any param's value. NULL when the model has none. */
static const char *model_value(struct jdoc *d) {
    const struct sched_model *m = d->s->model;
    if (m == NULL || m->nparams == 0)
        return NULL;
    const struct sched_values *p = sched_model_param(m, "id");
    if (p == NULL || p->nvalues == 0 || rng_one_in(d->s->rng, 2))
        p = &m->params[rng_below(d->s->rng, m->nparams)];
    return p->nvalues > 0 ? p->values[rng_below(d->s->rng, p->nvalues)] : NULL;
}

/* A dictionary token as a C string (a NUL inside ends it); NULL without a dictionary. */
static bool dict_string(struct jdoc *d, char *buf, size_t cap) {
    const struct dict *dict = d->s->dict;
    if (dict == NULL || dict->count == 0)
        return false;
    const struct dict_token *t = &dict->tokens[rng_below(d->s->rng, dict->count)];
    size_t n = t->len < cap - 1 ? t->len : cap - 1;
    memcpy(buf, t->data, n);
    buf[n] = '\0';
    return true;
}

/* The engine's byte mutator over the number's text: libFuzzer's comparison-derived
 * tokens (a threshold the handler compares the amount with) reach numeric values. Keeps
 * the old value when the result does not read back as a number. */
static double engine_number(struct jdoc *d, double v) {
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%.17g", v);
    if (n <= 0 || (size_t)n >= sizeof(buf))
        return v;
    size_t m = d->s->engine_mutate((uint8_t *)buf, (size_t)n, sizeof(buf) - 1, d->s->engine_arg);
    if (m == 0 || m >= sizeof(buf))
        return v;
    buf[m] = '\0';
    char *end;
    double w = strtod(buf, &end);
    return end != buf ? w : v;
}

static bool edit_number(struct jdoc *d) {
    size_t i = pick_node(d, is_number);
    if (i == SIZE_MAX)
        return false;
    struct rng *r = d->s->rng;
    double v = d->nodes[i]->valuedouble;
    switch (rng_below(r, 6)) {
    case 0:
        v = interesting_numbers[rng_below(r, COUNT_OF(interesting_numbers))];
        break;
    case 1:
        v = -v;
        break;
    case 2:
        v += rng_one_in(r, 2) ? (double)(1 + rng_below(r, 35)) : -(double)(1 + rng_below(r, 35));
        break;
    case 3: { /* another order of magnitude: amounts, limits and thresholds */
        static const double scale[] = {0.1, 10, 100, 1000};
        v *= scale[rng_below(r, COUNT_OF(scale))];
        break;
    }
    case 4:
        if (d->s->engine_mutate != NULL) {
            v = engine_number(d, v);
            break;
        }
        /* fall through */
    default:
        v = v * 2 + 1;
        break;
    }
    cJSON_SetNumberValue(d->nodes[i], v);
    return true;
}

/* The engine's byte mutator over a copy of the string: its comparison tokens reach values. */
static cJSON *engine_string(struct jdoc *d, const char *old) {
    char buf[RF_SMUT_LONG_STRING + 1];
    size_t n = strlen(old) < 64 ? strlen(old) : 64;
    memcpy(buf, old, n);
    if (n == 0)
        buf[n++] = 'a';
    n = d->s->engine_mutate((uint8_t *)buf, n, RF_SMUT_LONG_STRING, d->s->engine_arg);
    if (n > RF_SMUT_LONG_STRING)
        return NULL;
    buf[n] = '\0';
    return cJSON_CreateString(buf);
}

static cJSON *new_string(struct jdoc *d, const char *old) {
    struct rng *r = d->s->rng;
    char buf[RF_SMUT_LONG_STRING + 1];
    const char *v = NULL;
    switch (rng_below(r, 6)) {
    case 0:
        v = model_value(d);
        break;
    case 1:
        v = dict_string(d, buf, sizeof(buf)) ? buf : NULL;
        break;
    case 2:
        v = "";
        break;
    case 3: {
        size_t n = 1 + rng_below(r, RF_SMUT_LONG_STRING);
        memset(buf, rng_one_in(r, 2) ? 'A' : '%', n);
        buf[n] = '\0';
        v = buf;
        break;
    }
    case 4:
        if (d->s->engine_mutate != NULL)
            return engine_string(d, old);
        break;
    default:
        v = rng_one_in(r, 2) ? "-1" : "0";
        break;
    }
    return cJSON_CreateString(v != NULL ? v : "1");
}

static bool edit_string(struct jdoc *d) {
    size_t i = pick_node(d, is_string);
    return i != SIZE_MAX && replace(d, i, new_string(d, d->nodes[i]->valuestring));
}

static bool edit_bool(struct jdoc *d) {
    size_t i = pick_node(d, is_bool);
    if (i == SIZE_MAX)
        i = pick_node(d, any_node);
    return replace(d, i, cJSON_CreateBool(!cJSON_IsTrue(d->nodes[i])));
}

static bool edit_null(struct jdoc *d) {
    size_t i = pick_node(d, any_node);
    return !cJSON_IsNull(d->nodes[i]) && replace(d, i, cJSON_CreateNull());
}

static bool edit_retype(struct jdoc *d) {
    size_t i = pick_node(d, any_node);
    cJSON *with = NULL;
    switch (rng_below(d->s->rng, 5)) {
    case 0:
        with = cJSON_CreateNumber(0);
        break;
    case 1:
        with = cJSON_CreateString("");
        break;
    case 2:
        with = cJSON_CreateObject();
        break;
    case 3:
        with = cJSON_CreateArray();
        break;
    default:
        /* Wrapped: [old], the shape a handler expecting one object trips over. */
        with = cJSON_CreateArray();
        if (with != NULL && !cJSON_AddItemToArray(with, cJSON_Duplicate(d->nodes[i], true))) {
            cJSON_Delete(with);
            with = NULL;
        }
        break;
    }
    return replace(d, i, with);
}

static void new_key(struct jdoc *d, const char *old, char *buf, size_t cap) {
    struct rng *r = d->s->rng;
    const struct sched_model *m = d->s->model;
    switch (rng_below(r, 4)) {
    case 0:
        if (m != NULL && m->nparams > 0) {
            snprintf(buf, cap, "%s", m->params[rng_below(r, m->nparams)].name);
            return;
        }
        break;
    case 1:
        if (dict_string(d, buf, cap))
            return;
        break;
    case 2:
        /* Case and suffix variants: "Id", "id_", probing case-insensitive decoders. */
        snprintf(buf, cap, "%s%s", old, rng_one_in(r, 2) ? "_" : "");
        if (buf[0] >= 'a' && buf[0] <= 'z')
            buf[0] = (char)(buf[0] - 'a' + 'A');
        return;
    default:
        break;
    }
    snprintf(buf, cap, "%s", interesting_keys[rng_below(r, COUNT_OF(interesting_keys))]);
}

static bool edit_rename_key(struct jdoc *d) {
    size_t i = pick_node(d, is_member);
    if (i == SIZE_MAX)
        return false;
    char key[RF_DICT_MAX_TOKEN + 8];
    new_key(d, d->nodes[i]->string, key, sizeof(key));
    cJSON *item = cJSON_DetachItemViaPointer(d->parents[i], d->nodes[i]);
    d->n = 0;
    if (!cJSON_AddItemToObject(d->parents[i], key, item))
        cJSON_Delete(item); /* out of memory: the member is dropped, still an edit */
    return true;
}

static bool edit_drop_key(struct jdoc *d) {
    size_t i = pick_node(d, is_member);
    if (i == SIZE_MAX)
        return false;
    cJSON_Delete(cJSON_DetachItemViaPointer(d->parents[i], d->nodes[i]));
    d->n = 0;
    return true;
}

static cJSON *new_value(struct jdoc *d) {
    const char *v = model_value(d);
    switch (rng_below(d->s->rng, 3)) {
    case 0:
        return v != NULL ? cJSON_CreateString(v) : cJSON_CreateNull();
    case 1:
        return cJSON_CreateNumber(
            interesting_numbers[rng_below(d->s->rng, COUNT_OF(interesting_numbers))]);
    default:
        return cJSON_Duplicate(d->nodes[rng_below(d->s->rng, d->n)], true);
    }
}

/* Adds a member; one time in three under an existing key, so decoders that keep the first
 * and decoders that keep the last disagree. */
static bool edit_add_key(struct jdoc *d) {
    size_t i = pick_node(d, is_object);
    if (i == SIZE_MAX)
        return false;
    cJSON *obj = d->nodes[i], *c = obj->child;
    char key[RF_DICT_MAX_TOKEN + 8];
    if (c != NULL && rng_one_in(d->s->rng, 3)) {
        for (size_t skip = rng_below(d->s->rng, 4); skip > 0 && c->next != NULL; skip--)
            c = c->next;
        snprintf(key, sizeof(key), "%s", c->string);
    } else {
        new_key(d, "", key, sizeof(key));
    }
    cJSON *v = new_value(d);
    d->n = 0;
    if (v != NULL && cJSON_AddItemToObject(obj, key, v))
        return true;
    cJSON_Delete(v);
    return false;
}

static bool edit_dup_element(struct jdoc *d) {
    size_t i = pick_node(d, is_full_array);
    if (i == SIZE_MAX)
        return false;
    cJSON *arr = d->nodes[i];
    int n = cJSON_GetArraySize(arr);
    cJSON *el = cJSON_GetArrayItem(arr, (int)rng_below(d->s->rng, (size_t)n));
    for (size_t k = 1 + rng_below(d->s->rng, 4); k > 0; k--) {
        cJSON *copy = cJSON_Duplicate(el, true);
        if (copy == NULL ||
            !cJSON_InsertItemInArray(arr, (int)rng_below(d->s->rng, (size_t)n), copy))
            cJSON_Delete(copy);
    }
    d->n = 0;
    return true;
}

static bool edit_drop_element(struct jdoc *d) {
    size_t i = pick_node(d, is_full_array);
    if (i == SIZE_MAX)
        return false;
    int n = cJSON_GetArraySize(d->nodes[i]);
    cJSON_DeleteItemFromArray(d->nodes[i], (int)rng_below(d->s->rng, (size_t)n));
    d->n = 0;
    return true;
}

static const struct {
    const char *name;
    json_mutate_edit_fn fn;
} json_mutate_edits[JMUT_EDIT_COUNT] = {
    [JMUT_NUMBER] = {"number", edit_number},
    [JMUT_STRING] = {"string", edit_string},
    [JMUT_BOOL] = {"bool", edit_bool},
    [JMUT_NULL] = {"null", edit_null},
    [JMUT_RETYPE] = {"retype", edit_retype},
    [JMUT_RENAME_KEY] = {"rename_key", edit_rename_key},
    [JMUT_DROP_KEY] = {"drop_key", edit_drop_key},
    [JMUT_ADD_KEY] = {"add_key", edit_add_key},
    [JMUT_DUP_ELEMENT] = {"dup_element", edit_dup_element},
    [JMUT_DROP_ELEMENT] = {"drop_element", edit_drop_element},
};

const char *json_mutate_edit_name(enum json_mutate_edit e) {
    return (unsigned)e < JMUT_EDIT_COUNT ? json_mutate_edits[e].name : "?";
}

/* cJSON accepts trailing bytes after the value; a body is JSON only when none follow. */
static cJSON *parse_exact(const uint8_t *text, size_t len) {
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)text, len, &end, false);
    if (root == NULL)
        return NULL;
    for (const char *p = end; p < (const char *)text + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            cJSON_Delete(root);
            return NULL;
        }
    return root;
}

size_t json_mutate_mutate(const struct json_mutate_src *s, const uint8_t *text, size_t len,
                          uint8_t *out, size_t cap, enum json_mutate_edit *edit) {
    struct jdoc d = {.s = s, .root = parse_exact(text, len)};
    if (d.root == NULL)
        return 0;
    bool done = false;
    for (int attempt = 0; attempt < 8 && !done; attempt++) {
        d.n = 0;
        collect(&d, d.root, NULL);
        *edit = (enum json_mutate_edit)rng_below(s->rng, JMUT_EDIT_COUNT);
        done = json_mutate_edits[*edit].fn(&d);
    }
    char *printed = done ? cJSON_PrintUnformatted(d.root) : NULL;
    size_t n = printed != NULL ? strlen(printed) : 0;
    if (n > cap)
        n = 0;
    if (n > 0)
        memcpy(out, printed, n);
    cJSON_free(printed);
    cJSON_Delete(d.root);
    return n;
}

static void break_once(struct rng *r, uint8_t *buf, size_t *len, size_t cap) {
    static const char stray[] = "{}[],:\"\\";
    size_t n = *len, at = rng_below(r, n + 1);
    switch (rng_below(r, 3)) {
    case 0:
        *len = n > 1 ? 1 + rng_below(r, n - 1) : n; /* cut inside the document */
        break;
    case 1:
        if (n < cap) {
            memmove(buf + at + 1, buf + at, n - at);
            buf[at] = (uint8_t)stray[rng_below(r, sizeof(stray) - 1)];
            *len = n + 1;
        }
        break;
    default:
        if (n > 0) {
            at = rng_below(r, n);
            memmove(buf + at, buf + at + 1, n - at - 1);
            *len = n - 1;
        }
        break;
    }
}

bool json_mutate_break(struct rng *r, uint8_t *buf, size_t *len, size_t cap) {
    for (int attempt = 0; attempt < 8 && *len > 0; attempt++) {
        break_once(r, buf, len, cap);
        cJSON *still = parse_exact(buf, *len);
        if (still == NULL)
            return true;
        cJSON_Delete(still);
    }
    return false;
}
