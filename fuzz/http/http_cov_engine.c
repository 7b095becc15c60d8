/* Remote coverage into the engines' own feedback: libFuzzer's extra counters and AFL++'s
 * map. A separate file so a binary that never calls rcov_to_libfuzzer does not carry the
 * extra-counter array (the linker takes this object only when one of these is used). */
#include "http_cov.h"

/* libFuzzer (clang 14: FuzzerExtraCounters.cpp) finds this array through the linker's
 * __start_/__stop___libfuzzer_extra_counters symbols, clears it before every input and
 * turns non-zero bytes into features after it, like its own inline 8-bit counters. */
__attribute__((section("__libfuzzer_extra_counters"), used,
               aligned(64))) static uint8_t rcov_extra_counters[RCOV_LIBFUZZER_COUNTERS];

/* AFL++'s runtime (afl-compiler-rt.o): __afl_area_ptr and __afl_map_size, NULL outside
 * AFL++ builds. Not declared under their own names: afl-clang-fast's pass adds its own
 * __afl_area_ptr to every module it instruments, renames it when C already declared one,
 * and the link fails. Assembler aliases to weak references reach them instead. */
__asm__(".weak __afl_area_ptr\n"
        ".weak __afl_map_size\n"
        ".set rcov_afl_area_ptr, __afl_area_ptr\n"
        ".set rcov_afl_map_size, __afl_map_size\n");
extern uint8_t *rcov_afl_area_ptr __attribute__((weak));
extern uint32_t rcov_afl_map_size __attribute__((weak));

size_t rcov_to_libfuzzer(const struct rcov *r) {
    return rcov_copy_to(r, rcov_extra_counters, sizeof rcov_extra_counters);
}

size_t rcov_to_afl(const struct rcov *r) {
    if (&rcov_afl_area_ptr == NULL || &rcov_afl_map_size == NULL || !rcov_afl_area_ptr ||
        rcov_afl_map_size == 0)
        return 0;
    return rcov_copy_to(r, rcov_afl_area_ptr, rcov_afl_map_size);
}
