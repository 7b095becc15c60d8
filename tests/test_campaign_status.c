/* campaign_status: status.json and the progress line, read from an engine log or plot_data
 * that grows while they are followed. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "campaign_status.h"
#include "fileio.h"

struct fixture {
    char dir[256];
    struct campaign_opts o;
    struct campaign_result r;
    struct campaign_status st;
};

static int setup(void **state) {
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    const char *tmp = getenv("TMPDIR");
    snprintf(f.dir, sizeof(f.dir), "%s/campaign_status.XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(f.dir) == NULL)
        return -1;
    f.o = (struct campaign_opts){.engine = CAMPAIGN_LIBFUZZER, .work_dir = f.dir, .time_s = 60};
    snprintf(f.r.log, sizeof(f.r.log), "%s/engine.log", f.dir);
    *state = &f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    campaign_series_free(&f->st.series);
    fileio_remove_tree(f->dir);
    return 0;
}

static void append(const char *path, const char *text, size_t len) {
    FILE *fp = fopen(path, "a");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void append_str(const char *path, const char *text) {
    append(path, text, strlen(text));
}

/* The status file as written, parsed; the caller deletes it. */
static cJSON *read_status(const struct campaign_status *st) {
    struct fileio_buf b;
    assert_true(fileio_read(st->path, 1 << 20, &b));
    cJSON *j = cJSON_Parse((const char *)b.data);
    fileio_buf_free(&b);
    assert_non_null(j);
    return j;
}

static double number(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void expect_text(const cJSON *j, const char *key, const char *want) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    assert_true(cJSON_IsString(v));
    assert_string_equal(v->valuestring, want);
}

static void json_should_hold_every_field_and_unknowns_as_null(void **state) {
    (void)state;
    struct campaign_status_view v = {.target = "orders",
                                     .mode = "frames",
                                     .engine = "afl",
                                     .state = "running",
                                     .started = 86400 + 3661,
                                     .budget_s = 60,
                                     .elapsed_s = 12.34,
                                     .execs = 5000,
                                     .exec_per_s = 416.5,
                                     .coverage = 17,
                                     .features = -1,
                                     .corpus_size = -1,
                                     .unique_crashes = 2,
                                     .last_new_coverage_s = 3.06};
    char *text = campaign_status_json(&v);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    expect_text(j, "target", "orders");
    expect_text(j, "mode", "frames");
    expect_text(j, "engine", "afl");
    expect_text(j, "state", "running");
    expect_text(j, "started", "1970-01-02T01:01:01Z");
    assert_true(number(j, "elapsed_s") == 12.3 && number(j, "budget_s") == 60);
    assert_true(number(j, "execs") == 5000 && number(j, "exec_per_s") == 416.5);
    assert_true(number(j, "coverage") == 17 && number(j, "unique_crashes") == 2);
    assert_true(number(j, "last_new_coverage_s") == 3.1);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "features")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "corpus_size")));
    assert_int_equal(cJSON_GetArraySize(j), 14);
    cJSON_Delete(j);
}

static void line_should_be_short_and_leave_unknowns_out(void **state) {
    (void)state;
    char line[128];
    struct campaign_status_view v = {.elapsed_s = 12.2,
                                     .budget_s = 60,
                                     .execs = 1234567,
                                     .exec_per_s = 45210,
                                     .coverage = 123,
                                     .features = 456,
                                     .corpus_size = 78,
                                     .unique_crashes = 1,
                                     .last_new_coverage_s = 9};
    campaign_status_line(&v, line, sizeof(line));
    assert_string_equal(line, "12s/60s  1.2M execs  45k/s  cov 123 ft 456  corp 78  crashes 1  "
                              "new cov 3s ago");
    v.exec_per_s = v.coverage = v.features = v.corpus_size = v.last_new_coverage_s = -1;
    v.execs = 0;
    campaign_status_line(&v, line, sizeof(line));
    assert_string_equal(line, "12s/60s  0 execs  ?/s  crashes 1");
    campaign_status_line(&v, line, 8);
    assert_string_equal(line, "12s/60s");
}

