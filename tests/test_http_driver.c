/* The HTTP driver against an in-test HTTP/1.1 server (http_test_server.h): lanes run
 * concurrently and in order on one kept-alive connection each, barrier groups reach the
 * server together, every response framing parses, silence becomes a hang, a dying server
 * gives transport errors, reconnects leak nothing, and non-loopback addresses are refused. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_addr.h"
#include "http_driver.h"
#include "http_plan.h"
#include "http_resp.h"
#include "http_test_server.h"

/* ---- helpers ------------------------------------------------------------------------ */

#define MAX_TEST_STEPS 64

struct sb {
    struct schedule s;
    struct schedule_step steps[MAX_TEST_STEPS];
    char paths[MAX_TEST_STEPS][64];
};

static void sb_init(struct sb *b, unsigned lanes) {
    memset(b, 0, sizeof(*b));
    b->s = (struct schedule){
        .version = SCHED_VERSION, .lanes = (uint8_t)lanes, .repeat = 1, .steps = b->steps};
}

static struct schedule_step *sb_add(struct sb *b, unsigned lane, unsigned barrier,
                                    enum schedule_method m, const char *path, const char *body) {
    assert_true(b->s.nsteps < MAX_TEST_STEPS);
    size_t i = b->s.nsteps++;
    snprintf(b->paths[i], sizeof(b->paths[i]), "%s", path);
    b->steps[i] = (struct schedule_step){
        .lane = (uint8_t)lane,
        .barrier = (uint8_t)barrier,
        .method = m,
        .path = (const uint8_t *)b->paths[i],
        .path_len = (uint16_t)strlen(b->paths[i]),
        .body = (const uint8_t *)body,
        .body_len = body ? (uint32_t)strlen(body) : 0,
    };
    return &b->steps[i];
}

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct http_driver *driver_for(struct hts *srv, unsigned deadline_ms) {
    char addr[64];
    struct http_driver_opts o;
    http_driver_default_opts(&o);
    snprintf(addr, sizeof(addr), "127.0.0.1:%u", hts_port(srv));
    o.addr = addr;
    if (deadline_ms)
        o.step_deadline_ms = deadline_ms;
    struct http_driver *d = http_driver_new(&o);
    assert_non_null(d);
    return d;
}

static const struct http_driver_result *res(const struct http_driver_outcome *o, unsigned run,
                                            size_t step) {
    return &o->results[(size_t)run * o->nsteps + step];
}

static uint64_t fnv(const char *s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
    return h;
}

static void assert_body(const struct http_driver_result *r, int status, const char *body) {
    if (r->err != HDRV_OK || r->status != status)
        fprintf(stderr, "got err=%s status=%d, want status %d\n", http_driver_strerror(r->err),
                r->status, status);
    assert_int_equal(r->err, HDRV_OK);
    assert_int_equal(r->status, status);
    assert_int_equal(r->body_len, strlen(body));
    assert_int_equal(r->prefix_len, strlen(body));
    assert_memory_equal(r->prefix, body, strlen(body));
    assert_true(r->digest == fnv(body));
    assert_true(r->done_ns >= r->sent_ns && r->sent_ns > 0);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static unsigned open_fds(void) {
    unsigned n = 0;
    DIR *dir = opendir("/proc/self/fd");
    assert_non_null(dir);
    while (readdir(dir))
        n++;
    closedir(dir);
    return n;
}

/* Open descriptors once the server's threads for closed connections have closed theirs
 * (they do so after the driver has its response): the lowest count seen within 500 ms. */
static unsigned settled_fds(void) {
    unsigned low = open_fds();
    for (int i = 0; i < 50; i++) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
        unsigned n = open_fds();
        low = n < low ? n : low;
    }
    return low;
}

/* ---- lanes -------------------------------------------------------------------------- */

static void lanes_should_run_concurrently(void **state) {
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 0);
    struct sb b;
    sb_init(&b, 4);
    for (unsigned l = 0; l < 4; l++)
        sb_add(&b, l, 0, SCHED_GET, "/slow?ms=200", NULL);
    struct http_driver_outcome o;
    uint64_t t0 = mono_ns();
    assert_true(http_driver_run(d, &b.s, &o));
    uint64_t ms = (mono_ns() - t0) / 1000000u;
    printf("4 lanes x /slow?ms=200: %llu ms\n", (unsigned long long)ms);
    for (unsigned l = 0; l < 4; l++)
        assert_body(res(&o, 0, l), 200, "slow");
    assert_true(ms < 500);
    http_driver_free(d);
    hts_stop(srv);
}

