/* The fields of a stored report.json that readers (replay, triage) rely on, checked once
 * here: a hand-edited or damaged report is named by file and field, never mistaken for
 * "not in the store" or read as the wrong type. */
#ifndef RF_REPORT_CHECK_H
#define RF_REPORT_CHECK_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* True when every field readers take has its type: Target, Mode, Sanitizer, Key and Kind
 * strings; CrashState and EngineFlags arrays of strings; TargetEnv an array of "K=V"
 * strings with a non-empty K. A missing field is fine (older reports lack some). False,
 * logged as "PATH: FIELD: expected ...", otherwise. */
bool report_check(const cJSON *report, const char *path);

#endif