static void status_should_follow_a_growing_libfuzzer_log_in_whole_lines(void **state) {
    struct fixture *f = *state;
    struct campaign_status *st = campaign_status_init(&f->st, "orders", "go", &f->o, &f->r);
    assert_ptr_equal(st, &f->st);
    cJSON *j = read_status(st); /* written at once, nothing counted yet */
    expect_text(j, "state", "running");
    assert_true(number(j, "execs") == 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "coverage")));
    cJSON_Delete(j);

    append_str(f->r.log, "INFO: Seed: 1\n"
                         "#2\tINITED cov: 3 ft: 3 corp: 1/1b exec/s: 0 rss: 30Mb\n"
                         "#4000\tNEW    cov: 9 ft: 10 corp: 4/20b lim: 4 exec/s: 2000 rss: 31Mb\n"
                         "#8000\tpulse  cov: 9 ft: 1"); /* a line still being written */
    campaign_status_update(st);
    assert_true(st->now.execs == 4000 && st->now.coverage == 9 && st->now.features == 10);
    assert_true(st->now.corpus_size == 4 && st->now.exec_per_s == 2000);
    /* the engine's 2 s are clamped to our clock, which started just now */
    assert_true(st->now.last_new_coverage_s >= 0 &&
                st->now.last_new_coverage_s <= st->now.elapsed_s);

    /* The rest of the line, a NUL byte a target printed, a restart (keep-going). */
    static const char more[] = "2 corp: 5/22b exec/s: 2000 rss: 31Mb\n"
                               "target says \0 and goes on\n"
                               "racefuzz: engine restarted at 4.500 s\n"
                               "#2\tINITED cov: 9 ft: 12 corp: 5/22b exec/s: 0 rss: 30Mb\n"
                               "#3000\tNEW    cov: 11 ft: 14 corp: 6/30b exec/s: 1000 rss: 31Mb\n";
    append(f->r.log, more, sizeof(more) - 1);
    char finding[512];
    snprintf(finding, sizeof(finding), "%s/findings", f->dir);
    assert_true(fileio_mkdirs(finding));
    snprintf(finding, sizeof(finding), "%s/findings/crash-0123", f->dir);
    append_str(finding, "x");
    campaign_status_update(st);
    assert_true(st->now.execs == 11000 && st->now.coverage == 11 && st->now.features == 14);
    assert_int_equal(st->now.unique_crashes, 1);
    assert_int_equal(st->series.n, 1); /* only the last point is kept between readings */

    campaign_status_end(st, true);
    j = read_status(st);
    expect_text(j, "state", "done");
    expect_text(j, "mode", "go");
    assert_true(number(j, "execs") == 11000 && number(j, "unique_crashes") == 1);
    cJSON_Delete(j);
}

static void status_should_wait_for_afl_plot_data_rows(void **state) {
    struct fixture *f = *state;
    char plot[512];
    f->o.engine = CAMPAIGN_AFL;
    struct campaign_status *st = campaign_status_init(&f->st, "orders", "frames", &f->o, &f->r);
    campaign_status_update(st); /* no afl/ yet: nothing read, nothing logged */
    assert_true(st->now.execs == 0 && st->now.coverage < 0);

    snprintf(plot, sizeof(plot), "%s/afl/default", f->dir);
    assert_true(fileio_mkdirs(plot));
    snprintf(plot, sizeof(plot), "%s/afl/default/plot_data", f->dir);
    append_str(plot, "# relative_time, cycles_done, cur_item, corpus_count, pending_total, "
                     "pending_favs, map_size, saved_crashes, saved_hangs, max_depth, "
                     "execs_per_sec, total_execs, edges_found\n");
    campaign_status_update(st); /* AFL++ writes its first row after a minute */
    assert_true(st->now.execs == 0 && st->now.coverage < 0);

    append_str(plot, "61, 0, 3, 20, 10, 1, 0.07%, 0, 0, 2, 1500.50, 7000, 17\n");
    campaign_status_update(st);
    assert_true(st->now.execs == 7000 && st->now.coverage == 17 && st->now.corpus_size == 20);
    assert_true(st->now.exec_per_s == 1500.5 && st->now.features < 0);

    campaign_status_end(st, false);
    cJSON *j = read_status(st);
    expect_text(j, "state", "failed");
    expect_text(j, "engine", "afl");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "features")));
    cJSON_Delete(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_should_hold_every_field_and_unknowns_as_null),
        cmocka_unit_test(line_should_be_short_and_leave_unknowns_out),
        cmocka_unit_test_setup_teardown(status_should_follow_a_growing_libfuzzer_log_in_whole_lines,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(status_should_wait_for_afl_plot_data_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
