/* Single-threaded baseline for bench/frames_driver.sh: the orders decoder behind the same
 * input format as the frames target, but with no driver. The schedule frame is skipped
 * and every target frame after it is decoded as one session in the calling thread; as in
 * the driver, the session is a heap copy of whole frames only (a malformed tail ends it),
 * an input without target frames is skipped, and the reset hook runs after each input.
 * The exec/s of this harness against the 4-worker driver's is what concurrency costs. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The entry points targets/orders/racefuzz.json names in frames.c_entry. */
int orders_proto_fuzz_init(void);
void orders_proto_fuzz_reset(void);
int orders_proto_fuzz_decode(const uint8_t *buf, size_t len);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* frames.max_frame_len of targets/orders/racefuzz.json: longer frames end the input. */
#define MAX_FRAME_LEN 4096u
#define HEADER_LEN 4u

/* Offset just past the whole frame at `off`, or 0 when no whole frame starts there.
 * Not coverage-instrumented, like the driver: its branches are not the target's. */
__attribute__((no_sanitize("coverage"))) static size_t next_frame(const uint8_t *data, size_t size,
                                                                  size_t off) {
    if (size - off < HEADER_LEN)
        return 0;
    uint32_t len = (uint32_t)data[off] | (uint32_t)data[off + 1] << 8 |
                   (uint32_t)data[off + 2] << 16 | (uint32_t)data[off + 3] << 24;
    if (len > MAX_FRAME_LEN || len > size - off - HEADER_LEN)
        return 0;
    return off + HEADER_LEN + len;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (orders_proto_fuzz_init() != 0)
        abort(); /* a bad ORDERS_BUGS: as the driver, refuse to fuzz something else */
    return 0;
}

__attribute__((no_sanitize("coverage"))) int LLVMFuzzerTestOneInput(const uint8_t *data,
                                                                    size_t size) {
    size_t start = next_frame(data, size, 0), end = start, next;
    if (start == 0)
        return 0; /* no whole schedule frame */
    while ((next = next_frame(data, size, end)) != 0)
        end = next;
    if (end == start)
        return 0; /* no target frame */
    uint8_t *session = malloc(end - start);
    if (session == NULL)
        abort();
    memcpy(session, data + start, end - start);
    orders_proto_fuzz_decode(session, end - start);
    free(session);
    orders_proto_fuzz_reset();
    return 0;
}
