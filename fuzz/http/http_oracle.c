/* The output oracle of http mode (see http_oracle.h). Line-based: every report kind starts
 * with a line of its own, recognised by its head, and ends by a rule of its kind (a
 * closing "=====" line, a SUMMARY line, or the end of a Go stack). */
#define _GNU_SOURCE
#include "http_oracle.h"

#include <string.h>

/* One line of the text: [start, end) without its newline; next is where the next starts. */
struct line {
    size_t start, end, next;
};

static bool line_at(const char *t, size_t len, size_t pos, struct line *l) {
    if (pos >= len)
        return false;
    const char *nl = memchr(t + pos, '\n', len - pos);
    l->start = pos;
    l->end = nl ? (size_t)(nl - t) : len;
    l->next = nl ? l->end + 1 : len;
    if (l->end > l->start && t[l->end - 1] == '\r')
        l->end--;
    return true;
}

static size_t line_len(const struct line *l) {
    return l->end - l->start;
}

static bool starts(const char *t, const struct line *l, const char *prefix) {
    size_t n = strlen(prefix);
    return line_len(l) >= n && memcmp(t + l->start, prefix, n) == 0;
}

/* Where needle starts inside the line, or NULL. */
static const char *find_in(const char *t, const struct line *l, const char *needle) {
    return memmem(t + l->start, line_len(l), needle, strlen(needle));
}

