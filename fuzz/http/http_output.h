/* The output of the service the supervisor (http_supervisor.h) runs: its stdout and stderr
 * share one pipe, read here into the service log (appended, kept across restarts) and a
 * ring of the last RF_SVC_OUTPUT_RING bytes behind monotonic positions, while each line is
 * matched against the ready regex until one matches.
 *
 * Whoever reads the pipe (the reader thread of this module, or a call that needs everything
 * written so far) reads under one lock, so "the pipe is empty and we hold the lock" means
 * every byte the service wrote before is in the ring and the log. Every function but
 * http_output_new and http_output_free may be called while the reader thread runs. */
#ifndef RF_HTTP_OUTPUT_H
#define RF_HTTP_OUTPUT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Output kept in memory. A Go race report is 5-10 KiB, a goroutine dump of a busy service
 * tens; 64 KiB holds the report of the last schedule even behind request logging. */
#define RF_SVC_OUTPUT_RING (64u * 1024u)

/* Longest line matched against the ready regex; longer lines are matched cut. */
#define RF_SVC_LINE_MAX 4096u

struct http_output;

/* An output with nothing attached. log_fd (-1: none) and log_path (for messages) are
 * borrowed, as is ready (a compiled ERE whose group 1 captures the service's URL): all
 * three must outlive the output. NULL when out of memory. */
struct http_output *http_output_new(int log_fd, const char *log_path, const regex_t *ready);

/* Detaches and frees; NULL is fine. */
void http_output_free(struct http_output *o);

/* Starts a run: forgets the last run's ready line and writes a "---- racefuzz: starting
 * NAME ----" line to the log. Returns the position the run's output starts at. */
uint64_t http_output_begin(struct http_output *o, const char *name);

/* Takes fd, the read end of the service's pipe (made non-blocking here, closed by
 * http_output_detach whatever happens), and starts the reader thread. False, with a reason
 * such as "cannot start the output reader: ..." in why, when the thread cannot start. */
bool http_output_attach(struct http_output *o, int fd, char *why, size_t why_cap);

/* Stops the reader thread, takes what is left in the pipe and closes it. Safe to call
 * twice, and before any attach. */
void http_output_detach(struct http_output *o);

/* True once a line of this run matched the ready regex; its group 1 is then copied to url
 * (cap bytes, NUL-terminated, cut to fit). */
bool http_output_ready(struct http_output *o, char *url, size_t cap);

/* A position in the output stream: bytes written since the output was made. */
uint64_t http_output_mark(struct http_output *o);

/* Copies the output written after mark into buf (cap bytes, NUL-terminated) and returns
 * its length. Output older than the ring is lost: the copy then starts at the oldest byte
 * kept. When more than cap - 1 bytes follow mark, the first ones are returned. */
size_t http_output_since(struct http_output *o, uint64_t mark, char *buf, size_t cap);

/* The last up-to-cap-1 bytes written after from, NUL-terminated (cap > 0). */
void http_output_tail(struct http_output *o, uint64_t from, char *dst, size_t cap);

#endif
