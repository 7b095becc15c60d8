/* The output oracle of http mode: finds the reports a live service writes when something
 * goes wrong inside it (the Go race detector, a panic, a runtime fatal error, a sanitizer
 * of a C part) in a chunk of its output, and cuts out the report.
 *
 * The harness runs it on http_supervisor_output_since(mark) after each schedule. It only recognises
 * and cuts: signatures and deduplication are crashes/signature.h's job, on the excerpt. */
#ifndef RF_SVC_ORACLE_H
#define RF_SVC_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest excerpt kept, in bytes and in lines. A Go race report is about 70 lines and
 * 6 KiB; a panic's first goroutine a few dozen lines. Longer reports are cut: their head
 * (the kind, the top frames) is what signatures and people read. */
#define SVCO_EXCERPT_MAX 8192u
#define SVCO_MAX_LINES 160u

enum http_oracle_kind {
    SVCO_NONE = 0,
    SVCO_GO_RACE,       /* "WARNING: DATA RACE" */
    SVCO_GO_PANIC,      /* "panic: ...", or a bare "goroutine N [running]:" dump */
    SVCO_GO_HTTP_PANIC, /* "http: panic serving ADDR: ...": net/http recovered it */
    SVCO_GO_FATAL,      /* "fatal error: ..." (concurrent map writes, deadlock...) */
    SVCO_ASAN,          /* "ERROR: AddressSanitizer:" or LeakSanitizer */
    SVCO_TSAN,          /* "WARNING: ThreadSanitizer:" */
    SVCO_UBSAN,         /* "FILE:LINE:COL: runtime error: ..." */
    SVCO_KIND_COUNT
};

struct http_oracle_finding {
    enum http_oracle_kind kind;
    size_t offset;                  /* of the excerpt in the text scanned */
    size_t len;                     /* of the report in the text: scan on from offset + len */
    char excerpt[SVCO_EXCERPT_MAX]; /* the report, cut at the limits; NUL-terminated */
};

/* Finds the first report in text[0..len) (any bytes; need not be NUL-terminated). False,
 * with out->kind SVCO_NONE, when there is none. Reentrant; allocates nothing. */
bool http_oracle_scan(const char *text, size_t len, struct http_oracle_finding *out);

/* "go-data-race", "go-panic", "go-http-panic", "go-fatal", "asan", "tsan", "ubsan"; "none". */
const char *http_oracle_kind_name(enum http_oracle_kind k);

#endif
