/* Plain replay driver: runs files (or every file of a directory) through
 * LLVMFuzzerTestOneInput without an engine, so harnesses build and run under any
 * compiler and crash files replay under a debugger. Exit 0 when every input ran. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine_api.h"
#include "fileio.h"
#include "rf_config.h"

/* Optional in a harness: weak, so its absence is a NULL address, not a link error. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path) {
    struct fileio_buf b;
    int rc = 1;
    if (!fileio_read(path, RF_MAX_FILE_SIZE, &b))
        return 1;
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, b.size);
    /* A private copy of exactly `size` bytes, so ASan flags any read past the input. */
    uint8_t *copy = malloc(b.size ? b.size : 1);
    if (copy == NULL)
        goto out;
    memcpy(copy, b.data, b.size);
    LLVMFuzzerTestOneInput(copy, b.size);
    rc = 0;
out:
    free(copy);
    fileio_buf_free(&b);
    return rc;
}

static int run_dir(const char *path) {
    DIR *d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "replay: %s: cannot open directory\n", path);
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    char child[4096];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int n = snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        if (n < 0 || (size_t)n >= sizeof(child))
            continue;
        rc |= run_file(child);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv) {
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    int rc = 0, inputs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (argv[i][0] == '-')
            continue; /* engine flags (-runs=, -seed=) are accepted and ignored */
        inputs++;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            rc |= run_dir(argv[i]);
        else
            rc |= run_file(argv[i]);
    }
    if (inputs == 0) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    return rc;
}
