/* The remote-coverage region: a file shared by racefuzz's http harness and a Go service
 * built with racefuzz/go/cover (docs/http-mode.md, "Remote coverage").
 *
 * Both sides include this header: the harness (fuzz/http/http_cov.c) and the service's cgo
 * code (go/cover/cover.c). Keep it plain C, no racefuzz includes.
 *
 * Layout: a RCOV_HEADER_SIZE header, then `capacity` 8-bit counters. The harness creates
 * the file (usually under /dev/shm), fills the header and passes the path to the service in
 * RACEFUZZ_COVER_SHM. The service maps it at start-up and serves requests from a thread.
 *
 * Protocol, one request at a time, no locks:
 *   harness  stores request = (seq << 8) | op, seq one more than before (release), then
 *            increments bell and wakes a futex waiter on it (FUTEX_WAKE, not private);
 *   service  sees request != ack (acquire), does op, then stores ack = request (release);
 *   harness  sees ack == request (acquire): the results below are complete.
 * Between requests the service sleeps in FUTEX_WAIT on bell with a timeout
 * (RCOV_SERVICE_POLL_MS), so a lost wake-up costs latency, never a request. It reads bell
 * before request, the harness writes them in the other order: no wake-up falls between.
 * Op and sequence number share one word so the service never pairs a new op with an old
 * sequence number. A harness that gave up waiting may post the next request; the service
 * then serves it after the late one, and ack tells the harness which finished.
 * Every field is naturally aligned and accessed with atomic loads and stores where the
 * other side may be writing it. */
#ifndef RF_REMOTE_COV_LAYOUT_H
#define RF_REMOTE_COV_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define RCOV_MAGIC 0x564f4352u /* "RCOV" in a little-endian dump */
#define RCOV_VERSION 1u

/* The counters start one page in, so the copy the service writes and the harness reads
 * never shares a page with the header words the two sides poll. */
#define RCOV_HEADER_SIZE 4096u

/* The service's sleep between looks at the region when no wake-up comes: the fallback
 * that makes a lost futex wake-up cost at most this much latency. 200 looks a second cost
 * an idle service a few hundredths of a percent of a core. */
#define RCOV_SERVICE_POLL_MS 5

/* The environment variable naming the region's path; the service unsets it once read,
 * so Go programs it starts do not attach to the same region. */
#define RCOV_ENV "RACEFUZZ_COVER_SHM"

enum rcov_op {
    RCOV_OP_NONE = 0,     /* request 0: nothing asked yet */
    RCOV_OP_CLEAR = 1,    /* zero the service's own counters */
    RCOV_OP_SNAPSHOT = 2, /* copy counters and the goroutine count into the region */
};

#define RCOV_OP_MASK 0xffu
#define RCOV_SEQ_SHIFT 8

/* Service state bits in rcov_header.flags. */
#define RCOV_FLAG_ATTACHED 0x1u  /* a service mapped the region and serves requests */
#define RCOV_FLAG_TRUNCATED 0x2u /* ncounters > capacity: snapshots hold the first capacity */
#define RCOV_FLAG_BAD_OP 0x4u    /* the last request named an op the service does not know */

struct rcov_header {
    uint32_t magic;       /* harness, written last at creation: RCOV_MAGIC */
    uint32_t version;     /* harness: RCOV_VERSION */
    uint64_t capacity;    /* harness: counters the region holds after the header */
    uint64_t request;     /* harness: (seq << RCOV_SEQ_SHIFT) | op */
    uint64_t ack;         /* service: the request value it completed last */
    uint32_t bell;        /* harness: incremented after each request; the service's futex */
    uint32_t reserved;    /* zero */
    uint32_t flags;       /* service: RCOV_FLAG_* (the harness clears it before a restart) */
    uint32_t service_pid; /* service: its pid, for logs */
    uint64_t ncounters;   /* service: counters its instrumented code has */
    uint64_t ncopied;     /* service: counters the last snapshot copied */
    int64_t goroutines;   /* service: runtime.NumGoroutine() at the last snapshot */
    uint64_t served;      /* service: requests served since it attached */
};

/* The layout is an interface between two programs built apart: pin it (docs/http-mode.md
 * has the table). */
_Static_assert(offsetof(struct rcov_header, request) == 16, "rcov_header layout");
_Static_assert(offsetof(struct rcov_header, bell) == 32, "rcov_header layout");
_Static_assert(offsetof(struct rcov_header, flags) == 40, "rcov_header layout");
_Static_assert(offsetof(struct rcov_header, goroutines) == 64, "rcov_header layout");
_Static_assert(sizeof(struct rcov_header) == 80, "rcov_header layout");

#endif
