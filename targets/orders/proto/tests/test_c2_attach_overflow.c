/* C2: an ATTACH_DATA chunk length larger than the frame carrying it, after an
 * ATTACH_BEGIN that declared room for it. Built with AddressSanitizer. */
#include <stdio.h>

#include "test_support.h"

#define C2_ATTACH_ID 7u
#define C2_DECLARED 4096u /* ATTACH_BEGIN leaves room for the lie... */
#define C2_CLAIMED 3000u  /* ...that ATTACH_DATA tells about its chunk ... */
#define C2_CARRIED 16u    /* ...which really is this long. */

static void c2_stream(struct stream *s) {
    struct body b;
    uint8_t chunk[C2_CARRIED];
    body_clear(&b);
    body_tlv_u32(&b, ORDERS_TAG_ATTACH_ID, C2_ATTACH_ID);
    body_tlv_u32(&b, ORDERS_TAG_ATTACH_SIZE, C2_DECLARED);
    body_tlv_str(&b, ORDERS_TAG_CTYPE, "image/png");
    stream_msg(s, ORDERS_MSG_ATTACH_BEGIN, &b);

    for (size_t i = 0; i < sizeof(chunk); i++)
        chunk[i] = (uint8_t)i;
    body_clear(&b);
    body_u32(&b, C2_ATTACH_ID);
    body_u16(&b, C2_CLAIMED);
    body_raw(&b, chunk, sizeof(chunk));
    stream_msg(s, ORDERS_MSG_ATTACH_DATA, &b);
}

static int c2_trigger(void) {
    struct stream s = {0};
    struct orders_result res;
    c2_stream(&s);
    int rc = orders_proto_decode(s.data, s.len, &res);
    stream_free(&s);
    fprintf(stderr, "c2: decode returned %d (%s) after %u frames\n", rc, orders_proto_strerror(rc),
            res.frames);
    /* The fixed variant must refuse the chunk as out of bounds at frame 1. */
    return rc == ORDERS_EBOUNDS && res.err_frame == 1 ? 0 : 1;
}

int main(int argc, char **argv) {
    static const char *const report[] = {"ERROR: AddressSanitizer: heap-buffer-overflow",
                                         "attach_append", NULL};
    const struct bug_test t = {
        .bug = "C2", .must_show = report, .trigger = c2_trigger, .timeout_s = 60};
    return bug_test_main(argc, argv, &t);
}
