/* Decoder unit tests on the fixed variant (ASan + UBSan build): valid sessions decode to
 * the right result, malformed ones are rejected with the right code at the right frame. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "orders_bugs.h"
#include "orders_catalog.h"
#include "orders_text.h"
#include "test_support.h"

static int fixed_variant(void **state) {
    (void)state;
    orders_proto_set_bug_mask(0);
    orders_proto_reset();
    return 0;
}

static int forget_catalogs(void **state) {
    (void)state;
    orders_proto_reset();
    return 0;
}

static int decode(const struct stream *s, struct orders_result *res) {
    return orders_proto_decode(s->data, s->len, res);
}

static void add_hello(struct stream *s, const char *client) {
    struct body b;
    uint8_t features = 1;
    body_clear(&b);
    body_tlv_str(&b, ORDERS_TAG_CLIENT, client);
    body_tlv(&b, ORDERS_TAG_FEATURES, &features, 1);
    stream_msg(s, ORDERS_MSG_HELLO, &b);
}

static void add_order(struct stream *s, const char *sku, uint16_t qty, const char *ship_to) {
    struct body b;
    body_clear(&b);
    body_tlv_str(&b, ORDERS_TAG_SKU, sku);
    body_tlv_u16(&b, ORDERS_TAG_QTY, qty);
    if (ship_to != NULL)
        body_tlv_str(&b, ORDERS_TAG_SHIP_TO, ship_to);
    stream_msg(s, ORDERS_MSG_ORDER, &b);
}

static void add_catalog(struct stream *s, uint16_t id) {
    struct body b;
    body_clear(&b);
    body_tlv_u16(&b, ORDERS_TAG_CATALOG_ID, id);
    body_price(&b, 250, "sku-1");
    body_price(&b, 1000, "sku-2");
    stream_msg(s, ORDERS_MSG_CATALOG, &b);
}

static void add_quote(struct stream *s, uint16_t id) {
    struct body b;
    body_clear(&b);
    body_tlv_u16(&b, ORDERS_TAG_CATALOG_ID, id);
    body_line(&b, 2, "sku-1");
    body_line(&b, 1, "sku-2");
    body_line(&b, 5, "sku-9");
    stream_msg(s, ORDERS_MSG_QUOTE, &b);
}

static void add_attach_begin(struct stream *s, uint32_t id, uint32_t size) {
    struct body b;
    body_clear(&b);
    body_tlv_u32(&b, ORDERS_TAG_ATTACH_ID, id);
    body_tlv_u32(&b, ORDERS_TAG_ATTACH_SIZE, size);
    body_tlv_str(&b, ORDERS_TAG_CTYPE, "text/plain");
    stream_msg(s, ORDERS_MSG_ATTACH_BEGIN, &b);
}

static void add_attach_data(struct stream *s, uint32_t id, uint16_t claimed, const char *chunk) {
    struct body b;
    body_clear(&b);
    body_u32(&b, id);
    body_u16(&b, claimed);
    body_raw(&b, chunk, strlen(chunk));
    stream_msg(s, ORDERS_MSG_ATTACH_DATA, &b);
}

static void add_empty(struct stream *s, uint8_t type) {
    struct body b;
    body_clear(&b);
    stream_msg(s, type, &b);
}

/* Decodes s and checks the error code and the frame it was found at. */
static void expect_err(struct stream *s, int err, uint32_t frame) {
    struct orders_result res;
    assert_int_equal(decode(s, &res), err);
    assert_int_equal(res.err, err);
    assert_int_equal(res.err_frame, frame);
    assert_int_equal(res.frames, frame);
    stream_free(s);
}

/* ---- valid sessions ------------------------------------------------------------------ */

