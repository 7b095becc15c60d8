/* The service supervisor of http mode: one live service process, started from the target
 * config's "service" section (read by config/service_config.h), watched while the harness
 * fires requests at it, and restarted when it dies.
 *
 * What it guarantees:
 * - the service runs in a process group of its own, and stopping it kills the whole group
 *   (SIGTERM, a short grace, SIGKILL) and reaps it: no process and no zombie is left;
 * - the service gets PR_SET_PDEATHSIG(SIGKILL), so a fuzzer that dies (an engine's crash
 *   handling, a kill -9) never leaves services behind. Linux sends that signal when the
 *   THREAD that forked exits, so call http_supervisor_start/http_supervisor_restart from a thread
 * that lives as long as the service (the engine's main thread);
 * - its address is the one it announced on its ready line, checked by the loopback policy
 *   of http_addr.h (http_addr_resolve), and it answered its health path with a 2xx;
 * - everything it writes (stdout and stderr, one pipe) is appended to opts.log_path, kept
 *   across restarts, and the last RF_SVC_OUTPUT_RING bytes stay in memory for the oracle
 *   (http_oracle.h) behind monotonic marks (http_output.h keeps them).
 *
 * One harness thread drives one struct http_supervisor; a reader thread of the output's own
 * consumes the pipe so a chatty service never blocks on a full pipe. */
#ifndef RF_SUPERVISOR_H
#define RF_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "service_config.h"

/* ---- tunables (candidates for common/rf_config.h) ------------------------------------ */

/* Default limit for a start: ready line plus healthy answer. A Go service built with -race
 * starts in well under a second; ten leave room for a loaded 2-core machine and a service
 * that loads data at start, and still fail a broken command quickly. */
#define RF_SVC_START_TIMEOUT_MS 10000u

/* One health request's limit. A loopback GET of a health endpoint takes microseconds; half
 * a second means "not yet", and the next attempt follows. */
#define RF_SVC_HEALTH_TIMEOUT_MS 500u

/* Pause between health attempts: short, since a service is usually healthy at once. */
#define RF_SVC_HEALTH_RETRY_MS 20u

/* SIGTERM to SIGKILL. A healthy Go service shuts down in milliseconds; one whose requests
 * hang (the bugs a campaign finds) waits for them until its own shutdown limit (ordersd:
 * 5 s), and a restart must not cost that. */
#define RF_SVC_STOP_GRACE_MS 1000u

/* Inputs remembered for a death: enough to replay a state the service built up over a
 * few schedules, few enough that copying them costs nothing next to an HTTP round trip. */
#define RF_SVC_HISTORY 16u

/* ---- options ---------------------------------------------------------------------------- */

struct http_supervisor_opts {
    char *const *argv;       /* command, placeholders already expanded; NULL-terminated */
    const char *const *env;  /* extra "K=V", replacing the same key of the harness's own
                                environment; NULL-terminated, or NULL */
    const char *cwd;         /* the service's working directory; NULL: inherit */
    const char *ready_regex; /* POSIX ERE matched against each output line until it matches;
                                group 1 is the base URL, "http://127.0.0.1:PORT" */
    const char *health_path; /* GET until 2xx after the ready line; NULL or "": none */
    bool allow_non_loopback;
    unsigned start_timeout_ms; /* 0: RF_SVC_START_TIMEOUT_MS */
    const char *log_path;      /* all output appended here; NULL: kept in memory only */
};

/* Points o at c's strings (c must outlive o), with the default start timeout. */
void http_supervisor_opts_from_config(struct http_supervisor_opts *o,
                                      const struct service_config *c);

/* ---- the service --------------------------------------------------------------------- */

struct http_supervisor;

/* Copies o, starts the service, waits for the ready line, checks the announced address
 * (non-loopback refused unless allowed) and waits for the health path to answer 2xx, all
 * within the start timeout. NULL on failure: the reason is logged and in http_supervisor_error(),
 * the output's tail is logged, and no process is left. */
struct http_supervisor *http_supervisor_start(const struct http_supervisor_opts *o);

/* The checked address, "127.0.0.1:PORT" ("[::1]:PORT" for IPv6), for the http driver.
 * Valid until the next http_supervisor_restart. */
const char *http_supervisor_addr(const struct http_supervisor *s);

/* The running service's process id (also its process group); -1 when none runs. */
pid_t http_supervisor_pid(const struct http_supervisor *s);

/* False once the service exited or was killed (reaped here, without blocking, with the
 * rest of its process group killed); the death is then in http_supervisor_check_death. */
bool http_supervisor_alive(struct http_supervisor *s);

/* Stops the service if it runs and starts it again (http_supervisor_start's checks). Forgets the
 * input history: read http_supervisor_history first. With remote coverage, http_cov_reset before
 * this. On failure the service stays stopped; false. */
bool http_supervisor_restart(struct http_supervisor *s);

/* Stops the service (whole group: SIGTERM, RF_SVC_STOP_GRACE_MS, SIGKILL) and reaps it.
 * A stop is not a death. Safe to call twice. */
void http_supervisor_stop(struct http_supervisor *s);

/* Stops and frees; NULL is fine. */
void http_supervisor_free(struct http_supervisor *s);

/* A position in the output stream: bytes written since http_supervisor_start, across restarts. */
uint64_t http_supervisor_output_mark(struct http_supervisor *s);

/* Copies the output written after mark into buf (cap bytes, NUL-terminated) and returns
 * its length. Everything the service wrote before the call is included (the pipe is
 * drained first). Output older than the ring is lost: the copy then starts at the oldest
 * byte kept. When more than cap - 1 bytes follow mark, the first ones are returned (a
 * report starts there); http_supervisor_output_mark() is the position to go on from. */
size_t http_supervisor_output_since(struct http_supervisor *s, uint64_t mark, char *buf,
                                    size_t cap);

/* How a service ended by itself (not by http_supervisor_stop). */
struct http_supervisor_death {
    bool died;
    int exit_code;   /* when it exited */
    int signal;      /* non-zero when killed by a signal */
    double uptime_s; /* how long it had run */
    time_t at;       /* when its death was seen (wall clock) */
    /* The finding (http_oracle.h) in the output of the last noted input, if one is there,
     * else the last output of this run; NUL-terminated. */
    char excerpt[8192];
};

/* True, with *d filled, when the service died by itself; false (d->died false) while it
 * runs or after http_supervisor_stop. Repeats the same record until http_supervisor_restart. */
bool http_supervisor_check_death(struct http_supervisor *s, struct http_supervisor_death *d);

/* Remembers an input (copied) as the newest of the last RF_SVC_HISTORY, with the output
 * position at this moment: call it before running the input, so a death is attributed to
 * it and the output it caused is found. */
void http_supervisor_note_input(struct http_supervisor *s, const uint8_t *data, size_t len);

/* The remembered inputs of this run, newest first: up to max pointers and lengths (valid
 * until the next http_supervisor_note_input or http_supervisor_restart). Returns how many. */
size_t http_supervisor_history(const struct http_supervisor *s, const uint8_t **datas, size_t *lens,
                               size_t max);

/* The reason the last http_supervisor_start or http_supervisor_restart of this thread failed, one
 * line; "" when none did. (A failed service_config_load says why in service_config_error().) */
const char *http_supervisor_error(void);

#endif
