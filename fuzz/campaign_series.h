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
};

/* The line campaign_run writes into a libFuzzer log when it starts the engine again
 * (keep_going), followed by the seconds since the first start: later status lines count
 * their time from there. */
#define CAMPAIGN_RESTART_MARK "racefuzz: engine restarted at "

/* At most this many points are kept: a day-long libFuzzer log has one line per new input. */
#define CAMPAIGN_SERIES_MAX 100000

struct campaign_series {
    struct campaign_point *v; /* in time order */
    size_t n, cap;
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

/* The series of the run o made: its engine log, or the first AFL++ instance's plot_data
 * (afl/main or afl/default before others). False (s empty) when there is none. */
bool campaign_series_load(const struct campaign_opts *o, const struct campaign_result *r,
                          struct campaign_series *s);

void campaign_series_free(struct campaign_series *s);

#endif
