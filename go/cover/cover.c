// clang-format off
//go:build libfuzzer && cgo
/* clang-format on */

/* The hooks below are what Go's runtime calls in a -d=libfuzzer build (runtime/libfuzzer.go:
 * counters and PC tables at init, integer and string comparisons while running). In a
 * libFuzzer binary libFuzzer defines them; in a service nobody does, and the link fails.
 * They are weak, so a binary that also links libFuzzer (go mode's c-archive) keeps
 * libFuzzer's, and this package then finds no counters and stays idle. */

#define _GNU_SOURCE
#include "cover.h"
#include "http_cov_layout.h"
#include "_cgo_export.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/futex.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct {
    uint8_t *start, *end; /* the live counters */
    struct rcov_header *hdr;
    uint8_t *copy; /* the counters' copy in the region */
    int active;
    char err[256];
} svc;

__attribute__((weak)) void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *end) {
    svc.start = start;
    svc.end = end;
}

__attribute__((weak)) void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end) {
}

/* No value profile: comparisons are ignored. */
__attribute__((weak)) void __sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b) {
}
__attribute__((weak)) void __sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b) {
}
__attribute__((weak)) void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b) {
}
__attribute__((weak)) void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b) {
}
__attribute__((weak)) void __sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b) {
}
__attribute__((weak)) void __sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b) {
}
__attribute__((weak)) void __sanitizer_cov_trace_const_cmp4(uint32_t a, uint32_t b) {
}
__attribute__((weak)) void __sanitizer_cov_trace_const_cmp8(uint64_t a, uint64_t b) {
}
__attribute__((weak)) void __sanitizer_weak_hook_strcmp(void *caller_pc, const char *s1,
                                                        const char *s2, int result) {
}

uint8_t *rcov_service_counters(size_t *n) {
    *n = (size_t)(svc.end - svc.start);
    return svc.start;
}

const char *rcov_service_error(void) {
    return svc.err;
}

int rcov_service_active(void) {
    return __atomic_load_n(&svc.active, __ATOMIC_ACQUIRE);
}

static void serve(uint64_t req) {
    struct rcov_header *h = svc.hdr;
    size_t n = (size_t)(svc.end - svc.start);
    size_t k = n < h->capacity ? n : (size_t)h->capacity;

    switch (req & RCOV_OP_MASK) {
    case RCOV_OP_CLEAR:
        if (n)
            memset(svc.start, 0, n);
        break;
    case RCOV_OP_SNAPSHOT:
        /* Counters first: the Go callback below runs instrumented code of its own. */
        if (k)
            memcpy(svc.copy, svc.start, k);
        __atomic_store_n(&h->ncopied, (uint64_t)k, __ATOMIC_RELAXED);
        __atomic_store_n(&h->goroutines, (int64_t)racefuzzCoverGoroutines(), __ATOMIC_RELAXED);
        break;
    default:
        __atomic_or_fetch(&h->flags, RCOV_FLAG_BAD_OP, __ATOMIC_RELAXED);
        break;
    }
    __atomic_add_fetch(&h->served, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&h->ack, req, __ATOMIC_RELEASE);
}

/* Sleeps until the harness rings the bell (or the fallback timeout passes), unless it
 * already rang since bell was read. Not FUTEX_PRIVATE: the harness is another process. */
static void wait_bell(uint32_t *bell, uint32_t seen) {
    struct timespec ts = {0, RCOV_SERVICE_POLL_MS * 1000000L};
    syscall(SYS_futex, bell, FUTEX_WAIT, seen, &ts, NULL, 0);
}

/* Serves requests until the process ends. */
static void *serve_loop(void *arg) {
    struct rcov_header *h = svc.hdr;
    uint64_t done = __atomic_load_n(&h->ack, __ATOMIC_ACQUIRE);

    for (;;) {
        uint32_t bell = __atomic_load_n(&h->bell, __ATOMIC_SEQ_CST);
        uint64_t req = __atomic_load_n(&h->request, __ATOMIC_SEQ_CST);
        if (req != done) {
            serve(req);
            done = req;
            continue;
        }
        wait_bell(&h->bell, bell);
    }
    return NULL;
}

/* Maps the region and checks what the harness wrote. */
static int map_region(const char *path) {
    struct stat st;
    void *p = MAP_FAILED;
    int rc = -1;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(svc.err, sizeof svc.err, "open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)RCOV_HEADER_SIZE) {
        snprintf(svc.err, sizeof svc.err, "%s: not a remote-coverage region (too small)", path);
        goto out;
    }
    p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        snprintf(svc.err, sizeof svc.err, "mmap %s: %s", path, strerror(errno));
        goto out;
    }
    struct rcov_header *h = p;
    uint64_t room = (uint64_t)st.st_size - RCOV_HEADER_SIZE;
    if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != RCOV_MAGIC || h->version != RCOV_VERSION ||
        h->capacity > room) {
        snprintf(svc.err, sizeof svc.err,
                 "%s: not a version %u remote-coverage region (magic %#x, version %u)", path,
                 RCOV_VERSION, h->magic, h->version);
        goto out;
    }
    svc.hdr = h;
    svc.copy = (uint8_t *)p + RCOV_HEADER_SIZE;
    rc = 0;
out:
    close(fd); /* the mapping outlives it */
    if (rc != 0 && p != MAP_FAILED)
        munmap(p, (size_t)st.st_size);
    return rc;
}

/* Starts the serving thread with every signal blocked: Go's handlers stay with Go's threads. */
static int start_thread(void) {
    pthread_t t;
    pthread_attr_t attr;
    sigset_t all, old;
    int rc;

    sigfillset(&all);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&t, &attr, serve_loop, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        snprintf(svc.err, sizeof svc.err, "pthread_create: %s", strerror(rc));
    return rc == 0 ? 0 : -1;
}

int rcov_service_start(const char *path) {
    if (svc.active) {
        snprintf(svc.err, sizeof svc.err, "already serving a region");
        return -1;
    }
    if (map_region(path) != 0)
        return -1;

    struct rcov_header *h = svc.hdr;
    uint64_t n = (uint64_t)(svc.end - svc.start);
    uint32_t flags = RCOV_FLAG_ATTACHED | (n > h->capacity ? RCOV_FLAG_TRUNCATED : 0);
    h->ncounters = n;
    h->ncopied = 0;
    h->goroutines = 0;
    h->served = 0;
    h->service_pid = (uint32_t)getpid();
    if (start_thread() != 0)
        return -1;
    __atomic_store_n(&svc.active, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&h->flags, flags, __ATOMIC_RELEASE);
    return 0;
}
