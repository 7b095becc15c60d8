/* Region files of the remote coverage: creation under an owner's lock, and the sweep of
 * regions whose owner died (why: http_cov_region.h). */
#define _GNU_SOURCE
#include "http_cov_region.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* Names tried before giving up: each taken one is a live region of a process with our PID
 * in another PID namespace sharing /dev/shm, so a few always suffice. */
#define RCOV_REGION_TRIES 64

/* A default region is created as <name>.new and linked to <name> once locked and sized, so
 * a sweep never meets a region file its owner has not locked yet. */
#define RCOV_REGION_NEW ".new"

/* Creates path exclusively, locks and sizes it; -1 with errno set on failure. */
static int open_locked(const char *path, size_t size) {
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int rc;
    while ((rc = ftruncate(fd, (off_t)size)) != 0 && errno == EINTR)
        ;
    if (rc == 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd;
    int e = errno;
    close(fd);
    unlink(path);
    errno = e;
    return -1;
}

static bool is_region_name(const char *name) {
    size_t n = strlen(name), k = strlen(RCOV_REGION_NEW);
    return strncmp(name, RCOV_REGION_PREFIX, strlen(RCOV_REGION_PREFIX)) == 0 &&
           !(n >= k && strcmp(name + n - k, RCOV_REGION_NEW) == 0);
}

/* Removes path if no one holds its lock and it is still the file we locked (another
 * sweep may have removed it and a new owner taken the name in between). */
static bool remove_if_orphan(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat held, now;
    bool orphan = flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &held) == 0 &&
                  S_ISREG(held.st_mode) && stat(path, &now) == 0 && held.st_ino == now.st_ino &&
                  held.st_dev == now.st_dev && unlink(path) == 0;
    close(fd);
    return orphan;
}

unsigned http_cov_region_sweep(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    unsigned removed = 0;
    struct dirent *e;
    char path[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
        int k = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (is_region_name(e->d_name) && k > 0 && (size_t)k < sizeof path)
            removed += remove_if_orphan(path);
    }
    closedir(d);
    return removed;
}

/* One try at <dir>/<prefix><pid>-<n>: the descriptor, or -1 with errno (EEXIST: taken). */
static int try_default(const char *path, size_t size) {
    char fresh[PATH_MAX];
    int k = snprintf(fresh, sizeof fresh, "%s%s", path, RCOV_REGION_NEW);
    if (k < 0 || (size_t)k >= sizeof fresh) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open_locked(fresh, size);
    if (fd < 0)
        return -1;
    int rc = link(fresh, path), e = errno;
    unlink(fresh);
    if (rc == 0)
        return fd;
    close(fd);
    errno = e;
    return -1;
}

static int create_default(char *path, size_t size_path, size_t size) {
    static unsigned n;
    http_cov_region_sweep(RCOV_REGION_DIR);
    for (int i = 0; i < RCOV_REGION_TRIES; i++) {
        int k = snprintf(path, size_path, "%s/%s%ld-%u", RCOV_REGION_DIR, RCOV_REGION_PREFIX,
                         (long)getpid(), n++);
        if (k < 0 || (size_t)k >= size_path) {
            LOG_E("remote coverage: region path too long");
            return -1;
        }
        int fd = try_default(path, size);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            break;
    }
    PLOG_E("remote coverage: create %s", path);
    return -1;
}

int http_cov_region_create(char *path, size_t size_path, size_t size) {
    if (path[0] == '\0')
        return create_default(path, size_path, size);
    int fd = open_locked(path, size);
    if (fd < 0)
        PLOG_E("remote coverage: create %s", path);
    return fd;
}
