/* Tunables, one place, each with the reason for its value (AFL++ config.h style). */
#ifndef RF_CONFIG_H
#define RF_CONFIG_H

/* Default cap on one frame's payload. Protocol messages of the services we target are
 * small; a larger cap only lets a lying length make the decoder allocate gigabytes. */
#define RF_FRAME_MAX_LEN_DEFAULT (1u << 20)

/* Upper bound on frames in one stream the mutator will hold. libFuzzer's default
 * -max_len is 4096, so 4-byte headers alone cap a real stream near 1024 frames. */
#define RF_MUT_MAX_FRAMES 1024

/* Stacked operations per mutation call: 1 + rng_below(RF_MUT_STACK). libFuzzer's own
 * mutator stacks up to 5; the same depth keeps the two comparable in the benchmark. */
#define RF_MUT_STACK 4

/* One call in this many lies about a length field on purpose. Low enough that at least
 * 95% of outputs stay well-formed, high enough that decoders' length checks get hit. */
#define RF_MUT_LIE_ONE_IN 64

/* Longest dictionary token kept; AFL++ uses 128 (MAX_DICT_FILE) for the same reason:
 * tokens are magic values and keywords, not payloads. */
#define RF_DICT_MAX_TOKEN 128

/* Most dictionary tokens kept. */
#define RF_DICT_MAX_TOKENS 512

/* Largest file the CLI reads (seed, crash, config): bigger inputs are not fuzz inputs. */
#define RF_MAX_FILE_SIZE (64u << 20)

/* Frames mode: worker threads per input. Four lets two pairs of sessions race while
 * staying cheap on the 2-core machines CI and laptops have. */
#define RF_FRAMES_WORKERS 4

/* Frames mode: a share still running after this long is a hang. Decoding one session
 * takes microseconds even under TSan; a second is a stall, and it is well below
 * libFuzzer's default -timeout, so the driver reports first, with every worker's stack. */
#define RF_FRAMES_DEADLINE_MS 1000

/* Frames mode: yields a worker spends waiting for the next input before it sleeps. At
 * fuzzing rates inputs arrive within microseconds, and a futex wake-up per worker per
 * input halves exec/s; a few thousand yields (about a millisecond when the core is free)
 * bridge the engine's work between inputs without spinning through an idle period. */
#define RF_FRAMES_SPIN_YIELDS 2000

/* One mutation in this many skips the declared fix-ups (lengths, checksums), so the
 * decoder's own checks still see wrong values now and then. */
#define RF_MUT_FIXUP_SKIP_ONE_IN 16

/* Go mode: one request running longer than this is a hang. Honest requests of the sample
 * take at most a few hundred milliseconds (a payment gives up on its gateway after 200 ms,
 * a reservation on the warehouse after 250 ms); this leaves room for a loaded machine and
 * stays far below the -timeout campaigns give libFuzzer, so our report (with every
 * goroutine's stack) comes first. */
#define RF_GO_STEP_DEADLINE_MS 2000

/* Go mode: the whole schedule, repeats included, must drain within this. */
#define RF_GO_DRAIN_DEADLINE_MS 10000

/* Go mode: after a schedule drains, goroutines a handler started (a deferred credit, a
 * worker finishing after its caller timed out) get this long to end before the count
 * above the baseline is reported as a leak. */
#define RF_GO_LEAK_SETTLE_MS 300

/* Go mode: cap on one step's delay. Races open within microseconds to milliseconds;
 * longer delays only slow the campaign down. */
#define RF_GO_MAX_DELAY_MS 20

/* Schedule mutator: longest delay before a step it writes, in microseconds. Races open in
 * windows of microseconds to a few milliseconds; a longer delay only lowers exec/s and
 * brings the runner's request deadline closer. 16 ms stays under the Go runner's cap
 * (RF_GO_MAX_DELAY_MS), so no delay the mutator writes is clamped into another. Delays are
 * 0, small, or powers of two up to this. */
#define RF_SMUT_MAX_DELAY_US (1u << 14)

/* Schedule mutator: largest repeat it writes. Each repeat runs the whole schedule again,
 * so exec time grows linearly; a few repeats already widen a race window's odds. */
#define RF_SMUT_MAX_REPEAT 8

/* Schedule mutator: steps of a schedule built from scratch when an input does not parse.
 * One to three requests: enough for a pair to race, small enough to stay readable. */
#define RF_SMUT_FRESH_STEPS 3

/* Schedule mutator: one call in this many writes invalid JSON into a JSON body (the glue's
 * default; RACEFUZZ_INVALID_JSON_ONE_IN overrides). Rare: a service's JSON decoder rejects
 * the request before the handler runs, and the handler is where races live. */
#define RF_SMUT_INVALID_JSON_ONE_IN 32

/* Schedule mutator: longest string it writes into a JSON value or a header on purpose, to
 * reach length limits without letting one body eat the whole input. */
#define RF_SMUT_LONG_STRING 512

