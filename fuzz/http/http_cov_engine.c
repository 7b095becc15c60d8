/* Remote coverage into the engines' own feedback: libFuzzer's extra counters and AFL++'s
 * map. A separate file so a binary that never calls http_cov_to_libfuzzer does not carry the
 * extra-counter array (the linker takes this object only when one of these is used). */
#include "http_cov.h"

/* libFuzzer (clang 14: FuzzerExtraCounters.cpp) finds this array through the linker's
 * __start_/__stop___libfuzzer_extra_counters symbols, clears it before every input and
 * turns non-zero bytes into features after it, like its own inline 8-bit counters. */
__attribute__((section("__libfuzzer_extra_counters"), used,
               aligned(64))) static uint8_t http_cov_extra_counters[RCOV_LIBFUZZER_COUNTERS];

/* AFL++'s runtime (afl-compiler-rt.o): __afl_area_ptr and __afl_map_size, NULL outside
 * AFL++ builds. Not declared under their own names: afl-clang-fast's pass adds its own
 * __afl_area_ptr to every module it instruments, renames it when C already declared one,
 * and the link fails. Assembler aliases to weak references reach them instead. */
__asm__(".weak __afl_area_ptr\n"
        ".weak __afl_map_size\n"
        ".set http_cov_afl_area_ptr, __afl_area_ptr\n"
        ".set http_cov_afl_map_size, __afl_map_size\n");
extern uint8_t *http_cov_afl_area_ptr __attribute__((weak));
extern uint32_t http_cov_afl_map_size __attribute__((weak));

size_t http_cov_to_libfuzzer(const struct http_cov *r) {
    return http_cov_copy_to(r, http_cov_extra_counters, sizeof http_cov_extra_counters);
}

size_t http_cov_to_afl(const struct http_cov *r) {
    if (&http_cov_afl_area_ptr == NULL || &http_cov_afl_map_size == NULL ||
        !http_cov_afl_area_ptr || http_cov_afl_map_size == 0)
        return 0;
    return http_cov_copy_to(r, http_cov_afl_area_ptr, http_cov_afl_map_size);
}
