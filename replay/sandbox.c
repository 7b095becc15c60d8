/* Process layout of one sandboxed run:
 *   racefuzz ── A: unshare(user?, mount, net, pid); waits for B and exits
 *                └─ B: PID 1 of the new PID namespace: mounts, loopback, then runs C,
 *                      kills whatever C left behind, reports C's status on a pipe
 *                      └─ C: limits, unprivileged uid, cwd, execve(command)
 * Killing A (the wall-clock limit) kills B through PR_SET_PDEATHSIG, and the kernel kills
 * every process of a PID namespace when its PID 1 dies. */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "procgroup.h"
#include "rf_config.h"

#define SANDBOX_NOBODY 65534
/* Enough for a Go runtime's threads or a libFuzzer -fork=2 run, far below what brings a
 * machine down. Threads count against it too. */
#define SANDBOX_MAX_PROCS 256
/* No output file a replay legitimately writes is larger. */
#define SANDBOX_MAX_FILE_BYTES (256L << 20)

/* What B tells the parent: C's fate, or why the sandbox could not be set up. */
struct sandbox_status {
    int setup_errno;
    char setup_what[120];
    int exited, code, sig;
};

static void report_setup(int fd, const char *what) {
    struct sandbox_status st = {.setup_errno = errno != 0 ? errno : EINVAL};
    snprintf(st.setup_what, sizeof(st.setup_what), "%s", what);
    if (write(fd, &st, sizeof(st)) < 0) { /* nothing more can be done from here */
    }
    _exit(126);
}

static bool write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    close(fd);
    return ok;
}

/* Not root: a user namespace gives the capabilities the mounts need, mapping our uid to
 * itself so the command still runs as us (and RLIMIT_NPROC applies to it). */
static bool enter_user_ns(void) {
    char map[64];
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER) != 0)
        return false;
    snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    if (!write_text("/proc/self/setgroups", "deny") || !write_text("/proc/self/uid_map", map))
        return false;
    snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    return write_text("/proc/self/gid_map", map);
}

static unsigned long mount_flags_of(const char *mp) {
    struct statvfs sv;
    unsigned long f = 0;
    if (statvfs(mp, &sv) != 0)
        return 0;
    f |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
    f |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
    f |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
    f |= (sv.f_flag & ST_NOATIME) ? MS_NOATIME : 0;
    f |= (sv.f_flag & ST_NODIRATIME) ? MS_NODIRATIME : 0;
    f |= (sv.f_flag & ST_RELATIME) ? MS_RELATIME : 0;
    return f;
}

/* mountinfo escapes blanks in paths as \040 and friends. */
static void unescape(char *s) {
    char *w = s;
    for (char *p = s; *p != '\0'; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            *w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
}

static bool pseudo_fs(const char *mp) {
    return strncmp(mp, "/proc", 5) == 0 || strncmp(mp, "/sys", 4) == 0 || strcmp(mp, "/dev") == 0 ||
           strncmp(mp, "/dev/pts", 8) == 0;
}

/* Every mount read-only (in our private mount namespace only). "/" must succeed. */
static bool remount_all_readonly(void) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096], mp[4096];
    bool root_ok = false;
    if (f == NULL)
        return false;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
            continue;
        unescape(mp);
        if (pseudo_fs(mp))
            continue;
        int rc = mount(NULL, mp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | mount_flags_of(mp), NULL);
        if (strcmp(mp, "/") == 0)
            root_ok = rc == 0;
    }
    fclose(f);
    return root_ok;
}

static bool loopback_up(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    if (s < 0)
        return false;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    bool ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    close(s);
    return ok;
}

