/* fileio_remove_tree: the whole tree goes, read-only directories of ours included (Go's
 * module cache is one), and nothing outside it through a symlink. As root, permissions do
 * not stop anything, so the read-only case runs in a child that dropped to nobody. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"

#define NOBODY 65534

static void put(const char *dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "x", 1), 1);
    close(fd);
}

static void sub(char *out, size_t size, const char *dir, const char *name) {
    snprintf(out, size, "%s/%s", dir, name);
    assert_int_equal(mkdir(out, 0755), 0);
}

/* root/a/b (read-only, with a file), root/c (no permissions at all, with a file),
 * root/d (r-x, holding a read-only subdirectory with a file). */
static void make_locked_tree(const char *root) {
    char a[512], b[512], c[512], d[512], e[512];
    sub(a, sizeof a, root, "a");
    sub(b, sizeof b, a, "b");
    put(b, "mod.go");
    sub(c, sizeof c, root, "c");
    put(c, "secret");
    sub(d, sizeof d, root, "d");
    sub(e, sizeof e, d, "e");
    put(e, "f");
    assert_int_equal(chmod(b, 0555), 0);
    assert_int_equal(chmod(e, 0500), 0);
    assert_int_equal(chmod(d, 0555), 0);
    assert_int_equal(chmod(c, 0), 0);
    assert_int_equal(chmod(a, 0555), 0);
}

static int locked_tree_removed(const char *root) {
    make_locked_tree(root);
    fileio_remove_tree(root);
    return access(root, F_OK) != 0 && errno == ENOENT ? 0 : 1;
}

static void a_tree_with_read_only_directories_should_be_removed(void **state) {
    (void)state;
    char base[] = "/tmp/racefuzz-test-fileio-XXXXXX", root[600];
    assert_non_null(mkdtemp(base));
    assert_int_equal(chmod(base, 0755), 0);
    snprintf(root, sizeof root, "%s/tree", base);
    if (geteuid() != 0) {
        assert_int_equal(mkdir(root, 0755), 0);
        assert_int_equal(locked_tree_removed(root), 0);
    } else {
        /* The child is nobody in a directory nobody owns, as a user's sandbox run is. */
        assert_int_equal(chown(base, NOBODY, NOBODY), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0 ||
                mkdir(root, 0755) != 0)
                _exit(2);
            _exit(locked_tree_removed(root));
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    fileio_remove_tree(base);
    assert_int_equal(access(base, F_OK), -1);
}

static void a_symlink_out_of_the_tree_should_not_be_followed(void **state) {
    (void)state;
    char outside[] = "/tmp/racefuzz-test-outside-XXXXXX", root[] = "/tmp/racefuzz-test-XXXXXX";
    char link[600], kept[600];
    assert_non_null(mkdtemp(outside));
    assert_non_null(mkdtemp(root));
    put(outside, "keep");
    snprintf(link, sizeof link, "%s/out", root);
    assert_int_equal(symlink(outside, link), 0);
    fileio_remove_tree(root);
    snprintf(kept, sizeof kept, "%s/keep", outside);
    assert_int_equal(access(root, F_OK), -1);
    assert_int_equal(access(kept, F_OK), 0);
    fileio_remove_tree(outside);
    assert_int_equal(access(outside, F_OK), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_tree_with_read_only_directories_should_be_removed),
        cmocka_unit_test(a_symlink_out_of_the_tree_should_not_be_followed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
