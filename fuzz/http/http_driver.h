/* The HTTP driver of http mode: runs one parsed schedule (schedule.h) against a live
 * service on loopback, lanes as concurrent keep-alive HTTP/1.1 connections in one thread,
 * barrier groups released with last-byte synchronisation, and returns what every step got.
 *
 * Design. Connections are opened by libcurl's multi interface (one easy handle with
 * CURLOPT_CONNECT_ONLY per lane, driven through CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION
 * inside our own ppoll loop), and requests are written with curl_easy_send and read with
 * curl_easy_recv into a small HTTP/1.1 response parser (http_resp.h). We do not let
 * libcurl run the HTTP transfers itself because last-byte sync needs every member request
 * of a group sent except its final byte, and libcurl cannot hold back the last byte of a
 * header block: a read callback paused with CURL_READFUNC_PAUSE withholds body bytes only,
 * so a GET (no body) would go out whole, and even a paused body leaves the header/body
 * split to libcurl. Writing the bytes ourselves makes the held byte the last byte of the
 * request for every method, body or not. Each lane has its own multi handle: libcurl
 * prunes idle-looking cached connections when another one is opened (too old, or with
 * unread input), and a CONNECT_ONLY connection between two of our requests looks idle to
 * it; one cache per lane means a lane's reconnect can only touch its own, already closed,
 * connection. (It also gives closing a meaning: libcurl 7.88 keeps a removed CONNECT_ONLY
 * handle's connection open in the cache until the multi handle is cleaned up, so a lane
 * closes its connection by replacing its multi handle.)
 *
 * Semantics (DESIGN.md, go mode's runner): steps of a lane run in order on its connection;
 * lanes run concurrently; delay_us (capped, plus jitter with the schedule's jitter flag)
 * is waited before sending an unbarriered step and after the release of a barriered one;
 * the barrier plan is http_plan.h's; repeat runs the whole schedule again (0 = 1, capped),
 * every lane finishing run r before any lane starts run r+1. A connection the server
 * closed is reopened transparently: checked before a step that starts a run or joins a
 * gate, and a request that met a closed reused connection before any response byte is
 * resent once on a fresh one. A step unanswered past the deadline is a hang: its lane
 * stops (its later steps are skipped and leave their gates), and later runs are skipped.
 *
 * Not thread-safe: one driver per thread. Connections stay open between http_driver_run calls. */
#ifndef RF_HTTP_DRIVER_H
#define RF_HTTP_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rf_config.h"
#include "schedule.h"

enum http_driver_err {
    HDRV_OK = 0,
    HDRV_ERR_SKIPPED,  /* not run: its lane stopped after a hang, or a later run was dropped */
    HDRV_ERR_CONNECT,  /* could not connect (refused, timed out) */
    HDRV_ERR_SEND,     /* the connection failed while sending */
    HDRV_ERR_RECV,     /* the connection failed (reset) while receiving */
    HDRV_ERR_CLOSED,   /* the server closed the connection before a complete response */
    HDRV_ERR_PROTOCOL, /* the response is not valid HTTP/1.x */
    HDRV_ERR_HANG,     /* no complete response within the step deadline */
    HDRV_ERR_COUNT
};

struct http_driver_result {
    int status; /* HTTP status; 0 whenever err != HDRV_OK */
    enum http_driver_err err;
    uint64_t resp_bytes; /* response bytes on the wire, head included */
    uint64_t body_len;   /* body bytes after transfer decoding */
    uint64_t digest;     /* FNV-1a 64 of the decoded body */
    uint64_t sent_ns;    /* CLOCK_MONOTONIC: the request's final byte was handed to the kernel */
    uint64_t done_ns;    /* CLOCK_MONOTONIC: response complete, or the failure seen */
    uint16_t prefix_len;
    uint8_t prefix[RF_HTTP_BODY_PREFIX]; /* the body's first bytes (error text, ids) */
};

struct http_driver_outcome {
    /* runs * nsteps results, index run * nsteps + step. Owned by the driver, valid until
     * the next http_driver_run or http_driver_free. */
    const struct http_driver_result *results;
    unsigned runs;
    size_t nsteps;
    unsigned hangs, errors; /* steps with HDRV_ERR_HANG; steps with any other error */
};

struct http_driver_opts {
    const char *addr;          /* "127.0.0.1:8080", "[::1]:8080", "localhost:8080"; copied */
    bool allow_non_loopback;   /* see http_addr.h; the target config's service.allow_non_loopback */
    unsigned step_deadline_ms; /* RF_HTTP_STEP_DEADLINE_MS by default */
    unsigned connect_timeout_ms; /* RF_HTTP_CONNECT_TIMEOUT_MS by default */
    unsigned max_delay_us;       /* RF_HTTP_MAX_DELAY_US by default */
};

struct http_driver_stats {
    uint64_t schedules, requests; /* http_driver_run calls; requests completed with a response */
    uint64_t connects, retries;   /* connections opened; requests resent on a fresh one */
};

struct http_driver;

/* Defaults (rf_config.h) with addr NULL. */
void http_driver_default_opts(struct http_driver_opts *o);

/* Checks and resolves the address (http_addr.h) once: connections go to the numeric
 * address that passed. NULL on failure, with the reason logged (LOG_E). No connection is
 * opened before the first http_driver_run. */
struct http_driver *http_driver_new(const struct http_driver_opts *o);

/* Runs every run of s and fills *out. False only when s breaks schedule_check's rules or
 * memory runs out (logged); transport failures and hangs are results, not failures. */
bool http_driver_run(struct http_driver *d, const struct schedule *s,
                     struct http_driver_outcome *out);

/* Closes every connection (e.g. after the service restarted); the next run reconnects. */
void http_driver_disconnect(struct http_driver *d);

void http_driver_get_stats(const struct http_driver *d, struct http_driver_stats *out);

const char *http_driver_strerror(enum http_driver_err e);

/* Closes the connections and frees everything; NULL is fine. */
void http_driver_free(struct http_driver *d);

#endif
