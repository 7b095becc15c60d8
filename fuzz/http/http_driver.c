/* The HTTP driver (see http_driver.h for the design and the semantics). Layout: request
 * bytes, connections (libcurl), one step's life on a lane, gates, the event loop, runs. */
#define _GNU_SOURCE
#include "http_driver.h"

#include <curl/curl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_addr.h"
#include "http_plan.h"
#include "http_resp.h"
#include "log.h"
#include "rng.h"

#define NS_PER_MS 1000000ULL
#define NO_TIME UINT64_MAX
/* The schedule header's flag bit asking for delay jitter (go mode's FlagJitter). */
#define SCHED_FLAG_JITTER 1u

enum lane_state {
    L_IDLE,       /* between steps: take the next one */
    L_CONNECT,    /* the lane's multi handle is connecting */
    L_DELAY,      /* unbarriered: waiting out the delay before sending */
    L_SEND,       /* writing the request (all of it, or all but the held final byte) */
    L_GATE,       /* gated: everything but the final byte sent, waiting for the release */
    L_GATE_DELAY, /* released: waiting out the delay before the final byte */
    L_RECV,       /* reading the response */
    L_DONE,       /* nothing left in this run */
};

struct lane {
    struct http_driver *d;
    unsigned index;
    CURLM *multi;
    CURL *easy;
    curl_socket_t fd;   /* the connection, CURL_SOCKET_BAD when none */
    curl_socket_t cfd;  /* while connecting: the socket libcurl wants watched */
    int cwhat;          /* ... and for what (CURL_POLL_*) */
    uint64_t ctimer_ns; /* ... and when libcurl wants its timeout call */
    bool reused;        /* the connection already carried a complete exchange */
    enum lane_state st;
    unsigned pos; /* next entry of the plan's lane_steps */
    int step;     /* the step in progress */
    bool gated, arrived, released, retried;
    uint64_t wake_ns, deadline_ns;
    struct http_driver_result *res;
    uint8_t *req;
    size_t req_len, req_cap, req_sent;
    struct http_resp resp;
};

struct http_driver {
    struct http_driver_opts o;
    struct http_addr ha;
    char url[HADDR_NUMERIC_MAX + HADDR_PORT_MAX + 16];
    char host_hdr[HADDR_HOST_MAX + HADDR_PORT_MAX + 16];
    struct lane lanes[SCHED_MAX_LANES];
    struct http_plan plan;
    /* The run in progress. */
    const struct schedule *s;
    unsigned run, nlanes;
    bool hung;
    struct rng jitter;
    uint32_t delay_us[SCHED_MAX_STEPS];
    uint8_t gate_arrived[SCHED_MAX_STEPS], gate_live[SCHED_MAX_STEPS];
    bool gate_released[SCHED_MAX_STEPS];
    struct http_driver_result *results;
    size_t results_cap;
    struct http_driver_stats stats;
    uint8_t rbuf[1 << 16];
};

static const char *const err_names[HDRV_ERR_COUNT] = {
    [HDRV_OK] = "ok",
    [HDRV_ERR_SKIPPED] = "skipped",
    [HDRV_ERR_CONNECT] = "connect failed",
    [HDRV_ERR_SEND] = "send failed",
    [HDRV_ERR_RECV] = "receive failed",
    [HDRV_ERR_CLOSED] = "connection closed before a complete response",
    [HDRV_ERR_PROTOCOL] = "malformed response",
    [HDRV_ERR_HANG] = "no response within the deadline (hang)",
};

