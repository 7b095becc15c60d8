/* Fix-ups: the spec parser, and recomputed lengths and checksums in mutated streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixup.h"
#include "frame.h"
#include "frame_mutate.h"

static void fixup_parse_should_read_lengths_and_checksums(void **state) {
    (void)state;
    struct fixup_list l;
    const char *why;
    assert_true(fixup_parse("len16le@2,sum8@last", &l, &why));
    assert_int_equal(l.count, 2);
    assert_int_equal(l.items[0].kind, FIXUP_LEN16LE);
    assert_int_equal(l.items[0].offset, 2);
    assert_int_equal(l.items[1].kind, FIXUP_SUM8);
    assert_true(fixup_parse("len8@0,len32le@65535,xor8@last", &l, &why));
    assert_int_equal(l.count, 3);
    assert_true(fixup_parse("", &l, &why));
    assert_int_equal(l.count, 0);
}

static void fixup_parse_should_reject_bad_specs(void **state) {
    (void)state;
    static const char *const bad[] = {
        "len16le",
        "len16le@",
        "len16le@x",
        "len16le@65536",
        "sum8@2",
        "crc32@last",
        "len8@1,,sum8@last",
        "@last",
        "len8@1,len8@1,len8@1,len8@1,len8@1,len8@1,len8@1,len8@1,len8@1"};
    struct fixup_list l;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = NULL;
        if (fixup_parse(bad[i], &l, &why))
            fail_msg("accepted '%s'", bad[i]);
        assert_non_null(why);
        assert_true(strlen(why) > 0);
    }
}

static void fixup_apply_should_write_rest_length_then_checksum(void **state) {
    (void)state;
    struct fixup_list l;
    const char *why;
    assert_true(fixup_parse("len16le@2,sum8@last", &l, &why));
    uint8_t p[] = {3, 1, 0xAA, 0xBB, 10, 20, 30, 0};
    fixup_apply(&l, p, sizeof(p));
    assert_int_equal(p[2] | p[3] << 8, sizeof(p) - 4);
    uint8_t sum = 0;
    for (size_t i = 0; i + 1 < sizeof(p); i++)
        sum = (uint8_t)(sum + p[i]);
    assert_int_equal(p[sizeof(p) - 1], sum);
    uint8_t tiny[2] = {7, 9}; /* too short for the length field: only the checksum applies */
    fixup_apply(&l, tiny, sizeof(tiny));
    assert_int_equal(tiny[0], 7);
    assert_int_equal(tiny[1], 7);
}

/* True when the payload's last byte is the sum of the others and the u16 at 2 is the rest. */
static int consistent(const uint8_t *p, uint32_t n) {
    if (n < 5)
        return -1;
    uint8_t sum = 0;
    for (uint32_t i = 0; i + 1 < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == p[n - 1] && (uint32_t)(p[2] | p[3] << 8) == n - 4;
}

static void mutator_should_keep_declared_fields_consistent_most_of_the_time(void **state) {
    (void)state;
    struct fixup_list l;
    const char *why;
    assert_true(fixup_parse("len16le@2,sum8@last", &l, &why));
    struct frame_mutate *m = frame_mutate_new();
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 512);
    o.lie_one_in = 0;
    o.fixups = &l;
    o.skip_first = true;
    uint8_t in[64], out[512];
    /* schedule frame [9,9,9] then one 8-byte message */
    const uint8_t seed[] = {3, 0, 0, 0, 9, 9, 9, 8, 0, 0, 0, 3, 1, 4, 0, 10, 20, 30, 68};
    memcpy(in, seed, sizeof(seed));
    size_t ok = 0, checked = 0, sched_kept = 0;
    for (uint64_t s = 0; s < 20000; s++) {
        size_t n = frame_mutate_mutate(m, &o, in, sizeof(seed), NULL, 0, out, s);
        struct frame_iter it;
        struct frame f;
        frame_iter_init(&it, out, n, UINT32_MAX);
        for (size_t i = 0; frame_iter_next(&it, &f) == FRAME_OK; i++) {
            if (i == 0) {
                sched_kept += f.len == 3 && memcmp(f.data, "\x09\x09\x09", 3) == 0;
                continue;
            }
            int c = consistent(f.data, f.len);
            if (c < 0)
                continue;
            checked++;
            ok += (size_t)c;
        }
    }
    frame_mutate_free(m);
    assert_true(checked > 10000);
    /* 15 in 16 calls fix every frame; the rest leave mutated fields for the checks. */
    assert_true(ok * 100 >= checked * 85);
    assert_true(ok < checked);
    /* The schedule frame is never "fixed" (it has no such fields): only mutations change it. */
    assert_true(sched_kept > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixup_parse_should_read_lengths_and_checksums),
        cmocka_unit_test(fixup_parse_should_reject_bad_specs),
        cmocka_unit_test(fixup_apply_should_write_rest_length_then_checksum),
        cmocka_unit_test(mutator_should_keep_declared_fields_consistent_most_of_the_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
