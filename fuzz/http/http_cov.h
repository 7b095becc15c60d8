/* Remote coverage, harness side: the region a Go service built with racefuzz/go/cover
 * publishes its 8-bit counters in, and the clear/snapshot requests of the http mode
 * (layout and protocol: http_cov_layout.h; docs/http-mode.md).
 *
 * One struct http_cov per supervised service. Typical use:
 *   r = http_cov_create(NULL, 0);                 before starting the service
 *   setenv(RCOV_ENV, http_cov_path(r)) in the service's environment; start it; wait until ready
 *   http_cov_attached(r)?  else black-box feedback
 *   per input: http_cov_clear → run the schedule, let it drain → http_cov_snapshot →
 * http_cov_to_libfuzzer http_cov_reset(r) before restarting the service; http_cov_destroy(r) at the
 * end. Not thread-safe: one thread drives one region. */
#ifndef RF_REMOTE_COV_H
#define RF_REMOTE_COV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_cov_layout.h"

/* Counters a region holds when http_cov_create is given 0. A service built with
 * -gcflags=all=-d=libfuzzer (the standard library too) has a few hundred thousand; a
 * region is a sparse tmpfs file, so only the pages a snapshot writes cost memory. */
#define RCOV_DEFAULT_CAPACITY (1u << 20)

/* libFuzzer's extra counters racefuzz reserves (http_cov_to_libfuzzer). libFuzzer clears and
 * scans them on every input; 128 KiB costs a few microseconds against the milliseconds an
 * HTTP schedule takes, and holds the counters of a service's own packages unfolded. */
#define RCOV_LIBFUZZER_COUNTERS (1u << 17)

enum http_cov_status {
    RCOV_OK = 0,
    RCOV_NO_SERVICE, /* no service attached: it does not import racefuzz/go/cover, was built
                        without -tags libfuzzer, did not get RACEFUZZ_COVER_SHM, or has not
                        started yet. Fall back to black-box feedback. */
    RCOV_TIMEOUT,    /* a service attached but did not answer in time (stopped, dead, or its
                        serving thread starved) */
};

struct http_cov;

/* A snapshot's view of the region; valid until the next request on it. */
struct http_cov_snapshot {
    const uint8_t *counters; /* n counters, in the service's own order */
    size_t n;
    int64_t goroutines; /* runtime.NumGoroutine() when the service took the snapshot */
    bool truncated;     /* the service has more counters than the region holds */
};

/* Creates the region file with room for capacity counters (0: RCOV_DEFAULT_CAPACITY) at
 * path, or at /dev/shm/racefuzz-cov-<pid>-<n> when path is NULL. The file must not exist.
 * NULL, logged, on failure. */
struct http_cov *http_cov_create(const char *path, size_t capacity);

/* Unmaps and removes the region file. NULL is fine. */
void http_cov_destroy(struct http_cov *r);

/* The path to hand the service in RACEFUZZ_COVER_SHM (RCOV_ENV). */
const char *http_cov_path(const struct http_cov *r);

/* True once a service mapped the region (it does so in its init, before main). */
bool http_cov_attached(const struct http_cov *r);

/* Waits up to timeout_ms for a service to attach; true if one did. */
bool http_cov_wait_attached(const struct http_cov *r, unsigned timeout_ms);

/* Counters the attached service has (0 when none attached). */
size_t http_cov_ncounters(const struct http_cov *r);

/* Forgets the attached service, so the next one's attach is seen: call it before
 * (re)starting a service on this region. Leaves request/ack alone (the protocol copes). */
void http_cov_reset(struct http_cov *r);

/* Asks the service to zero its counters and waits up to timeout_ms for the ack. */
enum http_cov_status http_cov_clear(struct http_cov *r, unsigned timeout_ms);

/* Asks the service for its counters and goroutine count; on RCOV_OK *out views them. */
enum http_cov_status http_cov_snapshot(struct http_cov *r, unsigned timeout_ms,
                                       struct http_cov_snapshot *out);

/* Folds the last good snapshot into dst[0..n): counter i is added to dst[i % n],
 * saturating at 255, so what dst held (another source's counters) is kept. Folds nothing
 * when there is no snapshot since the last clear (or it failed). Returns the number of
 * non-zero service counters folded. */
size_t http_cov_copy_to(const struct http_cov *r, uint8_t *dst, size_t n);

/* The last snapshot into libFuzzer's extra counters (a RCOV_LIBFUZZER_COUNTERS array in
 * the __libfuzzer_extra_counters section, which libFuzzer clears before every input and
 * reads after it). Call after http_cov_snapshot, before LLVMFuzzerTestOneInput returns. */
size_t http_cov_to_libfuzzer(const struct http_cov *r);

/* The last snapshot into AFL++'s map (__afl_area_ptr, __afl_map_size), folded modulo the
 * map size over the harness's own edges. 0 when the binary has no AFL++ runtime. AFL++
 * sizes its map to the harness's edges: set AFL_MAP_SIZE (and see docs/http-mode.md). */
size_t http_cov_to_afl(const struct http_cov *r);

/* "ok", "no remote coverage (...)", "timeout ...": for logs. */
const char *http_cov_status_str(enum http_cov_status s);

#endif
