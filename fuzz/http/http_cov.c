/* Remote coverage, harness side: the region file and the request/ack protocol
 * (http_cov_layout.h). The engine glue is in http_cov_engine.c. */
#define _GNU_SOURCE
#include "http_cov.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "http_cov_region.h"
#include "log.h"

/* How the harness waits for an ack: it yields the CPU between looks for this long (the
 * service wakes and answers within tens of microseconds, and a sleep would round up to
 * the thread's 50 µs timer slack), then sleeps between looks, so a slow service does not
 * get a spinning harness on a 2-core machine. */
#define RCOV_WAIT_YIELD_NS 100000u
#define RCOV_WAIT_STEP_NS 20000L

struct http_cov {
    char path[PATH_MAX];
    int fd; /* holds the region's owner lock (http_cov_region.h) */
    struct rcov_header *hdr;
    uint8_t *counters; /* the region's copy, after the header */
    size_t map_len;
    uint64_t seq;  /* sequence number of the last request posted */
    bool snap_ok;  /* the last request was a snapshot and it was acked */
    size_t snap_n; /* counters in that snapshot */
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(long ns) {
    struct timespec ts = {0, ns};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Creates, locks and maps the region file; the header is filled by the caller. */
static bool map_new(struct http_cov *r, size_t capacity) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    r->map_len = (RCOV_HEADER_SIZE + capacity + page - 1) / page * page;
    r->fd = http_cov_region_create(r->path, sizeof r->path, r->map_len);
    if (r->fd < 0)
        return false;
    void *p = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
    if (p == MAP_FAILED) {
        PLOG_E("remote coverage: map %s", r->path);
        unlink(r->path);
        close(r->fd);
        return false;
    }
    r->hdr = p;
    r->counters = (uint8_t *)p + RCOV_HEADER_SIZE;
    return true;
}

struct http_cov *http_cov_create(const char *path, size_t capacity) {
    struct http_cov *r = calloc(1, sizeof *r);
    bool ok = false;
    if (!r) {
        LOG_E("remote coverage: out of memory");
        return NULL;
    }
    if (capacity == 0)
        capacity = RCOV_DEFAULT_CAPACITY;
    if (path != NULL && snprintf(r->path, sizeof r->path, "%s", path) >= (int)sizeof r->path) {
        LOG_E("remote coverage: region path too long");
        goto out;
    }
    if (!map_new(r, capacity))
        goto out;
    r->hdr->version = RCOV_VERSION;
    r->hdr->capacity = capacity;
    __atomic_store_n(&r->hdr->magic, RCOV_MAGIC, __ATOMIC_RELEASE);
    ok = true;
out:
    if (!ok)
        free(r);          /* map_new leaves nothing mapped when it fails */
    return ok ? r : NULL; /* the caller's on success */
}

void http_cov_destroy(struct http_cov *r) {
    if (!r)
        return;
    munmap(r->hdr, r->map_len);
    /* Removed before the lock goes with the descriptor, so no sweep sees it orphaned. */
    if (unlink(r->path) != 0 && errno != ENOENT)
        PLOG_E("remote coverage: remove %s", r->path);
    close(r->fd);
    free(r);
}

const char *http_cov_path(const struct http_cov *r) {
    return r->path;
}

bool http_cov_attached(const struct http_cov *r) {
    return __atomic_load_n(&r->hdr->flags, __ATOMIC_ACQUIRE) & RCOV_FLAG_ATTACHED;
}

bool http_cov_wait_attached(const struct http_cov *r, unsigned timeout_ms) {
    uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
    while (!http_cov_attached(r)) {
        if (now_ns() >= deadline)
            return false;
        sleep_ns(100000);
    }
    return true;
}

size_t http_cov_ncounters(const struct http_cov *r) {
    return http_cov_attached(r) ? (size_t)__atomic_load_n(&r->hdr->ncounters, __ATOMIC_RELAXED) : 0;
}

void http_cov_reset(struct http_cov *r) {
    __atomic_store_n(&r->hdr->flags, 0, __ATOMIC_RELEASE);
    r->snap_ok = false;
}

/* Posts one request and waits for its ack. */
static enum http_cov_status request(struct http_cov *r, enum rcov_op op, unsigned timeout_ms) {
    r->snap_ok = false;
    if (!http_cov_attached(r))
        return RCOV_NO_SERVICE;
    /* Continue after whatever the region saw: a region reused across harness processes
     * keeps its sequence numbers increasing. */
    uint64_t last = __atomic_load_n(&r->hdr->request, __ATOMIC_RELAXED) >> RCOV_SEQ_SHIFT;
    r->seq = (last > r->seq ? last : r->seq) + 1;
    uint64_t req = r->seq << RCOV_SEQ_SHIFT | (uint64_t)op;
    __atomic_store_n(&r->hdr->request, req, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&r->hdr->bell, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &r->hdr->bell, FUTEX_WAKE, 1, NULL, NULL, 0);

    uint64_t start = now_ns(), now = start;
    uint64_t deadline = start + (uint64_t)timeout_ms * 1000000u;
    while (__atomic_load_n(&r->hdr->ack, __ATOMIC_ACQUIRE) != req) {
        if (now >= deadline)
            return RCOV_TIMEOUT;
        if (now - start < RCOV_WAIT_YIELD_NS)
            sched_yield();
        else
            sleep_ns(RCOV_WAIT_STEP_NS);
        now = now_ns();
    }
    return RCOV_OK;
}

enum http_cov_status http_cov_clear(struct http_cov *r, unsigned timeout_ms) {
    return request(r, RCOV_OP_CLEAR, timeout_ms);
}

enum http_cov_status http_cov_snapshot(struct http_cov *r, unsigned timeout_ms,
                                       struct http_cov_snapshot *out) {
    enum http_cov_status s = request(r, RCOV_OP_SNAPSHOT, timeout_ms);
    if (s != RCOV_OK)
        return s;
    uint64_t n = __atomic_load_n(&r->hdr->ncopied, __ATOMIC_RELAXED);
    r->snap_n = n < r->hdr->capacity ? (size_t)n : (size_t)r->hdr->capacity;
    r->snap_ok = true;
    *out = (struct http_cov_snapshot){
        .counters = r->counters,
        .n = r->snap_n,
        .goroutines = __atomic_load_n(&r->hdr->goroutines, __ATOMIC_RELAXED),
        .truncated = __atomic_load_n(&r->hdr->flags, __ATOMIC_RELAXED) & RCOV_FLAG_TRUNCATED,
    };
    return RCOV_OK;
}

size_t http_cov_copy_to(const struct http_cov *r, uint8_t *dst, size_t n) {
    size_t lit = 0;
    if (!r->snap_ok || n == 0)
        return 0;
    for (size_t i = 0, j = 0; i < r->snap_n; i++, j = j + 1 == n ? 0 : j + 1) {
        uint8_t c = r->counters[i];
        if (c == 0)
            continue;
        lit++;
        dst[j] = dst[j] > 255 - c ? 255 : (uint8_t)(dst[j] + c);
    }
    return lit;
}

const char *http_cov_status_str(enum http_cov_status s) {
    switch (s) {
    case RCOV_OK:
        return "ok";
    case RCOV_NO_SERVICE:
        return "no remote coverage (the service did not attach: it needs a blank import of "
               "racefuzz/go/cover and a build with -tags libfuzzer)";
    case RCOV_TIMEOUT:
        return "remote coverage: the service did not answer in time";
    }
    return "remote coverage: unknown status";
}