static void lane_steps_should_run_in_order_on_one_connection(void **state) {
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 0);
    struct sb b;
    sb_init(&b, 3);
    char path[64];
    for (unsigned i = 0; i < 4; i++)
        for (unsigned l = 0; l < 3; l++) {
            snprintf(path, sizeof(path), "/slow?ms=%u&lane=%u&i=%u", (l * 7 + i * 3) % 5, l, i);
            sb_add(&b, l, 0, i % 2 ? SCHED_POST : SCHED_GET, path, i % 2 ? "{}" : NULL);
        }
    struct http_driver_outcome o;
    for (unsigned round = 0; round < 2; round++) {
        hts_clear(srv);
        assert_true(http_driver_run(d, &b.s, &o));
        assert_int_equal(o.errors + o.hangs, 0);
        struct hts_arrival a[64];
        size_t n = hts_arrivals(srv, a, 64);
        assert_int_equal(n, 12);
        unsigned conn_of[3] = {0}, next[3] = {0};
        for (size_t k = 0; k < n; k++) {
            const char *p = strstr(a[k].target, "&lane=");
            assert_non_null(p);
            unsigned l = (unsigned)(p[6] - '0'), i = (unsigned)(strstr(p, "&i=")[3] - '0');
            assert_int_equal(i, next[l]++); /* in order within the lane */
            if (conn_of[l] == 0)
                conn_of[l] = a[k].conn;
            assert_int_equal(a[k].conn, conn_of[l]); /* one connection per lane */
        }
        assert_true(conn_of[0] != conn_of[1] && conn_of[1] != conn_of[2] &&
                    conn_of[0] != conn_of[2]);
        /* Kept alive across steps and across schedules. */
        assert_int_equal(hts_connections(srv), 3);
    }
    http_driver_free(d);
    hts_stop(srv);
}

/* ---- barrier groups ------------------------------------------------------------------- */

static void barrier_group_should_release_together(void **state) {
    enum { GROUPS = 60, SIZE = 8 };
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 0);
    struct sb b;
    sb_init(&b, SIZE);
    char path[64];
    /* Staggered unbarriered steps first, so members reach the gate at different times. */
    for (unsigned l = 0; l < SIZE; l++) {
        snprintf(path, sizeof(path), "/slow?ms=%u", l % 3);
        sb_add(&b, l, 0, SCHED_GET, path, NULL);
        snprintf(path, sizeof(path), "/gate?lane=%u", l);
        sb_add(&b, l, 1, l % 2 ? SCHED_POST : SCHED_GET, path, l % 2 ? "{\"n\":1}" : NULL);
    }
    uint64_t spread[GROUPS];
    for (unsigned g = 0; g < GROUPS; g++) {
        hts_clear(srv);
        struct http_driver_outcome o;
        assert_true(http_driver_run(d, &b.s, &o));
        assert_int_equal(o.errors + o.hangs, 0);
        struct hts_arrival a[32];
        size_t n = hts_arrivals(srv, a, 32);
        uint64_t lo = UINT64_MAX, hi = 0;
        unsigned members = 0;
        for (size_t k = 0; k < n; k++) {
            if (strncmp(a[k].target, "/gate", 5) != 0)
                continue;
            members++;
            lo = a[k].ns < lo ? a[k].ns : lo;
            hi = a[k].ns > hi ? a[k].ns : hi;
        }
        assert_int_equal(members, SIZE);
        spread[g] = hi - lo;
    }
    qsort(spread, GROUPS, sizeof(spread[0]), cmp_u64);
    printf("barrier groups of %d (GET and POST), %d groups: last-byte spread median %.1f us, "
           "p90 %.1f us\n",
           SIZE, GROUPS, spread[GROUPS / 2] / 1e3, spread[GROUPS * 9 / 10] / 1e3);
    assert_true(spread[GROUPS / 2] <= 1000000u);
    http_driver_free(d);
    hts_stop(srv);
}

