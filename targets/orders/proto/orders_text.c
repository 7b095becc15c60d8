#include "orders_text.h"

#include <string.h>

#include "orders_bugs.h"
#include "orders_proto.h"

static bool id_char(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

static bool copy_if(const uint8_t *in, size_t len, char *out, size_t cap, bool (*ok)(uint8_t)) {
    if (len == 0 || len >= cap)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!ok(in[i]))
            return false;
    memcpy(out, in, len);
    out[len] = '\0';
    return true;
}

static bool printable(uint8_t c) {
    return c >= 0x20 && c < 0x7f;
}

bool text_copy_id(const uint8_t *in, size_t len, char *out, size_t cap) {
    return copy_if(in, len, out, cap, id_char);
}

bool text_copy_printable(const uint8_t *in, size_t len, char *out, size_t cap) {
    return copy_if(in, len, out, cap, printable);
}

static bool blank(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Pass 1: keep blanks and printable ASCII, upper-case letters. Returns bytes written
 * to work (at most ORDERS_MAX_TEXT). */
static size_t filter_upper(const uint8_t *in, size_t len, char *work) {
    size_t n = 0;
    for (size_t i = 0; i < len && n < ORDERS_MAX_TEXT; i++) {
        uint8_t c = in[i];
        if (blank(c))
            work[n++] = ' ';
        else if (printable(c))
            work[n++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    return n;
}

/* Pass 2: trim and collapse the blanks of work[0..n) into out. */
static size_t collapse(const char *work, size_t n, char *out, size_t cap) {
    size_t o = 0;
    bool pending_space = false;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        if (work[i] == ' ') {
            pending_space = o > 0;
            continue;
        }
        if (pending_space) {
            if (o + 2 >= cap)
                break; /* no room for the space and a byte after it */
            out[o++] = ' ';
            pending_space = false;
        }
        out[o++] = work[i];
    }
    out[o] = '\0';
    return o;
}

size_t text_normalize(const uint8_t *in, size_t len, char *out, size_t cap) {
    /* BUG C1: the scratch buffer was made static "to keep decoder stack frames small",
     * so every thread that decodes an address at the same time shares it: one session's
     * address can come out with another's bytes. The fixed variant uses the stack. */
    static char shared_scratch[ORDERS_MAX_TEXT];
    char local_scratch[ORDERS_MAX_TEXT];
    char *work = orders_bug_on(ORDERS_BUG_C1) ? shared_scratch : local_scratch;

    size_t n = filter_upper(in, len, work);
    return collapse(work, n, out, cap);
}
