#define _GNU_SOURCE
#include "fuzz_setup.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dict.h"
#include "fileio.h"
#include "log.h"
#include "shape.h"
#include "target_config.h"

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static bool fmt(char *out, size_t cap, const char *f, const char *a, const char *b) {
    int n = snprintf(out, cap, f, a, b);
    return n > 0 && (size_t)n < cap;
}

/* The engine binary of a target in this build tree (docs/layout.md). */
static bool find_fuzzer(struct fuzz_setup *s, const char *target, enum campaign_engine e,
                        bool custom) {
    const char *pattern = e == CAMPAIGN_AFL ? "%s/../afl/bin/%s_afl"
                          : custom          ? "%s/%s_fuzzer"
                                            : "%s/%s_fuzzer_plain";
    if (!fmt(s->fuzzer, sizeof(s->fuzzer), pattern, cli_self_dir(), target) || !exists(s->fuzzer)) {
        LOG_E("%s: fuzz target not built (run ./racefuzz build, or check the target name)",
              s->fuzzer);
        return false;
    }
    return true;
}

/* Writes the dictionary derived from the target's message shapes into the work dir. */
static bool write_dict(struct fuzz_setup *s, const char *target) {
    char path[4096];
    struct tcfg cfg;
    struct shape_set shapes;
    static struct dict d;
    if (!cli_config_path(target, NULL, path, sizeof(path)) || !tcfg_load(path, &cfg))
        return false;
    const cJSON *frames = tcfg_section(&cfg, "frames");
    bool ok = frames != NULL && shape_parse(frames, path, &shapes);
    if (ok) {
        dict_init(&d);
        ok = shape_collect_dict(frames, &shapes, &d) &&
             fmt(s->dict, sizeof(s->dict), "%s/%s", s->work, "frames.dict") &&
             (d.count == 0 || dict_write_file(&d, s->dict));
        if (d.count == 0)
            s->dict[0] = '\0';
        shape_free(&shapes);
    }
    tcfg_free(&cfg);
    return ok;
}

static bool make_work_dir(struct fuzz_setup *s, const char *root, const char *target,
                          enum campaign_engine e) {
    char stamp[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    int n = snprintf(s->work, sizeof(s->work), "%s/%s/%s-%s-%ld", root, target,
                     campaign_engine_name(e), stamp, (long)getpid());
    return n > 0 && (size_t)n < sizeof(s->work) && fileio_mkdirs(s->work);
}

bool fuzz_setup_prepare(struct fuzz_setup *s, const char *target, enum campaign_engine engine,
                        const char *work_root, bool custom_mutator) {
    memset(s, 0, sizeof(*s));
    if (!find_fuzzer(s, target, engine, custom_mutator))
        return false;
    if (!fmt(s->seeds, sizeof(s->seeds), "%s/corpus/%s", cli_root_dir(), target) ||
        !exists(s->seeds)) {
        LOG_E("%s: no seed corpus (racefuzz corpus gen --target %s --out %s)", s->seeds, target,
              s->seeds);
        return false;
    }
    if (!make_work_dir(s, work_root, target, engine) || !write_dict(s, target))
        return false;
    fmt(s->mutator, sizeof(s->mutator), "%s/../lib/%s", cli_self_dir(),
        "libracefuzz_afl_mutator.so");
    s->opts = (struct campaign_opts){
        .engine = engine,
        .fuzzer = s->fuzzer,
        .seeds_dir = s->seeds,
        .work_dir = s->work,
        .dict = s->dict[0] != '\0' ? s->dict : NULL,
        .afl_mutator = engine == CAMPAIGN_AFL && custom_mutator ? s->mutator : NULL,
        .time_s = 60,
        .seed = 1,
    };
    return true;
}
