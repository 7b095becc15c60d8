/* Incremental HTTP/1.1 response parser (see http_resp.h). Lenient where servers differ
 * harmlessly (bare LF line ends, any reason phrase), strict where a wrong guess would
 * desynchronise the connection (conflicting or malformed lengths are errors). */
#include "http_resp.h"

#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

void http_resp_init(struct http_resp *r, bool head_request) {
    r->status = 0;
    r->close = false;
    r->body_len = r->bytes = 0;
    r->digest = FNV_OFFSET;
    r->prefix_len = 0;
    r->head_request = head_request;
    r->in_body = r->got_any = false;
    r->body = HRESP_BODY_NONE;
    r->remaining = 0;
    r->chunk = CH_SIZE;
    r->line_len = r->size_digits = 0;
    r->head_used = 0;
}

static void body_bytes(struct http_resp *r, const uint8_t *p, size_t n) {
    uint64_t h = r->digest;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    r->digest = h;
    size_t keep = sizeof(r->prefix) - r->prefix_len;
    if (keep > n)
        keep = n;
    memcpy(r->prefix + r->prefix_len, p, keep);
    r->prefix_len += keep;
    r->body_len += n;
}

/* End of the header block: index just past "\n\r\n" or "\n\n", or 0 if not there yet.
 * Searching from `from` (a few bytes before the new data) keeps the scan linear. */
static size_t head_end(const uint8_t *h, size_t from, size_t n) {
    for (size_t i = from; i < n; i++) {
        if (h[i] != '\n')
            continue;
        if (i + 1 < n && h[i + 1] == '\n')
            return i + 2;
        if (i + 2 < n && h[i + 1] == '\r' && h[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static bool ieq(const uint8_t *a, size_t n, const char *b) {
    size_t m = strlen(b);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        if (c != (uint8_t)b[i])
            return false;
    }
    return true;
}

/* True when a comma-separated header value holds `token` (case-insensitive). */
static bool has_token(const uint8_t *v, size_t n, const char *token) {
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (ieq(v + s, e - s, token))
            return true;
    }
    return false;
}

static bool parse_length(const uint8_t *v, size_t n, uint64_t *out) {
    uint64_t x = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10)
            return false;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return true;
}

struct head_info {
    bool http10, has_length, chunked, close, keep_alive;
    uint64_t length;
};

/* One "Name: value" line; false on a malformed or conflicting framing header. */
static bool header_line(const uint8_t *l, size_t n, struct head_info *hi) {
    const uint8_t *colon = memchr(l, ':', n);
    if (!colon)
        return true; /* not a header we interpret; harmless */
    size_t nl = (size_t)(colon - l), vs = nl + 1;
    while (vs < n && (l[vs] == ' ' || l[vs] == '\t'))
        vs++;
    size_t ve = n;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    const uint8_t *v = l + vs;
    size_t vn = ve - vs;
    if (ieq(l, nl, "content-length")) {
        uint64_t len;
        if (!parse_length(v, vn, &len) || (hi->has_length && len != hi->length))
            return false;
        hi->has_length = true;
        hi->length = len;
    } else if (ieq(l, nl, "transfer-encoding")) {
        hi->chunked = has_token(v, vn, "chunked");
    } else if (ieq(l, nl, "connection")) {
        hi->close |= has_token(v, vn, "close");
        hi->keep_alive |= has_token(v, vn, "keep-alive");
    }
    return true;
}

/* "HTTP/1.x NNN ..." */
static bool status_line(const uint8_t *l, size_t n, int *status, bool *http10) {
    if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[8] != ' ')
        return false;
    *http10 = l[7] == '0';
    int s = 0;
    for (int i = 9; i < 12; i++) {
        if (l[i] < '0' || l[i] > '9')
            return false;
        s = s * 10 + (l[i] - '0');
    }
    if (n > 12 && l[12] != ' ' && l[12] != '\r')
        return false;
    *status = s;
    return s >= 100;
}

/* Parses the complete header block in r->head[0, end) and picks the body framing. */
static bool parse_head(struct http_resp *r, size_t end) {
    struct head_info hi = {0};
    size_t i = 0;
    bool first = true;
    while (i < end) {
        const uint8_t *nlp = memchr(r->head + i, '\n', end - i);
        size_t e = (size_t)(nlp - r->head), le = e;
        if (le > i && r->head[le - 1] == '\r')
            le--;
        if (first) {
            if (!status_line(r->head + i, le - i, &r->status, &hi.http10))
                return false;
            first = false;
        } else if (le > i && !header_line(r->head + i, le - i, &hi)) {
            return false;
        }
        i = e + 1;
    }
    r->close = hi.close || (hi.http10 && !hi.keep_alive);
    if (r->head_request || r->status < 200 || r->status == 204 || r->status == 304)
        r->body = HRESP_BODY_NONE;
    else if (hi.chunked)
        r->body = HRESP_BODY_CHUNKED;
    else if (hi.has_length)
        r->body = HRESP_BODY_LENGTH, r->remaining = hi.length;
    else
        r->body = HRESP_BODY_EOF, r->close = true;
    return true;
}

/* Collects header bytes; on the end of the block parses it and returns how many of the
 * given bytes belonged to it via *used. HRESP_MORE while the block is incomplete. */
