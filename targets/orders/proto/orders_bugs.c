#include "orders_bugs.h"

#include <stdatomic.h>
#include <stddef.h>

#include "orders_proto.h"

/* Default: every bug on, as the service's default variant is the buggy one. */
static atomic_uint g_bug_mask = ORDERS_BUG_ALL;

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Trims spaces around [*b, *e). */
static void trim(const char **b, const char **e) {
    while (*b < *e && is_space(**b))
        (*b)++;
    while (*e > *b && is_space((*e)[-1]))
        (*e)--;
}

static bool word_is(const char *b, const char *e, const char *word) {
    for (; b < e && *word != '\0'; b++, word++)
        if (lower(*b) != *word)
            return false;
    return b == e && *word == '\0';
}

/* One token of the list: "g1".."g7" (no C bit) or "c1".."c3". */
static bool token_bits(const char *b, const char *e, unsigned *bits) {
    if (e - b != 2)
        return false;
    char kind = lower(b[0]);
    int n = b[1] - '0';
    if (kind == 'g' && n >= 1 && n <= 7) {
        *bits = 0;
        return true;
    }
    if (kind == 'c' && n >= 1 && n <= 3) {
        *bits = 1u << (n - 1);
        return true;
    }
    return false;
}

bool orders_bugs_parse(const char *spec, unsigned *mask) {
    if (spec == NULL)
        spec = "";
    const char *b = spec, *e = spec;
    while (*e != '\0')
        e++;
    trim(&b, &e);
    if (b == e || word_is(b, e, "all")) {
        *mask = ORDERS_BUG_ALL;
        return true;
    }
    if (word_is(b, e, "none")) {
        *mask = 0;
        return true;
    }
    unsigned acc = 0;
    while (b <= e) {
        const char *comma = b;
        while (comma < e && *comma != ',')
            comma++;
        const char *tb = b, *te = comma;
        unsigned bits;
        trim(&tb, &te);
        if (!token_bits(tb, te, &bits))
            return false;
        acc |= bits;
        b = comma + 1;
    }
    *mask = acc;
    return true;
}

bool orders_bug_on(unsigned bug) {
    return (atomic_load_explicit(&g_bug_mask, memory_order_relaxed) & bug) != 0;
}

void orders_bugs_store(unsigned mask) {
    atomic_store_explicit(&g_bug_mask, mask & ORDERS_BUG_ALL, memory_order_relaxed);
}

unsigned orders_bugs_load(void) {
    return atomic_load_explicit(&g_bug_mask, memory_order_relaxed);
}
