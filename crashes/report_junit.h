/* The crash store as JUnit XML, the test-result format CI systems read (the Jenkins/Ant
 * junit-10.xsd, tests/data/schemas/): one <testsuite> per target, one <testcase> per stored
 * signature, failed, passed or skipped by report_set_verdict. */
#ifndef RF_REPORT_JUNIT_H
#define RF_REPORT_JUNIT_H

#include <stdbool.h>
#include <stdio.h>

#include "report_set.h"

/* Lines of a crash's report shown in its <failure> (the top of its stacks). */
#define JUNIT_REPORT_LINES 40

/* Writes s as one JUnit document to out. False when memory runs out or a write fails. */
bool report_junit_write(const struct report_set *s, FILE *out);

/* Writes text to out escaped for XML 1.0: cleaned by report_set_clean, markup characters
 * as entities, and in an attribute (attr) tab, newline and carriage return as character
 * references so a parser keeps them. False when memory runs out. */
bool report_junit_put_escaped(FILE *out, const char *text, bool attr);

#endif
