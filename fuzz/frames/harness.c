/* The generic frames-mode harness. racefuzz_add_frames_target() (cmake/RacefuzzTarget.cmake)
 * compiles it once per target with the user's entry points from racefuzz.json:
 *   RF_TARGET_DECODE  int decode(const uint8_t *buf, size_t len)   (required)
 *   RF_TARGET_INIT    int init(void)                              (optional)
 *   RF_TARGET_RESET   void reset(void)                            (optional)
 * Each fuzz input runs as concurrent sessions on the driver's worker pool. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>

#include "engine_api.h"
#include "frames_driver.h"
#include "log.h"

#ifndef RF_TARGET_DECODE
#error "RF_TARGET_DECODE must name the target's decode function"
#endif

int RF_TARGET_DECODE(const uint8_t *buf, size_t len);
#ifdef RF_TARGET_INIT
int RF_TARGET_INIT(void);
#endif
#ifdef RF_TARGET_RESET
void RF_TARGET_RESET(void);
#endif

/* A ThreadSanitizer report is a finding: stop at the first one so the engine saves the
 * input that caused it (ignored by builds without TSan). TSan calls this before it is
 * initialised, so the function must carry no instrumentation at all, not even TSan's
 * function-entry hook (no_sanitize("thread") keeps that one). */
const char *__tsan_default_options(void);
__attribute__((disable_sanitizer_instrumentation)) const char *__tsan_default_options(void) {
    return "halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0";
}

static struct frames_driver *driver;

/* Tells the frame mutator (same process under libFuzzer) that frame 0 is the schedule
 * and which fields to recompute, unless the environment already says otherwise. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    setenv("RACEFUZZ_SCHEDULE_FRAME", "1", 0);
#ifdef RF_TARGET_FIXUPS
    setenv("RACEFUZZ_FIXUPS", RF_TARGET_FIXUPS, 0);
#endif
    return 0;
}

static struct frames_driver *get_driver(void) {
    if (driver != NULL)
        return driver;
    struct frames_target t = {.decode = RF_TARGET_DECODE};
#ifdef RF_TARGET_INIT
    t.init = RF_TARGET_INIT;
#endif
#ifdef RF_TARGET_RESET
    t.reset = RF_TARGET_RESET;
#endif
    struct frames_driver_opts o;
    frames_driver_default_opts(&o);
    driver = frames_driver_new(&t, &o);
    if (driver == NULL) {
        LOG_E("frames harness: cannot start the driver");
        abort();
    }
    return driver;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    frames_driver_run(get_driver(), data, size);
    return 0;
}
