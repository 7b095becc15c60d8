/* The in-test HTTP/1.1 server (see http_test_server.h). Deliberately simple: blocking I/O,
 * a thread per connection; it only has to answer correctly and time arrivals exactly. */
#define _GNU_SOURCE
#include "http_test_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define MAX_ARRIVALS (1u << 16)
#define REQ_BUF (1u << 16)

struct conn {
    struct hts *srv;
    int fd;
    unsigned id;
    pthread_t thread;
};

struct hts {
    int lfd;
    unsigned short port;
    int stop_pipe[2];
    pthread_t acceptor;
    pthread_mutex_t mu;
    struct conn *conns[MAX_CONNS];
    unsigned nconns;
    struct hts_arrival *arr;
    size_t narr;
};

static uint64_t clock_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads once; *arrival is the kernel receive time of the last segment read, on
 * CLOCK_MONOTONIC (the read time when the kernel gave no timestamp). */
static ssize_t read_timed(int fd, char *buf, size_t cap, uint64_t *arrival) {
    char cbuf[CMSG_SPACE(sizeof(struct timespec))];
    struct iovec iov = {.iov_base = buf, .iov_len = cap};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    ssize_t n;
    do
        n = recvmsg(fd, &m, 0);
    while (n < 0 && errno == EINTR);
    uint64_t mono = clock_ns(CLOCK_MONOTONIC), real = clock_ns(CLOCK_REALTIME);
    *arrival = mono;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); n > 0 && c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof(ts));
            uint64_t k = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
            if (k <= real && real - k < mono)
                *arrival = mono - (real - k);
        }
    }
    return n;
}

static void record(struct hts *s, unsigned conn, uint64_t ns, const char *method,
                   const char *target) {
    pthread_mutex_lock(&s->mu);
    if (s->narr < MAX_ARRIVALS) {
        struct hts_arrival *a = &s->arr[s->narr++];
        a->ns = ns;
        a->conn = conn;
        snprintf(a->method, sizeof(a->method), "%s", method);
        snprintf(a->target, sizeof(a->target), "%s", target);
    }
    pthread_mutex_unlock(&s->mu);
}

