/* A small HTTP/1.1 server for the HTTP driver's test and benchmark: loopback, port 0, a
 * thread per connection, keep-alive. It records, for every request, the instant its LAST
 * byte arrived (the kernel's receive timestamp of the segment that completed it, mapped
 * to CLOCK_MONOTONIC ns, so the server's own scheduling does not blur the figure) and the
 * connection it came on. Answers by path:
 *   /slow?ms=N    sleeps N ms, then 200 "slow"
 *   /status?code=N  status N, body "status N" (none for 1xx/204/304)
 *   /chunked      200, chunked body "hello chunked world" (with an extension and a trailer)
 *   /close        200 "bye" with Connection: close, then closes
 *   /eof          200, no length: the body runs until the server closes
 *   /never        never answers
 *   /echo         200, the request body
 *   anything else 200 "ok\n"
 * A HEAD gets the GET's headers and no body. */
#ifndef RF_HTTP_TEST_SERVER_H
#define RF_HTTP_TEST_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct hts_arrival {
    uint64_t ns;   /* CLOCK_MONOTONIC: the request's last byte arrived */
    unsigned conn; /* connection number, from 1 in accept order */
    char method[8];
    char target[64]; /* request target, truncated */
};

struct hts;

/* NULL on failure (printed to stderr). */
struct hts *hts_start(void);

unsigned short hts_port(const struct hts *s);

/* Copies up to cap recorded arrivals in arrival order; returns how many were copied. */
size_t hts_arrivals(struct hts *s, struct hts_arrival *out, size_t cap);

/* Forgets the recorded arrivals. */
void hts_clear(struct hts *s);

/* Connections accepted so far. */
unsigned hts_connections(struct hts *s);

/* Stops listening, resets every open connection (RST, as a killed process would), joins
 * every thread and frees the server. */
void hts_stop(struct hts *s);

#endif
