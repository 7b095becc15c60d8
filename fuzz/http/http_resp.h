/* Incremental HTTP/1.1 response parser for the HTTP driver: status line, headers,
 * Content-Length, chunked transfer coding, bodies read until close, and the responses that
 * carry no body (to HEAD, 1xx, 204, 304). The body is not stored: it is counted, digested
 * (64-bit FNV-1a) and its first RF_HTTP_BODY_PREFIX bytes kept. One struct per connection;
 * feed it whatever recv() returned. Interim 1xx responses (other than 101) are skipped. */
#ifndef RF_HTTP_RESP_H
#define RF_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rf_config.h"

enum http_resp_rc {
    HRESP_MORE,  /* needs more bytes */
    HRESP_DONE,  /* a whole response was parsed */
    HRESP_ERROR, /* malformed (or a header block above RF_HTTP_MAX_HEAD) */
};

enum http_resp_body { HRESP_BODY_NONE, HRESP_BODY_LENGTH, HRESP_BODY_CHUNKED, HRESP_BODY_EOF };

enum http_resp_chunk { CH_SIZE, CH_EXT, CH_DATA, CH_DATA_END, CH_TRAILER };

struct http_resp {
    /* Results, valid after HRESP_DONE. */
    int status;
    bool close;        /* the connection cannot carry another request */
    uint64_t body_len; /* body bytes after transfer decoding */
    uint64_t bytes;    /* wire bytes of the response, head included */
    uint64_t digest;   /* FNV-1a 64 of the decoded body */
    uint8_t prefix[RF_HTTP_BODY_PREFIX];
    size_t prefix_len;

    /* Parser state. */
    bool head_request, in_body, got_any;
    enum http_resp_body body;
    uint64_t remaining; /* LENGTH: body bytes left; CHUNKED: bytes left in the chunk */
    enum http_resp_chunk chunk;
    unsigned line_len; /* CH_TRAILER: bytes in the current trailer line */
    unsigned size_digits;
    size_t head_used;
    uint8_t head[RF_HTTP_MAX_HEAD];
};

/* Prepares for the response to one request; head_request: it was a HEAD (no body). */
void http_resp_init(struct http_resp *r, bool head_request);

/* Consumes bytes from buf. *used is how many were consumed: all of them on HRESP_MORE,
 * up to the end of the response on HRESP_DONE (the rest belongs to nothing: we never
 * pipeline, so the caller closes the connection). */
enum http_resp_rc http_resp_feed(struct http_resp *r, const uint8_t *buf, size_t len, size_t *used);

/* The peer closed the connection: completes a body read until close (HRESP_DONE);
 * anything else unfinished is HRESP_ERROR. */
enum http_resp_rc http_resp_eof(struct http_resp *r);

/* True once any byte of a response arrived (a connection that closes before that, after
 * carrying an earlier request, was closed while idle and the request may be retried). */
static inline bool http_resp_started(const struct http_resp *r) {
    return r->got_any;
}

#endif