const char *http_driver_strerror(enum http_driver_err e) {
    return (unsigned)e < HDRV_ERR_COUNT ? err_names[e] : "unknown error";
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- request bytes ------------------------------------------------------------------ */

static bool put(struct lane *l, const void *p, size_t n) {
    if (l->req_len + n > l->req_cap) {
        size_t cap = l->req_cap ? l->req_cap : 1024;
        while (cap < l->req_len + n)
            cap *= 2;
        uint8_t *r = realloc(l->req, cap);
        if (!r)
            return false;
        l->req = r;
        l->req_cap = cap;
    }
    memcpy(l->req + l->req_len, p, n);
    l->req_len += n;
    return true;
}

static bool put_str(struct lane *l, const char *s) {
    return put(l, s, strlen(s));
}

/* The request target, made well-formed: a missing leading '/' is added (as go mode does)
 * and bytes that cannot appear in a request line are percent-encoded, so a fuzzed path
 * varies the route, not the framing. */
static bool put_target(struct lane *l, const uint8_t *p, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    bool ok = true;
    if (n == 0 || (p[0] != '/' && !(n == 1 && p[0] == '*')))
        ok = put(l, "/", 1);
    for (size_t i = 0; ok && i < n; i++) {
        uint8_t c = p[i];
        if (c > 0x20 && c < 0x7f) {
            ok = put(l, &c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            ok = put(l, e, 3);
        }
    }
    return ok;
}

static bool has_name(const uint8_t *line, size_t n, const char *name) {
    size_t k = strlen(name);
    if (n <= k || line[k] != ':')
        return false;
    for (size_t i = 0; i < k; i++)
        if ((line[i] | 0x20) != name[i])
            return false;
    return true;
}

/* The schedule's header lines, one "\r\n" each. Empty lines (they would end the header
 * block early) and the framing headers are dropped: the driver frames the body itself,
 * because a fuzzed Content-Length or Transfer-Encoding desynchronises the keep-alive
 * connection and shows up as a false hang. Returns false on no memory; *host tells whether
 * the schedule brings its own Host. */
static bool put_headers(struct lane *l, const uint8_t *h, size_t n, bool *host) {
    size_t i = 0;
    *host = false;
    while (i < n) {
        const uint8_t *nl = memchr(h + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - h) : n, le = e;
        while (le > i && h[le - 1] == '\r')
            le--;
        const uint8_t *line = h + i;
        size_t ln = le - i;
        i = e + 1;
        if (ln == 0 || has_name(line, ln, "content-length") ||
            has_name(line, ln, "transfer-encoding"))
            continue;
        *host |= has_name(line, ln, "host");
        if (!put(l, line, ln) || !put(l, "\r\n", 2))
            return false;
    }
    return true;
}

static bool build_request(struct http_driver *d, struct lane *l, const struct schedule_step *st) {
    char num[32];
    bool host;
    l->req_len = l->req_sent = 0;
    if (!put_str(l, schedule_method_name(st->method)) || !put(l, " ", 1) ||
        !put_target(l, st->path, st->path_len) || !put_str(l, " HTTP/1.1\r\n") ||
        !put_headers(l, st->headers, st->headers_len, &host))
        return false;
    if (!host && !put_str(l, d->host_hdr))
        return false;
    bool has_body = st->body_len > 0 || st->method == SCHED_POST || st->method == SCHED_PUT ||
                    st->method == SCHED_PATCH;
    if (has_body) {
        snprintf(num, sizeof(num), "Content-Length: %u\r\n", (unsigned)st->body_len);
        if (!put_str(l, num))
            return false;
    }
    return put(l, "\r\n", 2) && (st->body_len == 0 || put(l, st->body, st->body_len));
}

/* ---- connections -------------------------------------------------------------------- */

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
    struct lane *l = userp;
    l->cfd = what == CURL_POLL_REMOVE ? CURL_SOCKET_BAD : s;
    l->cwhat = what;
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp) {
    struct lane *l = userp;
    l->ctimer_ns = timeout_ms < 0 ? NO_TIME : now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
    return 0;
}

/* A lane's own multi handle, so that its connection cache holds its connection alone. */
static bool lane_multi(struct lane *l) {
    l->multi = curl_multi_init();
    if (!l->multi)
        return false;
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
    return true;
}

static bool lane_init(struct http_driver *d, struct lane *l, unsigned index) {
    l->d = d;
    l->index = index;
    l->fd = l->cfd = CURL_SOCKET_BAD;
    l->ctimer_ns = NO_TIME;
    return lane_multi(l);
}

/* libcurl keeps a CONNECT_ONLY connection in its multi handle's cache after the easy
 * handle is removed, open until the multi handle goes; so closing means a fresh multi
 * handle (cheap next to the reconnect that follows). */
static void conn_close(struct lane *l) {
    if (l->easy) {
        curl_multi_remove_handle(l->multi, l->easy);
        curl_easy_cleanup(l->easy);
        curl_multi_cleanup(l->multi);
        if (!lane_multi(l))
            LOG_E("http driver: curl_multi_init failed");
    }
    l->easy = NULL;
    l->fd = l->cfd = CURL_SOCKET_BAD;
    l->ctimer_ns = NO_TIME;
    l->reused = false;
}

static bool conn_start(struct http_driver *d, struct lane *l) {
    if (!l->multi && !lane_multi(l))
        return false;
    CURL *e = curl_easy_init();
    if (!e)
        return false;
    curl_easy_setopt(e, CURLOPT_URL, d->url);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L); /* the held byte must leave at once */
    curl_easy_setopt(e, CURLOPT_PROXY, "");       /* never through an environment proxy */
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)d->o.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, LONG_MAX); /* ours to close, not the cache's */
    curl_easy_setopt(e, CURLOPT_PRIVATE, l);
    if (curl_multi_add_handle(l->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        return false;
    }
    l->easy = e;
    d->stats.connects++;
    return true;
}

