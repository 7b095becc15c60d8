/* The crash store as SARIF 2.1.0, the format code-scanning tools load (GitHub code
 * scanning, IDE viewers): one run, one rule per kind, one result per stored signature
 * located at its top user frame, its stacks as code flows (a race: one thread flow per
 * access). */
#ifndef RF_REPORT_SARIF_H
#define RF_REPORT_SARIF_H

#include <cjson/cJSON.h>

#include "report_set.h"

/* The uriBaseId that paths inside the source tree are relative to. */
#define SARIF_SRCROOT "SRCROOT"

struct report_sarif_tool {
    const char *version;         /* racefuzz's */
    const char *information_uri; /* an absolute URI: where people read about the tool */
    const char *root;            /* the source tree, absolute: frames under it become relative */
};

/* The SARIF log of s (caller cJSON_Deletes); NULL when memory runs out. Every string is
 * valid UTF-8 (report_set_clean). */
cJSON *report_sarif_build(const struct report_set *s, const struct report_sarif_tool *t);

/* path as a URI reference: relative to root when under it (*relative set), else a file:
 * URI; characters outside RFC 3986's unreserved set and "/" percent-encoded. False when
 * out (cap bytes) is too small. */
bool report_sarif_uri(const char *path, const char *root, char *out, size_t cap, bool *relative);

#endif
