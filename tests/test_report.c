/* The machine-readable reports of the crash store: XML escaping of whatever bytes a crash
 * printed, JUnit verdicts (failed, passed when fixed, a regression when a fixed one
 * reproduced), SARIF's structure (one rule per kind, top user frame, a race's two stacks
 * as two thread flows), and loading a store with a damaged entry. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "report_junit.h"
#include "report_sarif.h"
#include "report_set.h"
#include "rf_config.h"

/* A memory stream the writers under test write to. */
struct capture {
    FILE *f;
    char *text;
    size_t n;
};

static FILE *capture_start(struct capture *c) {
    c->text = NULL;
    c->f = open_memstream(&c->text, &c->n);
    assert_non_null(c->f);
    return c->f;
}

static char *capture_end(struct capture *c) {
    assert_int_equal(fclose(c->f), 0);
    return c->text;
}

static char *escaped(const char *in, bool attr) {
    struct capture c;
    assert_true(report_junit_put_escaped(capture_start(&c), in, attr));
    return capture_end(&c);
}

/* text holds needle; shown whole when it does not. */
static void assert_has(const char *text, const char *needle) {
    if (strstr(text, needle) == NULL)
        fail_msg("no '%s' in:\n%s", needle, text);
}

static void report_junit_escape_should_escape_markup_and_drop_what_xml_forbids(void **state) {
    (void)state;
    char *t = escaped("a<b&c>\"'\x01\x1f\x7f ok\t\n\r", false);
    assert_string_equal(t, "a&lt;b&amp;c&gt;&quot;&apos;\x7f ok\t\n&#13;");
    free(t);
    t = escaped("x\ty\nz\rw", true);
    assert_string_equal(t, "x&#9;y&#10;z&#13;w");
    free(t);
    /* a stray byte, an overlong '/', a surrogate, U+FFFE; é and a 4-byte emoji kept */
    t = escaped("\xff|\xc0\xaf|\xed\xa0\x80|\xef\xbf\xbe|\xc3\xa9|\xf0\x9f\x90\x9b", false);
    assert_string_equal(t, "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf"
                           "\xbd||\xc3\xa9|\xf0\x9f\x90\x9b");
    free(t);
    t = escaped("cut \xe2\x82", false); /* a sequence the end of the text cuts off */
    assert_string_equal(t, "cut \xef\xbf\xbd\xef\xbf\xbd");
    free(t);
}

/* One small store both writers are tested on, as {target, name, report.json}: a race never
 * replayed, a panic marked fixed, the same panic fixed yet reproduced (a regression), a
 * hang not reproduced by its last replay, and a finding without a stack whose detail is
 * nothing but a control character. */
static const char *const rows[][3] = {
    {"orders", "go-data-race-1", "{\"Kind\":\"go-data-race\",\"Detail\":\"<x> & y\"}"},
    {"orders", "panic-2", "{\"Kind\":\"panic\",\"Fixed\":true}"},
    {"orders", "panic-3",
     "{\"Kind\":\"panic\",\"Fixed\":true,\"Reproduced\":{\"attempts\":5,\"hits\":1}}"},
    {"planted", "hang-4", "{\"Kind\":\"hang\",\"Reproduced\":{\"attempts\":5,\"hits\":0}}"},
    {"planted", "unrecognised-5",
     "{\"Kind\":\"unrecognised\",\"Detail\":\"\\u0001\","
     "\"Config\":\"/work/main/targets/planted/racefuzz.json\"}"},
};

/* The rows as report_set_load would load them. */
static void load_rows(struct report_set *s) {
    size_t n = sizeof(rows) / sizeof(rows[0]);
    memset(s, 0, sizeof(*s));
    s->v = calloc(n, sizeof(*s->v));
    assert_non_null(s->v);
    for (size_t i = 0; i < n; i++) {
        struct report_entry *e = &s->v[s->n++];
        snprintf(e->target, sizeof(e->target), "%s", rows[i][0]);
        snprintf(e->name, sizeof(e->name), "%s", rows[i][1]);
        snprintf(e->dir, sizeof(e->dir), "/store/%s/%s", rows[i][0], rows[i][1]);
        e->json = cJSON_Parse(rows[i][2]);
        assert_non_null(e->json);
    }
    s->cap = n;
}

