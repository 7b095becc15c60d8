/* The HTTP driver's figures for bench/http_driver.sh (not a test: speed goals are
 * measured, never asserted).
 *   http_rps rps ADDR LANES SECONDS [STEPS]  schedules of LANES lanes x STEPS GET /healthz
 *                                           against ADDR, run back to back for SECONDS;
 *                                           prints completed requests per second.
 *   http_rps spread GROUPS SIZE             GROUPS schedules, each one barrier group of
 *                                           SIZE lanes (GET and POST alternating) against
 *                                           the in-process recording server; prints the
 *                                           server-side spread of last-byte arrivals. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_driver.h"
#include "http_test_server.h"

#define MAX_BENCH_STEPS SCHED_MAX_STEPS

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct http_driver *driver(const char *addr) {
    struct http_driver_opts o;
    http_driver_default_opts(&o);
    o.addr = addr;
    return http_driver_new(&o);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static long arg(const char *s, long lo, long hi) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi) {
        fprintf(stderr, "http_rps: '%s' is not a number in [%ld, %ld]\n", s, lo, hi);
        exit(2);
    }
    return v;
}

static int rps(const char *addr, unsigned lanes, unsigned secs, unsigned steps) {
    static struct schedule_step st[MAX_BENCH_STEPS];
    static const char path[] = "/healthz";
    struct schedule s = {.version = SCHED_VERSION,
                         .lanes = (uint8_t)lanes,
                         .repeat = 1,
                         .steps = st,
                         .nsteps = (size_t)lanes * steps};
    if (s.nsteps > MAX_BENCH_STEPS) {
        fprintf(stderr, "http_rps: lanes x steps above %u\n", MAX_BENCH_STEPS);
        return 2;
    }
    for (size_t i = 0; i < s.nsteps; i++)
        st[i] = (struct schedule_step){.lane = (uint8_t)(i % lanes),
                                       .method = SCHED_GET,
                                       .path = (const uint8_t *)path,
                                       .path_len = 8};
    struct http_driver *d = driver(addr);
    if (!d)
        return 1;
    struct http_driver_outcome o;
    uint64_t ok = 0, bad = 0, t0 = mono_ns(), end = t0 + (uint64_t)secs * 1000000000ULL;
    while (mono_ns() < end) {
        if (!http_driver_run(d, &s, &o))
            return 1;
        for (size_t i = 0; i < o.nsteps; i++)
            o.results[i].err == HDRV_OK &&o.results[i].status == 200 ? ok++ : bad++;
    }
    double el = (double)(mono_ns() - t0) / 1e9;
    struct http_driver_stats stats;
    http_driver_get_stats(d, &stats);
    printf("driver: %u lanes x %u steps: %llu requests in %.2f s: %.0f requests/s "
           "(%llu failed, %llu connects)\n",
           lanes, steps, (unsigned long long)ok, el, (double)ok / el, (unsigned long long)bad,
           (unsigned long long)stats.connects);
    http_driver_free(d);
    return 0;
}

/* One group's spread, from the server's arrivals; 0 members means a failure. */
static unsigned group_spread(struct hts *srv, uint64_t *spread) {
    struct hts_arrival a[SCHED_MAX_LANES];
    size_t n = hts_arrivals(srv, a, SCHED_MAX_LANES);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t k = 0; k < n; k++) {
        lo = a[k].ns < lo ? a[k].ns : lo;
        hi = a[k].ns > hi ? a[k].ns : hi;
    }
    *spread = n ? hi - lo : 0;
    return (unsigned)n;
}

static int spread(unsigned groups, unsigned size) {
    static struct schedule_step st[SCHED_MAX_LANES];
    static const char path[] = "/gate", body[] = "{\"n\":1}";
    struct schedule s = {
        .version = SCHED_VERSION, .lanes = (uint8_t)size, .repeat = 1, .steps = st, .nsteps = size};
    for (unsigned i = 0; i < size; i++)
        st[i] = (struct schedule_step){.lane = (uint8_t)i,
                                       .barrier = 1,
                                       .method = i % 2 ? SCHED_POST : SCHED_GET,
                                       .path = (const uint8_t *)path,
                                       .path_len = 5,
                                       .body = i % 2 ? (const uint8_t *)body : NULL,
                                       .body_len = i % 2 ? 7 : 0};
    struct hts *srv = hts_start();
    char addr[32];
    if (!srv)
        return 1;
    snprintf(addr, sizeof(addr), "127.0.0.1:%u", hts_port(srv));
    struct http_driver *d = driver(addr);
    uint64_t *sp = calloc(groups, sizeof(*sp));
    if (!d || !sp)
        return 1;
    unsigned got = 0;
    for (unsigned g = 0; g < groups; g++) {
        struct http_driver_outcome o;
        hts_clear(srv);
        if (!http_driver_run(d, &s, &o) || o.errors + o.hangs > 0)
            return 1;
        if (group_spread(srv, &sp[got]) == size)
            got++;
    }
    qsort(sp, got, sizeof(*sp), cmp_u64);
    printf("barrier spread: %u groups of %u (GET/POST alternating): median %.1f us, "
           "p90 %.1f us, p99 %.1f us, max %.1f us\n",
           got, size, sp[got / 2] / 1e3, sp[got * 9 / 10] / 1e3, sp[got * 99 / 100] / 1e3,
           sp[got - 1] / 1e3);
    free(sp);
    http_driver_free(d);
    hts_stop(srv);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "rps") == 0)
        return rps(argv[2], (unsigned)arg(argv[3], 1, SCHED_MAX_LANES),
                   (unsigned)arg(argv[4], 1, 3600),
                   argc > 5 ? (unsigned)arg(argv[5], 1, SCHED_MAX_STEPS) : 1);
    if (argc == 4 && strcmp(argv[1], "spread") == 0)
        return spread((unsigned)arg(argv[2], 1, 1000000),
                      (unsigned)arg(argv[3], 2, SCHED_MAX_LANES));
    fprintf(stderr, "usage: %s rps ADDR LANES SECONDS [STEPS] | spread GROUPS SIZE\n", argv[0]);
    return 2;
}
