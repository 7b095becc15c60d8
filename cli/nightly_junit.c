/* The nightly job as JUnit XML (nightly.h), the test view CI systems show: a suite "fuzz"
 * with a case per run (failed when it stored a new signature, an error when it could not
 * run), a suite "regression" with a case per known crash (failed when one marked fixed
 * reproduced, skipped while it is an open bug or did not reproduce unmarked). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nightly.h"
#include "report_junit.h"
#include "report_set.h"
#include "store.h"

static void put(FILE *out, const char *text, bool attr) {
    report_junit_put_escaped(out, text, attr);
}

/* The top of the stored report's stacks (report_set_lines, as report_junit shows them),
 * as the failure's text. */
static void put_report(FILE *out, const char *dir) {
    cJSON *j = store_load_report(dir);
    char *lines = j != NULL ? report_set_lines(j, JUNIT_REPORT_LINES) : NULL;
    if (lines != NULL)
        put(out, lines, false);
    free(lines);
    cJSON_Delete(j);
}

static void case_open(FILE *out, const char *cls, const char *name, double seconds) {
    fputs("    <testcase classname=\"", out);
    put(out, cls, true);
    fputs("\" name=\"", out);
    put(out, name, true);
    fprintf(out, "\" time=\"%.3f\">\n", seconds);
}

static void run_case(FILE *out, const struct nightly *n, size_t run) {
    const struct nightly_run *r = &n->runs[run];
    char name[256];
    snprintf(name, sizeof(name), "%s/%s/%s", r->target, r->mode, r->engine);
    case_open(out, "racefuzz.nightly.fuzz", name, r->seconds);
    if (!r->ran) {
        fputs("      <error type=\"job\" message=\"", out);
        put(out, r->error, true);
        fputs("\"/>\n", out);
    }
    for (size_t i = 0; i < n->nfresh; i++) {
        const struct nightly_new *f = &n->fresh[i];
        if (f->run != run)
            continue;
        fputs("      <failure type=\"", out);
        put(out, f->kind, true);
        fputs("\" message=\"new crash ", out);
        put(out, f->name, true);
        fputs("\">", out);
        put_report(out, f->dir);
        fputs("</failure>\n", out);
    }
    fprintf(out, "      <system-out>%.0f execs, %.0f exec/s, coverage %.0f, corpus %zu -> %zu",
            (double)r->execs, r->execs_per_s, r->coverage, r->corpus_before, r->corpus_after);
    fputs("</system-out>\n    </testcase>\n", out);
}

static void known_case(FILE *out, const struct nightly_known *k) {
    char msg[512], name[400];
    snprintf(name, sizeof(name), "%s/%s", k->target, k->name);
    snprintf(msg, sizeof(msg), "%s, reproduced %u/%u", nightly_outcome_name(k->outcome), k->hits,
             k->attempts);
    case_open(out, "racefuzz.nightly.regression", name, 0);
    const char *tag = k->outcome == NIGHTLY_REGRESSION      ? "failure"
                      : k->outcome == NIGHTLY_REPLAY_FAILED ? "error"
                      : k->outcome == NIGHTLY_FIXED_HOLDS   ? NULL
                                                            : "skipped";
    if (tag != NULL) {
        fprintf(out, "      <%s type=\"%s\" message=\"", tag, nightly_outcome_name(k->outcome));
        put(out, msg, true);
        fputs("\">", out);
        if (k->outcome == NIGHTLY_REGRESSION)
            put_report(out, k->dir);
        fprintf(out, "</%s>\n", tag);
    }
    fputs("    </testcase>\n", out);
}

static void suite_counts(const struct nightly *n, bool fuzz, size_t *c) {
    memset(c, 0, 4 * sizeof(*c)); /* tests, failures, errors, skipped */
    if (fuzz) {
        c[0] = n->nruns;
        for (size_t i = 0; i < n->nruns; i++) {
            c[2] += !n->runs[i].ran;
            c[1] += n->runs[i].ran && n->runs[i].new_sigs > 0;
        }
        return;
    }
    c[0] = n->nknown;
    for (size_t i = 0; i < n->nknown; i++) {
        enum nightly_outcome o = n->known[i].outcome;
        c[1] += o == NIGHTLY_REGRESSION;
        c[2] += o == NIGHTLY_REPLAY_FAILED;
        c[3] += o == NIGHTLY_OPEN || o == NIGHTLY_NOT_REPRODUCED;
    }
}

/* <testsuite NAME ...> with the counts suite_counts gives for it. */
static void suite_open(FILE *out, const struct nightly *n, bool fuzz) {
    size_t c[4];
    suite_counts(n, fuzz, c);
    fprintf(out,
            "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "skipped=\"%zu\">\n",
            fuzz ? "fuzz" : "regression", c[0], c[1], c[2], c[3]);
}

static void write_doc(FILE *out, const struct nightly *n) {
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"racefuzz nightly\">\n",
          out);
    suite_open(out, n, true);
    for (size_t i = 0; i < n->nruns; i++)
        run_case(out, n, i);
    fputs("  </testsuite>\n", out);
    suite_open(out, n, false);
    for (size_t i = 0; i < n->nknown; i++)
        known_case(out, &n->known[i]);
    fputs("  </testsuite>\n</testsuites>\n", out);
}

bool nightly_junit_write(const struct nightly *n) {
    return nightly_write(n, "junit.xml", write_doc);
}
