#include "sched_model_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "rf_config.h"

/* Spelled as the target config spells them (corpus/endpoints.h). */
static const char *const body_kinds[SCHED_BODY_COUNT] = {
    [SCHED_BODY_NONE] = "none",
    [SCHED_BODY_JSON] = "json",
    [SCHED_BODY_FRAMES] = "frames",
    [SCHED_BODY_RAW] = "raw",
};

static const char hex_digits[] = "0123456789abcdef";

/* ---- reading ---------------------------------------------------------------------------- */

struct reader {
    const char *origin;
    size_t line;
    char *err;
    size_t err_cap;
    struct sched_model *m;
    bool has_example; /* the last endpoint already got an X line */
};

__attribute__((format(printf, 2, 3))) static bool fail_at(struct reader *r, const char *fmt, ...) {
    if (r->err_cap == 0)
        return false;
    int n = snprintf(r->err, r->err_cap, "%s:%zu: ", r->origin, r->line);
    if (n < 0 || (size_t)n >= r->err_cap)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->err_cap - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static int hex_value(char c) {
    const char *p = c != '\0' ? strchr(hex_digits, c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c) : NULL;
    return p != NULL ? (int)(p - hex_digits) : -1;
}

static struct sched_endpoint *last_endpoint(struct reader *r, const char *what) {
    if (r->m->neps == 0) {
        fail_at(r, "%s before any E (endpoint) line", what);
        return NULL;
    }
    return &r->m->eps[r->m->neps - 1];
}

static bool read_endpoint(struct reader *r, char *rest) {
    char *kind = strchr(rest, ' '), *path = kind != NULL ? strchr(kind + 1, ' ') : NULL;
    if (path == NULL)
        return fail_at(r, "expected 'E <METHOD> <body-kind> <path>'");
    *kind++ = '\0';
    *path++ = '\0';
    enum schedule_method method;
    if (!schedule_method_parse(rest, &method))
        return fail_at(r, "unknown method \"%s\" (GET, POST, PUT, DELETE, PATCH, HEAD)", rest);
    int k = 0;
    while (k < SCHED_BODY_COUNT && strcmp(kind, body_kinds[k]) != 0)
        k++;
    if (k == SCHED_BODY_COUNT)
        return fail_at(r, "unknown body kind \"%s\" (none, json, frames, raw)", kind);
    if (path[0] != '/')
        return fail_at(r, "path must start with '/'");
    if (!sched_model_add_endpoint(r->m, method, path, "", (enum sched_body_kind)k, NULL))
        return fail_at(r, "out of memory");
    r->has_example = false;
    return true;
}

static bool read_header(struct reader *r, const char *line) {
    struct sched_endpoint *ep = last_endpoint(r, "header (H) line");
    const char *colon = strchr(line, ':');
    if (ep == NULL)
        return false;
    if (colon == NULL || colon == line)
        return fail_at(r, "expected 'H Name: value'");
    size_t old = strlen(ep->headers), n = strlen(line);
    char *h = realloc(ep->headers, old + n + 3);
    if (h == NULL)
        return fail_at(r, "out of memory");
    memcpy(h + old, line, n);
    memcpy(h + old + n, "\r\n", 3);
    ep->headers = h;
    return true;
}

static bool read_example(struct reader *r, const char *hex) {
    struct sched_endpoint *ep = last_endpoint(r, "example (X) line");
    if (ep == NULL)
        return false;
    if (r->has_example)
        return fail_at(r, "endpoint already has an example (one X line per E)");
    size_t n = strlen(hex);
    if (n % 2 != 0)
        return fail_at(r, "example is not hex: odd number of digits");
    char *ex = malloc(n / 2 + 1);
    if (ex == NULL)
        return fail_at(r, "out of memory");
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(ex);
            return fail_at(r, "example: %s at digit %zu",
                           hi < 0 || lo < 0 ? "not a hex digit" : "a NUL byte (00) in the example",
                           i + 1);
        }
        ex[i / 2] = (char)(hi << 4 | lo);
    }
    ex[n / 2] = '\0';
    free(ep->example);
    ep->example = ex;
    r->has_example = true;
    return true;
}

