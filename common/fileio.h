/* Whole-file reads and crash-safe writes. */
#ifndef RF_FILEIO_H
#define RF_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fileio_buf {
    uint8_t *data; /* NUL-terminated for convenience; size excludes the NUL */
    size_t size;
};

/* Reads a whole regular file of at most max_size bytes. Logs "PATH: problem" and returns
 * false on any failure. */
bool fileio_read(const char *path, size_t max_size, struct fileio_buf *out);

void fileio_buf_free(struct fileio_buf *b);

/* Writes atomically: temp file in the same directory, fsync, rename, fsync of the
 * directory. Either the old content or the new one survives a crash, never a mix. */
bool fileio_write_atomic(const char *path, const void *data, size_t size);

/* Writes all size bytes to fd, going on after short writes and EINTR; false when a write
 * fails (errno tells why). */
bool fileio_write_all(int fd, const void *data, size_t size);

/* mkdir -p; true if the directory exists afterwards. */
bool fileio_mkdirs(const char *path);

/* rm -rf, best effort, never following symlinks out of the tree, read-only directories
 * of ours included: for directories this process made itself (a failed set-up's run
 * folder, a sandbox's work dir). */
void fileio_remove_tree(const char *path);

#endif