static void decode_should_accept_a_full_session(void **state) {
    struct stream s = {0};
    struct orders_result res;
    (void)state;
    add_hello(&s, "web-7 (checkout)");
    stream_auth(&s, "u1");
    add_order(&s, "sku-1", 3, "  1   Main st,\tSpringfield  ");
    add_order(&s, "sku-2", 1, NULL);
    add_catalog(&s, 9);
    add_quote(&s, 9);
    add_attach_begin(&s, 5, 10);
    add_attach_data(&s, 5, 6, "invoic");
    add_attach_data(&s, 5, 4, "e #1");
    add_empty(&s, ORDERS_MSG_PING);
    add_empty(&s, ORDERS_MSG_BYE);

    assert_int_equal(decode(&s, &res), 0);
    assert_int_equal(res.frames, 11);
    assert_string_equal(res.client, "web-7 (checkout)");
    assert_string_equal(res.user, "u1");
    assert_int_equal(res.n_orders, 2);
    assert_string_equal(res.orders[0].user, "u1");
    assert_string_equal(res.orders[0].sku, "sku-1");
    assert_int_equal(res.orders[0].qty, 3);
    assert_string_equal(res.orders[0].ship_to, "1 MAIN ST, SPRINGFIELD");
    assert_string_equal(res.orders[1].ship_to, "");
    assert_int_equal(res.quoted_lines, 2);
    assert_int_equal(res.unpriced_lines, 1);
    assert_int_equal(res.quote_total_cents, 2 * 250 + 1000);
    assert_int_equal(res.attachments_done, 1);
    assert_int_equal(res.attachment_bytes, 10);
    assert_int_equal(res.by_type[ORDERS_MSG_ATTACH_DATA], 2);
    assert_int_equal(res.by_type[ORDERS_MSG_BYE], 1);
    stream_free(&s);
}

static void decode_should_accept_an_empty_stream(void **state) {
    struct orders_result res;
    (void)state;
    assert_int_equal(orders_proto_decode(NULL, 0, &res), 0);
    assert_int_equal(res.frames, 0);
}

static void decode_should_count_orders_beyond_the_copied_ones(void **state) {
    struct stream s = {0};
    struct orders_result res;
    (void)state;
    stream_auth(&s, "u2");
    for (unsigned i = 0; i < ORDERS_RESULT_MAX_ORDERS + 3; i++)
        add_order(&s, "sku-3", 1, "x");
    assert_int_equal(decode(&s, &res), 0);
    assert_int_equal(res.n_orders, ORDERS_RESULT_MAX_ORDERS + 3);
    assert_string_equal(res.orders[ORDERS_RESULT_MAX_ORDERS - 1].sku, "sku-3");
    stream_free(&s);
}

static void decode_should_let_quotes_use_a_catalog_from_another_session(void **state) {
    struct stream pub = {0}, quote = {0};
    struct orders_result res;
    (void)state;
    add_catalog(&pub, 3);
    add_quote(&quote, 3);
    assert_int_equal(decode(&pub, &res), 0);
    assert_int_equal(decode(&quote, &res), 0);
    assert_int_equal(res.quote_total_cents, 1500);
    orders_proto_reset();
    assert_int_equal(decode(&quote, &res), ORDERS_ENOCATALOG);
    stream_free(&pub);
    stream_free(&quote);
}

/* ---- malformed streams --------------------------------------------------------------- */

static void decode_should_reject_a_truncated_length_prefix(void **state) {
    struct stream s = {0};
    (void)state;
    add_empty(&s, ORDERS_MSG_PING);
    stream_bytes(&s, "\x05\x00\x00", 3);
    expect_err(&s, ORDERS_ETRUNC, 1);
}

static void decode_should_reject_a_truncated_payload(void **state) {
    struct stream s = {0};
    (void)state;
    add_empty(&s, ORDERS_MSG_PING);
    s.len -= 1;
    expect_err(&s, ORDERS_ETRUNC, 0);
}

static void decode_should_reject_empty_and_oversized_frames(void **state) {
    struct stream s = {0};
    uint8_t big[4] = {0x01, 0x10, 0x00, 0x00}; /* ORDERS_MAX_FRAME + 1 */
    (void)state;
    stream_bytes(&s, "\0\0\0\0", 4);
    expect_err(&s, ORDERS_ETOOBIG, 0);
    stream_bytes(&s, big, sizeof(big));
    expect_err(&s, ORDERS_ETOOBIG, 0);
}

static void decode_should_reject_a_bad_checksum(void **state) {
    struct stream s = {0};
    (void)state;
    add_empty(&s, ORDERS_MSG_PING);
    add_empty(&s, ORDERS_MSG_PING);
    s.data[s.len - 1] ^= 0x5a;
    expect_err(&s, ORDERS_ECHECKSUM, 1);
}