static bool blank(const struct line *l) {
    return line_len(l) == 0;
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* ---- heads ------------------------------------------------------------------------------ */

/* "goroutine 7 [running]:" (any state when any_state). */
static bool goroutine_head(const char *t, const struct line *l, bool any_state) {
    if (!starts(t, l, "goroutine "))
        return false;
    size_t i = l->start + strlen("goroutine ");
    if (i >= l->end || !is_digit(t[i]))
        return false;
    while (i < l->end && is_digit(t[i]))
        i++;
    if (i + 2 > l->end || t[i] != ' ' || t[i + 1] != '[' || t[l->end - 1] != ':')
        return false;
    return any_state || find_in(t, l, " [running]") != NULL;
}

/* "file.c:12:34: runtime error: ...": the location before the message is what tells
 * UBSan's line from a Go panic message quoting a runtime error. */
static bool ubsan_head(const char *t, const struct line *l) {
    const char *m = find_in(t, l, ": runtime error: ");
    if (m == NULL)
        return false;
    const char *p = m, *begin = t + l->start;
    for (int field = 0; field < 2; field++) {
        const char *digits_end = p;
        while (p > begin && is_digit(p[-1]))
            p--;
        if (p == digits_end || p == begin || p[-1] != ':')
            return false;
        p--;
    }
    return p > begin;
}

static enum http_oracle_kind head_kind(const char *t, const struct line *l) {
    if (starts(t, l, "WARNING: DATA RACE"))
        return SVCO_GO_RACE;
    if (starts(t, l, "WARNING: ThreadSanitizer:"))
        return SVCO_TSAN;
    if (find_in(t, l, "ERROR: AddressSanitizer:") || find_in(t, l, "ERROR: LeakSanitizer:"))
        return SVCO_ASAN;
    if (find_in(t, l, "http: panic serving "))
        return SVCO_GO_HTTP_PANIC;
    if (starts(t, l, "panic: "))
        return SVCO_GO_PANIC;
    if (starts(t, l, "fatal error: "))
        return SVCO_GO_FATAL;
    if (goroutine_head(t, l, false))
        return SVCO_GO_PANIC;
    if (ubsan_head(t, l))
        return SVCO_UBSAN;
    return SVCO_NONE;
}

/* ---- ends: each returns the offset just past the report, head line at h --------------- */

/* Through the first line starting with prefix after the head; the rest of the text when
 * none comes (a report still being written). */
static size_t end_through(const char *t, size_t len, const struct line *h, const char *prefix) {
    struct line l;
    for (size_t pos = h->next; line_at(t, len, pos, &l); pos = l.next)
        if (starts(t, &l, prefix))
            return l.next;
    return len;
}

/* A Go stack block starting at pos ("goroutine N [...]:" or "runtime stack:", then
 * function lines each followed by a tab-indented location). Ends before a blank line, or
 * before a line that is neither indented nor followed by an indented one (the next log
 * line of a service that kept running, `exit status 2` of go run). */
static size_t go_stack_end(const char *t, size_t len, size_t pos) {
    struct line l, n;
    for (; line_at(t, len, pos, &l); pos = l.next) {
        if (blank(&l))
            return l.start;
        if (t[l.start] == '\t' || goroutine_head(t, &l, true) || starts(t, &l, "runtime stack:") ||
            starts(t, &l, "...additional frames elided..."))
            continue;
        if (!line_at(t, len, l.next, &n) || t[n.start] != '\t')
            return l.start;
    }
    return len;
}

static size_t skip_blank(const char *t, size_t len, size_t pos) {
    struct line l;
    while (line_at(t, len, pos, &l) && blank(&l))
        pos = l.next;
    return pos;
}

/* "panic: X" / "fatal error: X": continuation lines (nested panics, "[signal ...]"), a
 * blank line, then the crashing goroutine (after "runtime stack:" when the runtime itself
 * failed). Without a stack, just the head and its continuation. */
static size_t go_crash_end(const char *t, size_t len, const struct line *h) {
    struct line l;
    size_t pos = h->next;
    while (line_at(t, len, pos, &l) && !blank(&l) &&
           (t[l.start] == '\t' || starts(t, &l, "[signal ") || starts(t, &l, "panic: ")))
        pos = l.next;
    size_t head_end = pos;
    for (int block = 0; block < 2; block++) {
        size_t at = skip_blank(t, len, pos);
        if (!line_at(t, len, at, &l) ||
            !(goroutine_head(t, &l, true) || starts(t, &l, "runtime stack:")))
            break;
        bool runtime_stack = starts(t, &l, "runtime stack:");
        pos = go_stack_end(t, len, at);
        if (!runtime_stack)
            break;
    }
    return pos > head_end ? pos : head_end;
}

/* UBSan: the message, its "#N" frames, and the SUMMARY line after a blank one. */
static size_t ubsan_end(const char *t, size_t len, const struct line *h) {
    struct line l;
    size_t pos = h->next;
    while (line_at(t, len, pos, &l)) {
        size_t i = l.start;
        while (i < l.end && t[i] == ' ')
            i++;
        if (i == l.start || i >= l.end || t[i] != '#')
            break;
        pos = l.next;
    }
    size_t at = skip_blank(t, len, pos);
    if (line_at(t, len, at, &l) && starts(t, &l, "SUMMARY: UndefinedBehaviorSanitizer"))
        return l.next;
    return pos;
}

static size_t report_end(enum http_oracle_kind k, const char *t, size_t len, const struct line *h) {
    switch (k) {
    case SVCO_GO_RACE:
    case SVCO_TSAN:
        return end_through(t, len, h, "==================");
    case SVCO_ASAN:
        return find_in(t, h, "LeakSanitizer") ? end_through(t, len, h, "SUMMARY: ")
                                              : end_through(t, len, h, "SUMMARY: AddressSanitizer");
    case SVCO_GO_HTTP_PANIC:
    case SVCO_GO_PANIC:
        if (goroutine_head(t, h, false))
            return go_stack_end(t, len, h->start);
        return k == SVCO_GO_HTTP_PANIC ? go_stack_end(t, len, h->next) : go_crash_end(t, len, h);
    case SVCO_GO_FATAL:
        return go_crash_end(t, len, h);
    case SVCO_UBSAN:
        return ubsan_end(t, len, h);
    default:
        return h->next;
    }
}

/* Races and sanitizer reports open with a "=====" rule on the line before: keep it, so
 * the excerpt reads as the service printed it. */
static size_t report_start(enum http_oracle_kind k, const char *t, size_t prev_start,
                           const struct line *h) {
    if (k != SVCO_GO_RACE && k != SVCO_TSAN && k != SVCO_ASAN)
        return h->start;
    if (prev_start >= h->start)
        return h->start;
    struct line p;
    if (line_at(t, h->start, prev_start, &p) && line_len(&p) >= 10 && t[p.start] == '=' &&
        t[p.end - 1] == '=')
        return p.start;
    return h->start;
}

/* ---- excerpt ---------------------------------------------------------------------------- */

static void cut_excerpt(const char *t, size_t from, size_t to, char *dst) {
    size_t n = 0, lines = 0;
    for (size_t i = from; i < to && n < SVCO_EXCERPT_MAX - 1; i++) {
        char c = t[i];
        dst[n++] = c == '\0' ? ' ' : c;
        if (c == '\n' && ++lines == SVCO_MAX_LINES)
            break;
    }
    dst[n] = '\0';
}

bool http_oracle_scan(const char *text, size_t len, struct http_oracle_finding *out) {
    out->kind = SVCO_NONE;
    out->offset = out->len = 0;
    out->excerpt[0] = '\0';
    struct line l;
    size_t prev = len;
    for (size_t pos = 0; line_at(text, len, pos, &l); prev = l.start, pos = l.next) {
        enum http_oracle_kind k = head_kind(text, &l);
        if (k == SVCO_NONE)
            continue;
        size_t from = report_start(k, text, prev, &l), to = report_end(k, text, len, &l);
        out->kind = k;
        out->offset = from;
        out->len = to - from;
        cut_excerpt(text, from, to, out->excerpt);
        return true;
    }
    return false;
}

const char *http_oracle_kind_name(enum http_oracle_kind k) {
    static const char *const names[SVCO_KIND_COUNT] = {
        [SVCO_NONE] = "none",         [SVCO_GO_RACE] = "go-data-race",
        [SVCO_GO_PANIC] = "go-panic", [SVCO_GO_HTTP_PANIC] = "go-http-panic",
        [SVCO_GO_FATAL] = "go-fatal", [SVCO_ASAN] = "asan",
        [SVCO_TSAN] = "tsan",         [SVCO_UBSAN] = "ubsan",
    };
    return (unsigned)k < SVCO_KIND_COUNT ? names[k] : "none";
}
