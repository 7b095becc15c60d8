/* Short copies that stay inside the caller. Under ASan, every memcpy/memmove call goes
 * through the sanitizer's interceptor (a shadow-memory check per call); in the mutators,
 * which run once per execution on payloads of tens of bytes, those checks cost more than
 * the mutation itself. These loops move 8 bytes at a time and never call the library. */
#ifndef RF_BYTES_H
#define RF_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* memmove semantics: the ranges may overlap. */
__attribute__((no_builtin("memcpy", "memmove"))) static inline void
bytes_move(void *dst, const void *src, size_t n) {
    uint8_t *d = dst;
    const uint8_t *s = src;
    uint64_t w;
    if (d == s || n == 0)
        return;
    if (d < s || d >= s + n) {
        for (; n >= 8; n -= 8, d += 8, s += 8) {
            __builtin_memcpy(&w, s, 8);
            __builtin_memcpy(d, &w, 8);
        }
        while (n-- > 0)
            *d++ = *s++;
        return;
    }
    for (d += n, s += n; n >= 8; n -= 8) {
        d -= 8;
        s -= 8;
        __builtin_memcpy(&w, s, 8);
        __builtin_memcpy(d, &w, 8);
    }
    while (n-- > 0)
        *--d = *--s;
}

#endif