static void setup_fs(const char *work, int status_fd) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        report_setup(status_fd, "make mounts private");
    if (!remount_all_readonly())
        report_setup(status_fd, "remount / read-only");
    /* A bind mount starts with its source's flags (read-only by now): make it writable. */
    if (mount(work, work, NULL, MS_BIND, NULL) != 0 ||
        mount(NULL, work, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV, NULL) != 0)
        report_setup(status_fd, "bind the work directory writable");
    struct stat st;
    if (stat("/dev/shm", &st) == 0 &&
        mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m") != 0)
        report_setup(status_fd, "mount /dev/shm");
    /* Best effort: without it /proc still shows the machine's processes, which is
     * harmless for a replay (the namespaces above do the containing). */
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* C: the command itself. */
static void exec_command(const struct sandbox_opts *o, char *const *argv, const char *work,
                         int out_fd, int status_fd) {
    struct rlimit nproc = {o->max_procs ? o->max_procs : SANDBOX_MAX_PROCS,
                           o->max_procs ? o->max_procs : SANDBOX_MAX_PROCS};
    struct rlimit none = {0, 0}, fsize = {SANDBOX_MAX_FILE_BYTES, SANDBOX_MAX_FILE_BYTES};
    if (setrlimit(RLIMIT_NPROC, &nproc) != 0 || setrlimit(RLIMIT_CORE, &none) != 0 ||
        setrlimit(RLIMIT_FSIZE, &fsize) != 0)
        report_setup(status_fd, "set resource limits");
    if (geteuid() == 0 &&
        (setgroups(0, NULL) != 0 || setgid(SANDBOX_NOBODY) != 0 || setuid(SANDBOX_NOBODY) != 0))
        report_setup(status_fd, "drop to uid nobody");
    if (chdir(work) != 0)
        report_setup(status_fd, "chdir to the work directory");
    if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0)
        report_setup(status_fd, "redirect output");
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
        dup2(devnull, STDIN_FILENO);
    execve(argv[0], argv, (char *const *)o->env);
    report_setup(status_fd, "execve");
}

/* B: PID 1 of the namespace. */
static void run_init(const struct sandbox_opts *o, char *const *argv, const char *work, int out_fd,
                     int status_fd) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setup_fs(work, status_fd);
    if (!loopback_up())
        report_setup(status_fd, "bring loopback up");
    pid_t c = fork();
    if (c < 0)
        report_setup(status_fd, "fork the command");
    if (c == 0)
        exec_command(o, argv, work, out_fd, status_fd);
    int ws;
    while (waitpid(c, &ws, 0) < 0 && errno == EINTR) {
    }
    kill(-1, SIGKILL); /* whatever the command left running (a fork bomb's children) */
    while (wait(NULL) > 0 || errno == EINTR) {
    }
    struct sandbox_status st = {.exited = WIFEXITED(ws),
                                .code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 0,
                                .sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0};
    if (write(status_fd, &st, sizeof(st)) < 0) { /* the parent then reports a setup error */
    }
    _exit(0);
}

/* A: enters the namespaces; PID 1 of the new one is its child. */
static void run_outer(const struct sandbox_opts *o, char *const *argv, const char *work, int out_fd,
                      int status_fd) {
    if (getuid() != 0 && !enter_user_ns())
        report_setup(status_fd, "create a user namespace");
    if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID) != 0)
        report_setup(status_fd, "create mount, network and PID namespaces");
    pid_t b = fork();
    if (b < 0)
        report_setup(status_fd, "fork the namespace's init");
    if (b == 0)
        run_init(o, argv, work, out_fd, status_fd);
    int ws;
    while (waitpid(b, &ws, 0) < 0 && errno == EINTR) {
    }
    _exit(0);
}

/* The work directory: private, owned by the uid the command runs as, holding the input.
 * It goes under $TMPDIR (default /tmp), as a user who points TMPDIR elsewhere expects of
 * every temporary file (as root, the command runs as nobody: TMPDIR must then be searchable
 * by others, as /tmp is). work is "" unless the directory exists: the caller removes it on
 * every path, this function's failures included. */
static bool make_work(const struct sandbox_opts *o, char *work, size_t cap,
                      struct sandbox_result *r) {
    const char *tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || tmpdir[0] == '\0')
        tmpdir = "/tmp";
    int len = snprintf(work, cap, "%s/racefuzz-sandbox-XXXXXX", tmpdir);
    if (len < 0 || (size_t)len >= cap || mkdtemp(work) == NULL) {
        PLOG_E("sandbox: cannot create a work directory under %s", tmpdir);
        work[0] = '\0';
        return false;
    }
    if (geteuid() == 0 && (chown(work, SANDBOX_NOBODY, SANDBOX_NOBODY) != 0 || chmod(work, 0755))) {
        PLOG_E("sandbox: %s: chown", work);
        return false;
    }
    r->input_copy[0] = '\0';
    if (o->input == NULL)
        return true;
    struct fileio_buf b;
    int n = snprintf(r->input_copy, sizeof(r->input_copy), "%s/input", work);
    if (n < 0 || (size_t)n >= sizeof(r->input_copy) || !fileio_read(o->input, RF_MAX_FILE_SIZE, &b))
        return false;
    bool ok = fileio_write_atomic(r->input_copy, b.data, b.size) && chmod(r->input_copy, 0644) == 0;
    fileio_buf_free(&b);
    return ok;
}

