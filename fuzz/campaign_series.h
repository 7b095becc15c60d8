/* A campaign's progress over time, read back from what the engines write anyway: libFuzzer's
 * status lines in its log ("#N NEW cov: C ft: F corp: K/Sb ... exec/s: E", and in fork mode
 * "#N: cov: C ft: F corp: K exec/s E ... time: Ts") and AFL++'s plot_data (a CSV whose
 * header names its columns). For the nightly report's plots and summary. */
#ifndef RF_CAMPAIGN_SERIES_H
#define RF_CAMPAIGN_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "campaign.h"

struct campaign_point {
    double t;           /* seconds since the engine started */
    double cov;         /* libFuzzer: cov (edges), ft (features) when it prints no cov;
                         * AFL++: edges_found */
    double execs_per_s; /* libFuzzer: its average so far; AFL++: its current rate */
    double corpus;      /* inputs in the corpus */
    double execs;       /* executions so far (AFL++: total_execs, 0 when not written) */
    double ft;          /* libFuzzer: ft (features); -1 when not printed (AFL++) */
};

/* The line campaign_run writes into a libFuzzer log when it starts the engine again
 * (keep_going), followed by the seconds since the first start: later status lines count
 * their time from there. */
#define CAMPAIGN_RESTART_MARK "racefuzz: engine restarted at "

/* At most this many points are kept: a day-long libFuzzer log has one line per new input. */
#define CAMPAIGN_SERIES_MAX 100000

/* AFL++ plot_data columns the parser reads (campaign_series.c names them). */
#define CAMPAIGN_SERIES_AFL_COLS 5

struct campaign_series {
    struct campaign_point *v; /* in time order */
    size_t n, cap;
    /* Where the last parse stopped, so a text that grows (a running engine's log) is parsed
     * on from there: call the parser again with only the whole lines added since. All zero
     * (as {0} and campaign_series_load leave it) is the start of a text. Between calls the
     * caller may drop all points but the last (n = 1): restarts count on from it. */
    struct {
        double t_offset, execs0; /* libFuzzer: the last restart mark's time, executions before */
        bool afl_header;         /* AFL++: the header was read; its columns are in afl_col */
        bool afl_have_t0;
        int afl_col[CAMPAIGN_SERIES_AFL_COLS];
        double afl_t0; /* the first row's time (older AFL++ writes unix_time) */
    } at;
};

/* Parses a libFuzzer log's text (NUL-terminated). Lines that are not status lines are
 * skipped; a non-fork line's time is N / exec/s (libFuzzer prints the run's average rate)
 * plus the last restart mark's offset.
 * False only when memory runs out; s then holds what was parsed. */
bool campaign_series_parse_libfuzzer(const char *text, struct campaign_series *s);

/* Parses an AFL++ plot_data text: the columns are found by the names in its "# ..." header
 * (relative_time, execs_per_sec, edges_found, corpus_count; older AFL++ writes
 * unix_time and paths_total); rows with too few fields are skipped. False when the header
 * lacks the time column or memory runs out. */
bool campaign_series_parse_afl(const char *text, struct campaign_series *s);

/* The file the series of the run o makes is read from: the engine log (log), or the first
 * AFL++ instance's plot_data (afl/main or afl/default before others). False (nothing
 * logged) when there is none yet or the path does not fit in cap. */
bool campaign_series_source(const struct campaign_opts *o, const char *log, char *path, size_t cap);

/* The series of the run o made, from campaign_series_source's file. False (s empty) when
 * there is none. */
bool campaign_series_load(const struct campaign_opts *o, const struct campaign_result *r,
                          struct campaign_series *s);

void campaign_series_free(struct campaign_series *s);

#endif