static char *report_junit_of(const struct report_set *s) {
    struct capture c;
    assert_true(report_junit_write(s, capture_start(&c)));
    return capture_end(&c);
}

static void report_junit_should_fail_open_crashes_and_pass_fixed_ones(void **state) {
    (void)state;
    struct report_set s;
    load_rows(&s);
    char *x = report_junit_of(&s);
    assert_has(x, "<testsuites name=\"racefuzz\" tests=\"5\" failures=\"3\" errors=\"0\" "
                  "time=\"0\">");
    assert_has(x, "<testsuite name=\"orders\" tests=\"3\" failures=\"2\" errors=\"0\" "
                  "skipped=\"0\"");
    assert_has(x, "<testsuite name=\"planted\" tests=\"2\" failures=\"1\" errors=\"0\" "
                  "skipped=\"1\"");
    assert_has(x, "message=\"go-data-race: &lt;x&gt; &amp; y\"");
    assert_has(x, "<testcase name=\"panic-2\" classname=\"orders\" time=\"0\"/>");
    assert_has(x, "message=\"regression: panic\"");
    assert_has(x, "<skipped message=");
    free(x);
    report_set_free(&s);
}

static cJSON *lines_of(const char *file) {
    char path[512];
    struct fileio_buf b;
    snprintf(path, sizeof(path), "%s/tests/data/reports/%s", RF_SOURCE_DIR, file);
    assert_true(fileio_read(path, RF_MAX_FILE_SIZE, &b));
    cJSON *lines = cJSON_CreateArray();
    for (char *l = (char *)b.data, *nl; *l != '\0'; l = nl + 1) {
        nl = strchr(l, '\n');
        if (nl == NULL)
            nl = l + strlen(l) - 1;
        else
            *nl = '\0';
        cJSON_AddItemToArray(lines, cJSON_CreateString(l));
    }
    fileio_buf_free(&b);
    return lines;
}

static const cJSON *at(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    assert_non_null(v);
    return v;
}

static void
report_sarif_should_locate_the_top_user_frame_and_show_both_stacks_of_a_race(void **state) {
    (void)state;
    struct report_set s;
    load_rows(&s);
    cJSON_AddItemToObject(s.v[0].json, "Stacktrace", lines_of("go_g6_race_putuser_getuser.log"));
    struct report_sarif_tool t = {
        .version = "9.9", .information_uri = "file:///r/README.md", .root = "/work/main"};
    cJSON *log = report_sarif_build(&s, &t);
    assert_non_null(log);
    assert_string_equal(at(log, "version")->valuestring, "2.1.0");
    const cJSON *run = cJSON_GetArrayItem(at(log, "runs"), 0);
    const cJSON *driver = at(at(run, "tool"), "driver");
    assert_string_equal(at(driver, "name")->valuestring, "racefuzz");
    assert_int_equal(cJSON_GetArraySize(at(driver, "rules")), 4); /* one per kind */
    const cJSON *results = at(run, "results");
    assert_int_equal(cJSON_GetArraySize(results), 5);
    const cJSON *r0 = cJSON_GetArrayItem(results, 0), *r4 = cJSON_GetArrayItem(results, 4);
    assert_int_equal(at(cJSON_GetArrayItem(results, 2), "ruleIndex")->valueint, 1);
    assert_int_equal(at(r4, "ruleIndex")->valueint, 3);
    assert_string_equal(at(at(r4, "message"), "text")->valuestring, "unrecognised");
    const cJSON *phys = at(cJSON_GetArrayItem(at(r0, "locations"), 0), "physicalLocation");
    const cJSON *art = at(phys, "artifactLocation");
    assert_string_equal(at(art, "uri")->valuestring, "targets/orders/service/users.go");
    assert_string_equal(at(art, "uriBaseId")->valuestring, SARIF_SRCROOT);
    assert_int_equal(at(at(phys, "region"), "startLine")->valueint, 93);
    const cJSON *flows = at(cJSON_GetArrayItem(at(r0, "codeFlows"), 0), "threadFlows");
    assert_int_equal(cJSON_GetArraySize(flows), 2);
    /* no stack: the target's config, else no location */
    phys = at(cJSON_GetArrayItem(at(r4, "locations"), 0), "physicalLocation");
    assert_string_equal(at(at(phys, "artifactLocation"), "uri")->valuestring,
                        "targets/planted/racefuzz.json");
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(results, 3), "locations"));
    cJSON_Delete(log);
    report_set_free(&s);
}

