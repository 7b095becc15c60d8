/* racefuzz corpus gen | show | from-json */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "frames_json.h"
#include "log.h"
#include "rf_config.h"
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
           "  racefuzz corpus show FILE\n"
           "      print the JSON view of a binary input (malformed tails included)\n"
           "  racefuzz corpus from-json JSON OUT\n"
           "      build the binary input back from its JSON view (exact round trip)\n");
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
    if (strcmp(a->format, "frames") != 0) {
        LOG_E("corpus gen: unknown --format '%s' (known: frames)", a->format);
        return 0;
    }
    return 1;
}

static int corpus_gen(int argc, char **argv) {
    struct gen_args a;
    char path[4096];
    struct tcfg cfg;
    struct shape_set shapes;
    if (!parse_gen(argc, argv, &a) || !cli_config_path(a.target, a.config, path, sizeof(path)))
        return CLI_EXIT_USAGE;
    if (!tcfg_load(path, &cfg))
        return CLI_EXIT_USAGE;
    const cJSON *frames = tcfg_section(&cfg, "frames");
    if (frames == NULL) {
        LOG_E("%s: no \"frames\" section to generate frame seeds from", path);
        tcfg_free(&cfg);
        return CLI_EXIT_USAGE;
    }
    int rc = CLI_EXIT_USAGE;
    struct seedgen_opts so = {.workers = (unsigned)a.workers,
                              .sessions = cJSON_GetObjectItemCaseSensitive(frames, "sessions")};
    if (shape_parse(frames, path, &shapes)) {
        if (seedgen_check_sessions(&shapes, so.sessions, path))
            rc = seedgen_frames_dir(&shapes, &so, a.seed, a.count, a.out) ? CLI_EXIT_OK
                                                                          : CLI_EXIT_ENV;
        if (rc == CLI_EXIT_OK)
            printf("wrote %llu seeds to %s\n", a.count, a.out);
        shape_free(&shapes);
    }
    tcfg_free(&cfg);
    return rc;
}

static int corpus_show(int argc, char **argv) {
    struct fileio_buf b;
    if (argc != 2) {
        LOG_E("usage: racefuzz corpus show FILE");
        return CLI_EXIT_USAGE;
    }
    if (!fileio_read(argv[1], RF_MAX_FILE_SIZE, &b))
        return CLI_EXIT_USAGE;
    cJSON *view = frames_json_view(b.data, b.size);
    char *text = view != NULL ? cJSON_Print(view) : NULL;
    int rc = text != NULL ? CLI_EXIT_OK : CLI_EXIT_ENV;
    if (text != NULL)
        printf("%s\n", text);
    free(text);
    cJSON_Delete(view);
    fileio_buf_free(&b);
    return rc;
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
    else if (frames_json_build(view, argv[1], &out, &n))
        rc = fileio_write_atomic(argv[2], out, n) ? CLI_EXIT_OK : CLI_EXIT_ENV;
    free(out);
    cJSON_Delete(view);
    fileio_buf_free(&b);
    return rc;
}

int cmd_corpus(int argc, char **argv) {
    if (argc < 2) {
        cmd_corpus_help();
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "gen") == 0)
        return corpus_gen(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return corpus_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "from-json") == 0)
        return corpus_from_json(argc - 1, argv + 1);
    LOG_E("corpus: unknown action '%s' (gen, show, from-json)", argv[1]);
    return CLI_EXIT_USAGE;
}
