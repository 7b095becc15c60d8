/* C3: sessions quoting against a shared catalog while others republish it. The catalog's
 * reference count is updated outside its lock, so a table is freed while a quote still
 * reads it. Built with AddressSanitizer. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

#define C3_THREADS 2
#define C3_CATALOG 1u
#define C3_SKUS 48  /* prices per catalog page              */
#define C3_LINES 40 /* lines per quote                      */
#define C3_QUOTES 6 /* quotes per catalog publish           */
/* The fixed variant runs C3_CLEAN_SECONDS and must stay clean. The buggy one stops at the
 * first report, usually within 0.1 s; lost updates can also go the other way (a leak,
 * which LeakSanitizer reports at exit), so it gets a long cap before the test gives up. */
#define C3_CLEAN_SECONDS 1.0
#define C3_BUGGY_SECONDS 20.0

struct c3_worker {
    pthread_barrier_t *start;
    const struct stream *stream;
    uint64_t want_cents; /* per decode */
    unsigned wrong;
    unsigned rounds;
    double seconds;
};

static void c3_sku(char *out, size_t cap, int i) {
    snprintf(out, cap, "sku-%04d", i);
}

/* CATALOG, then quotes against it, twice: every session republishes and quotes. */
static uint64_t c3_stream(struct stream *s) {
    struct body b;
    char sku[16];
    uint64_t cents = 0;
    for (int round = 0; round < 2; round++) {
        body_clear(&b);
        body_tlv_u16(&b, ORDERS_TAG_CATALOG_ID, C3_CATALOG);
        for (int i = 0; i < C3_SKUS; i++) {
            c3_sku(sku, sizeof(sku), i);
            body_price(&b, 100u + (uint32_t)i, sku);
        }
        stream_msg(s, ORDERS_MSG_CATALOG, &b);
        for (int q = 0; q < C3_QUOTES; q++) {
            body_clear(&b);
            body_tlv_u16(&b, ORDERS_TAG_CATALOG_ID, C3_CATALOG);
            for (int l = 0; l < C3_LINES; l++) {
                int i = (l * 7 + q) % C3_SKUS;
                c3_sku(sku, sizeof(sku), i);
                body_line(&b, 2, sku);
                cents += 2u * (100u + (uint64_t)i);
            }
            stream_msg(s, ORDERS_MSG_QUOTE, &b);
        }
    }
    return cents;
}

static void *c3_run(void *arg) {
    struct c3_worker *w = arg;
    struct orders_result res;
    double end = now_s() + w->seconds;
    pthread_barrier_wait(w->start);
    while (now_s() < end) {
        if (orders_proto_decode(w->stream->data, w->stream->len, &res) != 0 ||
            res.quote_total_cents != w->want_cents)
            w->wrong++;
        w->rounds++;
    }
    return NULL;
}

static int c3_trigger(void) {
    pthread_barrier_t start;
    pthread_t tid[C3_THREADS];
    struct c3_worker w[C3_THREADS];
    struct stream s = {0};
    uint64_t want = c3_stream(&s);
    unsigned wrong = 0, rounds = 0;
    bool buggy = (orders_proto_bug_mask() & ORDERS_BUG_C3) != 0;
    pthread_barrier_init(&start, NULL, C3_THREADS);
    for (int i = 0; i < C3_THREADS; i++) {
        w[i] = (struct c3_worker){.start = &start,
                                  .stream = &s,
                                  .want_cents = want,
                                  .seconds = buggy ? C3_BUGGY_SECONDS : C3_CLEAN_SECONDS};
        pthread_create(&tid[i], NULL, c3_run, &w[i]);
    }
    for (int i = 0; i < C3_THREADS; i++) {
        pthread_join(tid[i], NULL);
        wrong += w[i].wrong;
        rounds += w[i].rounds;
    }
    pthread_barrier_destroy(&start);
    orders_proto_reset();
    stream_free(&s);
    fprintf(stderr, "c3: %u sessions, %u with a wrong quote total\n", rounds, wrong);
    return wrong == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    static const char *const report[] = {"ERROR: AddressSanitizer: heap-use-after-free", "catalog_",
                                         NULL};
    const struct bug_test t = {
        .bug = "C3", .must_show = report, .trigger = c3_trigger, .timeout_s = 60};
    return bug_test_main(argc, argv, &t);
}
