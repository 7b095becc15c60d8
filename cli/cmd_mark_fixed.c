/* racefuzz mark-fixed: a stored crash is declared fixed, so reports pass it until a replay
 * reproduces it again (then it is a regression). */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "log.h"
#include "report_check.h"
#include "store.h"

void cmd_mark_fixed_help(void) {
    printf("usage: racefuzz mark-fixed [--undo] ENTRY...\n\n"
           "Sets \"Fixed\": true in each ENTRY's report.json (ENTRY: a crash store directory,\n"
           "crashes/TARGET/KIND-KEY, or a file in it), atomically and under the store's lock;\n"
           "nothing else in it changes. `racefuzz report --junit` then passes the entry\n"
           "unless its last replay reproduced it (a regression: failed). --undo sets it\n"
           "back to false. Exit: 0 marked, 2 usage or an ENTRY that is not a store entry\n"
           "(named), 3 a report that could not be written.\n");
}

/* ENTRY's directory: ENTRY itself, or the directory of a file in it. */
static bool entry_dir(const char *entry, char *out, size_t cap) {
    struct stat st;
    if (stat(entry, &st) != 0) {
        PLOG_E("%s", entry);
        return false;
    }
    int n = snprintf(out, cap, "%s", entry);
    if (n < 0 || (size_t)n >= cap) {
        LOG_E("%s: path too long", entry);
        return false;
    }
    char *slash = strrchr(out, '/');
    if (!S_ISDIR(st.st_mode) && slash != NULL)
        *slash = '\0';
    else if (!S_ISDIR(st.st_mode))
        snprintf(out, cap, ".");
    return true;
}

/* A store entry: its report.json parses and has the fields readers rely on. */
static bool is_entry(const char *dir) {
    char path[4200];
    snprintf(path, sizeof(path), "%s/report.json", dir);
    cJSON *j = store_load_report(dir);
    bool ok = j != NULL && report_check(j, path);
    cJSON_Delete(j);
    if (j == NULL)
        LOG_E("%s: not a crash store entry (no readable report.json)", dir);
    return ok;
}

int cmd_mark_fixed(int argc, char **argv) {
    static const struct option opts[] = {{"undo", no_argument, NULL, 'u'}, {NULL, 0, NULL, 0}};
    bool fixed = true;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'u')
            return CLI_EXIT_USAGE;
        fixed = false;
    }
    if (optind >= argc) {
        LOG_E("mark-fixed: name at least one store entry");
        return CLI_EXIT_USAGE;
    }
    char dir[4096];
    for (int i = optind; i < argc; i++) /* all checked before any is changed */
        if (!entry_dir(argv[i], dir, sizeof(dir)) || !is_entry(dir))
            return CLI_EXIT_USAGE;
    cJSON *fields = cJSON_CreateObject();
    cJSON_AddBoolToObject(fields, "Fixed", fixed);
    int rc = CLI_EXIT_OK;
    for (int i = optind; i < argc && rc == CLI_EXIT_OK; i++) {
        entry_dir(argv[i], dir, sizeof(dir));
        if (store_update_fields(dir, fields))
            printf("%s: %s\n", dir, fixed ? "marked fixed" : "no longer marked fixed");
        else
            rc = CLI_EXIT_ENV;
    }
    cJSON_Delete(fields);
    return rc;
}