static enum http_resp_rc feed_head(struct http_resp *r, const uint8_t *buf, size_t len,
                                   size_t *used) {
    size_t room = sizeof(r->head) - r->head_used, n = len < room ? len : room;
    size_t from = r->head_used >= 2 ? r->head_used - 2 : 0;
    memcpy(r->head + r->head_used, buf, n);
    r->head_used += n;
    size_t end = head_end(r->head, from, r->head_used);
    if (end == 0) {
        *used = n;
        return r->head_used == sizeof(r->head) ? HRESP_ERROR : HRESP_MORE;
    }
    *used = n - (r->head_used - end);
    if (!parse_head(r, end))
        return HRESP_ERROR;
    r->head_used = 0;
    if (r->status >= 100 && r->status < 200 && r->status != 101)
        return HRESP_MORE; /* interim response: the real one follows */
    r->in_body = true;
    if (r->status == 101)
        r->close = true; /* switched protocols: the connection is no longer HTTP/1.1 */
    return r->body == HRESP_BODY_NONE ? HRESP_DONE : HRESP_MORE;
}

static bool hex_digit(uint8_t c, unsigned *v) {
    if (c >= '0' && c <= '9')
        *v = c - '0';
    else if (c >= 'a' && c <= 'f')
        *v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        *v = c - 'A' + 10;
    else
        return false;
    return true;
}

/* One framing byte of the chunked coding (outside chunk data). */
static enum http_resp_rc chunk_byte(struct http_resp *r, uint8_t c) {
    unsigned v;
    switch (r->chunk) {
    case CH_SIZE:
        if (hex_digit(c, &v)) {
            if (++r->size_digits > 15)
                return HRESP_ERROR;
            r->remaining = r->remaining * 16 + v;
            return HRESP_MORE;
        }
        if (r->size_digits == 0)
            return HRESP_ERROR;
        r->chunk = CH_EXT;
        /* fall through: this byte ends the size (';', ' ', CR or LF) */
    case CH_EXT:
        if (c != '\n')
            return HRESP_MORE;
        r->size_digits = 0;
        r->chunk = r->remaining ? CH_DATA : CH_TRAILER;
        r->line_len = 0;
        return HRESP_MORE;
    case CH_DATA_END:
        if (c == '\n')
            r->chunk = CH_SIZE;
        else if (c != '\r')
            return HRESP_ERROR;
        return HRESP_MORE;
    case CH_TRAILER:
        if (c == '\n') {
            if (r->line_len == 0)
                return HRESP_DONE;
            r->line_len = 0;
        } else if (c != '\r') {
            r->line_len++;
        }
        return HRESP_MORE;
    case CH_DATA:
        break;
    }
    return HRESP_ERROR;
}

static enum http_resp_rc feed_chunked(struct http_resp *r, const uint8_t *buf, size_t len,
                                      size_t *used) {
    size_t i = 0;
    while (i < len) {
        if (r->chunk == CH_DATA) {
            size_t n = len - i;
            if (n > r->remaining)
                n = (size_t)r->remaining;
            body_bytes(r, buf + i, n);
            i += n;
            r->remaining -= n;
            if (r->remaining == 0)
                r->chunk = CH_DATA_END;
            continue;
        }
        enum http_resp_rc rc = chunk_byte(r, buf[i++]);
        if (rc != HRESP_MORE) {
            *used = i;
            return rc;
        }
    }
    *used = len;
    return HRESP_MORE;
}

static enum http_resp_rc feed_body(struct http_resp *r, const uint8_t *buf, size_t len,
                                   size_t *used) {
    if (r->body == HRESP_BODY_CHUNKED)
        return feed_chunked(r, buf, len, used);
    size_t n = len;
    if (r->body == HRESP_BODY_LENGTH && n > r->remaining)
        n = (size_t)r->remaining;
    body_bytes(r, buf, n);
    *used = n;
    if (r->body == HRESP_BODY_LENGTH) {
        r->remaining -= n;
        return r->remaining == 0 ? HRESP_DONE : HRESP_MORE;
    }
    return HRESP_MORE;
}

enum http_resp_rc http_resp_feed(struct http_resp *r, const uint8_t *buf, size_t len,
                                 size_t *used) {
    size_t off = 0;
    enum http_resp_rc rc = HRESP_MORE;
    if (len > 0)
        r->got_any = true;
    /* A Content-Length of 0 completes at the end of the head, before any body byte. */
    while (rc == HRESP_MORE &&
           (off < len || (r->in_body && r->body == HRESP_BODY_LENGTH && r->remaining == 0))) {
        size_t n = 0;
        if (!r->in_body)
            rc = feed_head(r, buf + off, len - off, &n);
        else if (r->body == HRESP_BODY_LENGTH && r->remaining == 0)
            rc = HRESP_DONE;
        else
            rc = feed_body(r, buf + off, len - off, &n);
        off += n;
    }
    r->bytes += off;
    *used = off;
    return rc;
}

enum http_resp_rc http_resp_eof(struct http_resp *r) {
    if (r->in_body && r->body == HRESP_BODY_EOF) {
        r->close = true;
        return HRESP_DONE;
    }
    return HRESP_ERROR;
}
