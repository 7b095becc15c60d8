#define _GNU_SOURCE
#include "report_junit.h"

#include <stdlib.h>
#include <string.h>

/* The entity or character reference c is written as, NULL when it stands for itself. A
 * parser normalises tab and newline in an attribute to spaces, and any bare carriage
 * return to a newline, unless they come as references. */
static const char *entity(char c, bool attr) {
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&apos;";
    case '\r':
        return "&#13;";
    case '\t':
        return attr ? "&#9;" : NULL;
    case '\n':
        return attr ? "&#10;" : NULL;
    default:
        return NULL;
    }
}

bool report_junit_put_escaped(FILE *out, const char *text, bool attr) {
    char *clean = report_set_clean(text);
    if (clean == NULL)
        return false;
    for (const char *p = clean; *p != '\0'; p++) {
        const char *ent = entity(*p, attr);
        if (ent != NULL)
            fputs(ent, out);
        else
            fputc(*p, out);
    }
    free(clean);
    return true;
}

struct report_junit_counts {
    size_t tests, failures, skipped;
};

static void count(const struct report_set *s, size_t from, size_t to,
                  struct report_junit_counts *c) {
    memset(c, 0, sizeof(*c));
    for (size_t i = from; i < to; i++) {
        enum report_verdict v = report_set_verdict(s->v[i].json);
        c->tests++;
        c->failures += v == REPORT_FAILING;
        c->skipped += v == REPORT_UNKNOWN;
    }
}

/* The <failure>: the crash's kind and detail, where it is stored, the top of its report. */
static bool put_failure(FILE *out, const struct report_entry *e) {
    const cJSON *j = e->json;
    char message[600];
    char *lines = report_set_lines(j, JUNIT_REPORT_LINES);
    bool fixed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "Fixed"));
    const char *detail = report_set_field(j, "Detail");
    snprintf(message, sizeof(message), "%s%s%s%s", fixed ? "regression: " : "",
             report_set_field(j, "Kind"), detail[0] != '\0' ? ": " : "", detail);
    fputs("      <failure message=\"", out);
    bool ok = lines != NULL && report_junit_put_escaped(out, message, true);
    fputs("\" type=\"", out);
    ok = ok && report_junit_put_escaped(out, report_set_field(j, "Kind"), true);
    fputs("\">", out);
    ok = ok && report_junit_put_escaped(out, e->dir, false);
    fputs("\n", out);
    ok = ok && report_junit_put_escaped(out, lines, false);
    fputs("</failure>\n", out);
    free(lines);
    return ok;
}

static bool put_case(FILE *out, const struct report_entry *e) {
    enum report_verdict v = report_set_verdict(e->json);
    bool ok = true;
    fputs("    <testcase name=\"", out);
    ok = ok && report_junit_put_escaped(out, e->name, true);
    fputs("\" classname=\"", out);
    ok = ok && report_junit_put_escaped(out, e->target, true);
    fputs("\" time=\"0\"", out);
    if (v == REPORT_PASSING) {
        fputs("/>\n", out);
        return ok;
    }
    fputs(">\n", out);
    if (v == REPORT_FAILING)
        ok = ok && put_failure(out, e);
    else
        fputs("      <skipped message=\"not marked fixed, yet its last replay did not "
              "reproduce it\"/>\n",
              out);
    fputs("    </testcase>\n", out);
    return ok;
}

/* One target's entries, s->v[from..to). */
static bool put_suite(FILE *out, const struct report_set *s, size_t from, size_t to) {
    struct report_junit_counts c;
    bool ok = true;
    count(s, from, to, &c);
    fputs("  <testsuite name=\"", out);
    ok = report_junit_put_escaped(out, s->v[from].target, true);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"0\">\n",
            c.tests, c.failures, c.skipped);
    for (size_t i = from; ok && i < to; i++)
        ok = put_case(out, &s->v[i]);
    fputs("  </testsuite>\n", out);
    return ok;
}

/* <testsuites> has no "skipped" in junit-10.xsd (<testsuite> has): the total stays out. */
bool report_junit_write(const struct report_set *s, FILE *out) {
    struct report_junit_counts all;
    bool ok = true;
    count(s, 0, s->n, &all);
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"racefuzz\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "time=\"0\">\n",
            all.tests, all.failures);
    for (size_t from = 0, to; ok && from < s->n; from = to) {
        for (to = from + 1; to < s->n && strcmp(s->v[to].target, s->v[from].target) == 0; to++)
            ;
        ok = put_suite(out, s, from, to);
    }
    fputs("</testsuites>\n", out);
    return ok && !ferror(out);
}
