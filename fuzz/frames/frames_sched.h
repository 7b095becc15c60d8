/* Scheduling decisions of the frames driver, in one place: which worker runs which
 * frames, and how far each worker is offset after the common release. Today's scheduler
 * ("free") reads them from the input's schedule frame and lets the OS interleave; a
 * controlled scheduler (threads serialised, preemption points from the input, exact
 * replay) will implement the same interface.
 *
 * Input layout (docs/frames-mode.md): frame 0 is the schedule frame, frames 1..n are the
 * target's. Schedule frame bytes, each optional (missing bytes take the default):
 *   [0]          active workers = 1 + b % max_workers          (default: all)
 *   [1 .. 1+W)   start offset of worker w, in spin units       (default: 0)
 *   [1+W .. )    worker of target frame i = b % active          (default: i % active)
 * where W = max_workers. Every byte is one the mutator can change. */
#ifndef RF_FRAMES_SCHED_H
#define RF_FRAMES_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAMES_MAX_WORKERS 16

/* One worker's share of an input: its frames as a frame stream (the target's session). */
struct frames_share {
    uint8_t *buf;
    size_t len, cap;
    uint32_t spin; /* start offset, in spin units, after the release */
    size_t frames;
};

struct frames_plan {
    unsigned workers; /* active this input */
    struct frames_share share[FRAMES_MAX_WORKERS];
};

struct frames_sched;

struct frames_sched_ops {
    const char *name;
    /* Splits one input into per-worker shares. False when the input carries nothing to
     * run (no target frames); the driver then skips it. */
    bool (*plan)(struct frames_sched *s, const uint8_t *data, size_t size, struct frames_plan *p);
    /* Runs in worker w right after the release, before the target is called. */
    void (*enter)(struct frames_sched *s, const struct frames_plan *p, unsigned w);
    /* Runs in worker w after the target returned. */
    void (*leave)(struct frames_sched *s, const struct frames_plan *p, unsigned w);
};

struct frames_sched {
    const struct frames_sched_ops *ops;
    unsigned max_workers;
    uint32_t max_frame_len;
};

/* The free scheduler: input-decided shares and offsets, OS-decided interleaving. */
void frames_sched_free_init(struct frames_sched *s, unsigned max_workers, uint32_t max_frame_len);

/* Releases the share buffers of a plan. */
void frames_plan_free(struct frames_plan *p);

#endif
