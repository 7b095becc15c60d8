/* Crash signatures (signature.h): one recogniser per report format, tried in priority
 * order, each reading its report's stacks with the shared line, frame and stack readers
 * below; then the state is composed from the chosen frames and hashed. */
#include "signature.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Lines looked through between a report's header and its first stack frame ("READ of
 * size..." and a blank line sit between them in ASan's reports). */
#define SIG_STACK_GAP 4

/* Lines between a Go "fatal error:" or "panic:" and the goroutine that threw ("[signal
 * ...]" and a "runtime stack:" of a few dozen lines can sit between them). */
#define SIG_THROW_GAP 64

/* Lines a report's later parts (ASan's SUMMARY, LSan's first leak) are looked for
 * within. Real reports need a few hundred; the bound keeps a log full of headers without
 * bodies from costing a scan to the end per header. */
#define SIG_REPORT_LINES 2000

/* ---- lines of a text that need not be NUL-terminated --------------------------------- */

struct span {
    const char *p;
    size_t n;
};

struct cursor {
    const char *text;
    size_t len, pos;
};

/* The next line without its "\n" (and "\r"); false at the end of the text. */
static bool next_line(struct cursor *c, struct span *l) {
    if (c->pos >= c->len)
        return false;
    const char *start = c->text + c->pos;
    const char *nl = memchr(start, '\n', c->len - c->pos);
    size_t n = nl != NULL ? (size_t)(nl - start) : c->len - c->pos;
    c->pos += n + (nl != NULL);
    if (n > 0 && start[n - 1] == '\r')
        n--;
    *l = (struct span){start, n};
    return true;
}

