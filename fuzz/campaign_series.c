/* A campaign's progress over time from the engines' own output (campaign_series.h). */
#define _GNU_SOURCE
#include "campaign_series.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "rf_config.h"

static bool push(struct campaign_series *s, struct campaign_point p) {
    if (s->n >= CAMPAIGN_SERIES_MAX)
        return true; /* the rest of a long run is dropped, not an error */
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct campaign_point *v = realloc(s->v, cap * sizeof(*v));
        if (v == NULL)
            return false;
        s->v = v, s->cap = cap;
    }
    s->v[s->n++] = p;
    return true;
}

/* The number after "key" on the line [p, end), or -1 when the key is not there. */
static double field(const char *p, const char *end, const char *key) {
    size_t k = strlen(key);
    for (; p + k <= end; p++)
        if (memcmp(p, key, k) == 0) {
            char *num_end;
            double v = strtod(p + k, &num_end);
            return num_end != p + k && num_end <= end ? v : -1;
        }
    return -1;
}

/* One libFuzzer status line [p, end) into *pt; false when it is not one. */
static bool libfuzzer_line(const char *p, const char *end, struct campaign_point *pt) {
    char *num_end;
    if (*p != '#')
        return false;
    double execs = strtod(p + 1, &num_end);
    if (num_end == p + 1 || num_end > end)
        return false;
    pt->cov = field(num_end, end, " cov: ");
    if (pt->cov < 0) /* extra counters only (go and http mode): features are the coverage */
        pt->cov = field(num_end, end, " ft: ");
    pt->ft = field(num_end, end, " ft: ");
    pt->corpus = field(num_end, end, " corp: ");
    pt->execs_per_s = field(num_end, end, " exec/s: ");
    double t = field(num_end, end, " time: "); /* fork mode */
    if (pt->execs_per_s < 0)
        pt->execs_per_s = field(num_end, end, " exec/s ");
    if (pt->cov < 0 || pt->corpus < 0 || pt->execs_per_s < 0)
        return false;
    pt->execs = execs;
    pt->t = t >= 0 ? t : pt->execs_per_s > 0 ? execs / pt->execs_per_s : 0;
    return true;
}

/* A restart mark [p, end): later lines count from its time and from the executions so far. */
static bool restart_line(const char *p, const char *end, double *offset) {
    static const char mark[] = CAMPAIGN_RESTART_MARK;
    if ((size_t)(end - p) <= sizeof(mark) - 1 || strncmp(p, mark, sizeof(mark) - 1) != 0)
        return false;
    double at = strtod(p + sizeof(mark) - 1, NULL);
    *offset = at > *offset ? at : *offset;
    return true;
}

bool campaign_series_parse_libfuzzer(const char *text, struct campaign_series *s) {
    for (const char *p = text; *p != '\0';) {
        const char *end = p + strcspn(p, "\n");
        struct campaign_point pt;
        if (restart_line(p, end, &s->at.t_offset)) {
            s->at.execs0 = s->n > 0 ? s->v[s->n - 1].execs : 0;
        } else if (libfuzzer_line(p, end, &pt)) {
            pt.t += s->at.t_offset;
            pt.execs += s->at.execs0;
            if ((s->n == 0 || pt.t >= s->v[s->n - 1].t) && !push(s, pt))
                return false;
        }
        p = *end == '\n' ? end + 1 : end;
    }
    return true;
}

enum afl_col { AFL_TIME, AFL_EXECS, AFL_EDGES, AFL_CORPUS, AFL_TOTAL, AFL_COLS };
_Static_assert(AFL_COLS == CAMPAIGN_SERIES_AFL_COLS, "campaign_series.h's AFL++ columns");

/* Column indexes by the header's names; -1 for a column it lacks. */
static bool afl_header(const char *p, const char *end, int *col) {
    static const char *const names[AFL_COLS][2] = {[AFL_TIME] = {"relative_time", "unix_time"},
                                                   [AFL_EXECS] = {"execs_per_sec", NULL},
                                                   [AFL_EDGES] = {"edges_found", "map_size"},
                                                   [AFL_CORPUS] = {"corpus_count", "paths_total"},
                                                   [AFL_TOTAL] = {"total_execs", NULL}};
    int best[AFL_COLS];
    for (int c = 0; c < AFL_COLS; c++)
        col[c] = -1, best[c] = 2;
    p++; /* '#' */
    for (int i = 0; p < end; i++) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ",\n");
        if (p + n > end)
            n = (size_t)(end - p);
        for (int c = 0; c < AFL_COLS; c++)
            for (int alt = 0; alt < 2 && alt < best[c]; alt++)
                if (names[c][alt] != NULL && n == strlen(names[c][alt]) &&
                    memcmp(p, names[c][alt], n) == 0)
                    col[c] = i, best[c] = alt;
        p += n;
    }
    return col[AFL_TIME] >= 0;
}

