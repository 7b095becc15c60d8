/* racefuzz report: the crash store as JUnit XML and SARIF for CI; the store is only read. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "finding.h"
#include "log.h"
#include "project.h"
#include "report_junit.h"
#include "report_sarif.h"
#include "report_set.h"

void cmd_report_help(void) {
    printf("usage: racefuzz report [--store DIR] [--junit FILE] [--sarif FILE]\n\n"
           "Writes the crash store (default: where `racefuzz fuzz` stores, $RACEFUZZ_STORE\n"
           "or crashes/) for CI, reading it only:\n"
           "  --junit FILE  JUnit XML: a test suite per target, a test case per stored\n"
           "                signature; failed when it reproduced in its last replay or was\n"
           "                never replayed, passed when marked fixed and not reproduced since,\n"
           "                skipped when not marked fixed yet not reproduced by its last replay\n"
           "  --sarif FILE  SARIF 2.1.0: a rule per kind, a result per signature at its top\n"
           "                user frame, the stacks as code flows (paths relative to %s)\n"
           "A default store that does not exist yet (no finding so far) gives empty reports.\n"
           "Exit: 0 written; 2 usage error, unreadable store or unwritable file, or a\n"
           "report.json that is malformed (named on stderr; the files are written without it).\n",
           SARIF_SRCROOT);
}

struct report_args {
    const char *store, *junit, *sarif;
    bool store_named; /* --store given: a missing DIR is a mistake, not an empty store */
};

/* An output is checked before the store is read: a directory, or a file whose directory
 * cannot be written, is a usage error named by its option. */
static bool check_out(const char *opt, const char *path) {
    char dir[4096];
    struct stat st;
    if (path == NULL)
        return true;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        LOG_E("--%s: %s is a directory; name the file", opt, path);
        return false;
    }
    snprintf(dir, sizeof(dir), "%s", path);
    if (access(dirname(dir), W_OK) != 0) {
        PLOG_E("--%s: %s: cannot write in its directory", opt, path);
        return false;
    }
    return true;
}

static bool parse(int argc, char **argv, struct report_args *a) {
    static const struct option opts[] = {{"store", required_argument, NULL, 0},
                                         {"junit", required_argument, NULL, 1},
                                         {"sarif", required_argument, NULL, 2},
                                         {NULL, 0, NULL, 0}};
    const char **slot[] = {&a->store, &a->junit, &a->sarif}; /* by getopt's value */
    int c;
    memset(a, 0, sizeof(*a));
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c < 0 || c > 2)
            return false; /* getopt named the bad option */
        *slot[c] = optarg;
    }
    if (optind < argc) {
        LOG_E("report: unexpected argument '%s'", argv[optind]);
        return false;
    }
    if (a->junit == NULL && a->sarif == NULL) {
        LOG_E("report: name at least one output, --junit FILE or --sarif FILE");
        return false;
    }
    a->store_named = a->store != NULL;
    if (a->store == NULL)
        a->store = finding_store_root();
    return check_out("junit", a->junit) && check_out("sarif", a->sarif);
}

static bool write_junit(const char *path, const struct report_set *s) {
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    bool ok = f != NULL && report_junit_write(s, f);
    ok = f != NULL && fclose(f) == 0 && ok && fileio_write_atomic(path, text, size);
    free(text);
    return ok;
}

bool cmd_report_sarif(const char *path, const struct report_set *s, const char *src_root) {
    char root[PATH_MAX], readme[PATH_MAX + 16], uri[3 * PATH_MAX + 64];
    bool relative;
    if (realpath(src_root, root) == NULL)
        snprintf(root, sizeof(root), "%s", src_root);
    /* No public home page yet: the README in racefuzz's tree says what racefuzz is. */
    snprintf(readme, sizeof(readme), "%s/README.md", cli_root_dir());
    if (!report_sarif_uri(readme, "", uri, sizeof(uri), &relative)) /* absolute: a file: URI */
        snprintf(uri, sizeof(uri), "file:///");
    struct report_sarif_tool t = {
        .version = RACEFUZZ_VERSION, .information_uri = uri, .root = root};
    cJSON *log = report_sarif_build(s, &t);
    bool ok = cli_write_json(path, log);
    cJSON_Delete(log);
    return ok;
}

int cmd_report(int argc, char **argv) {
    struct report_args a;
    struct report_set s;
    if (!parse(argc, argv, &a))
        return CLI_EXIT_USAGE;
    if (!a.store_named && access(a.store, F_OK) != 0 && errno == ENOENT) {
        /* the store is made at the first finding: none yet is no crash, not an error */
        printf("store: %s does not exist yet: no crashes\n", a.store);
        memset(&s, 0, sizeof(s));
    } else if (!report_set_load(a.store, &s)) {
        LOG_E("--store: %s: cannot read the crash store", a.store);
        return CLI_EXIT_USAGE;
    }
    bool ok = true;
    if (a.junit != NULL && (ok = write_junit(a.junit, &s)))
        printf("junit: %s (%zu crashes)\n", a.junit, s.n);
    else if (a.junit != NULL)
        LOG_E("--junit: %s: could not be written", a.junit);
    if (ok && a.sarif != NULL && (ok = cmd_report_sarif(a.sarif, &s, project_home())))
        printf("sarif: %s (%zu crashes)\n", a.sarif, s.n);
    else if (ok && a.sarif != NULL)
        LOG_E("--sarif: %s: could not be written", a.sarif);
    if (s.malformed > 0)
        LOG_E("%u malformed report.json left out (named above)", s.malformed);
    unsigned malformed = s.malformed;
    report_set_free(&s);
    return ok && malformed == 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