static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static bool read_param(struct reader *r, char *rest) {
    char *value = strchr(rest, ' ');
    if (value == NULL || value == rest)
        return fail_at(r, "expected 'P <name> <value>'");
    *value++ = '\0';
    for (const char *c = rest; *c != '\0'; c++)
        if (!name_char(*c))
            return fail_at(r, "param name \"%s\": only letters, digits, '_' and '-'", rest);
    if (!sched_model_add_value(r->m, rest, value, strlen(value)))
        return fail_at(r, "out of memory");
    return true;
}

/* One line, NUL-terminated in place, "\r" already dropped. */
static bool read_line(struct reader *r, char *line, size_t len) {
    if (strlen(line) != len)
        return fail_at(r, "NUL byte in the line");
    if (memchr(line, '\r', len) != NULL)
        return fail_at(r, "carriage return inside the line (only at its end, before LF)");
    if (r->line == 1)
        return strcmp(line, SCHED_MODEL_FILE_MAGIC) == 0 ||
               fail_at(r, "expected '%s' as the first line", SCHED_MODEL_FILE_MAGIC);
    if (len == 0 || line[0] == '#')
        return true;
    if (len < 2 || line[1] != ' ')
        return fail_at(r, "expected '<kind> <fields>' (kind E, H, X or P, then one space)");
    switch (line[0]) {
    case 'E':
        return read_endpoint(r, line + 2);
    case 'H':
        return read_header(r, line + 2);
    case 'X':
        return read_example(r, line + 2);
    case 'P':
        return read_param(r, line + 2);
    default:
        return fail_at(r, "unknown line kind '%c' (expected E, H, X or P)", line[0]);
    }
}

bool sched_model_file_parse(const char *text, size_t len, const char *origin,
                            struct sched_model *out, char *err, size_t err_cap) {
    struct reader r = {.origin = origin, .err = err, .err_cap = err_cap, .m = out};
    memset(out, 0, sizeof(*out));
    if (err_cap > 0)
        err[0] = '\0';
    char *buf = malloc(len + 1);
    if (buf == NULL) {
        r.line = 0;
        fail_at(&r, "out of memory");
        return false;
    }
    if (len > 0)
        memcpy(buf, text, len);
    buf[len] = '\0';
    bool ok = true;
    for (size_t start = 0; ok && start < len;) {
        char *nl = memchr(buf + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - buf) : len, n = end - start;
        if (n > 0 && buf[end - 1] == '\r')
            n--;
        buf[start + n] = '\0';
        r.line++;
        ok = read_line(&r, buf + start, n);
        start = end + 1;
    }
    if (ok && r.line == 0) {
        r.line = 1;
        ok = fail_at(&r, "empty file: expected '%s' as the first line", SCHED_MODEL_FILE_MAGIC);
    }
    free(buf);
    if (!ok)
        sched_model_free(out);
    return ok;
}

bool sched_model_file_read(const char *path, struct sched_model *out) {
    struct fileio_buf text;
    char err[512];
    memset(out, 0, sizeof(*out));
    if (!fileio_read(path, RF_MAX_FILE_SIZE, &text))
        return false;
    bool ok =
        sched_model_file_parse((const char *)text.data, text.size, path, out, err, sizeof(err));
    if (!ok)
        LOG_E("%s", err);
    fileio_buf_free(&text);
    return ok;
}

/* ---- writing ---------------------------------------------------------------------------- */

struct writer {
    char *buf;
    size_t len, cap;
    char *err;
    size_t err_cap;
};