static bool is_space(char c) {
    return c == ' ' || c == '\t';
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static struct span trim(struct span s) {
    while (s.n > 0 && is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n > 0 && is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

static struct span span_of(const char *s) {
    return (struct span){s, strlen(s)};
}

static bool starts_with(struct span s, const char *prefix) {
    size_t n = strlen(prefix);
    return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

static bool ends_with(struct span s, const char *suffix) {
    size_t n = strlen(suffix);
    return s.n >= n && memcmp(s.p + s.n - n, suffix, n) == 0;
}

/* Where needle first occurs in s, or NULL. */
static const char *find(struct span s, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; n > 0 && i + n <= s.n; i++)
        if (s.p[i] == needle[0] && memcmp(s.p + i, needle, n) == 0)
            return s.p + i;
    return NULL;
}

/* s from p (a pointer into s) on. */
static struct span from(struct span s, const char *p) {
    return (struct span){p, s.n - (size_t)(p - s.p)};
}

/* s up to p (a pointer into s). */
static struct span upto(struct span s, const char *p) {
    return (struct span){s.p, (size_t)(p - s.p)};
}

/* The text after the first "marker" in s; false when marker is not there. */
static bool after(struct span s, const char *marker, struct span *rest) {
    const char *at = find(s, marker);
    if (at == NULL)
        return false;
    *rest = from(s, at + strlen(marker));
    return true;
}

/* Copies s into dst[cap] truncated, NUL-terminated, and returns the length copied. */
static size_t copy_span(char *dst, size_t cap, struct span s) {
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    memcpy(dst, s.p, n);
    dst[n] = '\0';
    return n;
}

/* Appends s to dst[cap] (holding *len bytes) as far as it fits. */
static void append(char *dst, size_t cap, size_t *len, struct span s) {
    if (*len + 1 >= cap)
        return;
    *len += copy_span(dst + *len, cap - *len, s);
}

/* The lower-case words of s joined by '-' ("concurrent map writes" -> "concurrent-map-
 * writes"): a kind that is safe in a directory name. */
static void slug(struct span s, char *dst, size_t cap) {
    size_t n = 0;
    bool dash = false;
    for (size_t i = 0; i < s.n && n + 1 < cap; i++) {
        char c = s.p[i];
        if (!is_alnum(c)) {
            dash = n > 0;
            continue;
        }
        if (dash && n + 2 < cap)
            dst[n++] = '-';
        dash = false;
        dst[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    dst[n] = '\0';
}

/* Parses the decimal digits of s into *v (saturating); false when s holds anything else. */
static bool parse_uint(struct span s, int *v) {
    long acc = 0;
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        if (!is_digit(s.p[i]))
            return false;
        if (acc < 100000000)
            acc = acc * 10 + (s.p[i] - '0');
    }
    *v = (int)acc;
    return true;
}

/* Splits "path:LINE" or "path:LINE:COL" into path and line; false when it is neither. */
static bool split_location(struct span s, struct span *path, int *line) {
    int col = 0;
    for (int parts = 0; parts < 2; parts++) {
        const char *colon = NULL;
        for (size_t i = s.n; i > 0; i--)
            if (s.p[i - 1] == ':') {
                colon = s.p + i - 1;
                break;
            }
        if (colon == NULL || !parse_uint(from(s, colon + 1), parts == 0 ? &col : line)) {
            if (parts == 0)
                return false;
            *line = col; /* only one number: it was the line */
            *path = s;
            return s.n > 0;
        }
        s = upto(s, colon);
    }
    *path = s;
    return s.n > 0;
}

/* ---- which frames are the project's own ---------------------------------------------- */

/* Name prefixes of runtimes, standard libraries, sanitizers, engines and racefuzz itself. */
static const char *const foreign_func_prefixes[] = {
    "runtime.",     "runtime/",       "sync.",      "sync/",
    "internal/",    "net/http.",      "testing.",   "racefuzz/go/adapter.",
    "main.rfgo_",   "_cgoexp_",       "__asan",     "__tsan",
    "__lsan",       "__ubsan",        "__msan",     "__interceptor_",
    "__sanitizer",  "__libc_",        "__GI_",      "__pthread",
    "pthread_",     "fuzzer::",       "LLVMFuzzer", "std::",
    "operator new", "operator delete"};

/* C library functions that report frames name without a source file of ours. */
static const char *const libc_funcs[] = {
    "memcpy",       "memmove", "memset",  "memcmp",  "memchr", "strlen",    "strnlen",
    "strcmp",       "strncmp", "strcpy",  "strncpy", "strcat", "strdup",    "strndup",
    "malloc",       "calloc",  "realloc", "free",    "abort",  "raise",     "gsignal",
    "start_thread", "clone",   "clone3",  "_start",  "pause",  "nanosleep", "usleep",
    "sleep",        "poll",    "read",    "write",   "exit",   "_exit",     "backtrace",
    "__restore_rt", "panic"};

/* Source paths of foreign code: system and toolchain trees, Go's generated wrappers.
 * GOROOTs under /usr (/usr/local/go, /usr/lib/go-*) are caught by the first; others by the
 * runtime directory every GOROOT has. */
static const char *const foreign_file_prefixes[] = {"/usr/", "<autogenerated>", "_cgo_"};
static const char *const foreign_file_infixes[] = {"/src/runtime/", "compiler-rt/",
                                                   "/sanitizer_common/", "golang.org/toolchain"};

/* racefuzz's harness and driver files: their frames sit under every target's stack. The
 * flat names of the earlier layout stay: reports stored by older builds keep their
 * signatures. */
static const char *const racefuzz_files[] = {
    "fuzz/frames/frames_driver.c", "fuzz/frames/harness.c", "fuzz/frames/frames_sched.c",
    "fuzz/go/harness.c",           "fuzz/replay_main.c",    "fuzz/frames_driver.c",
    "fuzz/frames_harness.c",       "fuzz/frames_sched.c",   "fuzz/go_harness.c"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool any_prefix(struct span s, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (starts_with(s, list[i]))
            return true;
    return false;
}

/* module: the binary or library a C frame names in parentheses ("" when none). */
static bool is_foreign(const struct signature_frame *f, struct span module) {
    struct span func = span_of(f->func), file = span_of(f->file);
    if (func.n == 0 || (file.n == 0 && find(func, "+0x") != NULL))
        return true; /* unsymbolised: an address says nothing stable about the bug */
    if (any_prefix(func, foreign_func_prefixes, COUNT_OF(foreign_func_prefixes)) ||
        any_prefix(file, foreign_file_prefixes, COUNT_OF(foreign_file_prefixes)))
        return true;
    for (size_t i = 0; i < COUNT_OF(libc_funcs); i++)
        if (strcmp(f->func, libc_funcs[i]) == 0)
            return true;
    for (size_t i = 0; i < COUNT_OF(foreign_file_infixes); i++)
        if (find(file, foreign_file_infixes[i]) != NULL)
            return true;
    for (size_t i = 0; i < COUNT_OF(racefuzz_files); i++)
        if (ends_with(file, racefuzz_files[i]))
            return true;
    /* glibc's debug info names its sources relative to its build tree, through "." or
     * "..": "csu/../csu/libc-start.c", "nptl/./nptl/pthread_create.c". */
    if (file.n > 0 && file.p[0] != '/' && file.p[0] != '.' &&
        (find(file, "/./") != NULL || find(file, "/../") != NULL))
        return true;
    /* No source file: a system library's frame, or libFuzzer's main (built without -g). */
    return file.n == 0 && (starts_with(module, "/lib") || starts_with(module, "/usr/") ||
                           strcmp(f->func, "main") == 0);
}

/* ---- stacks --------------------------------------------------------------------------- */

/* One stack as read: its user frames, and its top frames for when it has none. */
struct stack {
    struct signature_frame user[SIG_MAX_FRAMES], top[SIG_MAX_FRAMES];
    size_t nuser, ntop;
};

static void stack_add(struct stack *s, const struct signature_frame *f, bool foreign) {
    if (s->ntop < SIG_MAX_FRAMES)
        s->top[s->ntop++] = *f;
    if (!foreign && s->nuser < SIG_MAX_FRAMES)
        s->user[s->nuser++] = *f;
}

/* The frames a signature uses: the user frames, or the top frames when there are none. */
static size_t stack_pick(const struct stack *s, struct signature_frame *out) {
    size_t n = s->nuser > 0 ? s->nuser : s->ntop;
    memcpy(out, s->nuser > 0 ? s->user : s->top, n * sizeof(*out));
    return n;
}

/* The state lines of frames: their top SIG_STATE_FRAMES names, one a line. */
static void frames_text(const struct signature_frame *f, size_t n, char *dst, size_t cap) {
    size_t len = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < n && i < SIG_STATE_FRAMES; i++) {
        append(dst, cap, &len, span_of(f[i].func));
        append(dst, cap, &len, span_of("\n"));
    }
}

/* Of several stacks (the goroutines of a dump, the workers of a hang), keeps in *best the
 * one whose state lines sort first: the choice does not depend on the dump's order. */
static void stack_keep_least(struct stack *best, const struct stack *cand) {
    char a[SIG_STATE_FRAMES * 256], b[SIG_STATE_FRAMES * 256];
    if (cand->nuser == 0)
        return;
    if (best->nuser > 0) {
        frames_text(best->user, best->nuser, a, sizeof(a));
        frames_text(cand->user, cand->nuser, b, sizeof(b));
        if (strcmp(b, a) >= 0)
            return;
    }
    *best = *cand;
}

/* Go: "pkg.(*T).Method(0xc000..., {...})" -> "pkg.(*T).Method": the trailing argument list
 * goes, the receiver's parentheses stay. */
static struct span go_name(struct span s) {
    int depth = 0;
    for (size_t i = s.n; i > 0; i--) {
        char c = s.p[i - 1];
        depth += c == ')' ? 1 : c == '(' ? -1 : 0;
        if (depth == 0)
            return i > 1 ? (struct span){s.p, i - 1} : s;
    }
    return s;
}

/* One Go frame, as tracebacks ("pkg.F(args)" then "\t/path/f.go:LINE +0xOFF") and race
 * reports ("  pkg.F()" then "      /path/f.go:LINE +0xOFF") print it. Consumes the two
 * lines only when they are one. */
static bool read_go_frame(struct cursor *c, struct signature_frame *f, struct span *module) {
    struct cursor k = *c;
    struct span fn, loc, path;
    if (!next_line(&k, &fn) || !next_line(&k, &loc))
        return false;
    fn = trim(fn);
    if (fn.n == 0 || fn.p[fn.n - 1] != ')' || loc.n == 0 || !is_space(loc.p[0]))
        return false;
    loc = trim(loc);
    const char *sp = find(loc, " ");
    if (sp != NULL)
        loc = upto(loc, sp); /* drop " +0x95" */
    if (!split_location(loc, &path, &f->line))
        return false;
    copy_span(f->func, sizeof(f->func), go_name(fn));
    copy_span(f->file, sizeof(f->file), path);
    *module = (struct span){"", 0};
    *c = k;
    return true;
}

/* Reads Go frames until the first line that is not one ("created by", a blank line). */
static void read_go_stack(struct cursor *c, struct stack *s) {
    struct signature_frame f;
    struct span module;
    while (read_go_frame(c, &f, &module))
        stack_add(s, &f, is_foreign(&f, module));
}

/* The token at the start of s: up to the first space outside parentheses, so a C++
 * signature "f(unsigned char const*, unsigned long)" stays whole. */
static struct span token(struct span s) {
    int depth = 0;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        if (is_space(c) && depth <= 0)
            return (struct span){s.p, i};
    }
    return s;
}

/* "(module+0xOFF)" -> "module+0xOFF". */
static struct span unparen(struct span s) {
    if (s.n >= 2 && s.p[0] == '(' && s.p[s.n - 1] == ')')
        return (struct span){s.p + 1, s.n - 2};
    return s;
}

/* The location part of a sanitizer frame: "file:line:col", "file", "<null>" or a
 * "(module+0xOFF)" alone. */
static void c_location(struct span rest, struct signature_frame *f, struct span *module) {
    struct span loc = token(rest), path;
    if (loc.n > 0 && loc.p[0] != '(' && !starts_with(loc, "<null>")) {
        if (split_location(loc, &path, &f->line))
            copy_span(f->file, sizeof(f->file), path);
        else
            copy_span(f->file, sizeof(f->file), loc);
        rest = trim(from(rest, loc.p + loc.n));
        loc = token(rest);
    } else if (starts_with(loc, "<null>")) {
        rest = trim(from(rest, loc.p + loc.n));
        loc = token(rest);
    }
    if (loc.n > 0 && loc.p[0] == '(') {
        *module = unparen(loc);
        const char *plus = find(*module, "+");
        if (plus != NULL)
            *module = upto(*module, plus);
    }
}

/* One sanitizer frame: "#N 0xPC in func file:line:col", TSan's "#N func file:line:col
 * (module+0xOFF)", or an unsymbolised "#N 0xPC  (module+0xOFF)". */
static bool parse_c_frame(struct span l, int *num, struct signature_frame *f, struct span *module) {
    l = trim(l);
    size_t i = 1;
    while (i < l.n && is_digit(l.p[i]))
        i++;
    if (l.n < 3 || l.p[0] != '#' || i == 1 || i >= l.n || l.p[i] != ' ' ||
        !parse_uint((struct span){l.p + 1, i - 1}, num))
        return false;
    struct span rest = trim(from(l, l.p + i));
    if (starts_with(rest, "0x"))
        rest = trim(from(rest, token(rest).p + token(rest).n));
    if (starts_with(rest, "in "))
        rest = trim(from(rest, rest.p + 3));
    memset(f, 0, sizeof(*f));
    *module = (struct span){"", 0};
    struct span fn = token(rest);
    if (fn.n > 0 && fn.p[0] == '(') { /* no symbol: the module+offset is all there is */
        copy_span(f->func, sizeof(f->func), unparen(fn));
        c_location(rest, f, module);
        return true;
    }
    if (fn.n == strlen("operator") && starts_with(fn, "operator")) { /* "operator new(...)" */
        struct span next = token(trim(from(rest, fn.p + fn.n)));
        fn = (struct span){fn.p, (size_t)(next.p + next.n - fn.p)};
    }
    struct span loc = trim(from(rest, fn.p + fn.n));
    const char *paren = find(fn, "(");
    if (paren != NULL && paren > fn.p)
        fn = upto(fn, paren); /* C++ parameter list */
    copy_span(f->func, sizeof(f->func), fn);
    c_location(loc, f, module);
    return true;
}

/* Reads the first sanitizer stack starting within `gap` lines: "#0" and the frames after
 * it, up to the first other line or the next "#0". False when there is none. */
static bool read_c_stack(struct cursor *c, size_t gap, struct stack *s) {
    struct cursor k = *c;
    struct span l, module;
    struct signature_frame f;
    int num;
    for (size_t skipped = 0; s->ntop == 0; skipped++) {
        if (skipped > gap || !next_line(&k, &l))
            return false;
        if (parse_c_frame(l, &num, &f, &module) && num == 0)
            stack_add(s, &f, is_foreign(&f, module));
    }
    for (struct cursor peek = k; next_line(&peek, &l); k = peek) {
        if (!parse_c_frame(l, &num, &f, &module) || num == 0)
            break;
        stack_add(s, &f, is_foreign(&f, module));
    }
    *c = k;
    return true;
}

/* ---- message normalisation (invariants, stackless findings) --------------------------- */

/* Appends the word w (letters and digits) with its numbers folded: a run of 8 or more hex
 * digits with a digit among them (hashes, ids) becomes "H", every digit run "N". */
static void fold_word(struct span w, char *dst, size_t cap, size_t *len) {
    bool hex = w.n >= 8, digit = false;
    for (size_t i = 0; i < w.n; i++) {
        hex = hex && is_hex(w.p[i]);
        digit = digit || is_digit(w.p[i]);
    }
    if (hex && digit) {
        append(dst, cap, len, span_of("H"));
        return;
    }
    for (size_t i = 0; i < w.n;) {
        size_t j = i;
        while (j < w.n && is_digit(w.p[j]) == is_digit(w.p[i]))
            j++;
        append(dst, cap, len, is_digit(w.p[i]) ? span_of("N") : (struct span){w.p + i, j - i});
        i = j;
    }
}

/* The end of the quoted string opening at s.p[0], after its closing quote (or s's end). */
static size_t quoted_end(struct span s, bool *plain) {
    *plain = true;
    for (size_t i = 1; i < s.n; i++) {
        if (s.p[i] == '\\' || is_space(s.p[i]))
            *plain = false;
        if (s.p[i] == '\\')
            i++;
        else if (s.p[i] == '"')
            return i + 1;
    }
    *plain = false;
    return s.n;
}

/* Folds a message so the same finding with other data reads the same: numbers and hex
 * as in fold_word, "0x..." as "0xH", an id-like quoted string ("o-1") folded inside, a
 * quoted payload (spaces, escapes, long) as "*". */
static void fold_message(struct span s, char *dst, size_t cap) {
    size_t len = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < s.n;) {
        struct span rest = from(s, s.p + i);
        size_t j = i + 1;
        if (s.p[i] == '"') {
            bool plain;
            j = i + quoted_end(rest, &plain);
            if (plain && j - i <= 40) {
                append(dst, cap, &len, span_of("\""));
                fold_message((struct span){s.p + i + 1, j - i - 2}, dst + len, cap - len);
                len += strlen(dst + len);
                append(dst, cap, &len, span_of("\""));
            } else {
                append(dst, cap, &len, span_of("\"*\""));
            }
        } else if (starts_with(rest, "0x") && rest.n > 2 && is_hex(rest.p[2])) {
            for (j = i + 2; j < s.n && is_alnum(s.p[j]);)
                j++;
            append(dst, cap, &len, span_of("0xH"));
        } else if (is_alnum(s.p[i])) {
            for (j = i; j < s.n && is_alnum(s.p[j]);)
                j++;
            fold_word((struct span){s.p + i, j - i}, dst, cap, &len);
        } else {
            append(dst, cap, &len, (struct span){s.p + i, 1});
        }
        i = j;
    }
}

/* ---- recognisers ---------------------------------------------------------------------- */

/* The matching line and the text after it. */
struct hit {
    struct span line;
    struct cursor after;
};

static void set_frames(struct signature_result *out, int which, const struct stack *s) {
    out->nframes[which] = stack_pick(s, out->frames[which]);
}

/* "Read at 0x... by goroutine 7:" / "Previous write of size 1 at ..." -> the words
 * before " at ". */
static struct span access_words(struct span l) {
    l = trim(l);
    const char *at = find(l, " at ");
    return at != NULL ? upto(l, at) : l;
}

/* Both kinds of race report: the access line, its stack, then "Previous ..." and its
 * stack, up to the report's "==================" line. */
static bool parse_race(struct hit *h, struct signature_result *out, bool go) {
    struct stack s1 = {0}, s2 = {0};
    struct span l = {"", 0}, acc1, acc2 = {"", 0};
    while (next_line(&h->after, &l) && trim(l).n == 0)
        ;
    acc1 = access_words(l);
    if (go)
        read_go_stack(&h->after, &s1);
    else
        read_c_stack(&h->after, 0, &s1);
    if (s1.ntop == 0)
        return false;
    while (next_line(&h->after, &l) && !starts_with(l, "==================")) {
        if (starts_with(trim(l), "Previous ")) {
            acc2 = access_words(l);
            if (go)
                read_go_stack(&h->after, &s2);
            else
                read_c_stack(&h->after, 0, &s2);
            break;
        }
    }
    size_t n = copy_span(out->detail, sizeof(out->detail), acc1);
    if (acc2.n > 0) {
        append(out->detail, sizeof(out->detail), &n, span_of(" vs "));
        append(out->detail, sizeof(out->detail), &n, acc2);
    }
    set_frames(out, 0, &s1);
    set_frames(out, 1, &s2);
    return true;
}

static bool parse_go_race(struct hit *h, struct signature_result *out) {
    snprintf(out->kind, sizeof(out->kind), "go-data-race");
    return parse_race(h, out, true);
}

/* "WARNING: ThreadSanitizer: data race (pid=1)" -> "data-race"; other TSan reports
 * (lock-order-inversion, heap-use-after-free) get their own kind and their first stack. */
static bool parse_tsan(struct hit *h, struct signature_result *out) {
    struct span what;
    after(h->line, "ThreadSanitizer: ", &what);
    const char *paren = find(what, " (");
    slug(paren != NULL ? upto(what, paren) : what, out->kind, sizeof(out->kind));
    return out->kind[0] != '\0' && parse_race(h, out, false);
}

/* ASan names the bug in its SUMMARY line ("SUMMARY: AddressSanitizer: double-free ...");
 * the ERROR line words it less uniformly ("attempting double-free on ..."). */
static bool parse_asan(struct hit *h, struct signature_result *out) {
    struct span rest, l, kind = {"", 0};
    after(h->line, "AddressSanitizer: ", &rest);
    kind = token(rest);
    const char *pc = find(rest, " (pc");
    copy_span(out->detail, sizeof(out->detail), pc != NULL ? upto(rest, pc) : rest);
    struct cursor k = h->after;
    for (size_t i = 0; i < SIG_REPORT_LINES && next_line(&k, &l); i++) {
        if (after(l, "SUMMARY: AddressSanitizer: ", &rest)) {
            kind = token(rest);
            break;
        }
        if (find(l, "ERROR: ") != NULL || find(l, "==ABORTING") != NULL)
            break;
    }
    if (starts_with(kind, "attempting"))
        kind = token(trim(from(rest, rest.p + kind.n)));
    if (kind.n > 0 && kind.p[kind.n - 1] == ':')
        kind.n--;
    slug(kind, out->kind, sizeof(out->kind));
    k = h->after;
    if (next_line(&k, &l) && (starts_with(l, "READ of size") || starts_with(l, "WRITE of size")))
        copy_span(out->detail, sizeof(out->detail), access_words(l));
    struct stack s = {0};
    if (out->kind[0] == '\0' || !read_c_stack(&h->after, SIG_STACK_GAP, &s))
        return false;
    set_frames(out, 0, &s);
    return true;
}

/* The first "Direct leak" (else "Indirect leak") and its allocation stack. */
static bool parse_lsan(struct hit *h, struct signature_result *out) {
    static const char *const leaks[] = {"Direct leak of ", "Indirect leak of "};
    snprintf(out->kind, sizeof(out->kind), "memory-leak");
    for (size_t i = 0; i < COUNT_OF(leaks); i++) {
        struct span l;
        struct cursor k = h->after;
        for (size_t n = 0; n < SIG_REPORT_LINES && next_line(&k, &l); n++) {
            if (starts_with(l, "SUMMARY:") || find(l, "ERROR: ") != NULL)
                break; /* this report ends, or the next begins */
            if (!starts_with(l, leaks[i]))
                continue;
            const char *tail = find(l, " allocated from");
            copy_span(out->detail, sizeof(out->detail), tail != NULL ? upto(l, tail) : l);
            struct stack s = {0};
            if (!read_c_stack(&k, 1, &s))
                return false;
            set_frames(out, 0, &s);
            return true;
        }
    }
    return false;
}

/* UBSan's message -> its check's name (-fsanitize=<name>), first match wins. */
static const struct {
    const char *words, *check;
} ubsan_checks[] = {
    {"signed integer overflow", "signed-integer-overflow"},
    {"negation of", "signed-integer-overflow"},
    {"unsigned integer overflow", "unsigned-integer-overflow"},
    {"division by zero", "integer-divide-by-zero"},
    {"division of", "signed-integer-overflow"},
    {"shift exponent", "shift-exponent"},
    {"left shift of", "shift-base"},
    {"out of bounds for type", "bounds"},
    {"misaligned address", "alignment"},
    {"applying", "pointer-overflow"},
    {"pointer index expression", "pointer-overflow"},
    {"unsigned offset", "pointer-overflow"},
    {"null pointer passed as argument", "nonnull-attribute"},
    {"declared to never return null", "returns-nonnull-attribute"},
    {"null pointer", "null"},
    {"not a valid value for type 'bool'", "bool"},
    {"not a valid value for type", "enum"},
    {"unreachable program point", "unreachable"},
    {"end of a value-returning function", "return"},
    {"variable length array bound", "vla-bound"},
    {"outside the range of representable values", "float-cast-overflow"},
    {"implicit conversion", "implicit-conversion"},
    {"incorrect function type", "function"},
};

/* "file.c:12:7: runtime error: <message>", then a stack when print_stacktrace is on. */
static bool parse_ubsan(struct hit *h, struct signature_result *out) {
    struct span msg, path;
    int line = 0;
    const char *at = find(h->line, ": runtime error: ");
    if (at == NULL || !split_location(trim(upto(h->line, at)), &path, &line) ||
        find(path, " ") != NULL)
        return false;
    after(h->line, ": runtime error: ", &msg);
    copy_span(out->detail, sizeof(out->detail), msg);
    size_t n = copy_span(out->kind, sizeof(out->kind), span_of("ubsan-"));
    const char *check = NULL;
    for (size_t i = 0; i < COUNT_OF(ubsan_checks) && check == NULL; i++)
        if (find(msg, ubsan_checks[i].words) != NULL)
            check = ubsan_checks[i].check;
    if (check != NULL) {
        append(out->kind, sizeof(out->kind), &n, span_of(check));
    } else { /* a check this table does not know: the message up to its first colon */
        const char *colon = find(msg, ":");
        slug(colon != NULL ? upto(msg, colon) : msg, out->kind + n, sizeof(out->kind) - n);
    }
    struct stack s = {0};
    if (read_c_stack(&h->after, 1, &s)) {
        set_frames(out, 0, &s);
        return true;
    }
    struct signature_frame *f = &out->frames[0][0];
    snprintf(f->func, sizeof(f->func), "%.*s:%d", (int)(path.n < 200 ? path.n : 200), path.p, line);
    copy_span(f->file, sizeof(f->file), path);
    f->line = line;
    out->nframes[0] = 1;
    return true;
}

/* "goroutine 18 [running]:" and the like. */
static bool is_goroutine_header(struct span l) {
    return starts_with(l, "goroutine ") && ends_with(l, ":") && find(l, " [") != NULL;
}

/* The stack of the goroutine that threw: the first goroutine block after the message. */
static bool go_thrower(struct hit *h, struct signature_result *out) {
    struct span l;
    for (size_t i = 0; i < SIG_THROW_GAP && next_line(&h->after, &l); i++)
        if (is_goroutine_header(l)) {
            struct stack s = {0};
            read_go_stack(&h->after, &s);
            set_frames(out, 0, &s);
            return s.ntop > 0;
        }
    return false;
}

/* "fatal error: concurrent map writes" -> "go-fatal-concurrent-map-writes". */
static bool parse_go_fatal(struct hit *h, struct signature_result *out) {
    struct span msg;
    after(h->line, "fatal error: ", &msg);
    size_t n = copy_span(out->kind, sizeof(out->kind), span_of("go-fatal-"));
    slug(msg, out->kind + n, sizeof(out->kind) - n);
    copy_span(out->detail, sizeof(out->detail), trim(msg));
    return go_thrower(h, out);
}

static bool parse_go_panic(struct hit *h, struct signature_result *out) {
    struct span msg;
    after(h->line, "panic: ", &msg);
    snprintf(out->kind, sizeof(out->kind), "go-panic");
    copy_span(out->detail, sizeof(out->detail), trim(msg));
    return go_thrower(h, out);
}

/* go-mode's oracle kinds -> signature kinds. */
static const struct {
    const char *oracle, *kind;
} go_mode_kinds[] = {
    {"panic", "go-panic"}, {"hang", "go-hang"}, {"leak", "go-leak"}, {"invariant", "go-invariant"}};

/* Of a dump of every goroutine, the one of the target's own that sorts first: racefuzz's
 * goroutines (adapter, main.rfgo_*, runtime) have no user frame and drop out. */
static bool least_user_goroutine(struct cursor c, struct stack *best) {
    struct span l;
    while (next_line(&c, &l) && !starts_with(l, "racefuzz: go-mode ") && !starts_with(l, "==")) {
        if (!is_goroutine_header(l))
            continue;
        struct stack s = {0};
        read_go_stack(&c, &s);
        stack_keep_least(best, &s);
    }
    return best->nuser > 0;
}

/* "racefuzz: go-mode <kind>: <message>" (or http-mode), then the stacks. An invariant has
 * none: its folded message is the state; so it is for a hang or leak whose goroutines are
 * all racefuzz's own, and for http-mode findings without a goroutine dump (a 5xx, a broken
 * expectation). */
static bool parse_mode(struct hit *h, struct signature_result *out, const char *marker,
                       const char *kind_prefix) {
    struct span rest, msg;
    after(h->line, marker, &rest);
    const char *colon = find(rest, ": ");
    if (colon == NULL)
        return false;
    struct span oracle = upto(rest, colon);
    msg = trim(from(rest, colon + 2));
    size_t n = copy_span(out->kind, sizeof(out->kind), span_of(kind_prefix));
    slug(oracle, out->kind + n, sizeof(out->kind) - n);
    for (size_t i = 0; i < COUNT_OF(go_mode_kinds) && strcmp(kind_prefix, "go-") == 0; i++)
        if (oracle.n == strlen(go_mode_kinds[i].oracle) &&
            memcmp(oracle.p, go_mode_kinds[i].oracle, oracle.n) == 0)
            snprintf(out->kind, sizeof(out->kind), "%s", go_mode_kinds[i].kind);
    copy_span(out->detail, sizeof(out->detail), msg);
    struct stack best = {0};
    if (strcmp(out->kind, "go-invariant") != 0 && least_user_goroutine(h->after, &best))
        set_frames(out, 0, &best);
    else
        fold_message(msg, out->state, sizeof(out->state));
    return true;
}

static bool parse_go_mode(struct hit *h, struct signature_result *out) {
    return parse_mode(h, out, "racefuzz: go-mode ", "go-");
}

static bool parse_http_mode(struct hit *h, struct signature_result *out) {
    return parse_mode(h, out, "racefuzz: http-mode ", "http-");
}

/* frames mode's watchdog: "racefuzz: error: hang: N of M workers ...", then
 * "racefuzz: hang: stack of worker NN:" and a sanitizer stack per late worker. */
static bool parse_frames_hang(struct hit *h, struct signature_result *out) {
    struct span msg, l;
    after(h->line, "racefuzz: error: hang: ", &msg);
    snprintf(out->kind, sizeof(out->kind), "hang");
    copy_span(out->detail, sizeof(out->detail), trim(msg));
    struct stack best = {0};
    while (next_line(&h->after, &l) && find(l, "hang: aborting") == NULL &&
           find(l, "ERROR: libFuzzer") == NULL) {
        struct stack s = {0};
        if (find(l, "racefuzz: hang: stack of worker") != NULL && read_c_stack(&h->after, 1, &s))
            stack_keep_least(&best, &s);
    }
    if (best.nuser > 0)
        set_frames(out, 0, &best);
    else
        fold_message(msg, out->state, sizeof(out->state));
    return true;
}

/* libFuzzer's own findings; what follows "ERROR: libFuzzer: " -> kind, first match wins. */
static const struct {
    const char *words, *kind;
} libfuzzer_kinds[] = {
    {"deadly signal", "deadly-signal"},
    {"timeout", "timeout"},
    {"out-of-memory", "oom"},
    {"fuzz target exited", "target-exited"},
    {"overwrites its const input", "overwrites-const-input"},
};

static bool parse_libfuzzer(struct hit *h, struct signature_result *out) {
    struct span what;
    after(h->line, "ERROR: libFuzzer: ", &what);
    what = trim(what);
    copy_span(out->detail, sizeof(out->detail), what);
    slug(what, out->kind, sizeof(out->kind));
    for (size_t i = 0; i < COUNT_OF(libfuzzer_kinds); i++)
        if (starts_with(what, libfuzzer_kinds[i].words))
            snprintf(out->kind, sizeof(out->kind), "%s", libfuzzer_kinds[i].kind);
    struct stack s = {0};
    if (read_c_stack(&h->after, SIG_STACK_GAP, &s))
        set_frames(out, 0, &s);
    return out->kind[0] != '\0';
}

enum signature_recogniser {
    SIG_REC_GO_RACE,
    SIG_REC_TSAN,
    SIG_REC_ASAN,
    SIG_REC_LSAN,
    SIG_REC_UBSAN,
    SIG_REC_GO_FATAL,
    SIG_REC_GO_PANIC,
    SIG_REC_GO_MODE,
    SIG_REC_HTTP_MODE,
    SIG_REC_FRAMES_HANG,
    SIG_REC_LIBFUZZER,
    SIG_REC_COUNT
};

/* In priority order: the most specific report wins over the ones that merely follow from
 * it (libFuzzer's "deadly signal" after a go-mode finding, "fuzz target exited" after a
 * Go race report). */
static const struct recogniser {
    const char *marker;
    bool line_start; /* the marker must begin the line (after indentation) */
    bool (*parse)(struct hit *h, struct signature_result *out);
} recognisers[SIG_REC_COUNT] = {
    [SIG_REC_GO_RACE] = {"WARNING: DATA RACE", true, parse_go_race},
    [SIG_REC_TSAN] = {"WARNING: ThreadSanitizer: ", false, parse_tsan},
    [SIG_REC_ASAN] = {"ERROR: AddressSanitizer: ", false, parse_asan},
    [SIG_REC_LSAN] = {"ERROR: LeakSanitizer: detected memory leaks", false, parse_lsan},
    [SIG_REC_UBSAN] = {": runtime error: ", false, parse_ubsan},
    [SIG_REC_GO_FATAL] = {"fatal error: ", true, parse_go_fatal},
    [SIG_REC_GO_PANIC] = {"panic: ", true, parse_go_panic},
    [SIG_REC_GO_MODE] = {"racefuzz: go-mode ", true, parse_go_mode},
    [SIG_REC_HTTP_MODE] = {"racefuzz: http-mode ", true, parse_http_mode},
    [SIG_REC_FRAMES_HANG] = {"racefuzz: error: hang: ", true, parse_frames_hang},
    [SIG_REC_LIBFUZZER] = {"ERROR: libFuzzer: ", false, parse_libfuzzer},
};

/* Tries r on every line carrying its marker until one parses. */
static bool recognise(const struct recogniser *r, const char *text, size_t len,
                      struct signature_result *out) {
    struct cursor c = {text, len, 0};
    struct span l;
    while (next_line(&c, &l)) {
        bool hit = r->line_start ? starts_with(trim(l), r->marker) : find(l, r->marker) != NULL;
        if (!hit)
            continue;
        struct hit h = {l, c};
        memset(out, 0, sizeof(*out));
        if (r->parse(&h, out))
            return true;
    }
    return false;
}

/* ---- state and key -------------------------------------------------------------------- */

static uint64_t fnv1a(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

/* KIND, then either the folded message a recogniser left in state or the frames: a
 * race's two stacks in sorted order, so swapping the accesses changes nothing. */
static void finish(struct signature_result *out) {
    char body[sizeof(out->state)], a[sizeof(out->state)], b[sizeof(out->state)];
    size_t len = 0;
    copy_span(body, sizeof(body), span_of(out->state));
    append(out->state, sizeof(out->state), &len, span_of(out->kind));
    append(out->state, sizeof(out->state), &len, span_of("\n"));
    if (body[0] != '\0') {
        append(out->state, sizeof(out->state), &len, span_of(body));
        append(out->state, sizeof(out->state), &len, span_of("\n"));
    } else {
        frames_text(out->frames[0], out->nframes[0], a, sizeof(a));
        frames_text(out->frames[1], out->nframes[1], b, sizeof(b));
        bool swap = out->nframes[1] > 0 && strcmp(b, a) < 0;
        append(out->state, sizeof(out->state), &len, span_of(swap ? b : a));
        if (out->nframes[1] > 0) {
            append(out->state, sizeof(out->state), &len, span_of("--\n"));
            append(out->state, sizeof(out->state), &len, span_of(swap ? a : b));
        }
    }
    snprintf(out->key, sizeof(out->key), "%016llx", (unsigned long long)fnv1a(out->state));
}

const char *signature_report_start(const char *text) {
    const char *best = NULL;
    for (size_t i = 0; text != NULL && i < SIG_REC_COUNT; i++) {
        const char *s = strstr(text, recognisers[i].marker);
        if (s != NULL && (best == NULL || s < best))
            best = s;
    }
    if (best == NULL)
        return text;
    while (best > text && best[-1] != '\n') /* the whole line ("==123==ERROR: ...") */
        best--;
    return best;
}

void signature_unrecognised(const char *id, const char *detail, struct signature_result *out) {
    memset(out, 0, sizeof(*out));
    snprintf(out->kind, sizeof(out->kind), "%s", SIG_KIND_UNRECOGNISED);
    snprintf(out->detail, sizeof(out->detail), "%s", detail);
    snprintf(out->state, sizeof(out->state), "%s", id); /* finish() keeps a message body */
    finish(out);
}

bool signature_from_report(const char *text, size_t len, struct signature_result *out) {
    memset(out, 0, sizeof(*out));
    if (text == NULL)
        return false;
    for (size_t i = 0; i < SIG_REC_COUNT; i++)
        if (recognise(&recognisers[i], text, len, out)) {
            finish(out);
            return true;
        }
    memset(out, 0, sizeof(*out));
    return false;
}
