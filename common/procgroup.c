#define _GNU_SOURCE
#include "procgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rf_config.h"

/* Child groups alive at once: one engine, or one sandbox, plus slack. */
#define PGRP_MAX_GROUPS 16
/* Children SIGKILLed per sweep round, and rounds: each round kills the children of the
 * last one's (re-parented to us); real process trees here are a few levels deep. */
#define PGRP_SWEEP_BATCH 256
#define PGRP_SWEEP_ROUNDS 64

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define PGRP_NSIGNALS (sizeof(caught_signals) / sizeof(caught_signals[0]))

/* Written by the handler and read by the loops; group ids read by the handler. */
static volatile sig_atomic_t caught;
static volatile sig_atomic_t groups[PGRP_MAX_GROUPS];
static bool installed[PGRP_NSIGNALS];
static bool subreaper;

static const char *signal_name(int sig) {
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "?";
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL); /* an early wake-up (EINTR) only means an earlier poll */
}

/* Async-signal-safe: kill() and sig_atomic_t only. The first signal is passed on as it
 * came; a second one means the user will not wait, and kills every group at once. */
static void on_signal(int sig) {
    int saved_errno = errno;
    int first = caught == 0;
    if (first)
        caught = sig;
    for (size_t i = 0; i < PGRP_MAX_GROUPS; i++) {
        pid_t g = (pid_t)groups[i];
        if (g > 0)
            kill(-g, first ? sig : SIGKILL);
    }
    errno = saved_errno;
}

bool procgroup_install(void) {
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < PGRP_NSIGNALS; i++)
        sigaddset(&sa.sa_mask, caught_signals[i]);
    for (size_t i = 0; i < PGRP_NSIGNALS; i++) {
        struct sigaction old;
        if (sigaction(caught_signals[i], NULL, &old) != 0)
            return false;
        if (old.sa_handler == SIG_IGN) /* nohup, or a shell's background job: keep it */
            continue;
        if (sigaction(caught_signals[i], &sa, NULL) != 0)
            return false;
        installed[i] = true;
    }
    subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
    if (!subreaper)
        PLOG_E("prctl(PR_SET_CHILD_SUBREAPER)");
    return true;
}

int procgroup_interrupted(void) {
    return (int)caught;
}

static void block_signals(sigset_t *saved) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < PGRP_NSIGNALS; i++)
        sigaddset(&set, caught_signals[i]);
    sigprocmask(SIG_BLOCK, &set, saved);
}

static int free_slot(void) {
    for (int i = 0; i < PGRP_MAX_GROUPS; i++)
        if (groups[i] == 0)
            return i;
    return -1;
}

/* In the child, before it execs or runs on: what the caller had before procgroup_install. */
static void child_restore(const sigset_t *saved) {
    setpgid(0, 0);
    for (size_t i = 0; i < PGRP_NSIGNALS; i++)
        if (installed[i])
            signal(caught_signals[i], SIG_DFL);
    sigprocmask(SIG_SETMASK, saved, NULL);
}

pid_t procgroup_fork(void) {
    sigset_t saved;
    block_signals(&saved); /* from here to the registration, a signal waits for us */
    int slot = free_slot();
    pid_t pid = -1;
    if (caught != 0 || slot < 0) {
        errno = caught != 0 ? EINTR : EAGAIN;
        goto out;
    }
    pid = fork();
    if (pid == 0) {
        child_restore(&saved);
        return 0;
    }
    if (pid > 0) {
        setpgid(pid, pid); /* also here: no race with the child's own setpgid */
        groups[slot] = (sig_atomic_t)pid;
    }
out:
    sigprocmask(SIG_SETMASK, &saved, NULL);
    return pid;
}

bool procgroup_leader_exited(pid_t leader) {
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int rc;
    do
        rc = waitid(P_PID, (id_t)leader, &si, WEXITED | WNOHANG | WNOWAIT);
    while (rc != 0 && errno == EINTR);
    return rc != 0 || si.si_pid == leader; /* ECHILD: reaped already */
}

