/* racefuzz corpus gen | mutator | show | from-json */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "endpoints.h"
#include "fileio.h"
#include "frames_json.h"
#include "log.h"
#include "mutator_config.h"
#include "rf_config.h"
#include "sched_seedgen.h"
#include "schedule.h"
#include "schedule_json.h"
#include "seedgen.h"
#include "shape.h"
#include "target_config.h"

void cmd_corpus_help(void) {
    printf("usage:\n"
           "  racefuzz corpus gen --format frames (--target NAME | --config FILE)\n"
           "                      [--count N] [--seed S] [--workers W] --out DIR\n"
           "      write N seeds (default 16) from the target's message shapes; with\n"
           "      --workers, frames-mode seeds: a schedule frame, then 2..W sessions\n"
           "      (frames.sessions orders), each session on its own worker\n"
           "  racefuzz corpus gen --format schedule (--target NAME | --config FILE)\n"
           "                      [--count N] [--seed S] --out DIR\n"
           "      write HTTP request schedules from the config's endpoints: one per\n"
           "      endpoint, then N more (default 16) mixing sessions, races (two lanes\n"
           "      released by one barrier) and delayed steps\n"
           "  racefuzz corpus mutator (--target NAME | --config FILE) --dict FILE\n"
           "      write the target's dictionary to FILE (nothing when it has no tokens)\n"
           "      and print the mutators' environment for it, one VAR=value a line\n"
           "      (RACEFUZZ_DICT, RACEFUZZ_SCHEDULE_FRAME, RACEFUZZ_FIXUPS), for runs\n"
           "      racefuzz does not start itself (an AFL++ custom-mutator run, OSS-Fuzz)\n"
           "  racefuzz corpus show [--format frames|schedule] FILE\n"
           "      print the JSON view of a binary input; without --format, a file that\n"
           "      parses as a schedule (version 1) is shown as one, anything else as\n"
           "      frames (malformed tails included)\n"
           "  racefuzz corpus from-json JSON OUT\n"
           "      build the binary input back from its JSON view (\"format\": \"frames\"\n"
           "      or \"schedule\"; exact round trip)\n");
}

struct gen_args {
    const char *format, *target, *config, *out;
    unsigned long long count, seed, workers;
};

static int parse_gen(int argc, char **argv, struct gen_args *a) {
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},  {"target", required_argument, NULL, 't'},
        {"config", required_argument, NULL, 'c'},  {"out", required_argument, NULL, 'o'},
        {"count", required_argument, NULL, 'n'},   {"seed", required_argument, NULL, 's'},
        {"workers", required_argument, NULL, 'w'}, {NULL, 0, NULL, 0}};
    int c;
    *a = (struct gen_args){.format = "frames", .count = 16, .seed = 1};
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            a->format = optarg;
            break;
        case 't':
            a->target = optarg;
            break;
        case 'c':
            a->config = optarg;
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'n':
            if (!cli_parse_u64("count", optarg, 100000, &a->count))
                return 0;
            break;
        case 's':
            if (!cli_parse_u64("seed", optarg, ~0ULL, &a->seed))
                return 0;
            break;
        case 'w':
            if (!cli_parse_u64("workers", optarg, 16, &a->workers))
                return 0;
            break;
        default:
            return 0;
        }
    }
    if (a->out == NULL) {
        LOG_E("corpus gen: --out DIR is required");
        return 0;
    }
    if (strcmp(a->format, "frames") != 0 && strcmp(a->format, "schedule") != 0) {
        LOG_E("corpus gen: unknown --format '%s' (known: frames, schedule)", a->format);
        return 0;
    }
    if (a->workers > 0 && strcmp(a->format, "frames") != 0) {
        LOG_E("corpus gen: --workers is for --format frames (schedules have lanes)");
        return 0;
    }
    return 1;
}

static int gen_frames(const struct gen_args *a, const struct target_config *cfg) {
    struct shape_set shapes;
    const cJSON *frames = target_config_section(cfg, "frames");
    if (frames == NULL) {
        LOG_E("%s: no \"frames\" section to generate frame seeds from", cfg->path);
        return CLI_EXIT_USAGE;
    }
    int rc = CLI_EXIT_USAGE;
    struct seedgen_opts so = {.workers = (unsigned)a->workers,
                              .sessions = cJSON_GetObjectItemCaseSensitive(frames, "sessions")};
    if (!shape_parse(frames, cfg->path, &shapes))
        return rc;
    if (seedgen_check_sessions(&shapes, so.sessions, cfg->path))
        rc = seedgen_frames_dir(&shapes, &so, a->seed, a->count, a->out) ? CLI_EXIT_OK
                                                                         : CLI_EXIT_ENV;
    if (rc == CLI_EXIT_OK)
        printf("wrote %llu seeds to %s\n", a->count, a->out);
    shape_free(&shapes);
    return rc;
}