/* The fields of one data row [p, end), up to max. */
static int afl_fields(const char *p, const char *end, double *v, int max) {
    int n = 0;
    while (p < end && n < max) {
        char *num_end;
        v[n++] = strtod(p, &num_end);
        const char *comma = memchr(p, ',', (size_t)(end - p));
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return n;
}

bool campaign_series_parse_afl(const char *text, struct campaign_series *s) {
    int *col = s->at.afl_col;
    double v[32];
    for (const char *p = text; *p != '\0';) {
        const char *end = p + strcspn(p, "\n");
        if (*p == '#' && !s->at.afl_header) {
            s->at.afl_header = afl_header(p, end, col);
        } else if (s->at.afl_header && *p != '#') {
            int n = afl_fields(p, end, v, 32);
            bool full = true;
            for (int c = 0; c < AFL_COLS; c++)
                full = full && col[c] < n;
            if (full && !s->at.afl_have_t0) {
                s->at.afl_t0 = v[col[AFL_TIME]]; /* unix_time in older AFL++: relative to it */
                s->at.afl_have_t0 = true;
            }
            double t0 = s->at.afl_t0;
            struct campaign_point pt = {
                .t = full ? v[col[AFL_TIME]] - (col[AFL_TIME] >= 0 && t0 > 1e9 ? t0 : 0) : 0,
                .execs_per_s = col[AFL_EXECS] >= 0 && full ? v[col[AFL_EXECS]] : 0,
                .cov = col[AFL_EDGES] >= 0 && full ? v[col[AFL_EDGES]] : 0,
                .corpus = col[AFL_CORPUS] >= 0 && full ? v[col[AFL_CORPUS]] : 0,
                .execs = col[AFL_TOTAL] >= 0 && full ? v[col[AFL_TOTAL]] : 0,
                .ft = -1};
            if (full && (s->n == 0 || pt.t >= s->v[s->n - 1].t) && !push(s, pt))
                return false;
        }
        p = *end == '\n' ? end + 1 : end;
    }
    return s->at.afl_header;
}

static bool parse_file(const char *path, bool afl, struct campaign_series *s) {
    struct fileio_buf b;
    if (!fileio_read(path, RF_MAX_FILE_SIZE, &b))
        return false;
    bool ok = afl ? campaign_series_parse_afl((const char *)b.data, s)
                  : campaign_series_parse_libfuzzer((const char *)b.data, s);
    fileio_buf_free(&b);
    return ok && s->n > 0;
}

/* dir/name/plot_data into path when that file exists. */
static bool plot_data(const char *dir, const char *name, char *path, size_t cap) {
    int n = snprintf(path, cap, "%s/%s/plot_data", dir, name);
    return name[0] != '.' && n > 0 && (size_t)n < cap && access(path, F_OK) == 0;
}

/* afl/main or afl/default, else the first instance folder that has a plot_data. */
static bool afl_source(const char *afl, char *path, size_t cap) {
    struct dirent *e;
    if (plot_data(afl, "main", path, cap) || plot_data(afl, "default", path, cap))
        return true;
    bool ok = false;
    DIR *d = opendir(afl);
    while (d != NULL && !ok && (e = readdir(d)) != NULL)
        ok = plot_data(afl, e->d_name, path, cap);
    if (d != NULL)
        closedir(d);
    return ok;
}

bool campaign_series_source(const struct campaign_opts *o, const char *log, char *path,
                            size_t cap) {
    char afl[4200];
    if (o->engine == CAMPAIGN_LIBFUZZER) {
        int n = snprintf(path, cap, "%s", log);
        return n > 0 && (size_t)n < cap;
    }
    int n = snprintf(afl, sizeof(afl), "%s/afl", o->work_dir);
    return n > 0 && (size_t)n < sizeof(afl) && afl_source(afl, path, cap);
}

bool campaign_series_load(const struct campaign_opts *o, const struct campaign_result *r,
                          struct campaign_series *s) {
    char path[4400];
    memset(s, 0, sizeof(*s));
    return campaign_series_source(o, r->log, path, sizeof(path)) &&
           parse_file(path, o->engine == CAMPAIGN_AFL, s);
}

void campaign_series_free(struct campaign_series *s) {
    free(s->v);
    memset(s, 0, sizeof(*s));
}
