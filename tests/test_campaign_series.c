/* campaign_series: progress over time read back from libFuzzer logs and AFL++ plot_data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "campaign_series.h"

static void libfuzzer_should_read_status_lines_and_skip_the_rest(void **state) {
    (void)state;
    const char *log =
        "INFO: Seed: 1\n"
        "#2\tINITED cov: 3 ft: 3 corp: 1/1b exec/s: 0 rss: 30Mb\n"
        "  NEW_FUNC[1/1]: 0x55 in f x.c:1\n"
        "#4000\tNEW    cov: 9 ft: 10 corp: 4/20b lim: 4 exec/s: 2000 rss: 31Mb L: 3/3\n"
        "#8000\tpulse  cov: 9 ft: 10 corp: 4/20b lim: 4 exec/s: 2000 rss: 31Mb\n"
        "#9000\tNEW    ft: 12 corp: 5/25b lim: 4 exec/s: 2000 rss: 31Mb\n"
        "#12 cov: broken\n";
    struct campaign_series s = {0};
    assert_true(campaign_series_parse_libfuzzer(log, &s));
    assert_int_equal(s.n, 4);
    assert_true(s.v[3].cov == 12 && s.v[3].corpus == 5); /* no cov: (go, http mode): ft */
    assert_true(s.v[0].t == 0 && s.v[0].cov == 3 && s.v[0].corpus == 1);
    assert_true(s.v[1].t == 2.0 && s.v[1].cov == 9 && s.v[1].execs_per_s == 2000);
    assert_true(s.v[2].t == 4.0 && s.v[2].execs == 8000);
    campaign_series_free(&s);
}

static void libfuzzer_fork_lines_should_carry_their_own_time(void **state) {
    (void)state;
    const char *log = "#756573: cov: 12 ft: 12 corp: 5 exec/s 378286 oom/timeout/crash: 0/0/0 "
                      "time: 2s job: 1 dft_time: 0\n"
                      "#1931270: cov: 20 ft: 17 corp: 10 exec/s 391565 oom/timeout/crash: 0/0/1 "
                      "time: 5s job: 2 dft_time: 0\n";
    struct campaign_series s = {0};
    assert_true(campaign_series_parse_libfuzzer(log, &s));
    assert_int_equal(s.n, 2);
    assert_true(s.v[0].t == 2 && s.v[0].cov == 12 && s.v[0].execs_per_s == 378286);
    assert_true(s.v[1].t == 5 && s.v[1].corpus == 10 && s.v[1].execs == 1931270);
    campaign_series_free(&s);
}

static void a_restart_should_carry_time_and_executions_on(void **state) {
    (void)state;
    const char *log = "#4000\tNEW    cov: 9 ft: 10 corp: 4/20b lim: 4 exec/s: 2000 rss: 31Mb\n"
                      "==1== ERROR: libFuzzer: deadly signal\n"
                      "racefuzz: engine restarted at 2.500 s\n"
                      "#2\tINITED cov: 9 ft: 10 corp: 5/25b exec/s: 0 rss: 30Mb\n"
                      "#3000\tNEW    cov: 11 ft: 12 corp: 6/30b lim: 4 exec/s: 1000 rss: 31Mb\n";
    struct campaign_series s = {0};
    assert_true(campaign_series_parse_libfuzzer(log, &s));
    assert_int_equal(s.n, 3);
    assert_true(s.v[0].t == 2.0 && s.v[1].t == 2.5 && s.v[2].t == 5.5);
    assert_true(s.v[2].cov == 11 && s.v[2].execs == 7000);
    campaign_series_free(&s);
}

