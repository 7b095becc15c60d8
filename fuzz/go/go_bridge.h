/* The C <-> Go boundary of the `go` mode. The harness (go_harness.c) decodes a fuzz input
 * with the schedule codec and hands it to the Go side as these plain structs; the Go side
 * (fuzz/go/main.go.in, compiled into the user's c-archive) runs it through the adapter
 * package (go/adapter) and answers with an enum rfgo_verdict.
 *
 * Every pointer is borrowed for the duration of one rfgo_run call; Go copies what it keeps.
 * This header is read by cgo, so it holds only C types cgo maps one to one. */
#ifndef RF_GO_BRIDGE_H
#define RF_GO_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

struct rfgo_step {
    int lane, barrier;
    uint32_t delay_us;
    const char *method; /* static NUL-terminated name, e.g. "POST" */
    const uint8_t *path;
    size_t path_len;
    const uint8_t *headers; /* raw "Name: value\r\n" lines */
    size_t headers_len;
    const uint8_t *body;
    size_t body_len;
};

/* Schedule flag: every step gets a seeded random delay jitter (go/adapter FlagJitter). */
#define RFGO_FLAG_JITTER 1u

struct rfgo_schedule {
    int lanes, repeat;
    uint32_t jitter_seed, flags;
    const struct rfgo_step *steps;
    size_t nsteps;
};

/* Budgets of one input, in milliseconds (0: the adapter's default). */
struct rfgo_config {
    int step_deadline_ms, drain_deadline_ms, leak_settle_ms, max_delay_ms;
};

/* What one schedule did. Anything but RFGO_OK is a finding: the Go side has already
 * written its report (kind, step, stacks) to stderr, and the harness aborts so the engine
 * keeps the input. Races, `fatal error`s and panics in goroutines the handler started do
 * not come back here at all: the Go runtime ends the process itself. */
enum rfgo_verdict {
    RFGO_OK = 0,
    RFGO_PANIC,
    RFGO_HANG,
    RFGO_LEAK,
    RFGO_INVARIANT,
    RFGO_BAD_INPUT /* the harness's own error (never for a decodable schedule) */
};

/* Called by the Go side with each id it sees in a JSON response, so the schedule
 * mutator (same process under libFuzzer) can put it in later paths. Implemented by the
 * harness. */
void rfgo_learn_id(const char *id, size_t len);

#endif
