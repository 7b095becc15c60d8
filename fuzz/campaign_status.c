/* status.json and the terminal progress line of a running campaign (campaign_status.h). */
#define _GNU_SOURCE
#include "campaign_status.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "procgroup.h"
#include "rf_config.h"

/* The followed file is read in pieces of this size. Status lines are short; a longer line
 * (a target printing without newlines) is passed over piece by piece. */
#define STATUS_READ_PIECE (1 << 16)

/* Ticks come about a second apart: a write due within this much is made now, not a tick
 * (a second) late. */
#define STATUS_WRITE_SLACK_S 0.25

static double since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The points of st->series from first on are new: coverage growth is noted, the last point
 * becomes st->now's engine figures and the only point kept. */
static void absorb(struct campaign_status *st, size_t first) {
    struct campaign_series *s = &st->series;
    struct campaign_status_view *v = &st->now;
    for (size_t i = first; i < s->n; i++)
        if (s->v[i].cov > st->best_cov) {
            double t = s->v[i].t; /* the engine's clock, started a moment after ours */
            st->best_cov = s->v[i].cov;
            v->last_new_coverage_s = t < 0 ? 0 : t > v->elapsed_s ? v->elapsed_s : t;
        }
    if (s->n == 0)
        return;
    const struct campaign_point *p = &s->v[s->n - 1];
    v->execs = p->execs;
    v->exec_per_s = p->execs_per_s;
    v->coverage = p->cov;
    v->features = p->ft;
    v->corpus_size = p->corpus;
    s->v[0] = *p;
    s->n = 1;
}

/* One piece of whole lines (NUL-terminated, no NUL inside) parsed on. A parser that runs
 * out of memory keeps what it parsed; the next reading goes on from there. */
static void parse_piece(struct campaign_status *st, const char *text) {
    size_t first = st->series.n;
    if (st->o->engine == CAMPAIGN_AFL)
        (void)campaign_series_parse_afl(text, &st->series);
    else
        (void)campaign_series_parse_libfuzzer(text, &st->series);
    absorb(st, first);
}

/* Parses the whole lines the followed file gained since the last reading; a line still
 * being written waits for the next one. */
static void follow(struct campaign_status *st) {
    char piece[STATUS_READ_PIECE + 1];
    struct stat sb;
    if (st->source[0] == '\0' &&
        !campaign_series_source(st->o, st->r->log, st->source, sizeof(st->source)))
        return;
    int fd = open(st->source, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return;
    }
    if (sb.st_size < st->source_done) {
        campaign_series_free(&st->series); /* replaced or cut: read again from its start */
        st->source_done = 0;
    }
    while (st->source_done < (long long)sb.st_size) {
        ssize_t n = pread(fd, piece, STATUS_READ_PIECE, (off_t)st->source_done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        const char *nl = memrchr(piece, '\n', (size_t)n);
        if (nl == NULL && n < STATUS_READ_PIECE)
            break;
        size_t len = nl != NULL ? (size_t)(nl - piece) + 1 : (size_t)n;
        for (size_t i = 0; i < len; i++)
            if (piece[i] == '\0') /* a target's binary output would end the text early */
                piece[i] = ' ';
        piece[len] = '\0';
        parse_piece(st, piece);
        st->source_done += (long long)len;
    }
    close(fd);
}

void campaign_status_update(struct campaign_status *st) {
    st->now.elapsed_s = since(&st->t0);
    follow(st);
    st->now.unique_crashes = campaign_each_finding(st->o, NULL, NULL);
}

static void write_status(struct campaign_status *st) {
    if (!st->writable)
        return;
    char *text = campaign_status_json(&st->now);
    st->writable = text != NULL && fileio_write_atomic(st->path, text, strlen(text));
    if (!st->writable)
        LOG_W("%s: not written, nor again in this run", st->path);
    free(text);
    st->last_write_s = st->now.elapsed_s;
}

static void draw(const struct campaign_status *st) {
    char line[256];
    struct winsize ws;
    size_t cap = sizeof(line);
    /* One column short of the width: a line that wraps is not redrawn in place by \r. */
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && ws.ws_col < cap)
        cap = ws.ws_col;
    campaign_status_line(&st->now, line, cap);
    fprintf(stderr, "\r%s\033[K", line);
}

struct campaign_status *campaign_status_init(struct campaign_status *st, const char *target,
                                             const char *mode, const struct campaign_opts *o,
                                             const struct campaign_result *r) {
    memset(st, 0, sizeof(*st));
    st->o = o;
    st->r = r;
    st->now = (struct campaign_status_view){.target = target,
                                            .mode = mode,
                                            .engine = campaign_engine_name(o->engine),
                                            .state = "running",
                                            .started = time(NULL),
                                            .budget_s = o->time_s,
                                            .exec_per_s = -1,
                                            .coverage = -1,
                                            .features = -1,
                                            .corpus_size = -1,
                                            .last_new_coverage_s = -1};
    st->best_cov = -1;
    clock_gettime(CLOCK_MONOTONIC, &st->t0);
    st->tty = isatty(STDERR_FILENO) && log_threshold >= LOG_LEVEL_INFO;
    int n = snprintf(st->path, sizeof(st->path), "%s/" CAMPAIGN_STATUS_FILE, o->work_dir);
    st->writable = n > 0 && (size_t)n < sizeof(st->path);
    write_status(st);
    if (st->writable)
        LOG_I("status: %s", st->path);
    return st;
}