static void afl_should_find_columns_by_the_header(void **state) {
    (void)state;
    const char *plot = "# relative_time, cycles_done, cur_item, corpus_count, pending_total, "
                       "pending_favs, map_size, saved_crashes, saved_hangs, max_depth, "
                       "execs_per_sec, total_execs, edges_found\n"
                       "0, 0, 0, 16, 16, 1, 0.05%, 0, 0, 1, 0.00, 16, 12\n"
                       "5, 1, 3, 20, 10, 1, 0.07%, 0, 0, 2, 1500.50, 7000, 17\n"
                       "6, 1\n";
    struct campaign_series s = {0};
    assert_true(campaign_series_parse_afl(plot, &s));
    assert_int_equal(s.n, 2);
    assert_true(s.v[1].t == 5 && s.v[1].cov == 17 && s.v[1].corpus == 20);
    assert_true(s.v[1].execs_per_s == 1500.5 && s.v[1].execs == 7000);
    campaign_series_free(&s);
}

static void afl_without_a_time_column_should_be_refused(void **state) {
    (void)state;
    struct campaign_series s = {0};
    assert_false(campaign_series_parse_afl("# a, b\n1, 2\n", &s));
    assert_false(campaign_series_parse_afl("", &s));
    assert_int_equal(s.n, 0);
    campaign_series_free(&s);
}

/* Each line on its own, only the last point kept between calls (as campaign_status does). */
static void parse_line_by_line(bool (*parse)(const char *, struct campaign_series *),
                               const char *text, struct campaign_series *s) {
    char line[512];
    for (const char *p = text; *p != '\0';) {
        size_t n = strcspn(p, "\n") + 1;
        snprintf(line, sizeof(line), "%.*s", (int)n, p);
        (void)parse(line, s);
        if (s->n > 1)
            s->v[0] = s->v[s->n - 1], s->n = 1;
        p += n;
    }
}

static void a_text_parsed_in_pieces_should_end_where_it_ends_whole(void **state) {
    (void)state;
    const char *log = "#4000\tNEW    cov: 9 ft: 10 corp: 4/20b lim: 4 exec/s: 2000 rss: 31Mb\n"
                      "racefuzz: engine restarted at 2.500 s\n"
                      "#2\tINITED cov: 9 ft: 10 corp: 5/25b exec/s: 0 rss: 30Mb\n"
                      "#3000\tNEW    cov: 11 ft: 12 corp: 6/30b lim: 4 exec/s: 1000 rss: 31Mb\n";
    const char *plot = "# relative_time, corpus_count, execs_per_sec, total_execs, edges_found\n"
                       "61, 20, 1500.50, 7000, 17\n"
                       "66, 22, 1400.00, 14000, 19\n";
    struct campaign_series whole = {0}, pieces = {0};
    assert_true(campaign_series_parse_libfuzzer(log, &whole));
    parse_line_by_line(campaign_series_parse_libfuzzer, log, &pieces);
    assert_int_equal(pieces.n, 1);
    assert_memory_equal(&pieces.v[0], &whole.v[whole.n - 1], sizeof(whole.v[0]));
    assert_true(pieces.v[0].execs == 7000 && pieces.v[0].t == 5.5 && pieces.v[0].ft == 12);
    campaign_series_free(&whole);
    campaign_series_free(&pieces);

    assert_true(campaign_series_parse_afl(plot, &whole));
    parse_line_by_line(campaign_series_parse_afl, plot, &pieces);
    assert_int_equal(pieces.n, 1);
    assert_memory_equal(&pieces.v[0], &whole.v[whole.n - 1], sizeof(whole.v[0]));
    assert_true(pieces.v[0].execs == 14000 && pieces.v[0].cov == 19 && pieces.v[0].ft == -1);
    campaign_series_free(&whole);
    campaign_series_free(&pieces);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(libfuzzer_should_read_status_lines_and_skip_the_rest),
        cmocka_unit_test(libfuzzer_fork_lines_should_carry_their_own_time),
        cmocka_unit_test(a_restart_should_carry_time_and_executions_on),
        cmocka_unit_test(afl_should_find_columns_by_the_header),
        cmocka_unit_test(afl_without_a_time_column_should_be_refused),
        cmocka_unit_test(a_text_parsed_in_pieces_should_end_where_it_ends_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