/* True when an idle kept-alive connection is gone (the server closed it, or sent bytes
 * nobody asked for): it must not carry the next request. */
static bool conn_stale(const struct lane *l) {
    struct pollfd p = {.fd = l->fd, .events = POLLIN};
    return poll(&p, 1, 0) != 0;
}

/* ---- one step on a lane ------------------------------------------------------------- */

static void gate_check(struct http_driver *d, int g);
static void step_begin(struct http_driver *d, struct lane *l);

/* A gated step that will never arrive leaves its gate, so the others are not kept. */
static void leave_gate(struct http_driver *d, struct lane *l, int step) {
    int g = d->plan.gate[step];
    if (g < 0 || d->gate_released[g])
        return;
    d->gate_live[g]--;
    gate_check(d, g);
}

/* Skips the rest of the lane in this run (after a hang): its steps stay SKIPPED. */
static void lane_stop(struct http_driver *d, struct lane *l) {
    unsigned len = d->plan.lane_len[l->index];
    for (unsigned k = l->pos + 1; k < len; k++)
        leave_gate(d, l, d->plan.lane_steps[l->index][k]);
    l->pos = len;
    l->st = L_DONE;
}

static void step_fail(struct http_driver *d, struct lane *l, enum http_driver_err err) {
    struct http_driver_result *r = l->res;
    r->err = err;
    r->status = 0;
    r->done_ns = now_ns();
    conn_close(l);
    if (l->gated && !l->arrived)
        leave_gate(d, l, l->step);
    if (err == HDRV_ERR_HANG) {
        d->hung = true;
        lane_stop(d, l);
        return;
    }
    l->pos++;
    l->st = L_IDLE;
}

static void step_done(struct http_driver *d, struct lane *l, bool leftover) {
    struct http_driver_result *r = l->res;
    const struct http_resp *p = &l->resp;
    r->err = HDRV_OK;
    r->status = p->status;
    r->resp_bytes = p->bytes;
    r->body_len = p->body_len;
    r->digest = p->digest;
    r->prefix_len = (uint16_t)p->prefix_len;
    memcpy(r->prefix, p->prefix, p->prefix_len);
    r->done_ns = now_ns();
    d->stats.requests++;
    /* Bytes after the response belong to no request of ours: the stream is out of step. */
    if (p->close || leftover)
        conn_close(l);
    else
        l->reused = true;
    l->pos++;
    l->st = L_IDLE;
}

