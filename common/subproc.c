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

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: only async-signal-safe-ish steps, then exec; never returns. */
static void child_exec(const struct subproc_opts *o) {
    setpgid(0, 0);
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

static void kill_group(pid_t pid) {
    kill(-pid, SIGTERM);
    for (int i = 0; i < 20; i++) { /* two seconds to exit cleanly, then SIGKILL */
        if (waitpid(pid, NULL, WNOHANG) != 0)
            break;
        usleep(100000);
    }
    kill(-pid, SIGKILL);
}

static void fill_status(int status, struct subproc_result *r) {
    if (WIFEXITED(status))
        r->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        r->signal = WTERMSIG(status);
}

bool subproc_run(const struct subproc_opts *o, struct subproc_result *r) {
    memset(r, 0, sizeof(*r));
    double start = now_s(), last_tick = start;
    pid_t pid = fork();
    if (pid < 0) {
        PLOG_E("%s: fork failed", o->argv[0]);
        return false;
    }
    if (pid == 0)
        child_exec(o);
    setpgid(pid, pid); /* also here: no race with the child's own setpgid */
    r->started = true;
    for (;;) {
        int status;
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            fill_status(status, r);
            kill(-pid, SIGKILL); /* leftover grandchildren of the group */
            break;
        }
        if (w < 0 && errno != EINTR) {
            PLOG_E("%s: waitpid failed", o->argv[0]);
            break;
        }
        double t = now_s();
        if (o->timeout_s > 0 && t - start > o->timeout_s) {
            r->timed_out = true;
            kill_group(pid);
            if (waitpid(pid, &status, 0) == pid)
                fill_status(status, r);
            break;
        }
        if (o->tick != NULL && t - last_tick >= 1.0) {
            last_tick = t;
            o->tick(t - start, o->tick_arg);
        }
        usleep(20000);
    }
    r->seconds = now_s() - start;
    if (r->exit_code == 127 && r->signal == 0 && !r->timed_out)
        LOG_W("%s: exited 127 (command not found or could not start?)", o->argv[0]);
    return true;
}
