/* Dictionary files: the AFL++/libFuzzer syntax, the limits, and a written file that
 * parses back to the same tokens. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dict.h"
#include "fileio.h"
#include "rf_config.h"

static bool parse_text(struct dict *d, const char *text, size_t *bad_line) {
    dict_init(d);
    *bad_line = 0;
    /* An exact-size heap copy with no NUL, so ASan flags any read past the text. */
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    bool ok = dict_parse(d, copy, len, bad_line);
    free(copy);
    return ok;
}

static void assert_token(const struct dict *d, size_t i, const void *data, size_t len) {
    assert_true(i < d->count);
    assert_int_equal(d->tokens[i].len, len);
    assert_memory_equal(d->tokens[i].data, data, len);
}

static void dict_parse_should_read_names_values_escapes_and_comments(void **state) {
    (void)state;
    struct dict d;
    size_t bad = 0;
    const char *text = "# a comment\n"
                       "\n"
                       "kw1=\"GET\"\n"
                       "   \t\n"
                       "\"anonymous\"\n"
                       "  indented=\"x y\"  \n"
                       "hex=\"\\x00\\xffA\\x7F\"\n"
                       "esc=\"a\\\\b\\\"c\"\n"
                       "crlf=\"dos\"\r\n"
                       "kw@2=\"level\"\n"
                       "  # indented comment with \"quotes\"\n"
                       "last=\"no newline\"";
    assert_true(parse_text(&d, text, &bad));
    assert_int_equal(d.count, 8);
    assert_token(&d, 0, "GET", 3);
    assert_token(&d, 1, "anonymous", 9);
    assert_token(&d, 2, "x y", 3);
    assert_token(&d, 3,
                 "\x00\xff"
                 "A\x7f",
                 4);
    assert_token(&d, 4, "a\\b\"c", 5);
    assert_token(&d, 5, "dos", 3);
    assert_token(&d, 6, "level", 5);
    assert_token(&d, 7, "no newline", 10);
}

static void dict_parse_should_reject_bad_lines_with_their_number(void **state) {
    (void)state;
    static const struct {
        const char *text;
        size_t line;
    } cases[] = {
        {"ok=\"a\"\nno quotes\n", 2},   {"ok=\"a\"\n\n# c\nunterminated=\"abc\n", 4},
        {"bad_escape=\"\\n\"\n", 1},    {"ok=\"a\"\nshort_hex=\"\\x4\"\n", 2},
        {"nonhex=\"\\xzz\"\n", 1},      {"\n\n\ntrailing=\"a\" junk\n", 4},
        {"dangling_backslash=\"\\", 1}, {"a=\"1\"\nb=\"2\"\nc=\"3\"\r\nd=\"4\" x\r\n", 4},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dict d;
        size_t bad = 0;
        if (parse_text(&d, cases[i].text, &bad))
            fail_msg("case %zu accepted: %s", i, cases[i].text);
        assert_int_equal(bad, cases[i].line);
    }
    /* Tokens before the bad line are kept. */
    struct dict d;
    size_t bad = 0;
    assert_false(parse_text(&d, "a=\"1\"\nb=\"2\"\noops\nc=\"3\"\n", &bad));
    assert_int_equal(bad, 3);
    assert_int_equal(d.count, 2);
    assert_token(&d, 1, "2", 1);
}

static void dict_should_drop_duplicates_and_empty_tokens(void **state) {
    (void)state;
    struct dict d;
    size_t bad = 0;
    assert_true(parse_text(&d, "a=\"AB\"\nb=\"\\x41\\x42\"\nc=\"\"\nd=\"ABC\"\ne=\"AB\"\n", &bad));
    assert_int_equal(d.count, 2);
    assert_token(&d, 0, "AB", 2);
    assert_token(&d, 1, "ABC", 3);
    assert_false(dict_add(&d, (const uint8_t *)"AB", 2));
    assert_false(dict_add(&d, (const uint8_t *)"", 0));
    assert_int_equal(d.count, 2);
}