/* Schedule mutator: most JSON nodes it considers in one body; deeper documents are
 * mutated through their first nodes only. */
#define RF_SMUT_MAX_JSON_NODES 256

/* HTTP driver: one request unanswered this long after its last byte is a hang. Same
 * budget as go mode (RF_GO_STEP_DEADLINE_MS), for the same reasons: honest requests of the
 * sample take at most a few hundred milliseconds, and our report must come before the
 * engine's -timeout. */
#define RF_HTTP_STEP_DEADLINE_MS 2000

/* HTTP driver: a loopback connect takes microseconds; a second means the service is not
 * listening (yet) or its accept queue is full, and the step fails instead of hanging. */
#define RF_HTTP_CONNECT_TIMEOUT_MS 1000

/* HTTP driver: cap on one step's delay, in microseconds; go mode's cap
 * (RF_GO_MAX_DELAY_MS) so a schedule means the same in both modes. */
#define RF_HTTP_MAX_DELAY_US 20000u

/* HTTP driver: cap on a schedule's repeat count; go mode's (adapter.MaxRepeat). */
#define RF_HTTP_MAX_REPEAT 8

/* HTTP driver: with the schedule's jitter flag, each step's delay grows by a uniform
 * [0, this) microseconds; go mode's adapter.MaxJitter. */
#define RF_HTTP_JITTER_US 50u

/* HTTP driver: largest response header block accepted. Go's net/http writes a few hundred
 * bytes; 16 KiB also holds large cookies and stays small per lane. A longer block is a
 * protocol error, not a reason to allocate. */
#define RF_HTTP_MAX_HEAD 16384

/* HTTP driver: response body bytes kept per step (error text, ids for the mutator to
 * learn); the rest is only counted and digested. */
#define RF_HTTP_BODY_PREFIX 256

/* HTTP driver: a timer due within this many nanoseconds is waited by polling without a
 * timeout (spinning) instead of sleeping: the kernel's timer slack (50 us) would blur the
 * microsecond staggers a schedule's delays ask for. */
#define RF_HTTP_SPIN_NS 100000

/* Replay: runs of a go/http-mode schedule per attempt (libFuzzer -runs, which stops at the
 * first report). One run is a coin flip for bugs that need the runtime's help: G3 needs
 * sync.Pool to hand back a used state (the race detector drops pooled items at random)
 * and replayed 4/10 with one run, 10/10 with ten; a data race G6 9/10 and 10/10. A run
 * that does not reproduce costs a few milliseconds to the leak settle time (300 ms). */
#define RF_REPLAY_SCHEDULE_RUNS "10"

/* Replay: one attempt's wall-clock limit. Above the go mode's drain deadline (10 s) and
 * a frames-mode attempt's 1000 runs, so a limit hit is a hang of the input, not of us. */
#define RF_REPLAY_ATTEMPT_TIMEOUT_S 30

/* Corpus merge after a campaign (libFuzzer -merge=1 over seeds and the run's corpus): a
 * nightly corpus of a few thousand inputs merges in seconds; an http-mode corpus sends each
 * input to the service, about 100 a second. Past this the merge is given up and the stored
 * corpus stays as it was. */
#define RF_MERGE_TIMEOUT_S 600

/* Replay perturbation (frames mode): a worker spins up to this many iterations before its
 * share, a few microseconds: the width of the windows the planted races have. */
#define RF_PERTURB_MAX_SPIN 4096

/* http mode: after SIGQUIT, how long the service gets to print every goroutine's stack
 * before the harness reports (a Go dump of a few hundred goroutines takes milliseconds). */
#define RF_HTTP_DUMP_WAIT_MS 300

/* http mode: how long a started service may take to attach to the coverage region (it does
 * so in an init function, before it listens: this is only slack for a loaded machine). */
#define RF_HTTP_COVER_ATTACH_MS 2000

/* http mode: one clear or snapshot of the service's counters; answered in tens of
 * microseconds, so a second means the service is stopped or starved. */
#define RF_HTTP_COVER_TIMEOUT_MS 1000

/* Interrupts (SIGINT, SIGTERM, SIGHUP passed on to a child's process group): how long the
 * child gets to exit by itself before its group is SIGKILLed. libFuzzer and afl-fuzz stop
 * within milliseconds (final stats, AFL++'s fuzzer_stats) and a Go race runtime flushes a
 * report in well under a second; 5 s leaves room for a loaded 2-core machine, yet racefuzz
 * still exits before `timeout -k` or a service manager's stop timeout (systemd's 90 s)
 * would SIGKILL racefuzz itself and orphan the group. */
#define RF_INTERRUPT_GRACE_S 5.0

/* A running campaign's status.json is rewritten this often (fuzz/campaign_status.h): often
 * enough for a dashboard or `watch`. Each write is one small file replaced atomically (with
 * an fsync); its cost to the engine's exec/s has not been measured. */
#define RF_STATUS_WRITE_S 2.0

#endif