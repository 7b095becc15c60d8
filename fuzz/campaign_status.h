/* What a running campaign is doing, for whoever watches it: status.json in its run folder
 * (beside engine.log), rewritten atomically every RF_STATUS_WRITE_S, and, when stderr
 * is a terminal, one progress line on it redrawn in place. Both are read from what the
 * engine writes anyway (campaign_series.h: libFuzzer's status lines, AFL++'s plot_data),
 * followed as it grows, and from the finding files it saved.
 *
 * Who calls what: the caller (`racefuzz fuzz`) sets campaign_opts.status from
 * campaign_status_init just before campaign_run and calls campaign_status_end after it;
 * campaign_run's wait loop calls campaign_status_tick about once a second. The fields are
 * documented in docs/campaign-runs.md. */
#ifndef RF_CAMPAIGN_STATUS_H
#define RF_CAMPAIGN_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "campaign.h"
#include "campaign_series.h"

#define CAMPAIGN_STATUS_FILE "status.json"

/* One reading. Engine figures are as of the engine's last report: libFuzzer prints a status
 * line at new coverage and at every power of two of executions, AFL++ a plot_data row every
 * few seconds. -1 is "not known (yet)" and becomes null in the JSON. */
struct campaign_status_view {
    const char *target, *mode, *engine;
    const char *state;     /* "running", then "done", "interrupted" or "failed" */
    time_t started;        /* wall clock, UTC */
    double budget_s;       /* the campaign's --time */
    double elapsed_s;      /* since the start, monotonic */
    double execs;          /* executions so far, restarts (keep-going) added up */
    double exec_per_s;     /* libFuzzer: its average since the engine's start; AFL++: its rate */
    double coverage;       /* libFuzzer: cov (edges), ft when it prints no cov (go, http mode);
                            * AFL++: edges_found */
    double features;       /* libFuzzer: ft; AFL++: -1 */
    double corpus_size;    /* inputs in the corpus */
    size_t unique_crashes; /* finding files the engine saved in this run (the crash
                            * store gets them when the campaign ends) */
    double last_new_coverage_s; /* elapsed_s when coverage last grew (the first status
                                 * counts as growth) */
};

struct campaign_status {
    struct campaign_status_view now;
    const struct campaign_opts *o;   /* the whole campaign's (not a restart segment's) */
    const struct campaign_result *r; /* its log path is read once campaign_run has set it */
    char path[4200];                 /* WORK_DIR/status.json */
    char source[4400];               /* the file followed: engine log or plot_data; "" until
                                      * it exists */
    long long source_done;           /* bytes of source parsed (whole lines) */
    struct campaign_series series;   /* the last point only, between readings */
    double best_cov;                 /* the highest coverage seen, -1 before any */
    struct timespec t0;              /* CLOCK_MONOTONIC at init */
    double last_write_s;             /* elapsed_s of the last write */
    bool writable;                   /* false after a failed write (logged once) */
    bool tty;                        /* the progress line is drawn */
};

/* Starts watching the campaign o is about to run into r (both must outlive it): writes a
 * first status.json (state "running", nothing counted yet) and says where it is on stderr.
 * target and mode are the caller's names for what runs; they must outlive st. Returns st,
 * for campaign_opts.status. */
struct campaign_status *campaign_status_init(struct campaign_status *st, const char *target,
                                             const char *mode, const struct campaign_opts *o,
                                             const struct campaign_result *r);

/* From the wait loop, about once a second: reads what the engine added, redraws the progress
 * line, and rewrites status.json when RF_STATUS_WRITE_S have passed since the last
 * write. Does nothing for a NULL st. True when it drew the line, which then stands in for
 * the wait loop's own progress messages. */
bool campaign_status_tick(struct campaign_status *st);

/* After campaign_run (ran: its result): a last reading, state "done", or "interrupted" when
 * procgroup_interrupted() says so, else "failed"; status.json written; the line cleared. */
void campaign_status_end(struct campaign_status *st, bool ran);

/* Reads what the engine log or plot_data gained and the finding files into st->now (no
 * write). */
void campaign_status_update(struct campaign_status *st);

/* status.json's text (cJSON, formatted), or NULL when memory runs out; the caller frees it. */
char *campaign_status_json(const struct campaign_status_view *v);

/* The progress line (no newline), cut to cap - 1 bytes, unknown figures left out:
 * "12s/60s  1.2M execs  45k/s  cov 123 ft 456  corp 78  crashes 0  new cov 3s ago". */
void campaign_status_line(const struct campaign_status_view *v, char *buf, size_t cap);

#endif
