#include "sched_model.h"

#include <stdlib.h>
#include <string.h>

static char *dup_bytes(const char *s, size_t len) {
    char *p = malloc(len + 1);
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

const struct sched_values *sched_model_param(const struct sched_model *m, const char *name) {
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0)
            return &m->params[i];
    return NULL;
}

static struct sched_values *add_param(struct sched_model *m, const char *name) {
    struct sched_values *p = (struct sched_values *)sched_model_param(m, name);
    if (p != NULL)
        return p;
    p = realloc(m->params, (m->nparams + 1) * sizeof(*p));
    if (p == NULL)
        return NULL;
    m->params = p;
    p = &m->params[m->nparams];
    memset(p, 0, sizeof(*p));
    if ((p->name = dup_bytes(name, strlen(name))) == NULL)
        return NULL;
    m->nparams++;
    return p;
}

static bool has_value(const struct sched_values *p, const char *val, size_t len) {
    for (size_t i = 0; i < p->nvalues; i++)
        if (strlen(p->values[i]) == len && memcmp(p->values[i], val, len) == 0)
            return true;
    return false;
}

/* A value holding a NUL byte is stored whole but read up to the NUL by every consumer
 * (values are C strings); the duplicate check compares what consumers see. */
bool sched_model_add_value(struct sched_model *m, const char *name, const char *val, size_t len) {
    const char *nul = len > 0 ? memchr(val, '\0', len) : NULL;
    size_t seen = nul != NULL ? (size_t)(nul - val) : len;
    struct sched_values *p = add_param(m, name);
    if (p == NULL)
        return false;
    if (p->nvalues >= SCHED_MODEL_MAX_VALUES || has_value(p, val, seen))
        return true;
    if (p->nvalues == p->cap) {
        size_t cap = p->cap == 0 ? 8 : p->cap * 2;
        char **v = realloc(p->values, cap * sizeof(*v));
        if (v == NULL)
            return false;
        p->values = v;
        p->cap = cap;
    }
    if ((p->values[p->nvalues] = dup_bytes(val, seen)) == NULL)
        return false;
    p->nvalues++;
    return true;
}

bool sched_model_add_endpoint(struct sched_model *m, enum schedule_method method, const char *path,
                              const char *headers, enum sched_body_kind body, const char *example) {
    struct sched_endpoint ep = {.method = method, .body = body};
    ep.path = dup_bytes(path, strlen(path));
    ep.headers = dup_bytes(headers != NULL ? headers : "", headers != NULL ? strlen(headers) : 0);
    if (example != NULL)
        ep.example = dup_bytes(example, strlen(example));
    struct sched_endpoint *eps = NULL;
    bool ok = false;
    if (ep.path == NULL || ep.headers == NULL || (example != NULL && ep.example == NULL))
        goto out;
    if ((eps = realloc(m->eps, (m->neps + 1) * sizeof(*eps))) == NULL)
        goto out;
    m->eps = eps;
    m->eps[m->neps++] = ep; /* its strings are m's now */
    ok = true;
out:
    if (!ok) {
        free(ep.path);
        free(ep.headers);
        free(ep.example);
    }
    return ok;
}

/* Length of the part before the query. */
static size_t path_part(const uint8_t *p, size_t len) {
    const uint8_t *q = len > 0 ? memchr(p, '?', len) : NULL;
    return q != NULL ? (size_t)(q - p) : len;
}

bool sched_template_match(const char *tmpl, const uint8_t *path, size_t len,
                          struct sched_segment *seg, size_t cap, size_t *nseg) {
    size_t tn = path_part((const uint8_t *)tmpl, strlen(tmpl)), pn = path_part(path, len);
    size_t t = 0, p = 0, k = 0;
    while (t < tn) {
        if (tmpl[t] == '{') {
            const char *close = memchr(tmpl + t, '}', tn - t);
            if (close == NULL)
                return false;
            size_t start = p;
            while (p < pn && path[p] != '/')
                p++;
            if (p == start)
                return false;
            if (k < cap)
                seg[k] = (struct sched_segment){.off = start,
                                                .len = p - start,
                                                .name = tmpl + t + 1,
                                                .name_len = (size_t)(close - tmpl) - t - 1};
            k++;
            t = (size_t)(close - tmpl) + 1;
            continue;
        }
        if (p >= pn || path[p] != (uint8_t)tmpl[t])
            return false;
        t++;
        p++;
    }
    if (nseg != NULL)
        *nseg = k;
    return p == pn;
}

const struct sched_endpoint *sched_model_match(const struct sched_model *m,
                                               enum schedule_method method, const uint8_t *path,
                                               size_t len) {
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < m->neps; i++)
        if (m->eps[i].method == method &&
            sched_template_match(m->eps[i].path, path, len, NULL, 0, NULL))
            return &m->eps[i];
    return NULL;
}

void sched_model_free(struct sched_model *m) {
    for (size_t i = 0; i < m->neps; i++) {
        free(m->eps[i].path);
        free(m->eps[i].headers);
        free(m->eps[i].example);
    }
    for (size_t i = 0; i < m->nparams; i++) {
        for (size_t k = 0; k < m->params[i].nvalues; k++)
            free(m->params[i].values[k]);
        free(m->params[i].values);
        free(m->params[i].name);
    }
    free(m->eps);
    free(m->params);
    memset(m, 0, sizeof(*m));
}
