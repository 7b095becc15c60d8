/* Mutations per second of the frame mutator core on the committed seeds, for
 * bench/frames_mutator.sh (not a test: speed goals are measured, never asserted). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fileio.h"
#include "frame_mutate.h"
#include "rf_config.h"

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s ITERATIONS SEED_FILE...\n", argv[0]);
        return 2;
    }
    long iters = strtol(argv[1], NULL, 10);
    size_t nseeds = (size_t)(argc - 2);
    struct fileio_buf *seeds = calloc(nseeds, sizeof(*seeds));
    for (size_t i = 0; i < nseeds; i++)
        if (!fileio_read(argv[2 + i], RF_MAX_FILE_SIZE, &seeds[i]))
            return 1;
    struct frame_mutate *m = frame_mutate_new();
    struct frame_mutate_opts o;
    frame_mutate_default_opts(&o, 1024);
    uint8_t *out = malloc(1024);
    struct timespec a, b;
    size_t total = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < iters; i++) {
        const struct fileio_buf *s = &seeds[(size_t)i % nseeds];
        total += frame_mutate_mutate(m, &o, s->data, s->size, NULL, 0, out, (uint64_t)i);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double sec = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("mutations_per_sec %.0f ns_per_mutation %.1f (avg out %.1f bytes)\n",
           (double)iters / sec, sec * 1e9 / (double)iters, (double)total / (double)iters);
    for (size_t i = 0; i < nseeds; i++)
        fileio_buf_free(&seeds[i]);
    free(seeds);
    free(out);
    frame_mutate_free(m);
    return 0;
}
