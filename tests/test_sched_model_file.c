/* The endpoints model file: a model written and read back is the same model, and every
 * malformed line is refused with its own message naming file:line. */
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

#include "fileio.h"
#include "sched_model.h"
#include "sched_model_file.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static void sample(struct sched_model *m) {
    memset(m, 0, sizeof(*m));
    assert_true(sched_model_add_endpoint(m, SCHED_POST, "/v1/orders",
                                         "Authorization: Bearer tok-u1\r\nContent-Type: "
                                         "application/json\r\n",
                                         SCHED_BODY_JSON, "{\"sku\": 1,\n \"note\": \"a b\"}"));
    assert_true(sched_model_add_endpoint(m, SCHED_GET, "/v1/orders/{id}?currency=EUR", NULL,
                                         SCHED_BODY_NONE, NULL));
    assert_true(sched_model_add_endpoint(m, SCHED_PATCH, "/v1/frames", "", SCHED_BODY_FRAMES, ""));
    assert_true(sched_model_add_endpoint(m, SCHED_HEAD, "/ping", "X-A: 1\r\n", SCHED_BODY_RAW,
                                         "\x01\xff raw"));
    assert_true(sched_model_add_value(m, "id", "1", 1));
    assert_true(sched_model_add_value(m, "id", "ord 2", 5));
    assert_true(sched_model_add_value(m, "user-name", "", 0));
}

static void assert_same_model(const struct sched_model *a, const struct sched_model *b) {
    assert_int_equal(a->neps, b->neps);
    for (size_t i = 0; i < a->neps; i++) {
        assert_int_equal(a->eps[i].method, b->eps[i].method);
        assert_int_equal(a->eps[i].body, b->eps[i].body);
        assert_string_equal(a->eps[i].path, b->eps[i].path);
        assert_string_equal(a->eps[i].headers, b->eps[i].headers);
        assert_int_equal(a->eps[i].example == NULL, b->eps[i].example == NULL);
        if (a->eps[i].example != NULL)
            assert_string_equal(a->eps[i].example, b->eps[i].example);
    }
    assert_int_equal(a->nparams, b->nparams);
    for (size_t i = 0; i < a->nparams; i++) {
        assert_string_equal(a->params[i].name, b->params[i].name);
        assert_int_equal(a->params[i].nvalues, b->params[i].nvalues);
        for (size_t k = 0; k < a->params[i].nvalues; k++)
            assert_string_equal(a->params[i].values[k], b->params[i].values[k]);
    }
}

static void sched_model_file_should_round_trip_a_model(void **state) {
    (void)state;
    struct sched_model m, back;
    char *text = NULL, err[256];
    size_t len = 0;
    sample(&m);
    assert_true(sched_model_file_format(&m, &text, &len, err, sizeof(err)));
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "E GET none /v1/orders/{id}?currency=EUR\n"));
    assert_non_null(strstr(text, "H Content-Type: application/json\n"));
    assert_non_null(strstr(text, "P id ord 2\n"));
    assert_true(sched_model_file_parse(text, len, "mem", &back, err, sizeof(err)));
    assert_same_model(&m, &back);
    sched_model_free(&back);
    free(text);
    sched_model_free(&m);
}

static void sched_model_file_should_write_and_read_a_file(void **state) {
    (void)state;
    char dir[] = "/tmp/rf-smf-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/endpoints.txt", dir);
    struct sched_model m, back;
    sample(&m);
    assert_true(sched_model_file_write(&m, path));
    assert_true(sched_model_file_read(path, &back));
    assert_same_model(&m, &back);
    sched_model_free(&back);
    sched_model_free(&m);
    assert_false(sched_model_file_read("/nonexistent/endpoints.txt", &back));
    assert_int_equal(back.neps, 0);
    unlink(path);
    rmdir(dir);
}

static void sched_model_file_should_accept_crlf_comments_and_blank_lines(void **state) {
    (void)state;
    static const char text[] = "racefuzz-endpoints 1\r\n# comment\r\n\r\nE PUT raw /x\r\n"
                               "H A: b\r\nX 6869\r\nP n v w\r\n";
    struct sched_model m;
    char err[256];
    assert_true(sched_model_file_parse(text, sizeof(text) - 1, "f", &m, err, sizeof(err)));
    assert_int_equal(m.neps, 1);
    assert_string_equal(m.eps[0].headers, "A: b\r\n");
    assert_string_equal(m.eps[0].example, "hi");
    assert_string_equal(sched_model_param(&m, "n")->values[0], "v w");
    sched_model_free(&m);
}

