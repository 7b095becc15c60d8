/* The supervised service's output: pipe, log, ring, ready line (see http_output.h). */
#define _GNU_SOURCE
#include "http_output.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"

struct http_output {
    int log_fd;
    const char *log_path;
    const regex_t *re;

    /* guarded by mu */
    pthread_mutex_t mu;
    pthread_t reader;
    bool reader_on;
    int fd, wake_rd, wake_wr;
    bool eof, ready, log_failed;
    char url[256];
    char line[RF_SVC_LINE_MAX];
    size_t line_len;
    uint64_t total; /* bytes ever read; ring holds the last RF_SVC_OUTPUT_RING */
    char ring[RF_SVC_OUTPUT_RING];
    char rbuf[16384];
};

/* ---- ring, log, ready line (callers hold o->mu) ------------------------------------------ */

static void ring_put(struct http_output *o, const char *p, size_t n) {
    if (n > RF_SVC_OUTPUT_RING) { /* only the tail survives anyway */
        o->total += n - RF_SVC_OUTPUT_RING;
        p += n - RF_SVC_OUTPUT_RING;
        n = RF_SVC_OUTPUT_RING;
    }
    size_t at = (size_t)(o->total % RF_SVC_OUTPUT_RING), first = RF_SVC_OUTPUT_RING - at;
    if (first > n)
        first = n;
    memcpy(o->ring + at, p, first);
    memcpy(o->ring, p + first, n - first);
    o->total += n;
}

/* Copies n bytes of the stream from position from (both within the ring) to dst. */
static void ring_get(const struct http_output *o, uint64_t from, size_t n, char *dst) {
    size_t at = (size_t)(from % RF_SVC_OUTPUT_RING), first = RF_SVC_OUTPUT_RING - at;
    if (first > n)
        first = n;
    memcpy(dst, o->ring + at, first);
    memcpy(dst + first, o->ring, n - first);
}

static uint64_t ring_oldest(const struct http_output *o) {
    return o->total > RF_SVC_OUTPUT_RING ? o->total - RF_SVC_OUTPUT_RING : 0;
}

static void match_ready(struct http_output *o) {
    regmatch_t m[2];
    if (o->line_len > 0 && o->line[o->line_len - 1] == '\r')
        o->line_len--;
    o->line[o->line_len] = '\0';
    if (regexec(o->re, o->line, 2, m, 0) != 0 || m[1].rm_so < 0)
        return;
    size_t n = (size_t)(m[1].rm_eo - m[1].rm_so);
    if (n >= sizeof(o->url))
        n = sizeof(o->url) - 1;
    memcpy(o->url, o->line + m[1].rm_so, n);
    o->url[n] = '\0';
    o->ready = true;
}

/* Lines are matched until the ready line is seen; after that output is only kept. */
static void scan_lines(struct http_output *o, const char *p, size_t n) {
    for (size_t i = 0; i < n && !o->ready; i++) {
        if (p[i] == '\n') {
            match_ready(o);
            o->line_len = 0;
        } else if (o->line_len < sizeof(o->line) - 1) {
            o->line[o->line_len++] = p[i];
        }
    }
}

static void consume(struct http_output *o, const char *p, size_t n) {
    if (o->log_fd >= 0 && !o->log_failed && !fileio_write_all(o->log_fd, p, n)) {
        o->log_failed = true; /* once: the ring still has the output */
        PLOG_E("svc: writing the service log %s", o->log_path);
    }
    ring_put(o, p, n);
    scan_lines(o, p, n);
}

/* Reads what the pipe holds, without blocking. Bounded, so a service writing without a
 * pause cannot keep a caller here; the reader thread takes the rest. */