static void cyclic_barrier_orders_should_not_deadlock(void **state) {
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 1000);
    struct sb b;
    sb_init(&b, 3);
    sb_add(&b, 0, 1, SCHED_GET, "/a", NULL);
    sb_add(&b, 0, 2, SCHED_GET, "/b", NULL);
    sb_add(&b, 1, 2, SCHED_GET, "/c", NULL);
    sb_add(&b, 1, 3, SCHED_GET, "/d", NULL);
    sb_add(&b, 2, 3, SCHED_GET, "/e", NULL);
    sb_add(&b, 2, 1, SCHED_GET, "/f", NULL);
    sb_add(&b, 2, 1, SCHED_GET, "/g", NULL); /* same-lane duplicate: unbarriered */
    b.s.repeat = 3;
    struct http_driver_outcome o;
    assert_true(http_driver_run(d, &b.s, &o));
    assert_int_equal(o.runs, 3);
    for (unsigned r = 0; r < 3; r++)
        for (size_t i = 0; i < b.s.nsteps; i++)
            assert_body(res(&o, r, i), 200, "ok\n");
    http_driver_free(d);
    hts_stop(srv);
}

static void plan_should_follow_go_modes_rules(void **state) {
    struct sb b;
    static struct http_plan p;
    /* Same-lane duplicate is unbarriered; the group has lanes 0 and 1. */
    sb_init(&b, 2);
    sb_add(&b, 0, 1, SCHED_GET, "/a", NULL);
    sb_add(&b, 0, 1, SCHED_GET, "/b", NULL);
    sb_add(&b, 1, 1, SCHED_GET, "/c", NULL);
    http_plan_build(&b.s, &p);
    assert_int_equal(p.ngates, 1);
    assert_int_equal(p.gate[0], 0);
    assert_int_equal(p.gate[1], -1);
    assert_int_equal(p.gate[2], 0);
    /* Cycle lane0: B1,B2 / lane1: B2,B1: B1 released with lane 0 alone (no gate), then B2
     * with both, then lane 1's B1 runs unbarriered. */
    sb_init(&b, 2);
    sb_add(&b, 0, 1, SCHED_GET, "/a", NULL);
    sb_add(&b, 0, 2, SCHED_GET, "/b", NULL);
    sb_add(&b, 1, 2, SCHED_GET, "/c", NULL);
    sb_add(&b, 1, 1, SCHED_GET, "/d", NULL);
    http_plan_build(&b.s, &p);
    assert_int_equal(p.ngates, 1);
    assert_int_equal(p.gate[0], -1);
    assert_int_equal(p.gate[1], 0);
    assert_int_equal(p.gate[2], 0);
    assert_int_equal(p.gate[3], -1);
    assert_int_equal(p.gate_size[0], 2);
}

/* ---- responses ---------------------------------------------------------------------- */

static void responses_should_parse_every_framing(void **state) {
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 0);
    struct sb b;
    sb_init(&b, 1);
    sb_add(&b, 0, 0, SCHED_GET, "/chunked", NULL);
    sb_add(&b, 0, 0, SCHED_GET, "/status?code=404", NULL);
    sb_add(&b, 0, 0, SCHED_HEAD, "/", NULL);
    sb_add(&b, 0, 0, SCHED_GET, "/status?code=204", NULL);
    sb_add(&b, 0, 0, SCHED_DELETE, "/status?code=304", NULL);
    sb_add(&b, 0, 0, SCHED_GET, "/close", NULL);
    sb_add(&b, 0, 0, SCHED_GET, "/eof", NULL);
    sb_add(&b, 0, 0, SCHED_HEAD, "/chunked", NULL);
    struct schedule_step *st = sb_add(&b, 0, 0, SCHED_PUT, "echo", "payload");
    /* Framing headers of the schedule are the driver's to write; the rest pass. */
    static const char hdrs[] = "Content-Length: 99\r\nX-A: 1\n\r\nTransfer-Encoding: chunked";
    st->headers = (const uint8_t *)hdrs;
    st->headers_len = (uint16_t)strlen(hdrs);
    sb_add(&b, 0, 0, SCHED_PATCH, "/echo", NULL);
    sb_add(&b, 0, 0, SCHED_GET, "/a b\r\nX: y", NULL);
    struct http_driver_outcome o;
    assert_true(http_driver_run(d, &b.s, &o));
    assert_body(res(&o, 0, 0), 200, "hello chunked world");
    assert_body(res(&o, 0, 1), 404, "status 404");
    assert_body(res(&o, 0, 2), 200, "");
    assert_body(res(&o, 0, 3), 204, "");
    assert_body(res(&o, 0, 4), 304, "");
    assert_body(res(&o, 0, 5), 200, "bye");
    assert_body(res(&o, 0, 6), 200, "until close");
    assert_body(res(&o, 0, 7), 200, "");
    assert_body(res(&o, 0, 8), 200, "payload");
    assert_body(res(&o, 0, 9), 200, "");
    assert_body(res(&o, 0, 10), 200, "ok\n");
    assert_true(res(&o, 0, 1)->resp_bytes > res(&o, 0, 1)->body_len);
    struct hts_arrival a[16];
    assert_int_equal(hts_arrivals(srv, a, 16), 11);
    assert_string_equal(a[10].target, "/a%20b%0D%0AX:%20y");
    /* /close and /eof end their connections: three connections in all. */
    assert_int_equal(hts_connections(srv), 3);
    http_driver_free(d);
    hts_stop(srv);
}

