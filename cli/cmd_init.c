/* racefuzz init: a first racefuzz.json for a user's project, every guess marked. The
 * proposal is written to a temporary file beside the target, loaded with the same loaders
 * `fuzz` and `corpus gen` use, and only then renamed into place: init never leaves a
 * config racefuzz itself would refuse, and never replaces one without --force. */
#define _GNU_SOURCE
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "endpoints.h"
#include "init_tool.h"
#include "log.h"
#include "shape.h"
#include "target_config.h"

void cmd_init_help(void) {
    printf(
        "usage: racefuzz init [--dir DIR] [--openapi FILE | --frames HEADER.h] [--name NAME]\n"
        "                     [--force]\n"
        "  write DIR/racefuzz.json (DIR: the current directory) proposing a target:\n"
        "  (default)        DIR is a Go module: the HTTP routes its sources register\n"
        "                   (net/http with Go 1.22 patterns, chi, gorilla/mux, gin, echo),\n"
        "                   a handler expression for go mode, a service section for http\n"
        "                   mode, path parameters, a reset-hook placeholder\n"
        "  --openapi FILE   endpoints, path parameter values (examples, enums), request\n"
        "                   body examples and auth headers from an OpenAPI 3.0/3.1 or\n"
        "                   Swagger 2.0 document (JSON or YAML); go and service sections\n"
        "                   too when DIR holds a go.mod\n"
        "  --frames HDR.h   a C library: the entry point and a frames section to fill in\n"
        "  --name NAME      the target's name (default: from the module, spec or header)\n"
        "  --force          replace an existing racefuzz.json\n"
        "Every guess is marked in the file by a key starting with '_' (\"_guess\", \"_todo_*\"),\n"
        "which racefuzz ignores. Exit 2 on bad input (the file named), 3 without Go.\n");
}

struct init_args {
    const char *dir, *openapi, *frames, *name;
    bool force;
};

static bool parse_init(int argc, char **argv, struct init_args *a) {
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},    {"openapi", required_argument, NULL, 'o'},
        {"frames", required_argument, NULL, 'f'}, {"name", required_argument, NULL, 'n'},
        {"force", no_argument, NULL, 'F'},        {NULL, 0, NULL, 0}};
    int c;
    *a = (struct init_args){.dir = "."};
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            a->dir = optarg;
        else if (c == 'o')
            a->openapi = optarg;
        else if (c == 'f')
            a->frames = optarg;
        else if (c == 'n')
            a->name = optarg;
        else if (c == 'F')
            a->force = true;
        else
            return false;
    }
    if (optind < argc) {
        LOG_E("init: unexpected argument '%s'", argv[optind]);
        return false;
    }
    if (a->openapi != NULL && a->frames != NULL) {
        LOG_E("init: --openapi and --frames propose different targets: give one");
        return false;
    }
    return a->name == NULL || cli_check_target(a->name);
}

/* The proposal must load as every verb loads it: the common part, the endpoints with
 * their path parameters, the frames shapes. */
static bool check_proposal(const char *tmp, const char *final) {
    struct target_config cfg;
    if (!target_config_load(tmp, &cfg))
        return false;
    bool ok = true;
    if (target_config_section(&cfg, "endpoints") != NULL) {
        struct sched_model m;
        ok = endpoints_load(&cfg, &m);
        if (ok)
            sched_model_free(&m);
    }
    const cJSON *frames = target_config_section(&cfg, "frames");
    if (ok && frames != NULL) {
        struct shape_set shapes;
        ok = shape_parse(frames, tmp, &shapes);
        if (ok)
            shape_free(&shapes);
    }
    target_config_free(&cfg);
    if (!ok)
        LOG_E("init: the proposal for %s does not load (a bug of init: please report it)", final);
    return ok;
}

/* The frames target's default name: the header's file name without ".h", made a name. */
static void header_name(const char *header, char *out, size_t cap) {
    const char *base = strrchr(header, '/');
    snprintf(out, cap, "%s", base != NULL ? base + 1 : header);
    char *dot = strrchr(out, '.');
    if (dot != NULL && dot != out)
        *dot = '\0';
    for (char *p = out; *p != '\0'; p++)
        if (!(isalnum((unsigned char)*p) || strchr("_-.", *p) != NULL))
            *p = '_';
    if (out[0] == '.' || out[0] == '-' || out[0] == '\0')
        snprintf(out, cap, "library");
}

static int propose(const struct init_args *a, const char *tmp) {
    char name[128];
    if (a->frames == NULL)
        return init_tool_run(a->dir, a->openapi, a->name, tmp);
    if (a->name != NULL)
        snprintf(name, sizeof name, "%s", a->name);
    else
        header_name(a->frames, name, sizeof name);
    return init_frames_write(a->frames, name, tmp);
}

int cmd_init(int argc, char **argv) {
    struct init_args a;
    char final[PATH_MAX], tmp[PATH_MAX];
    if (!parse_init(argc, argv, &a))
        return CLI_EXIT_USAGE;
    int n = snprintf(final, sizeof final, "%s/racefuzz.json", a.dir);
    if (n < 0 || (size_t)n + 16 >= sizeof final || access(a.dir, W_OK) != 0) {
        PLOG_E("init: --dir %s: not a directory init can write in", a.dir);
        return CLI_EXIT_USAGE;
    }
    if (!a.force && access(final, F_OK) == 0) {
        LOG_E("init: %s exists: not replaced (use --force to replace it)", final);
        return CLI_EXIT_USAGE;
    }
    snprintf(tmp, sizeof tmp, "%s/.racefuzz.json.init-%ld", a.dir, (long)getpid());
    int rc = propose(&a, tmp);
    if (rc == CLI_EXIT_OK && !check_proposal(tmp, final))
        rc = CLI_EXIT_ENV;
    if (rc == CLI_EXIT_OK && rename(tmp, final) != 0) {
        PLOG_E("init: cannot write %s", final);
        rc = CLI_EXIT_ENV;
    }
    unlink(tmp);
    if (rc == CLI_EXIT_OK)
        printf("wrote %s: check every \"_guess\" and \"_todo_*\" note in it\n", final);
    return rc;
}
