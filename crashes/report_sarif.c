#define _GNU_SOURCE
#include "report_sarif.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signature.h"

#define SARIF_SCHEMA_URI                                                                           \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* A string item, cleaned; the empty string when memory runs out cleaning it. */
static cJSON *clean_string(const char *s) {
    char *c = report_set_clean(s);
    cJSON *v = cJSON_CreateString(c != NULL ? c : "");
    free(c);
    return v;
}

static void add_clean(cJSON *obj, const char *key, const char *s) {
    cJSON_AddItemToObject(obj, key, clean_string(s));
}

/* A message object; SARIF viewers want its text non-empty, so an empty one (or one that
 * cleaning emptied) gives way to fallback. */
static cJSON *message(const char *text, const char *fallback) {
    cJSON *m = cJSON_CreateObject();
    char *c = report_set_clean(text);
    add_clean(m, "text", c != NULL && c[0] != '\0' ? c : fallback);
    free(c);
    return m;
}

static bool unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~/", c) != NULL;
}

static bool encode(const char *s, char *out, size_t cap, size_t o) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (o + 4 > cap)
            return false;
        if (unreserved((char)*p)) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
    return true;
}

static bool file_uri(const char *path, char *out, size_t cap) {
    if (cap < 8)
        return false;
    memcpy(out, "file://", 7);
    return encode(path, out, cap, 7);
}

bool report_sarif_uri(const char *path, const char *root, char *out, size_t cap, bool *relative) {
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    *relative = path[0] != '/';
    if (n > 0 && strncmp(path, root, n) == 0 && path[n] == '/') {
        path += n + 1;
        *relative = true;
    }
    return *relative ? encode(path, out, cap, 0) : file_uri(path, out, cap);
}

/* A physical location (file:line) for a frame that names its file, else NULL. */
static cJSON *physical(const struct signature_frame *f, const char *root) {
    char uri[2048];
    bool relative;
    if (f->file[0] == '\0' || f->line <= 0 ||
        !report_sarif_uri(f->file, root, uri, sizeof(uri), &relative))
        return NULL;
    cJSON *p = cJSON_CreateObject(), *a = cJSON_AddObjectToObject(p, "artifactLocation");
    cJSON_AddStringToObject(a, "uri", uri);
    if (relative)
        cJSON_AddStringToObject(a, "uriBaseId", SARIF_SRCROOT);
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(p, "region"), "startLine", f->line);
    return p;
}

/* A location: the frame's file:line when known, always its function as a logical one. */
static cJSON *location(const struct signature_frame *f, const char *root) {
    cJSON *loc = cJSON_CreateObject(), *p = physical(f, root);
    if (p != NULL)
        cJSON_AddItemToObject(loc, "physicalLocation", p);
    cJSON *logical = cJSON_CreateObject();
    add_clean(logical, "name", f->func);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(loc, "logicalLocations"), logical);
    return loc;
}

/* One stack as a thread flow, outermost caller first: SARIF orders a flow's locations as
 * they executed, and the crashing frame executed last. */
static cJSON *thread_flow(const struct signature_result *sig, size_t k, const char *root) {
    cJSON *flow = cJSON_CreateObject(), *locs = cJSON_AddArrayToObject(flow, "locations");
    char text[64];
    snprintf(text, sizeof(text), sig->nframes[1] > 0 ? "access %zu of the race" : "the crash",
             k + 1);
    cJSON_AddItemToObject(flow, "message", message(text, "stack"));
    for (size_t i = sig->nframes[k]; i-- > 0;) {
        cJSON *tfl = cJSON_CreateObject();
        cJSON_AddItemToObject(tfl, "location", location(&sig->frames[k][i], root));
        cJSON_AddNumberToObject(tfl, "nestingLevel", (double)(sig->nframes[k] - 1 - i));
        cJSON_AddItemToArray(locs, tfl);
    }
    return flow;
}

/* A result without a stack (an invariant, an unrecognised finding) is located at its
 * target's config, line 1: code scanning shows no result without a location. */
static void add_config_location(cJSON *result, const cJSON *report, const char *root) {
    struct signature_frame f = {.line = 1};
    snprintf(f.file, sizeof(f.file), "%s", report_set_field(report, "Config"));
    cJSON *p = physical(&f, root);
    if (p == NULL)
        return;
    cJSON *loc = cJSON_CreateObject();
    cJSON_AddItemToObject(loc, "physicalLocation", p);
    cJSON_AddItemToObject(loc, "message",
                          message("no stack in the report: the target's config", "config"));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(result, "locations"), loc);
}

