#define _GNU_SOURCE
#include "fuzz_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "endpoints.h"
#include "fileio.h"
#include "http_cov_region.h"
#include "log.h"
#include "mutator_config.h"
#include "project.h"
#include "sched_model_file.h"
#include "service_config.h"
#include "target_config.h"
#include "variant_env.h"

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static bool fmt(char *out, size_t cap, const char *f, const char *a, const char *b) {
    int n = snprintf(out, cap, f, a, b);
    return n > 0 && (size_t)n < cap;
}

/* From a mode to the code that runs it: the binary (NAME<infix><engine suffix>, or one
 * binary for every target), the harness source behind it and the CMake helper that builds
 * it, and the seed folder. A newcomer follows `harness` from here to the mode's loop. */
struct mode_info {
    const char *name, *infix, *binary, *harness, *cmake_helper, *seeds_sub, *gen_hint;
};

static const struct mode_info modes[] = {
    {.name = "plain",
     .infix = "",
     .harness = "the target's own LLVMFuzzerTestOneInput",
     .cmake_helper = "racefuzz_add_fuzzer",
     .seeds_sub = "",
     .gen_hint = ""},
    {.name = "frames",
     .infix = "_frames",
     .harness = "fuzz/frames/harness.c",
     .cmake_helper = "racefuzz_add_frames_target",
     .seeds_sub = "/frames",
     .gen_hint = " --workers 4"},
    {.name = "go",
     .infix = "_go",
     .harness = "fuzz/go/harness.c",
     .cmake_helper = "racefuzz_add_go_target",
     .seeds_sub = "/schedule",
     .gen_hint = " --format schedule"},
    /* one binary for every target (the target comes from its environment) */
    {.name = "http",
     .infix = "",
     .binary = "racefuzz_http_fuzzer",
     .harness = "fuzz/http/harness.c",
     .cmake_helper = "fuzz/http/CMakeLists.txt (built once)",
     .seeds_sub = "/schedule",
     .gen_hint = " --format schedule"},
};

static const struct mode_info *mode_of(const char *name) {
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(modes[i].name, name) == 0)
            return &modes[i];
    return NULL;
}

bool fuzz_setup_check_mode(const char *mode) {
    if (mode_of(mode) != NULL)
        return true;
    LOG_E("--mode: '%s' is not plain, frames, go or http", mode);
    return false;
}

/* go mode has one build: Go's race detector is its sanitizer, libFuzzer its engine (an
 * AFL++ build would need Go's coverage counters in AFL++'s map: not done). */
static bool check_go_request(const struct fuzz_request *r) {
    if (r->engine == CAMPAIGN_AFL) {
        LOG_E("--mode go: built for libFuzzer only (Go's coverage counters feed libFuzzer, "
              "not AFL++'s map)");
        return false;
    }
    if (strcmp(r->sanitizer, "address") != 0 && strcmp(r->sanitizer, "race") != 0) {
        LOG_E("--mode go: the sanitizer is Go's race detector; --sanitizer %s does not apply",
              r->sanitizer);
        return false;
    }
    return true;
}

/* The builds each mode has: a request outside them is a usage error, told before any
 * binary is looked for. */
static bool check_request(const struct fuzz_request *r) {
    bool tsan = strcmp(r->sanitizer, "thread") == 0;
    if (!fuzz_setup_check_mode(r->mode) || !cli_check_target(r->target))
        return false;
    /* The other modes link the target's code into the harness: racefuzz's build makes
     * those binaries for its own targets only, so far. */
    if (project_config() != NULL && strcmp(r->mode, "http") != 0) {
        LOG_E("%s: --mode %s: a target outside racefuzz's tree is fuzzed in http mode "
              "for now (frames and go mode build its code into the harness, which racefuzz's "
              "build does for its own targets only)",
              project_config(), r->mode);
        return false;
    }
    if (strcmp(r->mode, "go") == 0)
        return check_go_request(r);
    if (strcmp(r->mode, "http") == 0 &&
        (r->engine != CAMPAIGN_LIBFUZZER || strcmp(r->sanitizer, "address") != 0)) {
        LOG_E("--mode http: built for libFuzzer with ASan only (the service has its own "
              "sanitizer: Go's race detector)");
        return false;
    }
    if (!tsan && strcmp(r->sanitizer, "address") != 0) {
        LOG_E("--sanitizer: '%s' is not address or thread", r->sanitizer);
        return false;
    }
    if (tsan && r->engine == CAMPAIGN_AFL) {
        LOG_E("--sanitizer thread: built for libFuzzer only (TSan and AFL++'s fork server "
              "do not mix well)");
        return false;
    }
    return true;
}