bool campaign_status_tick(struct campaign_status *st) {
    if (st == NULL)
        return false;
    campaign_status_update(st);
    if (st->now.elapsed_s - st->last_write_s >= RF_STATUS_WRITE_S - STATUS_WRITE_SLACK_S)
        write_status(st);
    if (st->tty)
        draw(st);
    return st->tty;
}

void campaign_status_end(struct campaign_status *st, bool ran) {
    campaign_status_update(st);
    if (ran && (double)st->r->execs > st->now.execs) { /* final statistics: AFL++'s last */
        st->now.execs = (double)st->r->execs;          /* plot_data row can be seconds old */
        st->now.exec_per_s = st->r->execs_per_s;
    }
    st->now.state = ran ? "done" : procgroup_interrupted() != 0 ? "interrupted" : "failed";
    write_status(st);
    if (st->tty)
        fputs("\r\033[K", stderr);
}

/* v to a tenth: times and rates are not worth more digits. */
static double tenths(double v) {
    return (double)(long long)(v * 10 + 0.5) / 10;
}

/* v, or null when it is not known (< 0). */
static bool add_known(cJSON *o, const char *key, double v) {
    return (v < 0 ? cJSON_AddNullToObject(o, key) : cJSON_AddNumberToObject(o, key, v)) != NULL;
}

static bool add_string(cJSON *o, const char *key, const char *v) {
    return cJSON_AddStringToObject(o, key, v != NULL ? v : "") != NULL;
}

char *campaign_status_json(const struct campaign_status_view *v) {
    char started[32];
    struct tm tm;
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL && gmtime_r(&v->started, &tm) != NULL &&
              strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0 &&
              add_string(o, "target", v->target) && add_string(o, "mode", v->mode) &&
              add_string(o, "engine", v->engine) && add_string(o, "state", v->state) &&
              add_string(o, "started", started) &&
              cJSON_AddNumberToObject(o, "budget_s", v->budget_s) != NULL &&
              cJSON_AddNumberToObject(o, "elapsed_s", tenths(v->elapsed_s)) != NULL &&
              cJSON_AddNumberToObject(o, "execs", v->execs) != NULL &&
              add_known(o, "exec_per_s", v->exec_per_s < 0 ? -1 : tenths(v->exec_per_s)) &&
              add_known(o, "coverage", v->coverage) && add_known(o, "features", v->features) &&
              add_known(o, "corpus_size", v->corpus_size) &&
              cJSON_AddNumberToObject(o, "unique_crashes", (double)v->unique_crashes) != NULL &&
              add_known(o, "last_new_coverage_s",
                        v->last_new_coverage_s < 0 ? -1 : tenths(v->last_new_coverage_s));
    char *text = ok ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    return text;
}

/* n in at most four characters: 999, 1.2k, 45k, 3.4M, 120G. */
static void short_number(double n, char *buf, size_t cap) {
    static const char units[] = " kMGT";
    int u = 0;
    while (n >= 999.5 && u < 4)
        n /= 1000, u++;
    if (u == 0)
        snprintf(buf, cap, "%.0f", n);
    else
        snprintf(buf, cap, n < 9.95 ? "%.1f%c" : "%.0f%c", n, units[u]);
}

void campaign_status_line(const struct campaign_status_view *v, char *buf, size_t cap) {
    char execs[16], rate[16] = "?", cov[64] = "", corp[32] = "", fresh[48] = "";
    short_number(v->execs, execs, sizeof(execs));
    if (v->exec_per_s >= 0)
        short_number(v->exec_per_s, rate, sizeof(rate));
    if (v->coverage >= 0 && v->features >= 0)
        snprintf(cov, sizeof(cov), "  cov %.0f ft %.0f", v->coverage, v->features);
    else if (v->coverage >= 0)
        snprintf(cov, sizeof(cov), "  cov %.0f", v->coverage);
    if (v->corpus_size >= 0)
        snprintf(corp, sizeof(corp), "  corp %.0f", v->corpus_size);
    if (v->last_new_coverage_s >= 0)
        snprintf(fresh, sizeof(fresh), "  new cov %.0fs ago",
                 v->elapsed_s > v->last_new_coverage_s ? v->elapsed_s - v->last_new_coverage_s : 0);
    snprintf(buf, cap, "%.0fs/%.0fs  %s execs  %s/s%s%s  crashes %zu%s", v->elapsed_s, v->budget_s,
             execs, rate, cov, corp, v->unique_crashes, fresh);
}
