/* Child processes: run a command with extra environment, output to a file, a wall-clock
 * limit, and its whole process group killed at the limit (engines fork workers). */
#ifndef RF_SUBPROC_H
#define RF_SUBPROC_H

#include <stdbool.h>
#include <stddef.h>

struct subproc_result {
    bool started;
    bool timed_out;
    int exit_code;   /* valid when exited */
    int signal;      /* non-zero when killed by a signal */
    int interrupted; /* racefuzz caught this signal (procgroup.h): the child was stopped */
    double seconds;
};

struct subproc_opts {
    char *const *argv;
    const char *const *env_add; /* "K=V" entries added to (or replacing in) the environment */
    const char *cwd;            /* NULL: inherit */
    const char *output_path;    /* stdout+stderr go here (appended); NULL: inherit */
    double timeout_s;           /* <= 0: none */
    /* Called about once a second while the child runs; may be NULL. */
    void (*tick)(double elapsed, void *arg);
    void *tick_arg;
};

/* Runs to completion (or timeout, or an interrupt racefuzz caught: then the child's group
 * is stopped as procgroup_stop says). false only when the child could not be started, among
 * others because an interrupt came first (r->interrupted set). */
bool subproc_run(const struct subproc_opts *o, struct subproc_result *r);

#endif
