#define _XOPEN_SOURCE 700 /* POSIX.1-2008: openat, fdopendir, fchmodat */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static bool read_all(int fd, uint8_t *p, size_t size) {
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, p + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return true;
}

bool fileio_read(const char *path, size_t max_size, struct fileio_buf *out) {
    struct stat st;
    bool ok = false;
    out->data = NULL;
    out->size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        PLOG_E("%s: cannot open", path);
        return false;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        LOG_E("%s: not a regular file", path);
        goto out;
    }
    if ((size_t)st.st_size > max_size) {
        LOG_E("%s: %lld bytes, more than the %zu allowed", path, (long long)st.st_size, max_size);
        goto out;
    }
    out->size = (size_t)st.st_size;
    out->data = malloc(out->size + 1);
    if (out->data == NULL) {
        LOG_E("%s: out of memory", path);
        goto out;
    }
    if (!read_all(fd, out->data, out->size)) {
        PLOG_E("%s: read failed", path);
        goto out;
    }
    out->data[out->size] = '\0';
    ok = true;
out:
    close(fd);
    if (!ok)
        fileio_buf_free(out); /* on success the buffer is the caller's */
    return ok;
}

void fileio_buf_free(struct fileio_buf *b) {
    free(b->data);
    b->data = NULL;
    b->size = 0;
}

bool fileio_write_all(int fd, const void *data, size_t size) {
    const uint8_t *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= (size_t)n;
    }
    return true;
}

static bool fsync_dir_of(const char *path) {
    char *copy = strdup(path);
    if (copy == NULL)
        return false;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

bool fileio_write_atomic(const char *path, const void *data, size_t size) {
    char tmp[4096];
    bool ok = false;
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        LOG_E("%s: path too long", path);
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        PLOG_E("%s: cannot create", tmp);
        return false;
    }
    if (!fileio_write_all(fd, data, size) || fsync(fd) != 0) {
        PLOG_E("%s: write failed", tmp);
        goto out;
    }
    int rc = close(fd);
    fd = -1;
    if (rc != 0) {
        PLOG_E("%s: close failed", tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        PLOG_E("%s: cannot rename into place", path);
        goto out;
    }
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (!ok)
        unlink(tmp); /* once renamed, tmp names nothing */
    return ok && fsync_dir_of(path);
}

bool fileio_mkdirs(const char *path) {
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return false;
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Deeper than this, a tree is not one we made: stop rather than run out of descriptors. */
#define FILEIO_REMOVE_MAX_DEPTH 64

static void remove_at(int dirfd, const char *name, unsigned depth);

static void remove_children(int fd, unsigned depth) {
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            remove_at(dirfd(d), e->d_name, depth + 1);
    closedir(d);
}

/* A directory we own but cannot list or write is made so first: Go makes its module
 * cache read-only, and a sandboxed `go` run that filled one must not leave it behind. */
static void remove_at(int dirfd, const char *name, unsigned depth) {
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlinkat(dirfd, name, 0);
        return;
    }
    if ((st.st_mode & S_IRWXU) != S_IRWXU)
        fchmodat(dirfd, name, (st.st_mode & 07777) | S_IRWXU, 0);
    int fd = depth < FILEIO_REMOVE_MAX_DEPTH
                 ? openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                 : -1;
    if (fd >= 0)
        remove_children(fd, depth);
    unlinkat(dirfd, name, AT_REMOVEDIR);
}

void fileio_remove_tree(const char *path) {
    remove_at(AT_FDCWD, path, 0);
}
