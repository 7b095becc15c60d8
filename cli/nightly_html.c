/* The nightly job as one static HTML page (nightly.h): what a person opens from the CI
 * artifacts. One file, no script, no network: the counts, the crash tables linking each
 * report (copied under OUT/crashes/), per run a coverage and an exec/s plot, the machine. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "nightly.h"
#include "report_junit.h"
#include "svg_plot.h"

static const char style[] =
    "body{font-family:sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left}th{background:#f3f3f3}.bad{color:#b00020;font-weight:bold}"
    ".good{color:#087f23}.open{color:#b25e00}.plots{display:flex;flex-wrap:wrap;gap:1em}"
    "svg text{font-size:11px}svg .title{font-weight:bold}";

static void esc(FILE *out, const char *s) {
    report_junit_put_escaped(out, s, true);
}

static void head(FILE *out, const struct nightly *n) {
    int code = nightly_exit_code(n);
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>racefuzz nightly</title><style>%s</style></head><body>\n"
            "<h1>racefuzz nightly</h1>\n<p class=\"%s\">%s: %zu run(s), %zu new crash(es), "
            "%zu known crash(es) replayed, %.0f s</p>\n",
            style, code == 0 ? "good" : "bad",
            code == 0   ? "nothing new"
            : code == 1 ? "new crash or regression"
                        : "the job failed",
            n->nruns, n->nfresh, n->nknown, difftime(n->finished, n->started));
}

/* The report copy under OUT/crashes/TARGET/NAME/ (cmd_nightly makes it). */
static void report_link(FILE *out, const char *target, const char *name) {
    fputs("<a href=\"crashes/", out);
    esc(out, target);
    fputc('/', out);
    esc(out, name);
    fputs("/report.txt\">", out);
    esc(out, name);
    fputs("</a>", out);
}

static void crash_tables(FILE *out, const struct nightly *n) {
    fputs("<h2>New crashes</h2>\n<table><tr><th>target</th><th>kind</th><th>report</th></tr>\n",
          out);
    for (size_t i = 0; i < n->nfresh; i++) {
        fputs("<tr><td>", out);
        esc(out, n->fresh[i].target);
        fputs("</td><td class=\"bad\">", out);
        esc(out, n->fresh[i].kind);
        fputs("</td><td>", out);
        report_link(out, n->fresh[i].target, n->fresh[i].name);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n<h2>Known crashes (regression replay)</h2>\n<table><tr><th>target</th>"
          "<th>kind</th><th>marked fixed</th><th>reproduced</th><th>outcome</th>"
          "<th>report</th></tr>\n",
          out);
    for (size_t i = 0; i < n->nknown; i++) {
        const struct nightly_known *k = &n->known[i];
        bool bad = k->outcome == NIGHTLY_REGRESSION || k->outcome == NIGHTLY_REPLAY_FAILED;
        const char *cls = bad ? "bad" : k->outcome == NIGHTLY_FIXED_HOLDS ? "good" : "open";
        fputs("<tr><td>", out);
        esc(out, k->target);
        fputs("</td><td>", out);
        esc(out, k->kind);
        fprintf(out, "</td><td>%s</td><td>%u/%u</td><td class=\"%s\">%s</td><td>",
                k->fixed ? "yes" : "no", k->hits, k->attempts, cls,
                nightly_outcome_name(k->outcome));
        report_link(out, k->target, k->name);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void run_row(FILE *out, const struct nightly_run *r) {
    fputs("<tr><td>", out);
    esc(out, r->target);
    fprintf(out, "</td><td>%s</td><td>%s</td><td>%.0f</td><td>%llu</td><td>%.0f</td><td>%.0f</td>",
            r->mode, r->engine, r->seconds, r->execs, r->execs_per_s, r->coverage);
    if (r->merged)
        fprintf(out, "<td>%zu &#8594; %zu</td>", r->corpus_before, r->corpus_after);
    else
        fputs("<td>not merged</td>", out);
    fprintf(out, "<td>%zu</td><td class=\"%s\">", r->findings, r->ran ? "good" : "bad");
    esc(out, r->ran ? "ran" : r->error);
    fputs("</td></tr>\n", out);
}

static void plots(FILE *out, const struct nightly_run *r) {
    char title[2][256];
    const struct campaign_series *s = &r->series;
    const double *base = s->n > 0 ? &s->v[0].t : NULL;
    size_t stride = sizeof(s->v[0]) / sizeof(double);
    snprintf(title[0], sizeof(title[0]), "%s %s %s: coverage", r->target, r->mode, r->engine);
    snprintf(title[1], sizeof(title[1]), "%s %s %s: exec/s", r->target, r->mode, r->engine);
    struct svg_plot cov = {title[0], "s", base, s->n > 0 ? &s->v[0].cov : NULL, stride, s->n};
    struct svg_plot eps = {title[1], "s", base, s->n > 0 ? &s->v[0].execs_per_s : NULL,
                           stride,   s->n};
    fputs("<div class=\"plots\">\n", out);
    svg_plot_write(out, &cov);
    svg_plot_write(out, &eps);
    fputs("</div>\n", out);
}

static void runs(FILE *out, const struct nightly *n) {
    fputs("<h2>Runs</h2>\n<table><tr><th>target</th><th>mode</th><th>engine</th><th>s</th>"
          "<th>execs</th><th>exec/s</th><th>coverage</th><th>corpus</th><th>findings</th>"
          "<th>status</th></tr>\n",
          out);
    for (size_t i = 0; i < n->nruns; i++)
        run_row(out, &n->runs[i]);
    fputs("</table>\n", out);
    for (size_t i = 0; i < n->nruns; i++)
        plots(out, &n->runs[i]);
}

static void environment(FILE *out, const struct nightly *n) {
    static const char *const keys[] = {"OS",       "Uname",      "Compiler",        "GoVersion",
                                       "CPUCount", "GOMAXPROCS", "RacefuzzVersion", NULL};
    fputs("<h2>Environment</h2>\n<table>\n", out);
    for (size_t i = 0; keys[i] != NULL; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(n->env, keys[i]);
        char num[32];
        if (v == NULL)
            continue;
        snprintf(num, sizeof(num), "%.0f", cJSON_IsNumber(v) ? v->valuedouble : 0);
        fprintf(out, "<tr><th>%s</th><td>", keys[i]);
        esc(out, cJSON_IsString(v) ? v->valuestring : num);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void write_page(FILE *out, const struct nightly *n) {
    head(out, n);
    crash_tables(out, n);
    runs(out, n);
    environment(out, n);
    fputs("</body></html>\n", out);
}

bool nightly_html_write(const struct nightly *n) {
    return nightly_write(n, "index.html", write_page);
}
