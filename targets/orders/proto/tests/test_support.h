/* Shared by the decoder tests: building frame streams by hand, and running a bug trigger
 * in a child process so its sanitizer report can be checked from outside. */
#ifndef ORDERS_TEST_SUPPORT_H
#define ORDERS_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "orders_proto.h"

/* A message body under construction (TLVs or raw bytes). Overflow aborts the test. */
struct body {
    uint8_t data[ORDERS_MAX_FRAME];
    size_t len;
};

void body_clear(struct body *b);
void body_raw(struct body *b, const void *p, size_t n);
void body_u16(struct body *b, uint16_t v);
void body_u32(struct body *b, uint32_t v);
void body_tlv(struct body *b, uint8_t tag, const void *v, size_t n);
void body_tlv_str(struct body *b, uint8_t tag, const char *s);
void body_tlv_u16(struct body *b, uint8_t tag, uint16_t v);
void body_tlv_u32(struct body *b, uint8_t tag, uint32_t v);
void body_price(struct body *b, uint32_t cents, const char *sku); /* a PRICE TLV */
void body_line(struct body *b, uint16_t qty, const char *sku);    /* a LINE TLV  */

/* A frame stream under construction. Allocation failure aborts the test. */
struct stream {
    uint8_t *data;
    size_t len, cap;
};

void stream_free(struct stream *s);
void stream_bytes(struct stream *s, const void *p, size_t n);
/* Appends one well-formed frame: length prefix, header, body, sum. */
void stream_msg(struct stream *s, uint8_t type, const struct body *b);
/* Appends AUTH for user (token "tok-" user "-secret"). */
void stream_auth(struct stream *s, const char *user);

/* The whole of a bug test binary. `prog trigger` runs trigger() in this process;
 * `prog expect-report` re-runs itself with ORDERS_BUGS=bug and passes when every string
 * of must_show is on the child's stderr; `prog expect-clean` re-runs itself with
 * ORDERS_BUGS=none and passes when the child exits 0 with no sanitizer report. */
struct bug_test {
    const char *bug;              /* "C1" */
    const char *const *must_show; /* NULL-terminated */
    int (*trigger)(void);         /* 0 when the run behaved as its variant should */
    unsigned timeout_s;           /* the child is killed after this long */
};

int bug_test_main(int argc, char **argv, const struct bug_test *t);

/* Seconds since an arbitrary start, for time-bounded trigger loops. */
double now_s(void);

#endif