static void response_parser_should_reject_bad_framing(void **state) {
    static struct http_resp r;
    size_t used;
    const char *bad[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "SSH-2.0-OpenSSH\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        http_resp_init(&r, false);
        assert_int_equal(http_resp_feed(&r, (const uint8_t *)bad[i], strlen(bad[i]), &used),
                         HRESP_ERROR);
    }
    /* Byte by byte, with an interim 100 response and bare LF line ends. */
    const char *ok = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\nContent-Length: 2\n\nhiXX";
    http_resp_init(&r, false);
    enum http_resp_rc rc = HRESP_MORE;
    size_t k = 0;
    for (; rc == HRESP_MORE && k < strlen(ok); k++)
        rc = http_resp_feed(&r, (const uint8_t *)ok + k, 1, &used);
    assert_int_equal(rc, HRESP_DONE);
    assert_int_equal(k, strlen(ok) - 2);
    assert_int_equal(r.status, 200);
    assert_true(r.close); /* HTTP/1.0 without keep-alive */
    assert_memory_equal(r.prefix, "hi", 2);
}

/* ---- failures ----------------------------------------------------------------------- */

static void unanswered_request_should_be_a_hang_after_the_deadline(void **state) {
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 300);
    struct sb b;
    sb_init(&b, 2);
    sb_add(&b, 0, 0, SCHED_GET, "/never", NULL);
    sb_add(&b, 0, 0, SCHED_GET, "/", NULL);
    sb_add(&b, 1, 0, SCHED_GET, "/", NULL);
    sb_add(&b, 1, 0, SCHED_GET, "/slow?ms=50", NULL);
    b.s.repeat = 2;
    struct http_driver_outcome o;
    uint64_t t0 = mono_ns();
    assert_true(http_driver_run(d, &b.s, &o));
    uint64_t ms = (mono_ns() - t0) / 1000000u;
    assert_int_equal(res(&o, 0, 0)->err, HDRV_ERR_HANG);
    assert_int_equal(res(&o, 0, 0)->status, 0);
    assert_int_equal(res(&o, 0, 1)->err, HDRV_ERR_SKIPPED);
    assert_body(res(&o, 0, 2), 200, "ok\n");
    assert_body(res(&o, 0, 3), 200, "slow");
    assert_int_equal(res(&o, 1, 2)->err, HDRV_ERR_SKIPPED); /* later runs dropped */
    assert_int_equal(o.hangs, 1);
    assert_true(ms >= 300 && ms < 1500);
    /* The driver recovers: the next schedule runs normally. */
    sb_init(&b, 1);
    sb_add(&b, 0, 0, SCHED_GET, "/", NULL);
    assert_true(http_driver_run(d, &b.s, &o));
    assert_body(res(&o, 0, 0), 200, "ok\n");
    http_driver_free(d);
    hts_stop(srv);
}

static void *stop_later(void *arg) {
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    hts_stop(arg);
    return NULL;
}

static void killed_server_should_give_transport_errors(void **state) {
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 1500);
    struct sb b;
    sb_init(&b, 3);
    sb_add(&b, 0, 0, SCHED_GET, "/never", NULL);
    sb_add(&b, 0, 0, SCHED_GET, "/", NULL);
    sb_add(&b, 1, 0, SCHED_GET, "/slow?ms=1000", NULL);
    sb_add(&b, 2, 5, SCHED_POST, "/never", "x");
    sb_add(&b, 1, 5, SCHED_POST, "/", "y");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stop_later, srv), 0);
    struct http_driver_outcome o;
    assert_true(http_driver_run(d, &b.s, &o));
    pthread_join(t, NULL);
    for (size_t i = 0; i < b.s.nsteps; i++) {
        const struct http_driver_result *r = res(&o, 0, i);
        printf("step %zu: %s\n", i, http_driver_strerror(r->err));
        assert_int_equal(r->status, 0);
        assert_true(r->err == HDRV_ERR_RECV || r->err == HDRV_ERR_CLOSED ||
                    r->err == HDRV_ERR_CONNECT || r->err == HDRV_ERR_SEND);
    }
    assert_int_equal(o.hangs, 0);
    /* Nothing listens any more: every step fails to connect, at once. */
    uint64_t t0 = mono_ns();
    assert_true(http_driver_run(d, &b.s, &o));
    for (size_t i = 0; i < b.s.nsteps; i++)
        assert_int_equal(res(&o, 0, i)->err, HDRV_ERR_CONNECT);
    assert_true(mono_ns() - t0 < 500000000u);
    http_driver_free(d);
}

