/* Finds and runs rfinit, the Go half of `racefuzz init` (go/cmd/rfinit). Standard Go
 * only: it reads sources with go/parser, so the user's router libraries need not be
 * downloaded for init to see their routes. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "init_tool.h"
#include "log.h"
#include "subproc.h"

/* Building rfinit from source takes a few seconds the first time (Go's build cache makes
 * later builds quick); more than this is a broken toolchain. */
#define INIT_TOOL_BUILD_TIMEOUT_S 300.0
/* Reading a module's sources or a spec: seconds even for large services. */
#define INIT_TOOL_RUN_TIMEOUT_S 120.0

static bool executable(const char *path) {
    return access(path, X_OK) == 0;
}

/* The prebuilt tool: a build tree's bin/rfinit, or an install prefix's
 * lib/racefuzz/rfinit (cmake/RacefuzzInstall.cmake). */
static bool find_prebuilt(char *out, size_t cap) {
    snprintf(out, cap, "%s/rfinit", cli_self_dir());
    if (executable(out))
        return true;
    snprintf(out, cap, "%s/../lib/racefuzz/rfinit", cli_self_dir());
    return executable(out);
}

/* Builds rfinit from racefuzz's data (ROOT/go/cmd/rfinit) into tmpdir/rfinit. */
static bool build_tool(const char *tmpdir, char *out, size_t cap) {
    char src[PATH_MAX];
    snprintf(src, sizeof src, "%s/go/cmd/rfinit", cli_root_dir());
    snprintf(out, cap, "%s/rfinit", tmpdir);
    const char *go = getenv("RACEFUZZ_GO");
    char *argv[] = {(char *)(go != NULL && *go != '\0' ? go : "go"), "build", "-o", out, ".", NULL};
    const char *env[] = {"GOTOOLCHAIN=local", "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0", NULL};
    struct subproc_opts o = {
        .argv = argv, .env_add = env, .cwd = src, .timeout_s = INIT_TOOL_BUILD_TIMEOUT_S};
    struct subproc_result r;
    if (!subproc_run(&o, &r) || r.timed_out || r.signal != 0 || r.exit_code != 0) {
        LOG_E("init: cannot build the route finder from %s with %s (set RACEFUZZ_GO to a Go "
              "toolchain)",
              src, argv[0]);
        return false;
    }
    return true;
}

static int run_tool(const char *tool, const char *dir, const char *spec, const char *name,
                    const char *out) {
    char *argv[12];
    int n = 0;
    argv[n++] = (char *)tool;
    argv[n++] = "-dir";
    argv[n++] = (char *)dir;
    argv[n++] = "-out";
    argv[n++] = (char *)out;
    if (spec != NULL) {
        argv[n++] = "-openapi";
        argv[n++] = (char *)spec;
    }
    if (name != NULL) {
        argv[n++] = "-name";
        argv[n++] = (char *)name;
    }
    argv[n] = NULL;
    struct subproc_opts o = {.argv = argv, .timeout_s = INIT_TOOL_RUN_TIMEOUT_S};
    struct subproc_result r;
    if (!subproc_run(&o, &r) || r.timed_out || r.signal != 0) {
        LOG_E("init: %s did not finish", tool);
        return CLI_EXIT_ENV;
    }
    return r.exit_code == 0 ? CLI_EXIT_OK : r.exit_code == 2 ? CLI_EXIT_USAGE : CLI_EXIT_ENV;
}

int init_tool_run(const char *dir, const char *spec, const char *name, const char *out) {
    char tool[PATH_MAX], tmpdir[PATH_MAX] = "";
    int rc = CLI_EXIT_ENV;
    if (!find_prebuilt(tool, sizeof tool)) {
        const char *t = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/racefuzz-init.XXXXXX", t != NULL && *t ? t : "/tmp");
        if (mkdtemp(tmpdir) == NULL) {
            PLOG_E("init: cannot make a temporary directory");
            tmpdir[0] = '\0';
            goto out;
        }
        if (!build_tool(tmpdir, tool, sizeof tool))
            goto out;
    }
    rc = run_tool(tool, dir, spec, name, out);
out:
    if (tmpdir[0] != '\0')
        fileio_remove_tree(tmpdir);
    return rc;
}