static void dict_should_respect_the_token_and_count_limits(void **state) {
    (void)state;
    struct dict *d = malloc(sizeof(*d));
    assert_non_null(d);
    uint8_t tok[RF_DICT_MAX_TOKEN + 1];
    memset(tok, 'T', sizeof(tok));
    dict_init(d);
    assert_false(dict_add(d, tok, RF_DICT_MAX_TOKEN + 1));
    assert_true(dict_add(d, tok, RF_DICT_MAX_TOKEN));
    assert_token(d, 0, tok, RF_DICT_MAX_TOKEN);

    /* In a file: a value of exactly the limit is kept, one byte more is a bad line. */
    char line[4 * RF_DICT_MAX_TOKEN + 64];
    size_t at = 0;
    memcpy(line, "max=\"", 5);
    at = 5;
    for (size_t i = 0; i < RF_DICT_MAX_TOKEN; i++) {
        memcpy(line + at, "\\x41", 4); /* escapes count as one byte each */
        at += 4;
    }
    memcpy(line + at, "\"\n", 3);
    size_t bad = 0;
    assert_true(parse_text(d, line, &bad));
    assert_int_equal(d->count, 1);
    assert_int_equal(d->tokens[0].len, RF_DICT_MAX_TOKEN);
    memcpy(line + at, "B\"\n", 4);
    assert_false(parse_text(d, line, &bad));
    assert_int_equal(bad, 1);

    dict_init(d);
    for (uint32_t i = 0; i < RF_DICT_MAX_TOKENS; i++)
        assert_true(dict_add(d, (const uint8_t *)&i, sizeof(i)));
    uint32_t one_more = RF_DICT_MAX_TOKENS;
    assert_false(dict_add(d, (const uint8_t *)&one_more, sizeof(one_more)));
    assert_int_equal(d->count, RF_DICT_MAX_TOKENS);
    free(d);
}

static void dict_hex_decode_should_check_digits_length_and_capacity(void **state) {
    (void)state;
    uint8_t out[4];
    size_t n = 99;
    assert_true(dict_hex_decode("52465a31", out, sizeof(out), &n));
    assert_int_equal(n, 4);
    assert_memory_equal(out, "RFZ1", 4);
    assert_true(dict_hex_decode("FFfe", out, sizeof(out), &n));
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 0xff);
    assert_int_equal(out[1], 0xfe);
    assert_true(dict_hex_decode("", out, sizeof(out), &n));
    assert_int_equal(n, 0);
    assert_false(dict_hex_decode("abc", out, sizeof(out), &n));
    assert_false(dict_hex_decode("zz", out, sizeof(out), &n));
    assert_false(dict_hex_decode("0g", out, sizeof(out), &n));
    assert_false(dict_hex_decode("0102030405", out, sizeof(out), &n));
}

static void dict_write_file_should_parse_back_to_the_same_tokens(void **state) {
    (void)state;
    struct dict *d = malloc(sizeof(*d)), *back = malloc(sizeof(*back));
    assert_non_null(d);
    assert_non_null(back);
    dict_init(d);
    /* Every byte value, the characters that need escaping, and a maximal token. */
    for (int b = 0; b < 256; b++) {
        uint8_t tok[2] = {(uint8_t)b, (uint8_t)(255 - b)};
        assert_true(dict_add(d, tok, 1 + (size_t)(b % 2)));
    }
    assert_true(dict_add(d, (const uint8_t *)"quote\"back\\slash", 16));
    uint8_t big[RF_DICT_MAX_TOKEN];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    assert_true(dict_add(d, big, sizeof(big)));

    char dir[] = "/tmp/test_dict.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof(dir) + 16];
    int len = snprintf(path, sizeof(path), "%s/out.dict", dir);
    assert_true(len > 0 && (size_t)len < sizeof(path));
    assert_true(dict_write_file(d, path));

    struct fileio_buf text;
    assert_true(fileio_read(path, RF_MAX_FILE_SIZE, &text));
    size_t bad = 0;
    dict_init(back);
    assert_true(dict_parse(back, (const char *)text.data, text.size, &bad));
    assert_int_equal(back->count, d->count);
    for (size_t i = 0; i < d->count; i++)
        assert_token(back, i, d->tokens[i].data, d->tokens[i].len);
    fileio_buf_free(&text);

    /* An empty dictionary writes an empty, valid file. */
    dict_init(d);
    assert_true(dict_write_file(d, path));
    assert_true(fileio_read(path, RF_MAX_FILE_SIZE, &text));
    assert_int_equal(text.size, 0);
    fileio_buf_free(&text);

    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    free(d);
    free(back);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dict_parse_should_read_names_values_escapes_and_comments),
        cmocka_unit_test(dict_parse_should_reject_bad_lines_with_their_number),
        cmocka_unit_test(dict_should_drop_duplicates_and_empty_tokens),
        cmocka_unit_test(dict_should_respect_the_token_and_count_limits),
        cmocka_unit_test(dict_hex_decode_should_check_digits_length_and_capacity),
        cmocka_unit_test(dict_write_file_should_parse_back_to_the_same_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
