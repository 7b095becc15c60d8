/* The endpoint model loader: the orders config loads into the model the seed generator
 * and the schedule mutator use, and every malformed entry is refused with a message
 * naming the file and the entry. */
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

#include "endpoints.h"
#include "target_config.h"

#define ORDERS_CONFIG RF_SOURCE_DIR "/targets/orders/racefuzz.json"

static const struct sched_endpoint *find_ep(const struct sched_model *m, enum schedule_method meth,
                                            const char *path) {
    for (size_t i = 0; i < m->neps; i++)
        if (m->eps[i].method == meth && strcmp(m->eps[i].path, path) == 0)
            return &m->eps[i];
    return NULL;
}

static void endpoints_load_should_read_the_orders_config(void **state) {
    (void)state;
    struct target_config c;
    struct sched_model m;
    assert_true(target_config_load(ORDERS_CONFIG, &c));
    assert_true(endpoints_load(&c, &m));
    assert_int_equal(m.neps, 18);
    assert_int_equal(m.nparams, 2);

    const struct sched_values *id = sched_model_param(&m, "id");
    assert_non_null(id);
    assert_int_equal(id->nvalues, 6);
    assert_string_equal(id->values[0], "o-1");
    assert_int_equal(sched_model_param(&m, "sku")->nvalues, 5);

    const struct sched_endpoint *e = find_ep(&m, SCHED_GET, "/v1/orders/{id}?currency=EUR");
    assert_non_null(e);
    assert_string_equal(e->headers, "Authorization: Bearer tok-u1\r\n");
    assert_int_equal(e->body, SCHED_BODY_NONE);
    assert_null(e->example);

    e = find_ep(&m, SCHED_GET, "/healthz");
    assert_non_null(e);
    assert_string_equal(e->headers, "");

    e = find_ep(&m, SCHED_POST, "/v1/payments");
    assert_non_null(e);
    assert_int_equal(e->body, SCHED_BODY_JSON);
    assert_string_equal(e->example, "{\"order_id\":\"o-1\",\"amount_cents\":1200,"
                                    "\"currency\":\"EUR\",\"card\":\"tok_visa\"}");

    e = find_ep(&m, SCHED_POST, "/v1/frames");
    assert_non_null(e);
    assert_int_equal(e->body, SCHED_BODY_FRAMES);
    assert_string_equal(e->headers, "Content-Type: application/octet-stream\r\n");
    assert_string_equal(endpoints_body_name(SCHED_BODY_RAW), "raw");
    assert_null(endpoints_body_name(SCHED_BODY_COUNT));

    sched_model_free(&m);
    target_config_free(&c);
}

/* Parses text as the config /x/cfg.json (so messages name it) and loads endpoints with
 * stderr captured into err. The model goes to *keep when it is non-NULL, else is freed. */
static bool load_into(const char *text, char *err, size_t cap, struct sched_model *keep) {
    char path[] = "/tmp/test_endpoints_stderr.XXXXXX";
    struct target_config c;
    struct sched_model m;
    assert_true(target_config_parse(text, strlen(text), "cfg.json", &c));
    snprintf(c.path, sizeof(c.path), "%s", "/x/cfg.json");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0 && dup2(fd, STDERR_FILENO) >= 0);
    bool ok = endpoints_load(&c, &m);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    ssize_t n = pread(fd, err, cap - 1, 0);
    err[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    if (!ok)
        assert_int_equal(m.neps + m.nparams, 0);
    if (keep != NULL)
        *keep = m;
    else
        sched_model_free(&m);
    target_config_free(&c);
    return ok;
}

static bool load_capturing(const char *text, char *err, size_t cap) {
    return load_into(text, err, cap, NULL);
}

/* The config text around an endpoints array (and path params for {id}). */
static void config_with(const char *endpoints, char *out, size_t cap) {
    int n = snprintf(out, cap,
                     "{\"name\": \"t\", \"service\": {\"path_params\": {\"id\": [\"a\", \"b\"]}}, "
                     "\"endpoints\": [%s]}",
                     endpoints);
    assert_true(n > 0 && (size_t)n < cap);
}