/* argv with SANDBOX_INPUT replaced and argv[0] made absolute (the command starts in the
 * work directory); the other strings stay the caller's. */
static char **bind_argv(char *const *argv, const char *input, char *exe) {
    size_t n = 0;
    while (argv[n] != NULL)
        n++;
    char **out = calloc(n + 1, sizeof(*out));
    if (out == NULL || realpath(argv[0], exe) == NULL) {
        PLOG_E("sandbox: %s", argv[0]);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = strcmp(argv[i], SANDBOX_INPUT) == 0 ? (char *)input : argv[i];
    out[0] = exe;
    return out;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A leads its own process group (procgroup_fork), which B and C inherit: an interrupt reaches
 * all three, and SIGKILLing the group ends the namespace as killing A does. */
static void wait_outer(pid_t a, const struct sandbox_opts *o, struct sandbox_result *r) {
    double start = now_s();
    struct timespec tick = {0, 2 * 1000 * 1000};
    int ws;
    for (;;) {
        if (procgroup_leader_exited(a)) {
            procgroup_reap(a, &ws);
            break;
        }
        if (procgroup_interrupted() != 0) {
            r->interrupted = procgroup_interrupted();
            procgroup_stop(a, "the replay sandbox", &ws);
            break;
        }
        if (o->timeout_s > 0 && now_s() - start > o->timeout_s && !r->timed_out) {
            r->timed_out = true;
            kill(a, SIGKILL);
        }
        nanosleep(&tick, NULL);
    }
    r->seconds = now_s() - start;
}

static bool collect_status(int fd, struct sandbox_result *r) {
    struct sandbox_status st;
    ssize_t n;
    while ((n = read(fd, &st, sizeof(st))) < 0 && errno == EINTR) {
    }
    if (n != (ssize_t)sizeof(st))
        return r->timed_out; /* killed at the limit before B could say anything */
    if (st.setup_what[0] != '\0') {
        errno = st.setup_errno;
        PLOG_E("sandbox: cannot %s", st.setup_what);
        return false;
    }
    r->exit_code = st.code;
    r->signal = st.sig;
    return true;
}

bool sandbox_run(const struct sandbox_opts *o, struct sandbox_result *r) {
    char work[PATH_MAX] = "", exe[PATH_MAX];
    int pipefd[2] = {-1, -1};
    memset(r, 0, sizeof(*r));
    bool ok = make_work(o, work, sizeof(work), r);
    char **argv = ok ? bind_argv(o->argv, r->input_copy, exe) : NULL;
    int out_fd = ok ? open(o->output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    ok = argv != NULL && out_fd >= 0 && pipe2(pipefd, O_CLOEXEC) == 0;
    if (!ok)
        PLOG_E("sandbox: cannot prepare a run of %s", o->argv[0]);
    pid_t a = ok ? procgroup_fork() : -1;
    if (a == 0) {
        close(pipefd[0]);
        run_outer(o, argv, work, out_fd, pipefd[1]);
    }
    if (a > 0) {
        close(pipefd[1]);
        pipefd[1] = -1;
        wait_outer(a, o, r);
        ok = r->interrupted == 0 && collect_status(pipefd[0], r);
    } else if (ok && errno == EINTR) {
        ok = false; /* interrupted before it started; procgroup.h reports it */
    } else if (ok) {
        PLOG_E("sandbox: fork");
        ok = false;
    }
    for (int i = 0; i < 2; i++)
        if (pipefd[i] >= 0)
            close(pipefd[i]);
    if (out_fd >= 0)
        close(out_fd);
    free(argv);
    /* Here and not in the sandbox: a command killed at its limit, or by an interrupt,
     * never gets to clean up after itself. */
    if (work[0] != '\0')
        fileio_remove_tree(work);
    return ok;
}