/* The engine binary of a checked request: bin/ (ASan), the TSan or AFL++ sub-build's
 * folder (cli_variant_dir); http mode has one generic harness (the target comes from its
 * environment). */
static bool find_fuzzer(struct fuzz_setup *s, const struct fuzz_request *r) {
    const struct mode_info *m = mode_of(r->mode);
    bool tsan = strcmp(r->sanitizer, "thread") == 0;
    const char *dir = r->engine == CAMPAIGN_AFL ? cli_variant_dir("afl")
                      : tsan                    ? cli_variant_dir("tsan")
                                                : cli_self_dir();
    const char *suffix = r->engine == CAMPAIGN_AFL ? "_afl"
                         : r->custom_mutator       ? "_fuzzer"
                                                   : "_fuzzer_plain";
    int n =
        m->binary != NULL
            ? snprintf(s->fuzzer, sizeof(s->fuzzer), "%s/%s", cli_self_dir(), m->binary)
            : snprintf(s->fuzzer, sizeof(s->fuzzer), "%s/%s%s%s", dir, r->target, m->infix, suffix);
    if (n < 0 || (size_t)n >= sizeof(s->fuzzer) || !exists(s->fuzzer)) {
        LOG_E("%s: fuzz target not built (./racefuzz builds it with %s around %s; check "
              "--target and --mode)",
              s->fuzzer, m->cmake_helper, m->harness);
        return false;
    }
    return true;
}

/* Environment of the run: the variant's env from the config, then --env entries. */
static bool add_env(struct fuzz_setup *s, size_t *n, const char *k, const char *v) {
    if (*n >= FUZZ_SETUP_MAX_ENV) {
        LOG_E("too many environment entries (at most %d)", FUZZ_SETUP_MAX_ENV);
        return false;
    }
    int len = v != NULL ? snprintf(s->env_store[*n], sizeof(s->env_store[*n]), "%s=%s", k, v)
                        : snprintf(s->env_store[*n], sizeof(s->env_store[*n]), "%s", k);
    if (len < 0 || (size_t)len >= sizeof(s->env_store[*n]) ||
        strchr(s->env_store[*n], '=') == NULL) {
        LOG_E("environment entry '%s' is not K=V or is too long", k);
        return false;
    }
    s->env[*n] = s->env_store[*n];
    s->env[++*n] = NULL;
    return true;
}

static bool variant_env(struct fuzz_setup *s, const struct target_config *cfg, const char *variant,
                        size_t *n) {
    struct variant_env venv;
    if (!variant_env_load(cfg, variant, &venv))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < venv.count; i++)
        ok = add_env(s, n, venv.entries[i], NULL);
    variant_env_free(&venv);
    return ok;
}

/* Writes the dictionary derived from the target's message shapes into the work dir. */
static bool write_dict(struct fuzz_setup *s, const struct target_config *cfg) {
    bool written;
    bool ok = fmt(s->dict, sizeof(s->dict), "%s/%s", s->work, "frames.dict") &&
              mutator_config_dict(cfg, s->dict, &written);
    if (!ok || !written)
        s->dict[0] = '\0';
    return ok;
}

