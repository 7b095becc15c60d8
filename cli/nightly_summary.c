/* The nightly job's machine-readable results (nightly.h): summary.json for scripts and
 * dashboards, JUnit XML for CI test views. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "nightly.h"

/* Points per run kept in summary.json: enough for a plot, small for a day-long run. */
#define NIGHTLY_SUMMARY_POINTS 200

int nightly_exit_code(const struct nightly *n) {
    if (n->failed)
        return 2;
    bool bad = n->nfresh > 0;
    for (size_t i = 0; i < n->nknown; i++)
        bad = bad || n->known[i].outcome == NIGHTLY_REGRESSION;
    return bad ? 1 : 0;
}

static void iso_time(time_t t, char *out, size_t cap) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* At most NIGHTLY_SUMMARY_POINTS of the series, evenly spaced, the last one kept. */
static cJSON *series_json(const struct campaign_series *s) {
    cJSON *a = cJSON_CreateArray();
    size_t step = s->n > NIGHTLY_SUMMARY_POINTS
                      ? (s->n + NIGHTLY_SUMMARY_POINTS - 1) / NIGHTLY_SUMMARY_POINTS
                      : 1;
    for (size_t i = 0; a != NULL && i < s->n; i += step) {
        size_t k = i + step >= s->n ? s->n - 1 : i;
        const struct campaign_point *p = &s->v[k];
        double v[] = {p->t, p->cov, p->execs_per_s, p->corpus};
        cJSON_AddItemToArray(a, cJSON_CreateDoubleArray(v, 4));
    }
    return a;
}

static cJSON *run_json(const struct nightly_run *r) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "target", r->target);
    cJSON_AddStringToObject(j, "mode", r->mode);
    cJSON_AddStringToObject(j, "engine", r->engine);
    if (r->config[0] != '\0')
        cJSON_AddStringToObject(j, "config", r->config);
    cJSON_AddBoolToObject(j, "ran", r->ran);
    if (r->error[0] != '\0')
        cJSON_AddStringToObject(j, "error", r->error);
    cJSON_AddNumberToObject(j, "seconds", r->seconds);
    cJSON_AddNumberToObject(j, "execs", (double)r->execs);
    cJSON_AddNumberToObject(j, "execs_per_s", r->execs_per_s);
    cJSON_AddNumberToObject(j, "coverage", r->coverage);
    cJSON_AddNumberToObject(j, "findings", (double)r->findings);
    cJSON_AddNumberToObject(j, "new_signatures", (double)r->new_sigs);
    cJSON *c = cJSON_AddObjectToObject(j, "corpus");
    cJSON_AddBoolToObject(c, "merged", r->merged);
    cJSON_AddNumberToObject(c, "before", (double)r->corpus_before);
    cJSON_AddNumberToObject(c, "after", (double)r->corpus_after);
    cJSON_AddStringToObject(j, "series_columns", "seconds,coverage,execs_per_s,corpus");
    cJSON_AddItemToObject(j, "series", series_json(&r->series));
    cJSON_AddStringToObject(j, "engine_log", r->log);
    return j;
}

static cJSON *known_json(const struct nightly_known *k) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "target", k->target);
    cJSON_AddStringToObject(j, "name", k->name);
    cJSON_AddStringToObject(j, "kind", k->kind);
    cJSON_AddStringToObject(j, "dir", k->dir);
    cJSON_AddBoolToObject(j, "fixed", k->fixed);
    cJSON_AddNumberToObject(j, "attempts", k->attempts);
    cJSON_AddNumberToObject(j, "hits", k->hits);
    cJSON_AddStringToObject(j, "outcome", nightly_outcome_name(k->outcome));
    return j;
}

static cJSON *fresh_json(const struct nightly_new *f) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "target", f->target);
    cJSON_AddStringToObject(j, "name", f->name);
    cJSON_AddStringToObject(j, "kind", f->kind);
    cJSON_AddStringToObject(j, "dir", f->dir);
    return j;
}

static void add_counts(cJSON *j, const struct nightly *n) {
    size_t counts[NIGHTLY_REPLAY_FAILED + 1] = {0};
    for (size_t i = 0; i < n->nknown; i++)
        counts[n->known[i].outcome]++;
    cJSON *c = cJSON_AddObjectToObject(j, "counts");
    cJSON_AddNumberToObject(c, "runs", (double)n->nruns);
    cJSON_AddNumberToObject(c, "new", (double)n->nfresh);
    cJSON_AddNumberToObject(c, "known", (double)n->nknown);
    for (int o = 0; o <= NIGHTLY_REPLAY_FAILED; o++)
        cJSON_AddNumberToObject(c, nightly_outcome_name((enum nightly_outcome)o),
                                (double)counts[o]);
}

bool nightly_write(const struct nightly *n, const char *name,
                   void (*fn)(FILE *out, const struct nightly *n)) {
    char path[4200], tmp[4300];
    snprintf(path, sizeof(path), "%s/%s", n->out, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (out == NULL) {
        PLOG_E("%s: cannot be written", tmp);
        return false;
    }
    fn(out, n);
    bool ok = !ferror(out);
    ok = fclose(out) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        PLOG_E("%s: cannot be written", path);
        unlink(tmp);
    }
    return ok;
}

bool nightly_summary_write(const struct nightly *n) {
    char path[4200], t0[32], t1[32];
    cJSON *j = cJSON_CreateObject(), *a;
    iso_time(n->started, t0, sizeof(t0));
    iso_time(n->finished, t1, sizeof(t1));
    cJSON_AddStringToObject(j, "started", t0);
    cJSON_AddStringToObject(j, "finished", t1);
    cJSON_AddNumberToObject(j, "exit", nightly_exit_code(n));
    add_counts(j, n);
    a = cJSON_AddArrayToObject(j, "runs");
    for (size_t i = 0; i < n->nruns; i++)
        cJSON_AddItemToArray(a, run_json(&n->runs[i]));
    a = cJSON_AddArrayToObject(j, "new_crashes");
    for (size_t i = 0; i < n->nfresh; i++)
        cJSON_AddItemToArray(a, fresh_json(&n->fresh[i]));
    a = cJSON_AddArrayToObject(j, "known_crashes");
    for (size_t i = 0; i < n->nknown; i++)
        cJSON_AddItemToArray(a, known_json(&n->known[i]));
    if (n->env != NULL)
        cJSON_AddItemReferenceToObject(j, "environment", n->env);
    snprintf(path, sizeof(path), "%s/summary.json", n->out);
    bool ok = cli_write_json(path, j);
    if (!ok)
        PLOG_E("%s: cannot be written", path);
    cJSON_Delete(j);
    return ok;
}