/* A reused connection that failed before any response byte was most likely closed by the
 * server while idle: resend once on a fresh one (what curl and browsers do). */
static bool step_retry(struct http_driver *d, struct lane *l) {
    if (!l->reused || l->retried || http_resp_started(&l->resp))
        return false;
    conn_close(l);
    l->retried = true;
    l->req_sent = 0;
    d->stats.retries++;
    if (!conn_start(d, l))
        return false;
    l->st = L_CONNECT;
    l->deadline_ns = now_ns() + (uint64_t)d->o.connect_timeout_ms * NS_PER_MS;
    return true;
}

static void step_broken(struct http_driver *d, struct lane *l, enum http_driver_err err) {
    if (!step_retry(d, l))
        step_fail(d, l, err);
}

/* The connection is up: wait the delay (unbarriered) or send toward the gate. */
static void step_connected(struct http_driver *d, struct lane *l) {
    uint64_t now = now_ns();
    l->deadline_ns = now + (uint64_t)d->o.step_deadline_ms * NS_PER_MS;
    uint32_t delay = d->delay_us[l->step];
    if (!l->gated && !l->retried && delay > 0) {
        l->st = L_DELAY;
        l->wake_ns = now + (uint64_t)delay * 1000u;
        return;
    }
    l->st = L_SEND;
}

static void step_begin(struct http_driver *d, struct lane *l) {
    if (l->pos >= d->plan.lane_len[l->index]) {
        l->st = L_DONE;
        return;
    }
    l->step = d->plan.lane_steps[l->index][l->pos];
    l->res = &d->results[(size_t)d->run * d->s->nsteps + (size_t)l->step];
    l->gated = d->plan.gate[l->step] >= 0;
    l->arrived = l->released = l->retried = false;
    http_resp_init(&l->resp, d->s->steps[l->step].method == SCHED_HEAD);
    if (!build_request(d, l, &d->s->steps[l->step])) {
        LOG_E("http driver: out of memory building a request");
        step_fail(d, l, HDRV_ERR_SEND);
        return;
    }
    if (l->easy && l->reused && (l->pos == 0 || l->gated) && conn_stale(l))
        conn_close(l);
    if (l->easy) {
        step_connected(d, l);
        return;
    }
    if (!conn_start(d, l)) {
        step_fail(d, l, HDRV_ERR_CONNECT);
        return;
    }
    l->st = L_CONNECT;
    l->deadline_ns = now_ns() + (uint64_t)d->o.connect_timeout_ms * NS_PER_MS;
}

/* The request was sent whole: the response is due within the deadline. */
static void step_sent(struct http_driver *d, struct lane *l, uint64_t t) {
    l->res->sent_ns = t;
    l->deadline_ns = t + (uint64_t)d->o.step_deadline_ms * NS_PER_MS;
    l->st = L_RECV;
}

static void lane_send(struct http_driver *d, struct lane *l) {
    size_t want = l->req_len - (l->gated && !l->released ? 1 : 0);
    while (l->req_sent < want) {
        size_t n = 0;
        CURLcode rc = curl_easy_send(l->easy, l->req + l->req_sent, want - l->req_sent, &n);
        if (rc == CURLE_AGAIN)
            return;
        if (rc != CURLE_OK) {
            step_broken(d, l, HDRV_ERR_SEND);
            return;
        }
        l->req_sent += n;
    }
    if (l->req_sent < l->req_len) { /* only the held byte is left: wait at the gate */
        int g = d->plan.gate[l->step];
        l->st = L_GATE;
        l->arrived = true;
        d->gate_arrived[g]++;
        gate_check(d, g);
        return;
    }
    step_sent(d, l, now_ns());
}

