/* The crash store's entries loaded for the machine-readable reports (report_junit.h,
 * report_sarif.h): every report.json under a store root, checked, in name order, with the
 * verdict a CI job reads from it and its text made safe for XML and JSON writers. */
#ifndef RF_REPORT_SET_H
#define RF_REPORT_SET_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct report_entry {
    char target[256]; /* ROOT/TARGET */
    char name[256];   /* KIND-KEY, the entry's directory name */
    char dir[4096];
    cJSON *json; /* its report.json, owned by the set */
};

struct report_set {
    struct report_entry *v; /* sorted by target, then name */
    size_t n, cap;
    unsigned malformed; /* entries skipped: report.json missing, unparsable or mistyped */
};

/* Loads every entry under root. A malformed report.json is logged naming the file and
 * counted in s->malformed, the others are still loaded. False when root cannot be read
 * (logged naming it) or memory runs out; *s is then empty. The store is only read. */
bool report_set_load(const char *root, struct report_set *s);

void report_set_free(struct report_set *s);

/* What a stored crash means to CI. FAILING: it reproduced in its last replay, or was never
 * replayed and is not marked fixed. PASSING: marked "Fixed" and not reproduced by its last
 * replay (or never replayed since). UNKNOWN: not marked fixed, yet its last replay did not
 * reproduce it (a flaky race, or a fix nobody marked). */
enum report_verdict { REPORT_FAILING, REPORT_PASSING, REPORT_UNKNOWN };

enum report_verdict report_set_verdict(const cJSON *report);

/* report's string field key, "" when absent or not a string. */
const char *report_set_field(const cJSON *report, const char *key);

/* The first max_lines lines of report's Stacktrace, joined by "\n" (malloc'ed; "" when it
 * has none; NULL when memory runs out). */
char *report_set_lines(const cJSON *report, size_t max_lines);

/* A copy of s that is valid UTF-8 and holds only characters XML 1.0 allows (tab, newline,
 * carriage return, U+0020 and above but surrogates, U+FFFE and U+FFFF): bytes that are
 * not UTF-8 become U+FFFD, other control characters are dropped. Crash reports carry
 * whatever bytes the target printed. malloc'ed; NULL when memory runs out. */
char *report_set_clean(const char *s);

#endif