static void sched_model_file_should_name_file_line_and_problem(void **state) {
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "f:1: empty file"},
        {"racefuzz-endpoints 2\n", "f:1: expected 'racefuzz-endpoints 1'"},
        {"racefuzz-endpoints 1\nQ x\n", "f:2: unknown line kind 'Q'"},
        {"racefuzz-endpoints 1\nE\n", "f:2: expected '<kind> <fields>'"},
        {"racefuzz-endpoints 1\nE GET /x\n", "f:2: expected 'E <METHOD> <body-kind> <path>'"},
        {"racefuzz-endpoints 1\nE FETCH json /x\n", "f:2: unknown method \"FETCH\""},
        {"racefuzz-endpoints 1\nE GET xml /x\n", "f:2: unknown body kind \"xml\""},
        {"racefuzz-endpoints 1\nE GET none x\n", "f:2: path must start with '/'"},
        {"racefuzz-endpoints 1\nH A: b\n", "f:2: header (H) line before any E"},
        {"racefuzz-endpoints 1\nE GET none /\nH no-colon\n", "f:3: expected 'H Name: value'"},
        {"racefuzz-endpoints 1\nX 41\n", "f:2: example (X) line before any E"},
        {"racefuzz-endpoints 1\nE GET raw /\nX 414\n", "f:3: example is not hex: odd"},
        {"racefuzz-endpoints 1\nE GET raw /\nX 4z\n", "f:3: example: not a hex digit"},
        {"racefuzz-endpoints 1\nE GET raw /\nX 4100\n", "f:3: example: a NUL byte"},
        {"racefuzz-endpoints 1\nE GET raw /\nX 41\nX 42\n", "f:4: endpoint already has"},
        {"racefuzz-endpoints 1\nP id\n", "f:2: expected 'P <name> <value>'"},
        {"racefuzz-endpoints 1\nP i.d 1\n", "f:2: param name \"i.d\""},
        {"racefuzz-endpoints 1\nE GET none /a\rb\n", "f:2: carriage return inside"},
        {"racefuzz-endpoints 1\n\n\nE GET none /a\0b\n", "f:4: NUL byte"},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        struct sched_model m;
        char err[256];
        size_t len = strlen(cases[i].text);
        if (strncmp(cases[i].want, "f:4: NUL", 8) == 0)
            len = strlen(cases[i].text) + 3; /* the text goes on past the NUL: "b\n" */
        assert_false(sched_model_file_parse(cases[i].text, len, "f", &m, err, sizeof(err)));
        if (strstr(err, cases[i].want) != err)
            fprintf(stderr, "case %zu: got \"%s\", want \"%s...\"\n", i, err, cases[i].want);
        assert_ptr_equal(strstr(err, cases[i].want), err);
        assert_int_equal(m.neps, 0);
        assert_int_equal(m.nparams, 0);
    }
}

static void sched_model_file_should_refuse_to_write_what_it_cannot_read(void **state) {
    (void)state;
    struct sched_model m;
    char *text = NULL, err[256];
    size_t len;
    memset(&m, 0, sizeof(m));
    assert_true(sched_model_add_value(&m, "id", "a\nb", 3));
    assert_false(sched_model_file_format(&m, &text, &len, err, sizeof(err)));
    assert_non_null(strstr(err, "param id: value 0 holds CR or LF"));
    sched_model_free(&m);
    assert_true(sched_model_add_endpoint(&m, SCHED_GET, "/x", "A: b", SCHED_BODY_NONE, NULL));
    assert_false(sched_model_file_format(&m, &text, &len, err, sizeof(err)));
    assert_non_null(strstr(err, "endpoint 0 (/x): headers are not"));
    sched_model_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sched_model_file_should_round_trip_a_model),
        cmocka_unit_test(sched_model_file_should_write_and_read_a_file),
        cmocka_unit_test(sched_model_file_should_accept_crlf_comments_and_blank_lines),
        cmocka_unit_test(sched_model_file_should_name_file_line_and_problem),
        cmocka_unit_test(sched_model_file_should_refuse_to_write_what_it_cannot_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