static void lane_recv(struct http_driver *d, struct lane *l) {
    for (;;) {
        size_t n = 0;
        CURLcode rc = curl_easy_recv(l->easy, d->rbuf, sizeof(d->rbuf), &n);
        if (rc == CURLE_AGAIN)
            return;
        if (rc != CURLE_OK) {
            step_broken(d, l, HDRV_ERR_RECV);
            return;
        }
        if (n == 0) { /* end of stream */
            if (http_resp_eof(&l->resp) == HRESP_DONE)
                step_done(d, l, false);
            else if (!step_retry(d, l))
                step_fail(d, l, HDRV_ERR_CLOSED);
            return;
        }
        size_t used = 0;
        enum http_resp_rc pr = http_resp_feed(&l->resp, d->rbuf, n, &used);
        if (pr == HRESP_DONE) {
            step_done(d, l, used < n);
            return;
        }
        if (pr == HRESP_ERROR) {
            step_fail(d, l, HDRV_ERR_PROTOCOL);
            return;
        }
        if (n < sizeof(d->rbuf)) /* drained: save the recv that would say EAGAIN */
            return;
    }
}

/* ---- gates -------------------------------------------------------------------------- */

/* Sends the final byte of a released member. */
static void flush_final(struct http_driver *d, struct lane *l) {
    size_t n = 0;
    CURLcode rc = curl_easy_send(l->easy, l->req + l->req_len - 1, 1, &n);
    uint64_t t = now_ns();
    if (rc == CURLE_OK && n == 1) {
        l->req_sent = l->req_len;
        step_sent(d, l, t);
    } else if (rc == CURLE_AGAIN || (rc == CURLE_OK && n == 0)) {
        l->st = L_SEND; /* the socket buffer is full: the loop sends it when it drains */
    } else {
        step_broken(d, l, HDRV_ERR_SEND);
    }
}

/* Release: every zero-delay member's final byte goes out back to back, first, with
 * nothing else in between; members with a delay get a timer from the release instant. */
static void gate_release(struct http_driver *d, int g) {
    uint64_t t = now_ns();
    d->gate_released[g] = true;
    const uint16_t *m = &d->plan.members[d->plan.gate_first[g]];
    unsigned n = d->plan.gate_size[g];
    for (unsigned k = 0; k < n; k++) {
        struct lane *l = &d->lanes[d->s->steps[m[k]].lane];
        if (l->st == L_GATE && l->step == m[k] && d->delay_us[m[k]] == 0) {
            l->released = true;
            flush_final(d, l);
        }
    }
    for (unsigned k = 0; k < n; k++) {
        struct lane *l = &d->lanes[d->s->steps[m[k]].lane];
        if (l->st == L_GATE && l->step == m[k]) {
            l->released = true;
            l->st = L_GATE_DELAY;
            l->wake_ns = t + (uint64_t)d->delay_us[m[k]] * 1000u;
        }
    }
}

static void gate_check(struct http_driver *d, int g) {
    if (!d->gate_released[g] && d->gate_arrived[g] >= d->gate_live[g] && d->gate_arrived[g] > 0)
        gate_release(d, g);
    else if (!d->gate_released[g] && d->gate_live[g] == 0)
        d->gate_released[g] = true;
}

/* ---- the event loop ----------------------------------------------------------------- */

/* Connection set-up finished (or failed) on a lane's multi handle. */
static void connect_result(struct http_driver *d, struct lane *l) {
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(l->multi, &left))) {
        if (msg->msg != CURLMSG_DONE || msg->easy_handle != l->easy || l->st != L_CONNECT)
            continue;
        curl_socket_t fd = CURL_SOCKET_BAD;
        if (msg->data.result == CURLE_OK &&
            curl_easy_getinfo(l->easy, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
            fd != CURL_SOCKET_BAD) {
            l->fd = fd;
            l->cfd = CURL_SOCKET_BAD;
            l->ctimer_ns = NO_TIME;
            step_connected(d, l);
        } else {
            LOG_D("http driver: lane %u: connect to %s: %s", l->index, d->url,
                  curl_easy_strerror(msg->data.result));
            step_fail(d, l, HDRV_ERR_CONNECT);
        }
        return;
    }
}