static void decode_should_reject_a_body_length_that_disagrees_with_the_frame(void **state) {
    struct stream s = {0};
    (void)state;
    add_empty(&s, ORDERS_MSG_PING);
    s.data[6] += 1; /* body_len: payload byte 2 */
    s.data[8] += 1; /* keep the sum right       */
    expect_err(&s, ORDERS_EHEADER, 0);
    stream_bytes(&s, "\x04\0\0\0\x09\x01\x00\x00", 8); /* shorter than any message */
    expect_err(&s, ORDERS_EHEADER, 0);
}

static void decode_should_reject_an_unknown_version_or_type(void **state) {
    struct stream s = {0};
    (void)state;
    add_empty(&s, ORDERS_MSG_PING);
    s.data[5] = 2; /* version */
    s.data[8] += 1;
    expect_err(&s, ORDERS_EVERSION, 0);
    add_empty(&s, 0);
    expect_err(&s, ORDERS_ETYPE, 0);
    add_empty(&s, ORDERS_MSG_COUNT);
    expect_err(&s, ORDERS_ETYPE, 0);
}

static void decode_should_reject_hello_after_another_message(void **state) {
    struct stream s = {0};
    (void)state;
    add_empty(&s, ORDERS_MSG_PING);
    add_hello(&s, "late");
    expect_err(&s, ORDERS_ESTATE, 1);
}

static void decode_should_reject_an_order_or_cancel_before_auth(void **state) {
    struct stream s = {0};
    struct body b;
    (void)state;
    add_hello(&s, "web");
    add_order(&s, "sku-1", 1, NULL);
    expect_err(&s, ORDERS_ESTATE, 1);
    body_clear(&b);
    body_tlv_u32(&b, ORDERS_TAG_ORDER_ID, 12);
    stream_msg(&s, ORDERS_MSG_CANCEL, &b);
    expect_err(&s, ORDERS_ESTATE, 0);
}

static void decode_should_reject_bad_fields(void **state) {
    struct stream s = {0};
    struct body b;
    (void)state;
    stream_auth(&s, "u1");
    add_order(&s, "sku-1", 0, NULL);
    expect_err(&s, ORDERS_EFIELD, 1);
    stream_auth(&s, "u1");
    add_order(&s, "sku-1", ORDERS_MAX_QTY + 1, NULL);
    expect_err(&s, ORDERS_EFIELD, 1);
    stream_auth(&s, "u1");
    add_order(&s, "sku 1", 1, NULL); /* a space is not an id character */
    expect_err(&s, ORDERS_EFIELD, 1);
    body_clear(&b);
    body_tlv_str(&b, ORDERS_TAG_USER, "u1");
    body_tlv_str(&b, ORDERS_TAG_TOKEN, "short");
    stream_msg(&s, ORDERS_MSG_AUTH, &b);
    expect_err(&s, ORDERS_EFIELD, 0);
    body_clear(&b);
    stream_msg(&s, ORDERS_MSG_HELLO, &b); /* CLIENT missing */
    expect_err(&s, ORDERS_EFIELD, 0);
}

static void decode_should_reject_a_field_running_past_the_body(void **state) {
    struct stream s = {0};
    struct body b;
    (void)state;
    body_clear(&b);
    body_raw(&b, "\x01\x09web", 5); /* CLIENT claims 9 bytes, 3 follow */
    stream_msg(&s, ORDERS_MSG_HELLO, &b);
    expect_err(&s, ORDERS_EBOUNDS, 0);
}

static void decode_should_reject_attach_data_without_begin_even_when_buggy(void **state) {
    struct stream s = {0};
    (void)state;
    orders_proto_set_bug_mask(ORDERS_BUG_ALL);
    add_attach_data(&s, 5, 3000, "abc");
    expect_err(&s, ORDERS_ESTATE, 0);
    add_attach_begin(&s, 5, 100);
    add_attach_data(&s, 6, 3, "abc"); /* another attachment's id */
    expect_err(&s, ORDERS_ESTATE, 1);
    orders_proto_set_bug_mask(0);
}