__attribute__((format(printf, 2, 3))) static bool fail_w(struct writer *w, const char *fmt, ...) {
    if (w->err_cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->err, w->err_cap, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool put(struct writer *w, const char *s, size_t n) {
    if (w->cap - w->len <= n) {
        size_t cap = (w->cap + n) * 2 + 64;
        char *p = realloc(w->buf, cap);
        if (p == NULL)
            return fail_w(w, "out of memory");
        w->buf = p;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
    return true;
}

static bool puts_w(struct writer *w, const char *s) {
    return put(w, s, strlen(s));
}

static bool line_safe(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
            return false;
    return true;
}

/* Header lines one by one; the block must be "Name: value\r\n" lines. */
static bool write_headers(struct writer *w, const struct sched_endpoint *ep, size_t i) {
    const char *h = ep->headers != NULL ? ep->headers : "";
    while (*h != '\0') {
        const char *crlf = strstr(h, "\r\n");
        size_t n = crlf != NULL ? (size_t)(crlf - h) : strlen(h);
        const char *colon = memchr(h, ':', n);
        if (crlf == NULL || !line_safe(h, n) || colon == NULL || colon == h)
            return fail_w(w, "endpoint %zu (%s): headers are not 'Name: value\\r\\n' lines", i,
                          ep->path);
        if (!puts_w(w, "H ") || !put(w, h, n) || !puts_w(w, "\n"))
            return false;
        h = crlf + 2;
    }
    return true;
}

static bool write_example(struct writer *w, const struct sched_endpoint *ep) {
    if (ep->example == NULL)
        return true;
    if (!puts_w(w, "X "))
        return false;
    for (const unsigned char *p = (const unsigned char *)ep->example; *p != '\0'; p++) {
        char two[2] = {hex_digits[*p >> 4], hex_digits[*p & 15]};
        if (!put(w, two, 2))
            return false;
    }
    return puts_w(w, "\n");
}

static bool write_endpoint(struct writer *w, const struct sched_endpoint *ep, size_t i) {
    const char *method = schedule_method_name(ep->method);
    if (method == NULL || (unsigned)ep->body >= SCHED_BODY_COUNT)
        return fail_w(w, "endpoint %zu: method or body kind outside its enum", i);
    if (ep->path == NULL || ep->path[0] != '/' || !line_safe(ep->path, strlen(ep->path)))
        return fail_w(w, "endpoint %zu: path must start with '/' and hold no CR or LF", i);
    return puts_w(w, "E ") && puts_w(w, method) && puts_w(w, " ") &&
           puts_w(w, body_kinds[ep->body]) && puts_w(w, " ") && puts_w(w, ep->path) &&
           puts_w(w, "\n") && write_headers(w, ep, i) && write_example(w, ep);
}

static bool write_param(struct writer *w, const struct sched_values *p) {
    bool named = p->name[0] != '\0';
    for (const char *c = p->name; *c != '\0'; c++)
        named &= name_char(*c);
    if (!named)
        return fail_w(w, "param \"%s\": only letters, digits, '_' and '-' in a name", p->name);
    for (size_t k = 0; k < p->nvalues; k++) {
        if (!line_safe(p->values[k], strlen(p->values[k])))
            return fail_w(w, "param %s: value %zu holds CR or LF", p->name, k);
        if (!puts_w(w, "P ") || !puts_w(w, p->name) || !puts_w(w, " ") ||
            !puts_w(w, p->values[k]) || !puts_w(w, "\n"))
            return false;
    }
    return true;
}

bool sched_model_file_format(const struct sched_model *m, char **text, size_t *len, char *err,
                             size_t err_cap) {
    struct writer w = {.err = err, .err_cap = err_cap};
    bool ok = puts_w(&w, SCHED_MODEL_FILE_MAGIC "\n");
    for (size_t i = 0; ok && i < m->neps; i++)
        ok = write_endpoint(&w, &m->eps[i], i);
    for (size_t i = 0; ok && i < m->nparams; i++)
        ok = write_param(&w, &m->params[i]);
    if (!ok) {
        free(w.buf);
        return false;
    }
    *text = w.buf;
    *len = w.len;
    return true;
}

bool sched_model_file_write(const struct sched_model *m, const char *path) {
    char *text = NULL, err[512];
    size_t len = 0;
    if (!sched_model_file_format(m, &text, &len, err, sizeof(err))) {
        LOG_E("%s: %s", path, err);
        return false;
    }
    bool ok = fileio_write_atomic(path, text, len);
    free(text);
    return ok;
}