/* Frames bodies are drawn from frames.messages when the config has them. */
static int gen_schedule(const struct gen_args *a, const struct target_config *cfg) {
    struct sched_model model;
    struct shape_set shapes = {0};
    const cJSON *frames = target_config_section(cfg, "frames");
    bool with_shapes = cJSON_GetObjectItemCaseSensitive(frames, "messages") != NULL;
    int rc = CLI_EXIT_USAGE;
    if (!endpoints_load(cfg, &model))
        return rc;
    if (!with_shapes || shape_parse(frames, cfg->path, &shapes))
        rc = sched_seedgen_dir(&model, with_shapes ? &shapes : NULL, a->seed, a->count, a->out)
                 ? CLI_EXIT_OK
                 : CLI_EXIT_ENV;
    if (rc == CLI_EXIT_OK)
        printf("wrote %llu seeds to %s (%zu endpoints, %llu mixed)\n",
               (unsigned long long)model.neps + a->count, a->out, model.neps, a->count);
    shape_free(&shapes);
    sched_model_free(&model);
    return rc;
}

static int corpus_gen(int argc, char **argv) {
    struct gen_args a;
    char path[4096];
    struct target_config cfg;
    if (!parse_gen(argc, argv, &a) || !cli_config_path(a.target, a.config, path, sizeof(path)))
        return CLI_EXIT_USAGE;
    if (!target_config_load(path, &cfg))
        return CLI_EXIT_USAGE;
    int rc = strcmp(a.format, "schedule") == 0 ? gen_schedule(&a, &cfg) : gen_frames(&a, &cfg);
    target_config_free(&cfg);
    return rc;
}

static int parse_mutator(int argc, char **argv, const char **target, const char **config,
                         const char **dict) {
    static const struct option opts[] = {{"target", required_argument, NULL, 't'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"dict", required_argument, NULL, 'd'},
                                         {NULL, 0, NULL, 0}};
    int c;
    *target = *config = *dict = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 't')
            *target = optarg;
        else if (c == 'c')
            *config = optarg;
        else if (c == 'd')
            *dict = optarg;
        else
            return 0;
    }
    if (*dict == NULL || optind != argc) {
        LOG_E("usage: racefuzz corpus mutator (--target NAME | --config FILE) --dict FILE");
        return 0;
    }
    return 1;
}

/* The same settings `racefuzz fuzz` gives the mutators (cli/fuzz_setup.c); a frames-mode
 * target (frames.c_entry) has its schedule frame first. */
static int corpus_mutator(int argc, char **argv) {
    const char *target, *config, *dict, *fixups;
    char path[4096];
    struct target_config cfg;
    bool written = false;
    if (!parse_mutator(argc, argv, &target, &config, &dict) ||
        !cli_config_path(target, config, path, sizeof(path)) || !target_config_load(path, &cfg))
        return CLI_EXIT_USAGE;
    int rc = CLI_EXIT_USAGE;
    if (mutator_config_fixups(&cfg, &fixups))
        rc = mutator_config_dict(&cfg, dict, &written) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (rc == CLI_EXIT_OK && written)
        printf("RACEFUZZ_DICT=%s\n", dict);
    if (rc == CLI_EXIT_OK &&
        cJSON_GetObjectItemCaseSensitive(target_config_section(&cfg, "frames"), "c_entry") != NULL)
        printf("RACEFUZZ_SCHEDULE_FRAME=1\n");
    if (rc == CLI_EXIT_OK && fixups != NULL)
        printf("RACEFUZZ_FIXUPS=%s\n", fixups);
    target_config_free(&cfg);
    return rc;
}

enum show_format { SHOW_AUTO, SHOW_FRAMES, SHOW_SCHEDULE };

static int parse_show(int argc, char **argv, enum show_format *fmt, const char **file) {
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    int c;
    *fmt = SHOW_AUTO;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'f')
            return 0;
        if (strcmp(optarg, "frames") == 0) {
            *fmt = SHOW_FRAMES;
        } else if (strcmp(optarg, "schedule") == 0) {
            *fmt = SHOW_SCHEDULE;
        } else {
            LOG_E("corpus show: unknown --format '%s' (known: frames, schedule)", optarg);
            return 0;
        }
    }
    if (optind != argc - 1) {
        LOG_E("usage: racefuzz corpus show [--format frames|schedule] FILE");
        return 0;
    }
    *file = argv[optind];
    return 1;
}