static void connect_action(struct http_driver *d, struct lane *l, curl_socket_t s, int ev) {
    int running;
    curl_multi_socket_action(l->multi, s, ev, &running);
    connect_result(d, l);
}

/* Moves a lane through every transition that needs no I/O readiness (timers, deadlines,
 * next steps). Called until nothing changes. */
static bool lane_advance(struct http_driver *d, struct lane *l, uint64_t now) {
    enum lane_state before = l->st;
    unsigned pos = l->pos;
    switch (l->st) {
    case L_IDLE:
        step_begin(d, l);
        break;
    case L_CONNECT:
        if (l->ctimer_ns <= now) {
            l->ctimer_ns = NO_TIME;
            connect_action(d, l, CURL_SOCKET_TIMEOUT, 0);
        } else if (l->deadline_ns <= now) {
            step_fail(d, l, HDRV_ERR_CONNECT);
        }
        break;
    case L_DELAY:
        if (l->wake_ns <= now)
            l->st = L_SEND;
        break;
    case L_GATE_DELAY:
        if (l->wake_ns <= now)
            flush_final(d, l);
        break;
    case L_SEND:
    case L_RECV:
        if (l->deadline_ns <= now)
            step_fail(d, l, HDRV_ERR_HANG);
        break;
    case L_GATE:
    case L_DONE:
        break;
    }
    return l->st != before || l->pos != pos;
}

/* The earliest instant any lane needs attention without I/O. */
static uint64_t next_timer(const struct http_driver *d) {
    uint64_t t = NO_TIME;
    for (unsigned i = 0; i < d->nlanes; i++) {
        const struct lane *l = &d->lanes[i];
        uint64_t x = NO_TIME;
        if (l->st == L_CONNECT)
            x = l->ctimer_ns < l->deadline_ns ? l->ctimer_ns : l->deadline_ns;
        else if (l->st == L_DELAY || l->st == L_GATE_DELAY)
            x = l->wake_ns;
        else if (l->st == L_SEND || l->st == L_RECV)
            x = l->deadline_ns;
        if (x < t)
            t = x;
    }
    return t;
}

static short events_of(const struct lane *l) {
    if (l->st == L_SEND)
        return POLLOUT;
    if (l->st == L_RECV)
        return POLLIN;
    if (l->st == L_CONNECT && l->cfd != CURL_SOCKET_BAD)
        return (short)(((l->cwhat & CURL_POLL_IN) ? POLLIN : 0) |
                       ((l->cwhat & CURL_POLL_OUT) ? POLLOUT : 0));
    return 0;
}

static void dispatch(struct http_driver *d, struct lane *l, short rev) {
    if (l->st == L_CONNECT) {
        int ev = ((rev & POLLIN) ? CURL_CSELECT_IN : 0) | ((rev & POLLOUT) ? CURL_CSELECT_OUT : 0) |
                 ((rev & (POLLERR | POLLHUP)) ? CURL_CSELECT_ERR : 0);
        connect_action(d, l, l->cfd, ev);
    } else if (l->st == L_SEND) {
        lane_send(d, l);
    } else if (l->st == L_RECV) {
        lane_recv(d, l);
    }
}

/* Nothing to wait for although lanes are unfinished: cannot happen with a consistent
 * plan; released defensively (the lowest gate with arrivals) so a bug cannot hang us. */
static void unstick(struct http_driver *d) {
    for (unsigned g = 0; g < d->plan.ngates; g++) {
        if (!d->gate_released[g] && d->gate_arrived[g] > 0) {
            LOG_W("http driver: gate %u stuck with %u of %u members; released", g,
                  d->gate_arrived[g], d->gate_live[g]);
            gate_release(d, (int)g);
            return;
        }
    }
}

/* One wait: ppoll over the lanes' sockets until the next timer, then the I/O. Timers due
 * within RF_HTTP_SPIN_NS are polled for without sleeping. */
