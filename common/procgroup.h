/* Child process groups and interrupts. Every child racefuzz starts runs in a process group
 * of its own (engines fork workers, and the whole group must be killable), so a terminal's
 * Ctrl-C, a `kill` or `timeout` reaches racefuzz alone. This module passes SIGINT, SIGTERM
 * and SIGHUP on to every registered group, lets the wait loops stop their child within a
 * bound, and makes sure nothing racefuzz started outlives it.
 *
 * Who calls what: main installs the handlers (procgroup_install) for the verbs that start
 * children; subproc.c and the sandbox fork through procgroup_fork and reap through procgroup_reap;
 * a wait loop that sees procgroup_interrupted() calls procgroup_stop and returns; main ends with
 * procgroup_finish. Without procgroup_install (engine harnesses link this too) the registry is kept
 * but no signal is caught. */
#ifndef RF_PROCGROUP_H
#define RF_PROCGROUP_H

#include <stdbool.h>
#include <sys/types.h>

/* Catches SIGINT, SIGTERM and SIGHUP (a signal ignored at start, as under nohup, stays
 * ignored) and makes racefuzz the subreaper of everything it starts, so orphaned
 * grandchildren come back to it. A second signal SIGKILLs every registered group at once. */
bool procgroup_install(void);

/* The signal caught so far, 0 when none. */
int procgroup_interrupted(void);

/* fork() into a new process group whose id is the child's pid, registered before any
 * signal can be delivered. In the child (0 returned): signal mask and dispositions as
 * before procgroup_install. -1 with errno EINTR when an interrupt came first: nothing started. */
pid_t procgroup_fork(void);

/* True when the group's leader has exited (or was reaped elsewhere); it stays a zombie,
 * so its group id cannot be reused until procgroup_reap. */
bool procgroup_leader_exited(pid_t leader);

/* The leader has exited: SIGKILLs what is left of its group, unregisters it, reaps the
 * leader (its wait status in *status) and any orphan re-parented to racefuzz. */
void procgroup_reap(pid_t leader, int *status);

/* After an interrupt (the handler already passed the signal on): waits up to
 * RF_INTERRUPT_GRACE_S for the leader, then SIGKILLs the group; reaps as procgroup_reap. Says
 * on stderr what it did, naming the child as `what`. */
void procgroup_stop(pid_t leader, const char *what, int *status);

/* The last step on an interrupt: SIGKILLs and reaps every process still descended from
 * racefuzz, says so, and returns the exit status to use (128 + the signal's number). */
int procgroup_finish(void);

#endif