/* The schedule view of buf, or NULL (logged, naming the file) when it is not a schedule.
 * schedule_parse already refuses other versions; the explicit version check keeps "shown as
 * a schedule" tied to the header byte should the codec ever accept more. */
static cJSON *schedule_view(const char *file, const uint8_t *buf, size_t n, bool quiet) {
    struct schedule s;
    size_t bad;
    enum schedule_err err = schedule_parse(buf, n, &s, &bad);
    if (err == SCHED_OK && s.version != SCHED_VERSION)
        err = SCHED_ERR_VERSION;
    if (err != SCHED_OK && !quiet && bad != SCHED_NO_STEP)
        LOG_E("%s: not a schedule: steps[%zu]: %s", file, bad, schedule_strerror(err));
    else if (err != SCHED_OK && !quiet)
        LOG_E("%s: not a schedule: %s", file, schedule_strerror(err));
    if (err != SCHED_OK)
        return NULL;
    cJSON *view = schedule_json_view(&s);
    if (view == NULL)
        LOG_E("%s: out of memory", file);
    schedule_free(&s);
    return view;
}

static int corpus_show(int argc, char **argv) {
    struct fileio_buf b;
    enum show_format fmt;
    const char *file;
    if (!parse_show(argc, argv, &fmt, &file))
        return CLI_EXIT_USAGE;
    if (!fileio_read(file, RF_MAX_FILE_SIZE, &b))
        return CLI_EXIT_USAGE;
    cJSON *view = fmt != SHOW_FRAMES ? schedule_view(file, b.data, b.size, fmt == SHOW_AUTO) : NULL;
    if (view == NULL && fmt != SHOW_SCHEDULE)
        view = frames_json_view(b.data, b.size);
    char *text = view != NULL ? cJSON_Print(view) : NULL;
    int rc = text != NULL ? CLI_EXIT_OK : fmt == SHOW_SCHEDULE ? CLI_EXIT_USAGE : CLI_EXIT_ENV;
    if (text != NULL)
        printf("%s\n", text);
    free(text);
    cJSON_Delete(view);
    fileio_buf_free(&b);
    return rc;
}

/* Dispatches on the view's "format"; a view without one is a frame stream (the only
 * format before schedules). */
static bool build_view(const cJSON *view, const char *file, uint8_t **out, size_t *n) {
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(view, "format");
    const char *name = cJSON_IsString(f) ? f->valuestring : NULL;
    if (f == NULL || (name != NULL && strcmp(name, "frames") == 0))
        return frames_json_build(view, file, out, n);
    if (name != NULL && strcmp(name, "schedule") == 0)
        return schedule_json_build(view, file, out, n);
    LOG_E("%s: format: expected \"frames\" or \"schedule\"", file);
    return false;
}

static int corpus_from_json(int argc, char **argv) {
    struct fileio_buf b;
    if (argc != 3) {
        LOG_E("usage: racefuzz corpus from-json JSON OUT");
        return CLI_EXIT_USAGE;
    }
    if (!fileio_read(argv[1], RF_MAX_FILE_SIZE, &b))
        return CLI_EXIT_USAGE;
    cJSON *view = cJSON_ParseWithLength((const char *)b.data, b.size);
    uint8_t *out = NULL;
    size_t n = 0;
    int rc = CLI_EXIT_USAGE;
    if (view == NULL)
        LOG_E("%s: invalid JSON", argv[1]);
    else if (build_view(view, argv[1], &out, &n))
        rc = fileio_write_atomic(argv[2], out, n) ? CLI_EXIT_OK : CLI_EXIT_ENV;
    free(out);
    cJSON_Delete(view);
    fileio_buf_free(&b);
    return rc;
}

int cmd_corpus(int argc, char **argv) {
    if (argc < 2) {
        LOG_E("corpus: name an action (gen, mutator, show, from-json)");
        cmd_corpus_help();
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "gen") == 0)
        return corpus_gen(argc - 1, argv + 1);
    if (strcmp(argv[1], "mutator") == 0)
        return corpus_mutator(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return corpus_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "from-json") == 0)
        return corpus_from_json(argc - 1, argv + 1);
    LOG_E("corpus: unknown action '%s' (gen, mutator, show, from-json)", argv[1]);
    return CLI_EXIT_USAGE;
}
