#define _GNU_SOURCE
#include "project.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "log.h"
#include "target_config.h"

static struct {
    char config[PATH_MAX];
    char home[PATH_MAX];
    char name[128];
} P;

static bool set_home(const struct target_config *cfg, const char *workdir) {
    if (workdir == NULL) {
        snprintf(P.home, sizeof P.home, "%s", cfg->dir);
        return true;
    }
    if (!fileio_mkdirs(workdir) || realpath(workdir, P.home) == NULL) {
        PLOG_E("--workdir: %s: cannot make or open it", workdir);
        return false;
    }
    return true;
}

bool project_use_config(const char *path, const char *workdir, const char **name) {
    struct target_config cfg;
    if (realpath(path, P.config) == NULL) {
        PLOG_E("--config: %s", path);
        P.config[0] = '\0';
        return false;
    }
    if (!target_config_load(P.config, &cfg)) {
        P.config[0] = '\0';
        return false;
    }
    /* The name becomes a folder of corpus/ and crashes/: one path component. */
    bool ok = cli_check_target(cfg.name) &&
              snprintf(P.name, sizeof P.name, "%s", cfg.name) < (int)sizeof P.name;
    if (!ok)
        LOG_E("%s: \"name\" must be a target name", P.config);
    ok = ok && set_home(&cfg, workdir);
    target_config_free(&cfg);
    if (!ok) {
        project_clear();
        return false;
    }
    *name = P.name;
    return true;
}

const char *project_home(void) {
    return P.home[0] != '\0' ? P.home : cli_root_dir();
}

const char *project_config(void) {
    return P.config[0] != '\0' ? P.config : NULL;
}

const char *project_name(void) {
    return P.name[0] != '\0' ? P.name : NULL;
}

void project_clear(void) {
    P.config[0] = P.name[0] = P.home[0] = '\0';
}