static void wait_once(struct http_driver *d) {
    struct pollfd p[SCHED_MAX_LANES];
    unsigned who[SCHED_MAX_LANES], n = 0;
    for (unsigned i = 0; i < d->nlanes; i++) {
        short ev = events_of(&d->lanes[i]);
        if (ev == 0)
            continue;
        curl_socket_t fd = d->lanes[i].st == L_CONNECT ? d->lanes[i].cfd : d->lanes[i].fd;
        p[n] = (struct pollfd){.fd = fd, .events = ev};
        who[n++] = i;
    }
    uint64_t t = next_timer(d), now = now_ns();
    if (n == 0 && t == NO_TIME) {
        unstick(d);
        return;
    }
    uint64_t wait = t == NO_TIME ? 1000 * NS_PER_MS : (t > now ? t - now : 0);
    if (wait < RF_HTTP_SPIN_NS)
        wait = 0;
    struct timespec ts = {.tv_sec = (time_t)(wait / 1000000000ULL),
                          .tv_nsec = (long)(wait % 1000000000ULL)};
    int r = ppoll(p, n, &ts, NULL);
    for (unsigned k = 0; r > 0 && k < n; k++)
        if (p[k].revents)
            dispatch(d, &d->lanes[who[k]], p[k].revents);
}

static bool run_finished(const struct http_driver *d) {
    for (unsigned i = 0; i < d->nlanes; i++)
        if (d->lanes[i].st != L_DONE)
            return false;
    return true;
}

/* ---- runs --------------------------------------------------------------------------- */

/* Fixes every step's delay for this run: capped, plus jitter drawn in step order. */
static void run_delays(struct http_driver *d) {
    const struct schedule *s = d->s;
    for (size_t i = 0; i < s->nsteps; i++) {
        uint32_t us = s->steps[i].delay_us;
        if (us > d->o.max_delay_us)
            us = d->o.max_delay_us;
        if (s->flags & SCHED_FLAG_JITTER)
            us += (uint32_t)rng_below(&d->jitter, RF_HTTP_JITTER_US);
        d->delay_us[i] = us;
    }
}

static void run_once(struct http_driver *d, unsigned run) {
    d->run = run;
    run_delays(d);
    for (unsigned g = 0; g < d->plan.ngates; g++) {
        d->gate_arrived[g] = 0;
        d->gate_live[g] = d->plan.gate_size[g];
        d->gate_released[g] = false;
    }
    for (unsigned i = 0; i < d->nlanes; i++) {
        d->lanes[i].st = L_IDLE;
        d->lanes[i].pos = 0;
    }
    while (!run_finished(d)) {
        bool moved;
        do {
            moved = false;
            uint64_t now = now_ns();
            for (unsigned i = 0; i < d->nlanes; i++)
                moved |= lane_advance(d, &d->lanes[i], now);
        } while (moved);
        if (!run_finished(d))
            wait_once(d);
    }
}

static bool results_reserve(struct http_driver *d, size_t n) {
    if (n <= d->results_cap)
        return true;
    struct http_driver_result *r = realloc(d->results, n * sizeof(*r));
    if (!r)
        return false;
    d->results = r;
    d->results_cap = n;
    return true;
}

bool http_driver_run(struct http_driver *d, const struct schedule *s,
                     struct http_driver_outcome *out) {
    size_t bad_step;
    enum schedule_err e = schedule_check(s, &bad_step);
    if (e != SCHED_OK) {
        LOG_E("http driver: invalid schedule: %s", schedule_strerror(e));
        return false;
    }
    unsigned runs = s->repeat == 0 ? 1 : s->repeat;
    if (runs > RF_HTTP_MAX_REPEAT)
        runs = RF_HTTP_MAX_REPEAT;
    size_t total = (size_t)runs * s->nsteps;
    if (!results_reserve(d, total ? total : 1)) {
        LOG_E("http driver: out of memory for %zu results", total);
        return false;
    }
    for (size_t i = 0; i < total; i++)
        d->results[i] = (struct http_driver_result){.err = HDRV_ERR_SKIPPED};
    d->s = s;
    d->nlanes = s->lanes;
    d->hung = false;
    rng_seed(&d->jitter, s->jitter_seed);
    http_plan_build(s, &d->plan);
    for (unsigned run = 0; run < runs && !d->hung; run++)
        run_once(d, run);
    d->stats.schedules++;
    *out = (struct http_driver_outcome){.results = d->results, .runs = runs, .nsteps = s->nsteps};
    for (size_t i = 0; i < total; i++) {
        if (d->results[i].err == HDRV_ERR_HANG)
            out->hangs++;
        else if (d->results[i].err != HDRV_OK)
            out->errors++;
    }
    d->s = NULL;
    return true;
}