/* Length of the request at the start of buf (head + Content-Length body), 0 if partial. */
static size_t request_len(const char *buf, size_t n, size_t *head) {
    const char *end = memmem(buf, n, "\r\n\r\n", 4);
    if (!end)
        return 0;
    *head = (size_t)(end - buf) + 4;
    size_t body = 0;
    for (const char *p = buf; p < end; p++) {
        if ((p == buf || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0)
            body = strtoul(p + 15, NULL, 10);
    }
    return *head + body <= n ? *head + body : 0;
}

static long query_num(const char *target, const char *key) {
    const char *q = strstr(target, key);
    return q ? strtol(q + strlen(key), NULL, 10) : 0;
}

static bool respond(int fd, int status, const char *extra, const char *body, size_t blen,
                    bool head) {
    char h[512];
    int n = snprintf(h, sizeof(h), "HTTP/1.1 %d X\r\n%sContent-Length: %zu\r\n\r\n", status, extra,
                     blen);
    if (status == 204 || status == 304 || status < 200)
        n = snprintf(h, sizeof(h), "HTTP/1.1 %d X\r\n%s\r\n", status, extra);
    return write_all(fd, h, (size_t)n) &&
           (head || status == 204 || status == 304 || status < 200 || write_all(fd, body, blen));
}

/* Answers one request; false when the connection is to end. */
static bool answer(int fd, const char *method, const char *target, const char *body, size_t blen) {
    bool head = strcmp(method, "HEAD") == 0;
    if (strncmp(target, "/never", 6) == 0)
        return true;
    if (strncmp(target, "/slow", 5) == 0) {
        long ms = query_num(target, "ms=");
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return respond(fd, 200, "", "slow", 4, head);
    }
    if (strncmp(target, "/status", 7) == 0) {
        char b[32];
        int code = (int)query_num(target, "code=");
        int n = snprintf(b, sizeof(b), "status %d", code);
        return respond(fd, code, "", b, (size_t)n, head);
    }
    if (strncmp(target, "/chunked", 8) == 0) {
        static const char c[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "6;ext=1\r\nhello \r\n8\r\nchunked \r\n5\r\nworld\r\n"
                                "0\r\nX-Trailer: t\r\n\r\n";
        return head ? respond(fd, 200, "", "", 0, true) : write_all(fd, c, sizeof(c) - 1);
    }
    if (strncmp(target, "/close", 6) == 0) {
        respond(fd, 200, "Connection: close\r\n", "bye", 3, head);
        return false;
    }
    if (strncmp(target, "/eof", 4) == 0) {
        static const char e[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close";
        write_all(fd, e, head ? strlen(e) - 11 : sizeof(e) - 1);
        return false;
    }
    if (strncmp(target, "/echo", 5) == 0)
        return respond(fd, 200, "", body, blen, head);
    return respond(fd, 200, "", "ok\n", 3, head);
}

/* Handles every complete request at the start of buf; returns bytes consumed, or -1 to
 * end the connection. */
static long serve_buffered(struct conn *c, char *buf, size_t n, uint64_t arrival) {
    size_t off = 0, head, len;
    while ((len = request_len(buf + off, n - off, &head)) > 0) {
        char method[8] = "", target[64] = "";
        const char *r = buf + off;
        const char *sp = memchr(r, ' ', head), *sp2 = sp ? memchr(sp + 1, ' ', head) : NULL;
        if (sp && sp2) {
            snprintf(method, sizeof(method), "%.*s", (int)(sp - r), r);
            snprintf(target, sizeof(target), "%.*s", (int)(sp2 - sp - 1), sp + 1);
        }
        record(c->srv, c->id, arrival, method, target);
        if (!answer(c->fd, method, target, r + head, len - head))
            return -1;
        off += len;
    }
    return (long)off;
}

static void *conn_main(void *arg) {
    struct conn *c = arg;
    char *buf = malloc(REQ_BUF);
    size_t have = 0;
    int on = 1;
    setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    while (buf && have < REQ_BUF) {
        uint64_t arrival;
        ssize_t n = read_timed(c->fd, buf + have, REQ_BUF - have, &arrival);
        if (n <= 0)
            break;
        have += (size_t)n;
        long used = serve_buffered(c, buf, have, arrival);
        if (used < 0)
            break;
        memmove(buf, buf + used, have - (size_t)used);
        have -= (size_t)used;
    }
    free(buf);
    /* Closed here, not at stop: a benchmark opens many connections. Under the lock, so
     * hts_stop never shuts down a number the process has reused. */
    pthread_mutex_lock(&c->srv->mu);
    close(c->fd);
    c->fd = -1;
    pthread_mutex_unlock(&c->srv->mu);
    return NULL;
}

static void *accept_main(void *arg) {
    struct hts *s = arg;
    for (;;) {
        struct pollfd p[2] = {{.fd = s->lfd, .events = POLLIN},
                              {.fd = s->stop_pipe[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        struct conn *c = calloc(1, sizeof(*c));
        pthread_mutex_lock(&s->mu);
        if (!c || s->nconns == MAX_CONNS) {
            pthread_mutex_unlock(&s->mu);
            free(c);
            close(fd);
            continue;
        }
        *c = (struct conn){.srv = s, .fd = fd, .id = s->nconns + 1};
        s->conns[s->nconns++] = c;
        pthread_mutex_unlock(&s->mu);
        if (pthread_create(&c->thread, NULL, conn_main, c) != 0)
            c->thread = 0;
    }
    return NULL;
}

struct hts *hts_start(void) {
    struct hts *s = calloc(1, sizeof(*s));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    int on = 1;
    bool ok = false;
    if (!s || !(s->arr = calloc(MAX_ARRIVALS, sizeof(*s->arr))))
        goto out;
    pthread_mutex_init(&s->mu, NULL);
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 128) != 0 || getsockname(s->lfd, (struct sockaddr *)&a, &alen) != 0 ||
        pipe(s->stop_pipe) != 0)
        goto out;
    s->port = ntohs(a.sin_port);
    if (pthread_create(&s->acceptor, NULL, accept_main, s) != 0)
        goto out;
    ok = true;
out:
    if (!ok) {
        perror("http test server");
        if (s)
            free(s->arr);
        free(s);
        s = NULL;
    }
    return s;
}

unsigned short hts_port(const struct hts *s) {
    return s->port;
}

size_t hts_arrivals(struct hts *s, struct hts_arrival *out, size_t cap) {
    pthread_mutex_lock(&s->mu);
    size_t n = s->narr < cap ? s->narr : cap;
    memcpy(out, s->arr, n * sizeof(*out));
    pthread_mutex_unlock(&s->mu);
    return n;
}

void hts_clear(struct hts *s) {
    pthread_mutex_lock(&s->mu);
    s->narr = 0;
    pthread_mutex_unlock(&s->mu);
}

unsigned hts_connections(struct hts *s) {
    pthread_mutex_lock(&s->mu);
    unsigned n = s->nconns;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void hts_stop(struct hts *s) {
    if (write(s->stop_pipe[1], "x", 1) != 1)
        perror("http test server: stop");
    pthread_join(s->acceptor, NULL);
    close(s->lfd);
    pthread_mutex_lock(&s->mu);
    for (unsigned i = 0; i < s->nconns; i++) {
        struct conn *c = s->conns[i];
        if (c->fd < 0)
            continue;
        /* A zero linger turns the close into a reset, as when a process is killed. */
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        shutdown(c->fd, SHUT_RDWR);
    }
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->nconns; i++) {
        struct conn *c = s->conns[i];
        if (c->thread)
            pthread_join(c->thread, NULL);
        else if (c->fd >= 0)
            close(c->fd);
        free(c);
    }
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    pthread_mutex_destroy(&s->mu);
    free(s->arr);
    free(s);
}