static void decode_should_reject_a_chunk_longer_than_its_frame(void **state) {
    struct stream s = {0};
    (void)state;
    add_attach_begin(&s, 5, 4000);
    add_attach_data(&s, 5, 3000, "only-this");
    expect_err(&s, ORDERS_EBOUNDS, 1);
}

static void decode_should_reject_a_chunk_beyond_the_declared_size(void **state) {
    struct stream s = {0};
    (void)state;
    add_attach_begin(&s, 5, 4);
    add_attach_data(&s, 5, 5, "12345");
    expect_err(&s, ORDERS_EBOUNDS, 1);
    add_attach_begin(&s, 5, ORDERS_ATTACH_MAX + 1);
    expect_err(&s, ORDERS_EFIELD, 0);
    add_attach_begin(&s, 5, 10);
    add_attach_begin(&s, 6, 10); /* the first is still incomplete */
    expect_err(&s, ORDERS_ESTATE, 1);
}

static void decode_should_reject_a_quote_against_an_unknown_catalog(void **state) {
    struct stream s = {0};
    (void)state;
    add_quote(&s, 77);
    expect_err(&s, ORDERS_ENOCATALOG, 0);
}

static void decode_should_reject_messages_after_bye(void **state) {
    struct stream s = {0};
    (void)state;
    add_empty(&s, ORDERS_MSG_BYE);
    add_empty(&s, ORDERS_MSG_PING);
    expect_err(&s, ORDERS_ESTATE, 1);
}

/* ---- modules ------------------------------------------------------------------------- */