static void expect_error(const char *endpoints, const char *want) {
    char text[2048], err[2048];
    config_with(endpoints, text, sizeof(text));
    assert_false(load_capturing(text, err, sizeof(err)));
    if (strstr(err, want) == NULL)
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static void endpoints_load_should_reject_bad_entries_naming_file_and_index(void **state) {
    (void)state;
    char err[2048];
    expect_error(
        "{\"method\": \"GET\", \"path\": \"/a\"}, {\"method\": \"FETCH\", \"path\": \"/b\"}",
        "/x/cfg.json: endpoints[1].method: unknown method \"FETCH\"");
    expect_error("{\"method\": \"POST\", \"path\": \"/a\", \"body\": \"xml\"}",
                 "/x/cfg.json: endpoints[0].body: unknown body kind \"xml\"");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\"}, {}, {\"method\": \"GET\"}",
                 "/x/cfg.json: endpoints[1].method: missing");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\"}, {\"method\": \"GET\"}",
                 "/x/cfg.json: endpoints[1].path: missing");
    expect_error("{\"method\": \"GET\", \"path\": \"a\"}", "endpoints[0].path: expected \"/...\"");
    expect_error("{\"method\": \"GET\", \"path\": \"/a b\"}", "endpoints[0].path:");
    expect_error("{\"method\": \"GET\", \"path\": \"/a/{sku}\"}",
                 "endpoints[0].path: {sku} has no values in service.path_params");
    expect_error("{\"method\": \"GET\", \"path\": \"/a/{id\"}", "endpoints[0].path: a '{'");
    expect_error("{\"method\": \"GET\", \"path\": \"/a/id}\"}", "endpoints[0].path: '}'");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\", \"header\": {}}",
                 "endpoints[0]: unknown key \"header\"");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\", \"headers\": {\"X\": 1}}",
                 "endpoints[0].headers.X:");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\", \"headers\": {\"A B\": \"v\"}}",
                 "endpoints[0].headers.A B:");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\", \"headers\": \"X: y\"}",
                 "endpoints[0].headers: expected an object");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\", \"example\": {}}",
                 "endpoints[0].example: only json and raw");
    expect_error("{\"method\": \"PUT\", \"path\": \"/a\", \"body\": \"raw\", \"example\": 3}",
                 "endpoints[0].example: expected a string");
    expect_error("{\"method\": \"GET\", \"path\": \"/a\"}, {\"method\": \"GET\", \"path\": \"/a\"}",
                 "endpoints[1]: same method and path as endpoints[0]");
    expect_error("3", "endpoints[0]: expected an object");
    expect_error("", "/x/cfg.json: endpoints: expected an array");

    assert_false(load_capturing("{\"name\": \"t\"}", err, sizeof(err)));
    assert_non_null(strstr(err, "/x/cfg.json: no \"endpoints\""));
    assert_false(load_capturing("{\"name\": \"t\", \"service\": {\"path_params\": {\"id\": []}}, "
                                "\"endpoints\": [{\"method\": \"GET\", \"path\": \"/\"}]}",
                                err, sizeof(err)));
    assert_non_null(strstr(err, "service.path_params.id: expected an array"));
    assert_false(
        load_capturing("{\"name\": \"t\", \"service\": {\"path_params\": {\"id\": [\"a/b\"]}}, "
                       "\"endpoints\": [{\"method\": \"GET\", \"path\": \"/\"}]}",
                       err, sizeof(err)));
    assert_non_null(strstr(err, "service.path_params.id[0]:"));
}

static void endpoints_load_should_accept_every_body_kind(void **state) {
    (void)state;
    char text[2048], err[2048];
    config_with(
        "{\"method\": \"HEAD\", \"path\": \"/a/{id}/b?x={id}\"}, "
        "{\"method\": \"PATCH\", \"path\": \"/a\", \"body\": \"raw\", \"example\": \"hi\"}, "
        "{\"method\": \"DELETE\", \"path\": \"/a\", \"body\": \"frames\"}, "
        "{\"method\": \"POST\", \"path\": \"/a\", \"body\": \"json\", \"example\": [1, "
        "{\"k\": null}]}",
        text, sizeof(text));
    struct sched_model m;
    assert_true(load_into(text, err, sizeof(err), &m));
    assert_string_equal(err, "");
    assert_int_equal(m.neps, 4);
    assert_int_equal(m.eps[0].method, SCHED_HEAD);
    assert_int_equal(m.eps[0].body, SCHED_BODY_NONE);
    assert_string_equal(m.eps[1].example, "hi");
    assert_int_equal(m.eps[2].body, SCHED_BODY_FRAMES);
    assert_null(m.eps[2].example);
    assert_string_equal(m.eps[3].example, "[1,{\"k\":null}]");
    sched_model_free(&m);
}

/* Keys starting with '_' are notes (racefuzz init's "_guess"): skipped at the top level,
 * in an endpoint and in service.path_params; any other unknown key is still an error. */
static void endpoints_load_should_skip_note_keys_everywhere(void **state) {
    (void)state;
    char err[2048];
    struct sched_model m;
    const char *text =
        "{\"name\": \"t\", \"_comment\": \"made by init\", "
        "\"service\": {\"path_params\": {\"id\": [\"a\"], \"_guess\": \"made up\"}}, "
        "\"endpoints\": [{\"method\": \"GET\", \"path\": \"/a/{id}\", \"_guess\": \"x\", "
        "\"_from\": \"main.go:3\"}]}";
    assert_true(load_into(text, err, sizeof(err), &m));
    assert_int_equal(m.neps, 1);
    assert_int_equal(m.nparams, 1);
    sched_model_free(&m);
    struct target_config c;
    const char *typo = "{\"name\": \"t\", \"comment\": \"x\"}";
    assert_false(target_config_parse(typo, strlen(typo), "cfg.json", &c));
    assert_true(target_config_is_note("_guess"));
    assert_false(target_config_is_note("guess"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoints_load_should_read_the_orders_config),
        cmocka_unit_test(endpoints_load_should_reject_bad_entries_naming_file_and_index),
        cmocka_unit_test(endpoints_load_should_accept_every_body_kind),
        cmocka_unit_test(endpoints_load_should_skip_note_keys_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
