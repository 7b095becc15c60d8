/* The replay sandbox: runs one command so that a crash input can do no harm and see
 * nothing of the machine it should not.
 *   network   a new network namespace with only loopback, up (a service the target starts
 *             itself still works; everything else is unreachable)
 *   files     every mount read-only except a private work directory (the command's cwd and
 *             TMPDIR) and a fresh /dev/shm; the work directory (made under our own
 *             $TMPDIR, default /tmp) is removed afterwards, read-only parts included
 *   processes a new PID namespace (when it ends, every process in it is killed: no stray
 *             child outlives an attempt), RLIMIT_NPROC against fork bombs (enforced
 *             because the command runs as an unprivileged user: nobody when we are root,
 *             ourselves otherwise), no core files, a file-size limit
 *   env       exactly the entries the caller passes
 *   time      a wall-clock limit, after which the whole namespace is killed
 * Built on unshare(2) directly (as root, or in a user namespace otherwise) rather than on
 * bubblewrap: bubblewrap as root maps the command to uid 0 outside, where RLIMIT_NPROC is
 * not enforced, so a fork bomb would not be contained. */
#ifndef RF_SANDBOX_H
#define RF_SANDBOX_H

#include <stdbool.h>

struct sandbox_opts {
    char *const *argv;       /* argv[0] is a path */
    const char *const *env;  /* the whole environment, NULL-terminated */
    const char *input;       /* a file the command reads: copied into the work directory */
    const char *output_path; /* stdout+stderr (truncated first) */
    double timeout_s;
    unsigned max_procs; /* RLIMIT_NPROC; 0: the default */
};

struct sandbox_result {
    bool timed_out;
    int exit_code; /* valid when signal == 0 */
    int signal;
    int interrupted; /* racefuzz caught this signal and stopped the run (procgroup.h) */
    double seconds;
    char input_copy[4096]; /* path of the input inside the sandbox (argv may name it) */
};

/* Placeholder in argv replaced by the input's path inside the sandbox. */
#define SANDBOX_INPUT "{input}"

/* Runs the command; false (logged) when the sandbox itself could not be set up, and false
 * when an interrupt stopped or prevented the run (r->interrupted, reported by procgroup.h). */
bool sandbox_run(const struct sandbox_opts *o, struct sandbox_result *r);

#endif