static void text_normalize_should_trim_collapse_and_uppercase(void **state) {
    char out[ORDERS_MAX_TEXT + 1];
    char small[6];
    const char *in = " \t 12 rue  de\nla paix\r\n\x01\xff ";
    (void)state;
    assert_int_equal(text_normalize((const uint8_t *)in, strlen(in), out, sizeof(out)), 17);
    assert_string_equal(out, "12 RUE DE LA PAIX");
    assert_int_equal(text_normalize((const uint8_t *)"ab cd ef", 8, small, sizeof(small)), 5);
    assert_string_equal(small, "AB CD");
    assert_int_equal(text_normalize((const uint8_t *)"   ", 3, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static void bugs_parse_should_accept_the_orders_bugs_syntax(void **state) {
    unsigned m = 99;
    (void)state;
    assert_true(orders_bugs_parse(NULL, &m) && m == ORDERS_BUG_ALL);
    assert_true(orders_bugs_parse("  ", &m) && m == ORDERS_BUG_ALL);
    assert_true(orders_bugs_parse("ALL", &m) && m == ORDERS_BUG_ALL);
    assert_true(orders_bugs_parse("none", &m) && m == 0);
    assert_true(orders_bugs_parse("G1,g3", &m) && m == 0);
    assert_true(orders_bugs_parse(" c3 , G7,C1", &m) && m == (ORDERS_BUG_C1 | ORDERS_BUG_C3));
    m = 99;
    assert_false(orders_bugs_parse("C4", &m));
    assert_false(orders_bugs_parse("C1,", &m));
    assert_false(orders_bugs_parse("C1,,C2", &m));
    assert_false(orders_bugs_parse("G8", &m));
    assert_false(orders_bugs_parse("all,C1", &m));
    assert_int_equal(m, 99);
    assert_int_equal(orders_proto_set_bugs("C9"), ORDERS_EINVAL);
    assert_int_equal(orders_proto_bug_mask(), 0);
}

static void catalog_should_keep_a_replaced_table_alive_while_held(void **state) {
    (void)state;
    struct catalog_table *a = catalog_table_new(4, 1), *b = catalog_table_new(4, 1);
    assert_non_null(a);
    assert_non_null(b);
    a->prices[0] = (struct catalog_price){.cents = 1, .sku = "sku-a"};
    b->prices[0] = (struct catalog_price){.cents = 2, .sku = "sku-b"};
    assert_int_equal(catalog_publish(a), 0);
    struct catalog_table *held = catalog_acquire(4);
    assert_ptr_equal(held, a);
    assert_int_equal(catalog_publish(b), 0);
    assert_non_null(catalog_find(held, "sku-a")); /* ASan: still alive */
    catalog_release(held);
    held = catalog_acquire(4);
    assert_ptr_equal(held, b);
    assert_null(catalog_find(held, "sku-a"));
    catalog_release(held);
}

static void catalog_should_refuse_more_catalogs_than_slots(void **state) {
    (void)state;
    for (unsigned i = 1; i <= ORDERS_CATALOG_SLOTS; i++) {
        struct stream s = {0};
        struct orders_result res;
        add_catalog(&s, (uint16_t)i);
        assert_int_equal(decode(&s, &res), 0);
        stream_free(&s);
    }
    struct stream s = {0};
    add_catalog(&s, 999);
    expect_err(&s, ORDERS_ELIMIT, 0);
}

static void names_should_be_stable(void **state) {
    (void)state;
    assert_string_equal(orders_proto_strerror(ORDERS_ECHECKSUM), "bad checksum");
    assert_string_equal(orders_proto_strerror(ORDERS_EINVAL), "invalid argument");
    assert_string_equal(orders_proto_strerror(-100), "unknown error");
    assert_string_equal(orders_proto_msg_name(ORDERS_MSG_ATTACH_DATA), "attach_data");
    assert_string_equal(orders_proto_msg_name(0), "unknown");
    assert_string_equal(orders_proto_msg_name(ORDERS_MSG_COUNT), "unknown");
}

static void fuzz_entry_points_should_follow_orders_bugs(void **state) {
    struct stream s = {0};
    (void)state;
    assert_int_equal(setenv("ORDERS_BUGS", "G2,C2", 1), 0);
    assert_int_equal(orders_proto_fuzz_init(), 0);
    assert_int_equal(orders_proto_bug_mask(), ORDERS_BUG_C2);
    assert_int_equal(setenv("ORDERS_BUGS", "bogus", 1), 0);
    assert_int_equal(orders_proto_fuzz_init(), -1);
    assert_int_equal(orders_proto_bug_mask(), ORDERS_BUG_C2);
    assert_int_equal(setenv("ORDERS_BUGS", "none", 1), 0);
    assert_int_equal(orders_proto_fuzz_init(), 0);
    add_catalog(&s, 1);
    add_quote(&s, 1);
    assert_int_equal(orders_proto_fuzz_decode(s.data, s.len), 0);
    orders_proto_fuzz_reset();
    assert_int_equal(orders_proto_fuzz_decode(s.data + 4 + s.data[0], s.len - 4 - s.data[0]),
                     ORDERS_ENOCATALOG);
    stream_free(&s);
}

/* Every test starts on the fixed variant with no catalog published. */
#define T(f) cmocka_unit_test_setup_teardown(f, fixed_variant, forget_catalogs)

int main(void) {
    const struct CMUnitTest tests[] = {
        T(decode_should_accept_a_full_session),
        T(decode_should_accept_an_empty_stream),
        T(decode_should_count_orders_beyond_the_copied_ones),
        T(decode_should_let_quotes_use_a_catalog_from_another_session),
        T(decode_should_reject_a_truncated_length_prefix),
        T(decode_should_reject_a_truncated_payload),
        T(decode_should_reject_empty_and_oversized_frames),
        T(decode_should_reject_a_bad_checksum),
        T(decode_should_reject_a_body_length_that_disagrees_with_the_frame),
        T(decode_should_reject_an_unknown_version_or_type),
        T(decode_should_reject_hello_after_another_message),
        T(decode_should_reject_an_order_or_cancel_before_auth),
        T(decode_should_reject_bad_fields),
        T(decode_should_reject_a_field_running_past_the_body),
        T(decode_should_reject_attach_data_without_begin_even_when_buggy),
        T(decode_should_reject_a_chunk_longer_than_its_frame),
        T(decode_should_reject_a_chunk_beyond_the_declared_size),
        T(decode_should_reject_a_quote_against_an_unknown_catalog),
        T(decode_should_reject_messages_after_bye),
        T(text_normalize_should_trim_collapse_and_uppercase),
        T(bugs_parse_should_accept_the_orders_bugs_syntax),
        T(catalog_should_keep_a_replaced_table_alive_while_held),
        T(catalog_should_refuse_more_catalogs_than_slots),
        T(names_should_be_stable),
        T(fuzz_entry_points_should_follow_orders_bugs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
