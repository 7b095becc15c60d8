#define _GNU_SOURCE
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "procgroup.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child (its own process group already): only async-signal-safe-ish steps, then
 * exec; never returns. */
static void child_exec(const struct subproc_opts *o) {
    if (o->output_path != NULL) {
        int fd = open(o->output_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
            _exit(127);
    }
    if (o->cwd != NULL && chdir(o->cwd) != 0)
        _exit(127);
    for (size_t i = 0; o->env_add != NULL && o->env_add[i] != NULL; i++)
        putenv((char *)o->env_add[i]);
    execvp(o->argv[0], o->argv);
    _exit(127);
}

/* At the wall-clock limit: SIGTERM, two seconds to exit cleanly, then SIGKILL. */
static void kill_group(pid_t pid, int *status) {
    kill(-pid, SIGTERM);
    for (int i = 0; i < 20 && !procgroup_leader_exited(pid); i++)
        usleep(100000);
    procgroup_reap(pid, status);
}

static void fill_status(int status, struct subproc_result *r) {
    if (WIFEXITED(status))
        r->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        r->signal = WTERMSIG(status);
}

/* Polls the child until it exits, the limit or an interrupt. */
static void wait_child(const struct subproc_opts *o, pid_t pid, double start,
                       struct subproc_result *r) {
    double last_tick = start;
    int status = 0;
    for (;;) {
        if (procgroup_leader_exited(pid)) {
            procgroup_reap(pid, &status); /* also kills leftover grandchildren of the group */
            break;
        }
        if (procgroup_interrupted() != 0) {
            r->interrupted = procgroup_interrupted();
            procgroup_stop(pid, o->argv[0], &status);
            break;
        }
        double t = now_s();
        if (o->timeout_s > 0 && t - start > o->timeout_s) {
            r->timed_out = true;
            kill_group(pid, &status);
            break;
        }
        if (o->tick != NULL && t - last_tick >= 1.0) {
            last_tick = t;
            o->tick(t - start, o->tick_arg);
        }
        usleep(20000);
    }
    fill_status(status, r);
}

bool subproc_run(const struct subproc_opts *o, struct subproc_result *r) {
    memset(r, 0, sizeof(*r));
    double start = now_s();
    pid_t pid = procgroup_fork();
    if (pid < 0 && errno == EINTR) {
        r->interrupted = procgroup_interrupted();
        return false; /* interrupted before it started: the caller stops too */
    }
    if (pid < 0) {
        PLOG_E("%s: fork failed", o->argv[0]);
        return false;
    }
    if (pid == 0)
        child_exec(o);
    r->started = true;
    wait_child(o, pid, start, r);
    r->seconds = now_s() - start;
    if (r->exit_code == 127 && r->signal == 0 && !r->timed_out)
        LOG_W("%s: exited 127 (command not found or could not start?)", o->argv[0]);
    return true;
}