static void reconnects_should_not_leak_descriptors(void **state) {
    struct hts *srv = hts_start();
    assert_non_null(srv);
    struct http_driver *d = driver_for(srv, 0);
    struct sb b;
    sb_init(&b, 2);
    sb_add(&b, 0, 0, SCHED_GET, "/close", NULL);
    sb_add(&b, 1, 0, SCHED_GET, "/", NULL);
    struct http_driver_outcome o;
    assert_true(http_driver_run(d, &b.s, &o));
    unsigned before = settled_fds();
    for (unsigned i = 0; i < 200; i++) {
        assert_true(http_driver_run(d, &b.s, &o));
        assert_body(res(&o, 0, 0), 200, "bye");
        assert_body(res(&o, 0, 1), 200, "ok\n");
    }
    assert_int_equal(settled_fds(), before);
    struct http_driver_stats st;
    http_driver_get_stats(d, &st);
    assert_int_equal(st.connects, 1 + 201);
    http_driver_free(d);
    hts_stop(srv);
}

/* ---- addresses ---------------------------------------------------------------------- */

static void non_loopback_address_should_be_refused(void **state) {
    struct http_addr h;
    char err[512];
    const char *refused[] = {"10.0.0.1:80", "192.168.1.1:8080", "[2001:db8::1]:80",
                             "[::ffff:10.1.2.3]:80"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        assert_false(http_addr_resolve(refused[i], false, &h, err, sizeof(err)));
        assert_non_null(strstr(err, "is not a loopback address; set service.allow_non_loopback "
                                    "in the target config to allow it"));
        assert_true(http_addr_resolve(refused[i], true, &h, err, sizeof(err)));
    }
    assert_false(http_addr_resolve("10.1.2.3:80", false, &h, err, sizeof(err)));
    assert_string_equal(err, "http driver: 10.1.2.3:80 is not a loopback address; set "
                             "service.allow_non_loopback in the target config to allow it");
    const char *accepted[] = {"127.0.0.1:80", "127.5.5.5:1", "[::1]:8080", "localhost:80",
                              "[::ffff:127.0.0.1]:80"};
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        if (!http_addr_resolve(accepted[i], false, &h, err, sizeof(err)))
            fail_msg("%s refused: %s", accepted[i], err);
    }
    /* A name is checked through every address it resolves to: this machine's own name,
     * when it resolves to something other than loopback. */
    char name[256], addr[300];
    if (gethostname(name, sizeof(name)) == 0) {
        snprintf(addr, sizeof(addr), "%s:80", name);
        if (http_addr_resolve(addr, true, &h, err, sizeof(err)) && strncmp(h.numeric, "127.", 4)) {
            assert_false(http_addr_resolve(addr, false, &h, err, sizeof(err)));
            printf("%s\n", err);
        } else {
            printf("note: %s resolves to loopback here; no non-loopback name to test\n", name);
        }
    }
    const char *malformed[] = {"127.0.0.1", "::1:80", "[::1]80", ":80", "127.0.0.1:"};
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
        assert_false(http_addr_resolve(malformed[i], true, &h, err, sizeof(err)));
    /* The driver refuses too. */
    struct http_driver_opts o;
    http_driver_default_opts(&o);
    o.addr = "10.0.0.1:80";
    assert_null(http_driver_new(&o));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanes_should_run_concurrently),
        cmocka_unit_test(lane_steps_should_run_in_order_on_one_connection),
        cmocka_unit_test(barrier_group_should_release_together),
        cmocka_unit_test(cyclic_barrier_orders_should_not_deadlock),
        cmocka_unit_test(plan_should_follow_go_modes_rules),
        cmocka_unit_test(responses_should_parse_every_framing),
        cmocka_unit_test(response_parser_should_reject_bad_framing),
        cmocka_unit_test(unanswered_request_should_be_a_hang_after_the_deadline),
        cmocka_unit_test(killed_server_should_give_transport_errors),
        cmocka_unit_test(reconnects_should_not_leak_descriptors),
        cmocka_unit_test(non_loopback_address_should_be_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