static void report_sarif_uri_should_make_tree_paths_relative_and_encode_the_rest(void **state) {
    (void)state;
    char uri[256];
    bool rel;
    assert_true(report_sarif_uri("/src/r/a b/c%.c", "/src/r/", uri, sizeof(uri), &rel));
    assert_true(rel);
    assert_string_equal(uri, "a%20b/c%25.c");
    assert_true(report_sarif_uri("/usr/include/x.h", "/src/r", uri, sizeof(uri), &rel));
    assert_false(rel);
    assert_string_equal(uri, "file:///usr/include/x.h");
    assert_true(report_sarif_uri("/src/rx/y.c", "/src/r", uri, sizeof(uri), &rel));
    assert_false(rel); /* a sibling sharing the prefix is not inside */
    assert_false(report_sarif_uri("/src/r/long-name.c", "/src/r", uri, 8, &rel));
}

static char root[512];

static int rm_entry(const char *p, const struct stat *st, int f, struct FTW *w) {
    (void)st, (void)f, (void)w;
    return remove(p);
}

static void put_report(const char *entry, const char *json) {
    char dir[1024], path[1100];
    snprintf(dir, sizeof(dir), "%s/%s", root, entry);
    assert_true(fileio_mkdirs(dir));
    snprintf(path, sizeof(path), "%s/report.json", dir);
    assert_true(fileio_write_atomic(path, json, strlen(json)));
}

static void report_set_should_skip_a_damaged_entry_and_load_the_others(void **state) {
    (void)state;
    struct report_set s;
    snprintf(root, sizeof(root), "%s/report-test-%ld", RF_BINARY_DIR, (long)getpid());
    put_report("b/panic-1", "{\"Kind\":\"panic\"}");
    put_report("a/hang-2", "{\"Kind\":\"hang\"}");
    put_report("a/bad-3", "{\"Kind\": 5}");
    put_report("a/.tmp-x", "{}");
    put_report("a/torn-4", "{\"Kind\":");
    assert_true(report_set_load(root, &s));
    assert_int_equal(s.n, 2);
    assert_int_equal(s.malformed, 2);
    assert_string_equal(s.v[0].target, "a"); /* name order */
    assert_string_equal(s.v[0].name, "hang-2");
    assert_string_equal(s.v[1].target, "b");
    report_set_free(&s);
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    assert_false(report_set_load(root, &s)); /* gone: named, refused */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_junit_escape_should_escape_markup_and_drop_what_xml_forbids),
        cmocka_unit_test(report_junit_should_fail_open_crashes_and_pass_fixed_ones),
        cmocka_unit_test(
            report_sarif_should_locate_the_top_user_frame_and_show_both_stacks_of_a_race),
        cmocka_unit_test(report_sarif_uri_should_make_tree_paths_relative_and_encode_the_rest),
        cmocka_unit_test(report_set_should_skip_a_damaged_entry_and_load_the_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