static void unregister(pid_t leader) {
    for (size_t i = 0; i < PGRP_MAX_GROUPS; i++)
        if (groups[i] == (sig_atomic_t)leader)
            groups[i] = 0;
}

void procgroup_reap(pid_t leader, int *status) {
    int st = 0;
    pid_t w;
    kill(-leader, SIGKILL); /* safe: the zombie leader keeps the group id from reuse */
    unregister(leader);
    do
        w = waitpid(leader, &st, 0);
    while (w < 0 && errno == EINTR);
    *status = w == leader ? st : 0;
    /* Orphans of what we ran come back to us as subreaper; racefuzz runs one child at a
     * time, so any other zombie child is such an orphan. */
    while (subreaper && waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

void procgroup_stop(pid_t leader, const char *what, int *status) {
    double start = now_s();
    const char *name = strrchr(what, '/') != NULL ? strrchr(what, '/') + 1 : what;
    while (!procgroup_leader_exited(leader) && now_s() - start < RF_INTERRUPT_GRACE_S)
        sleep_ms(10);
    bool killed = !procgroup_leader_exited(leader);
    procgroup_reap(leader, status); /* SIGKILLs the group first */
    if (killed)
        LOG_W("%s: passed on to %s (process group %ld); still running after %.0fs: killed",
              signal_name((int)caught), name, (long)leader, RF_INTERRUPT_GRACE_S);
    else
        LOG_W("%s: passed on to %s (process group %ld); it stopped after %.1fs",
              signal_name((int)caught), name, (long)leader, now_s() - start);
}

struct child {
    pid_t pid;
    bool zombie; /* dead already: reaped, not counted as killed */
};

/* Our children per /proc (state and parent: fields 3 and 4 of /proc/PID/stat, after the
 * parenthesised name, which may itself hold a ')'). */
static size_t list_children(struct child *out, size_t cap) {
    DIR *d = opendir("/proc");
    struct dirent *e;
    size_t n = 0;
    pid_t self = getpid();
    while (d != NULL && n < cap && (e = readdir(d)) != NULL) {
        char path[64], buf[512];
        long pid = strtol(e->d_name, NULL, 10), ppid = 0;
        char state = '?';
        if (pid <= 0 || snprintf(path, sizeof(path), "/proc/%ld/stat", pid) < 0)
            continue;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        if (fd >= 0)
            close(fd);
        buf[len > 0 ? len : 0] = '\0';
        const char *p = strrchr(buf, ')');
        if (p != NULL && sscanf(p + 1, " %c %ld", &state, &ppid) == 2 && ppid == (long)self)
            out[n++] = (struct child){.pid = (pid_t)pid, .zombie = state == 'Z'};
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* Kills and reaps every descendant: children first, then the orphans that come back to
 * us as subreaper, round after round. */
static unsigned sweep_descendants(void) {
    static struct child kids[PGRP_SWEEP_BATCH];
    unsigned killed = 0;
    for (int round = 0; round < PGRP_SWEEP_ROUNDS; round++) {
        size_t n = list_children(kids, PGRP_SWEEP_BATCH);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++) {
            int st;
            killed += !kids[i].zombie && kill(kids[i].pid, SIGKILL) == 0;
            while (waitpid(kids[i].pid, &st, 0) < 0 && errno == EINTR) {
            }
        }
    }
    return killed;
}

int procgroup_finish(void) {
    int sig = (int)caught;
    for (size_t i = 0; i < PGRP_MAX_GROUPS; i++) /* a group no loop stopped */
        if (groups[i] > 0)
            kill(-(pid_t)groups[i], SIGKILL);
    unsigned left = sweep_descendants();
    /* Always said, whatever the log level: the user must learn why racefuzz stopped. */
    if (left > 0)
        fprintf(stderr,
                "racefuzz: interrupted by %s: killed %u leftover child process%s; "
                "exiting with status %d\n",
                signal_name(sig), left, left == 1 ? "" : "es", 128 + sig);
    else
        fprintf(stderr,
                "racefuzz: interrupted by %s: every child process has stopped; exiting "
                "with status %d\n",
                signal_name(sig), 128 + sig);
    return 128 + sig;
}