/* ---- life cycle --------------------------------------------------------------------- */

void http_driver_default_opts(struct http_driver_opts *o) {
    *o = (struct http_driver_opts){
        .step_deadline_ms = RF_HTTP_STEP_DEADLINE_MS,
        .connect_timeout_ms = RF_HTTP_CONNECT_TIMEOUT_MS,
        .max_delay_us = RF_HTTP_MAX_DELAY_US,
    };
}

struct http_driver *http_driver_new(const struct http_driver_opts *o) {
    char err[512];
    struct http_driver *d = calloc(1, sizeof(*d));
    bool ok = false, curl_up = false;
    if (!d) {
        LOG_E("http driver: out of memory");
        return NULL;
    }
    d->o = *o;
    d->o.addr = NULL; /* not kept: the caller's string need not outlive the driver */
    if (!d->o.step_deadline_ms)
        d->o.step_deadline_ms = RF_HTTP_STEP_DEADLINE_MS;
    if (!d->o.connect_timeout_ms)
        d->o.connect_timeout_ms = RF_HTTP_CONNECT_TIMEOUT_MS;
    if (!d->o.max_delay_us)
        d->o.max_delay_us = RF_HTTP_MAX_DELAY_US;
    if (!http_addr_resolve(o->addr, o->allow_non_loopback, &d->ha, err, sizeof(err))) {
        LOG_E("%s", err);
        goto out;
    }
    bool v6 = d->ha.family == AF_INET6;
    snprintf(d->url, sizeof(d->url), v6 ? "http://[%s]:%s/" : "http://%s:%s/", d->ha.numeric,
             d->ha.port);
    v6 = strchr(d->ha.host, ':') != NULL;
    snprintf(d->host_hdr, sizeof(d->host_hdr), v6 ? "Host: [%s]:%s\r\n" : "Host: %s:%s\r\n",
             d->ha.host, d->ha.port);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        LOG_E("http driver: curl_global_init failed");
        goto out;
    }
    curl_up = true;
    for (unsigned i = 0; i < SCHED_MAX_LANES; i++) {
        if (!lane_init(d, &d->lanes[i], i)) {
            LOG_E("http driver: curl_multi_init failed");
            goto out;
        }
    }
    ok = true;
out:
    if (!ok && curl_up)
        http_driver_free(d); /* it also drops the curl_global_init reference */
    else if (!ok)
        free(d);
    return ok ? d : NULL;
}

void http_driver_disconnect(struct http_driver *d) {
    for (unsigned i = 0; i < SCHED_MAX_LANES; i++)
        conn_close(&d->lanes[i]);
}

void http_driver_get_stats(const struct http_driver *d, struct http_driver_stats *out) {
    *out = d->stats;
}

void http_driver_free(struct http_driver *d) {
    if (!d)
        return;
    for (unsigned i = 0; i < SCHED_MAX_LANES; i++) {
        struct lane *l = &d->lanes[i];
        if (l->multi) {
            if (l->easy) {
                curl_multi_remove_handle(l->multi, l->easy);
                curl_easy_cleanup(l->easy);
            }
            curl_multi_cleanup(l->multi);
        }
        free(l->req);
    }
    free(d->results);
    free(d);
    curl_global_cleanup();
}
