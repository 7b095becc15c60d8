/* C1: two sessions placing orders with a ship-to address at the same time share the
 * address normalizer's static scratch buffer. Built with ThreadSanitizer. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

#define C1_THREADS 2
#define C1_ROUNDS 400

struct c1_worker {
    pthread_barrier_t *start;
    struct stream stream;
    char want[ORDERS_MAX_TEXT + 1];
    unsigned corrupted;
    unsigned failed;
};

/* AUTH, then an ORDER whose address normalizes to `want`. */
static void c1_session(struct c1_worker *w, int id) {
    struct body b;
    char user[16], addr[96];
    snprintf(user, sizeof(user), "u%d", id + 1);
    snprintf(addr, sizeof(addr), "  %d%d%d  market   street,\tsuite %d  ", id, id, id, id * 7);
    snprintf(w->want, sizeof(w->want), "%d%d%d MARKET STREET, SUITE %d", id, id, id, id * 7);
    stream_auth(&w->stream, user);
    body_clear(&b);
    body_tlv_str(&b, ORDERS_TAG_SKU, "sku-1");
    body_tlv_u16(&b, ORDERS_TAG_QTY, 1);
    body_tlv_str(&b, ORDERS_TAG_SHIP_TO, addr);
    stream_msg(&w->stream, ORDERS_MSG_ORDER, &b);
}

static void *c1_run(void *arg) {
    struct c1_worker *w = arg;
    struct orders_result res;
    pthread_barrier_wait(w->start);
    for (int i = 0; i < C1_ROUNDS; i++) {
        if (orders_proto_decode(w->stream.data, w->stream.len, &res) != 0 || res.n_orders != 1)
            w->failed++;
        else if (strcmp(res.orders[0].ship_to, w->want) != 0)
            w->corrupted++;
    }
    return NULL;
}

static int c1_trigger(void) {
    pthread_barrier_t start;
    pthread_t tid[C1_THREADS];
    struct c1_worker w[C1_THREADS];
    unsigned corrupted = 0, failed = 0;
    pthread_barrier_init(&start, NULL, C1_THREADS);
    for (int i = 0; i < C1_THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].start = &start;
        c1_session(&w[i], i);
        pthread_create(&tid[i], NULL, c1_run, &w[i]);
    }
    for (int i = 0; i < C1_THREADS; i++) {
        pthread_join(tid[i], NULL);
        corrupted += w[i].corrupted;
        failed += w[i].failed;
        stream_free(&w[i].stream);
    }
    pthread_barrier_destroy(&start);
    fprintf(stderr, "c1: %u of %u ship-to addresses came out corrupted, %u decodes failed\n",
            corrupted, C1_THREADS * C1_ROUNDS, failed);
    /* On the fixed variant any corruption or failure is a real bug. */
    bool buggy = (orders_proto_bug_mask() & ORDERS_BUG_C1) != 0;
    return failed == 0 && (buggy || corrupted == 0) ? 0 : 1;
}

int main(int argc, char **argv) {
    static const char *const report[] = {"WARNING: ThreadSanitizer: data race", "text_normalize",
                                         NULL};
    const struct bug_test t = {
        .bug = "C1", .must_show = report, .trigger = c1_trigger, .timeout_s = 60};
    return bug_test_main(argc, argv, &t);
}