static bool make_work_dir(struct fuzz_setup *s, const char *root, const char *target,
                          enum campaign_engine e) {
    char stamp[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    /* The sequence number keeps two campaigns of one process started within the same
     * second (the demo's rows) from sharing a directory. */
    static unsigned seq;
    char made[sizeof(s->work)];
    int n = snprintf(made, sizeof(made), "%s/%s/%s-%s-%ld-%u", root, target,
                     campaign_engine_name(e), stamp, (long)getpid(), seq++);
    /* Absolute: the paths under it go into the environment (RACEFUZZ_DICT, ...), and a
     * replay runs in the sandbox's own working directory, where a relative one (the
     * default --work-root is) names nothing and the harness stops at its start. */
    return n > 0 && (size_t)n < sizeof(made) && fileio_mkdirs(made) &&
           realpath(made, s->work) != NULL;
}

/* --seeds DIR replaces the committed seeds (a target need not have any); either way
 * the engine is given a directory that exists. */
static bool find_seeds(struct fuzz_setup *s, const struct fuzz_request *r) {
    const struct mode_info *m = mode_of(r->mode);
    struct stat st;
    int n;
    if (r->seeds != NULL) {
        bool found = stat(r->seeds, &st) == 0;
        if (!found || !S_ISDIR(st.st_mode)) {
            LOG_E("--seeds: %s: %s", r->seeds, found ? "not a directory" : "no such directory");
            return false;
        }
        n = snprintf(s->seeds, sizeof(s->seeds), "%s", r->seeds);
        return n > 0 && (size_t)n < sizeof(s->seeds);
    }
    n = snprintf(s->seeds, sizeof(s->seeds), "%s/corpus/%s%s", project_home(), r->target,
                 m->seeds_sub);
    if (n < 0 || (size_t)n >= sizeof(s->seeds) || !exists(s->seeds)) {
        LOG_E("%s: no seed corpus (racefuzz corpus gen --target %s%s --out %s, or --seeds DIR)",
              s->seeds, r->target, m->gen_hint, s->seeds);
        return false;
    }
    return true;
}

/* The schedule mutator's model of the target's endpoints, as a file in the work dir (the
 * glue runs inside the engine and does not parse the config). */
static bool write_endpoints(struct fuzz_setup *s, const struct target_config *cfg) {
    struct sched_model m;
    if (!fmt(s->endpoints, sizeof(s->endpoints), "%s/%s", s->work, "endpoints.txt") ||
        !endpoints_load(cfg, &m))
        return false;
    bool ok = sched_model_file_write(&m, s->endpoints);
    sched_model_free(&m);
    return ok;
}

/* go mode: the endpoint model, and GORACE so that the first race stops the run and the
 * engine keeps its input (the harness would re-exec itself to add it; this saves that). */
static bool go_env(struct fuzz_setup *s, const struct target_config *cfg, size_t *n) {
    return write_endpoints(s, cfg) && add_env(s, n, "RACEFUZZ_ENDPOINTS", s->endpoints) &&
           add_env(s, n, "GORACE", "halt_on_error=1") && add_env(s, n, "GOTRACEBACK", "all");
}

/* http mode: the endpoint model, the config the harness starts the service from, and a
 * persistent directory for the service's build, so a replay later runs the same binary. */
static bool http_env(struct fuzz_setup *s, const struct fuzz_request *r,
                     const struct target_config *cfg, size_t *n) {
    char work[4096];
    int w = snprintf(work, sizeof(work), "%s/.racefuzz/http/%s", project_home(), r->target);
    return w > 0 && (size_t)w < sizeof(work) && fileio_mkdirs(work) && write_endpoints(s, cfg) &&
           add_env(s, n, "RACEFUZZ_ENDPOINTS", s->endpoints) &&
           add_env(s, n, "RACEFUZZ_HTTP_CONFIG", cfg->path) &&
           add_env(s, n, "RACEFUZZ_HTTP_WORK", work);
}

/* The mutator's view of the target: schedule frame first (frames mode) and the
 * config's fix-ups, checked here so a typo is reported against the config file. */
static bool mutator_env(struct fuzz_setup *s, const struct fuzz_request *r,
                        const struct target_config *cfg, size_t *n) {
    const char *fixups;
    if (strcmp(r->mode, "frames") == 0 && !add_env(s, n, "RACEFUZZ_SCHEDULE_FRAME", "1"))
        return false;
    if (strcmp(r->mode, "go") == 0 && !go_env(s, cfg, n))
        return false;
    if (strcmp(r->mode, "http") == 0 && !http_env(s, r, cfg, n))
        return false;
    /* The engine gets the dictionary as -dict/-x for its own mutations; our mutator reads
     * the same file for its token operations. */
    if (s->dict[0] != '\0' && !add_env(s, n, "RACEFUZZ_DICT", s->dict))
        return false;
    if (!mutator_config_fixups(cfg, &fixups))
        return false;
    return fixups == NULL || add_env(s, n, "RACEFUZZ_FIXUPS", fixups);
}

static bool prepare_env(struct fuzz_setup *s, const struct fuzz_request *r,
                        const struct target_config *cfg) {
    size_t n = 0;
    s->env[0] = NULL;
    if (!mutator_env(s, r, cfg, &n))
        return false;
    if (r->variant != NULL && !variant_env(s, cfg, r->variant, &n))
        return false;
    for (size_t i = 0; r->env != NULL && r->env[i] != NULL; i++)
        if (!add_env(s, &n, r->env[i], NULL))
            return false;
    return true;
}

/* The run folder and what goes in it; a set-up that fails leaves no empty folder behind. */
static bool prepare_work(struct fuzz_setup *s, const struct fuzz_request *r,
                         const struct target_config *cfg) {
    if (!make_work_dir(s, r->work_root, r->target, r->engine))
        return false;
    if (write_dict(s, cfg) && prepare_env(s, r, cfg))
        return true;
    fileio_remove_tree(s->work);
    return false;
}

static void fill_opts(struct fuzz_setup *s, const struct fuzz_request *r) {
    fmt(s->mutator, sizeof(s->mutator), "%s/../lib/%s", cli_self_dir(),
        "libracefuzz_afl_mutator.so");
    s->opts = (struct campaign_opts){
        .engine = r->engine,
        .fuzzer = s->fuzzer,
        .seeds_dir = s->seeds,
        .work_dir = s->work,
        .dict = s->dict[0] != '\0' ? s->dict : NULL,
        .afl_mutator = r->engine == CAMPAIGN_AFL && r->custom_mutator ? s->mutator : NULL,
        .env = s->env,
        .time_s = 60,
        .seed = 1,
    };
}

/* What the config says that can be refused before anything is built or started: in http
 * mode, a service address that is not loopback (the harness would refuse it only after
 * building and starting the service). */
static bool check_config(const struct fuzz_request *r, const struct target_config *cfg) {
    return strcmp(r->mode, "http") != 0 || service_config_check_addr(cfg);
}

int fuzz_setup_prepare(struct fuzz_setup *s, const struct fuzz_request *r) {
    char path[4096];
    struct target_config cfg;
    memset(s, 0, sizeof(*s));
    if (!check_request(r) || !find_seeds(s, r))
        return CLI_EXIT_USAGE;
    if (!find_fuzzer(s, r))
        return CLI_EXIT_ENV;
    if (!cli_config_path(r->target, NULL, path, sizeof(path)) || !target_config_load(path, &cfg))
        return CLI_EXIT_USAGE;
    bool ok = check_config(r, &cfg) && prepare_work(s, r, &cfg);
    target_config_free(&cfg);
    if (!ok)
        return CLI_EXIT_USAGE;
    fill_opts(s, r);
    return CLI_EXIT_OK;
}

void fuzz_setup_sweep(const struct fuzz_request *r) {
    if (strcmp(r->mode, "http") == 0)
        http_cov_region_sweep(RCOV_REGION_DIR);
}