/* The stacks of the stored report, when one parses: locations and code flows. */
static void add_stacks(cJSON *result, const cJSON *report, const char *root) {
    char *text = report_set_lines(report, SIZE_MAX);
    struct signature_result *sig = malloc(sizeof(*sig));
    if (text != NULL && sig != NULL && signature_from_report(text, strlen(text), sig) &&
        sig->nframes[0] > 0) {
        cJSON *loc = location(&sig->frames[0][0], root);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(result, "locations"), loc);
        cJSON *flows = cJSON_CreateObject();
        cJSON *threads = cJSON_AddArrayToObject(flows, "threadFlows");
        for (size_t k = 0; k < 2; k++)
            if (sig->nframes[k] > 0)
                cJSON_AddItemToArray(threads, thread_flow(sig, k, root));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(result, "codeFlows"), flows);
    } else {
        add_config_location(result, report, root);
    }
    free(sig);
    free(text);
}

/* The index of kind among the rules, added when new. */
static int rule_index(cJSON *rules, const char *kind) {
    int i = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, rules) {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring, kind) == 0)
            return i;
        i++;
    }
    char text[160];
    cJSON *rule = cJSON_CreateObject();
    cJSON_AddStringToObject(rule, "id", kind);
    snprintf(text, sizeof(text), "racefuzz finding of kind %s", kind);
    cJSON_AddItemToObject(rule, "shortDescription", message(text, "racefuzz finding"));
    cJSON_AddStringToObject(cJSON_AddObjectToObject(rule, "defaultConfiguration"), "level",
                            "error");
    cJSON_AddItemToArray(rules, rule);
    return i;
}

static cJSON *result(const struct report_entry *e, cJSON *rules, const char *root) {
    const cJSON *j = e->json;
    cJSON *r = cJSON_CreateObject(), *id = clean_string(report_set_field(j, "Kind"));
    const char *kind =
        cJSON_IsString(id) && id->valuestring[0] != '\0' ? id->valuestring : SIG_KIND_UNRECOGNISED;
    cJSON_AddStringToObject(r, "ruleId", kind);
    cJSON_AddNumberToObject(r, "ruleIndex", rule_index(rules, kind));
    cJSON_AddStringToObject(r, "level", "error");
    cJSON_AddItemToObject(r, "message", message(report_set_field(j, "Detail"), kind));
    cJSON_Delete(id);
    add_stacks(r, j, root);
    if (report_set_field(j, "Key")[0] != '\0')
        add_clean(cJSON_AddObjectToObject(r, "partialFingerprints"), "racefuzzSignature/v1",
                  report_set_field(j, "Key"));
    cJSON *props = cJSON_AddObjectToObject(r, "properties");
    add_clean(props, "target", e->target);
    add_clean(props, "storeEntry", e->dir);
    cJSON_AddBoolToObject(props, "fixed",
                          cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "Fixed")));
    return r;
}

static cJSON *driver(const struct report_sarif_tool *t) {
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", "racefuzz");
    add_clean(d, "version", t->version);
    add_clean(d, "informationUri", t->information_uri);
    cJSON_AddArrayToObject(d, "rules");
    return d;
}

static cJSON *base_ids(const char *root) {
    char uri[4200];
    size_t n;
    cJSON *ids = cJSON_CreateObject(), *src = cJSON_AddObjectToObject(ids, SARIF_SRCROOT);
    if (!file_uri(root, uri, sizeof(uri) - 1))
        snprintf(uri, sizeof(uri), "file:///");
    n = strlen(uri);
    if (n == 0 || uri[n - 1] != '/')
        memcpy(uri + n, "/", 2); /* a base URI names a directory */
    cJSON_AddStringToObject(src, "uri", uri);
    return ids;
}

cJSON *report_sarif_build(const struct report_set *s, const struct report_sarif_tool *t) {
    cJSON *log = cJSON_CreateObject(), *run = cJSON_CreateObject(), *d = driver(t);
    cJSON_AddStringToObject(log, "$schema", SARIF_SCHEMA_URI);
    cJSON_AddStringToObject(log, "version", "2.1.0");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(log, "runs"), run);
    cJSON_AddItemToObject(cJSON_AddObjectToObject(run, "tool"), "driver", d);
    cJSON_AddItemToObject(run, "originalUriBaseIds", base_ids(t->root));
    cJSON *results = cJSON_AddArrayToObject(run, "results");
    cJSON *rules = cJSON_GetObjectItemCaseSensitive(d, "rules");
    for (size_t i = 0; results != NULL && rules != NULL && i < s->n; i++)
        cJSON_AddItemToArray(results, result(&s->v[i], rules, t->root));
    if (results == NULL || rules == NULL) {
        cJSON_Delete(log);
        return NULL;
    }
    return log;
}