static void drain_locked(struct http_output *o) {
    for (int reads = 0; o->fd >= 0 && !o->eof && reads < 64; reads++) {
        ssize_t n = read(o->fd, o->rbuf, sizeof(o->rbuf));
        if (n > 0) {
            consume(o, o->rbuf, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            if (n == 0 || errno != EAGAIN)
                o->eof = true; /* end of output, or a pipe we cannot read: stop polling it */
            return;
        }
    }
}

static void *reader_main(void *arg) {
    struct http_output *o = arg;
    for (;;) {
        struct pollfd p[2] = {{.fd = o->fd, .events = POLLIN},
                              {.fd = o->wake_rd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents != 0)
            break;
        pthread_mutex_lock(&o->mu);
        drain_locked(o);
        bool eof = o->eof;
        pthread_mutex_unlock(&o->mu);
        if (eof)
            break;
    }
    return NULL;
}

/* ---- the life of the output -------------------------------------------------------------- */

struct http_output *http_output_new(int log_fd, const char *log_path, const regex_t *ready) {
    struct http_output *o = calloc(1, sizeof(*o));
    if (o == NULL)
        return NULL;
    o->log_fd = log_fd;
    o->log_path = log_path;
    o->re = ready;
    o->fd = o->wake_rd = o->wake_wr = -1;
    pthread_mutex_init(&o->mu, NULL);
    return o;
}

void http_output_free(struct http_output *o) {
    if (o == NULL)
        return;
    http_output_detach(o);
    pthread_mutex_destroy(&o->mu);
    free(o);
}

uint64_t http_output_begin(struct http_output *o, const char *name) {
    pthread_mutex_lock(&o->mu);
    drain_locked(o);
    o->ready = o->eof = false;
    o->line_len = 0;
    o->url[0] = '\0';
    uint64_t mark = o->total;
    if (o->log_fd >= 0 && !o->log_failed)
        dprintf(o->log_fd, "---- racefuzz: starting %s ----\n", name);
    pthread_mutex_unlock(&o->mu);
    return mark;
}

bool http_output_attach(struct http_output *o, int fd, char *why, size_t why_cap) {
    int w[2];
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    o->fd = fd;
    if (pipe2(w, O_CLOEXEC) != 0) {
        snprintf(why, why_cap, "pipe: %s", strerror(errno));
        return false;
    }
    o->wake_rd = w[0];
    o->wake_wr = w[1];
    int rc = pthread_create(&o->reader, NULL, reader_main, o);
    if (rc != 0) {
        snprintf(why, why_cap, "cannot start the output reader: %s", strerror(rc));
        return false;
    }
    o->reader_on = true;
    return true;
}

void http_output_detach(struct http_output *o) {
    if (o->reader_on) {
        (void)!write(o->wake_wr, "x", 1);
        pthread_join(o->reader, NULL);
        o->reader_on = false;
    }
    pthread_mutex_lock(&o->mu);
    drain_locked(o);
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    pthread_mutex_unlock(&o->mu);
    if (o->wake_rd >= 0)
        close(o->wake_rd);
    if (o->wake_wr >= 0)
        close(o->wake_wr);
    o->wake_rd = o->wake_wr = -1;
}

/* ---- reading it ---------------------------------------------------------------------------- */

bool http_output_ready(struct http_output *o, char *url, size_t cap) {
    pthread_mutex_lock(&o->mu);
    drain_locked(o);
    bool ready = o->ready;
    if (ready)
        snprintf(url, cap, "%s", o->url);
    pthread_mutex_unlock(&o->mu);
    return ready;
}

uint64_t http_output_mark(struct http_output *o) {
    pthread_mutex_lock(&o->mu);
    drain_locked(o);
    uint64_t m = o->total;
    pthread_mutex_unlock(&o->mu);
    return m;
}

/* How many bytes a copy of the output after from gets in cap - 1 bytes, and (*start) where
 * what is kept of it begins. */
static size_t kept_after(const struct http_output *o, uint64_t from, size_t cap, uint64_t *start) {
    *start = from > ring_oldest(o) ? from : ring_oldest(o);
    size_t n = *start < o->total ? (size_t)(o->total - *start) : 0;
    return n > cap - 1 ? cap - 1 : n;
}

size_t http_output_since(struct http_output *o, uint64_t mark, char *buf, size_t cap) {
    uint64_t start;
    if (cap == 0)
        return 0;
    pthread_mutex_lock(&o->mu);
    drain_locked(o);
    size_t n = kept_after(o, mark, cap, &start);
    ring_get(o, start, n, buf);
    buf[n] = '\0';
    pthread_mutex_unlock(&o->mu);
    return n;
}

void http_output_tail(struct http_output *o, uint64_t from, char *dst, size_t cap) {
    uint64_t start;
    pthread_mutex_lock(&o->mu);
    drain_locked(o);
    size_t n = kept_after(o, from, cap, &start);
    ring_get(o, o->total - n, n, dst); /* the newest bytes: the tail */
    dst[n] = '\0';
    pthread_mutex_unlock(&o->mu);
}
