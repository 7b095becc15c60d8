/* The frames-mode driver: one fuzz input becomes concurrent work on a user's C decoder.
 * A persistent pool of worker threads (created on the first input, so AFL++'s fork
 * server forks before any thread exists) takes per-worker shares of the input, is
 * released from one gate, and must finish within a deadline; a worker that does not is
 * reported as a hang with every late worker's stack, then the process aborts so the
 * engine saves the input. Scheduling decisions live behind frames_sched.h. */
#ifndef RF_FRAMES_DRIVER_H
#define RF_FRAMES_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/* The user's C target (named in racefuzz.json frames.c_entry). */
struct frames_target {
    int (*init)(void);   /* once per process, before any decode; NULL if none; non-zero fails */
    void (*reset)(void); /* between inputs, while no decode runs; NULL if none */
    int (*decode)(const uint8_t *buf, size_t len); /* one session; called concurrently */
};

struct frames_driver_opts {
    unsigned workers;       /* pool size, 1..FRAMES_MAX_WORKERS */
    unsigned deadline_ms;   /* a share still running after this is a hang */
    uint32_t max_frame_len; /* frames above this end the input */
    uint64_t perturb_seed;  /* replay: each share starts after a seeded random spin (0: off);
                             * RACEFUZZ_PERTURB_SEED sets it */
};

struct frames_driver_stats {
    uint64_t inputs;      /* inputs run */
    unsigned max_overlap; /* most workers seen inside the target at the same instant */
    uint64_t overlapped;  /* inputs during which at least two workers overlapped */
};

struct frames_driver;

/* Defaults, overridden by RACEFUZZ_WORKERS and RACEFUZZ_DEADLINE_MS. */
void frames_driver_default_opts(struct frames_driver_opts *o);

/* NULL on failure (logged). Calls t->init. */
struct frames_driver *frames_driver_new(const struct frames_target *t,
                                        const struct frames_driver_opts *o);

/* Runs one input; returns after every share finished and the reset hook ran. */
void frames_driver_run(struct frames_driver *d, const uint8_t *data, size_t size);

void frames_driver_get_stats(const struct frames_driver *d, struct frames_driver_stats *out);

/* Stops and joins the workers. */
void frames_driver_free(struct frames_driver *d);

#endif
