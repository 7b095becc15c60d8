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

#endif
