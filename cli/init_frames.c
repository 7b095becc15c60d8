/* `racefuzz init --frames HEADER.h`: a first frames section for a C library. The header
 * is scanned, not compiled: comments, strings and preprocessor lines are blanked, then
 * every "name(params)" followed by ';' or '{' is a function. The entry point proposed is
 * the best match for frames mode's contract, int f(const uint8_t *buf, size_t len);
 * functions without parameters named *init* / *reset* become the optional hooks. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "fileio.h"
#include "init_tool.h"
#include "log.h"
#include "rf_config.h"

/* One function the scan found. */
struct init_fn {
    char name[128];
    int score;  /* entry-point fitness; < 0: not a (buffer, length) function */
    bool exact; /* int f(const uint8_t *, size_t): usable as "decode" as it is */
    bool no_params;
};

struct init_scan {
    struct init_fn best, init, reset;
    int functions;
};

/* Blanks what is not declarations: comments, string and char literals, # lines. */
static void blank_noise(char *s) {
    for (char *p = s; *p != '\0'; p++) {
        char *end = NULL;
        if (p[0] == '/' && p[1] == '*')
            end = strstr(p + 2, "*/"), end = end != NULL ? end + 2 : p + strlen(p);
        else if (p[0] == '/' && p[1] == '/')
            end = p + strcspn(p, "\n");
        else if (*p == '"' || *p == '\'') {
            end = p + 1;
            while (*end != '\0' && *end != *p && *end != '\n')
                end += end[0] == '\\' && end[1] != '\0' ? 2 : 1;
            end += *end == *p;
        } else if (*p == '#' && (p == s || p[-1] == '\n')) {
            end = p;
            while (*end != '\0' && !(end[0] == '\n' && end[-1] != '\\'))
                end++;
        }
        if (end == NULL)
            continue;
        for (char *q = p; q < end; q++)
            if (*q != '\n')
                *q = ' ';
        p = end - 1;
    }
}

static bool has_word(const char *s, size_t n, const char *w) {
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if (strncmp(s + i, w, wl) == 0 &&
            (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')) &&
            (i + wl == n || !(isalnum((unsigned char)s[i + wl]) || s[i + wl] == '_')))
            return true;
    return false;
}

/* Fitness of a (buffer, length) parameter list: params spans n bytes without parens. */
static int score_params(const char *p, size_t n, bool *exact) {
    const char *comma = memchr(p, ',', n);
    *exact = false;
    if (comma == NULL || memchr(comma + 1, ',', n - (size_t)(comma + 1 - p)) != NULL)
        return -1;
    size_t n1 = (size_t)(comma - p), n2 = n - n1 - 1;
    bool ptr = memchr(p, '*', n1) != NULL;
    bool bytes = has_word(p, n1, "uint8_t") || has_word(p, n1, "unsigned");
    bool chars = bytes || has_word(p, n1, "char") || has_word(p, n1, "void");
    bool size = has_word(comma + 1, n2, "size_t");
    bool len = size || has_word(comma + 1, n2, "int") || has_word(comma + 1, n2, "unsigned") ||
               has_word(comma + 1, n2, "uint32_t") || has_word(comma + 1, n2, "long");
    if (!ptr || !chars || !len || memchr(comma + 1, '*', n2) != NULL)
        return -1;
    bool cst = has_word(p, n1, "const");
    *exact = cst && bytes && size;
    return 10 + (bytes ? 8 : 0) + (size ? 8 : 0) + (cst ? 4 : 0);
}

static const char *const entry_words[] = {"decode", "parse", "process", "feed",   "read",
                                          "handle", "input", "fuzz",    "unpack", "load"};

static int name_bonus(const char *name) {
    for (size_t i = 0; i < sizeof entry_words / sizeof entry_words[0]; i++)
        if (strcasestr(name, entry_words[i]) != NULL)
            return 3;
    return 0;
}

/* The return type: the words between the previous declaration's end and the name. */
static bool returns_int(const char *text, const char *name_start) {
    const char *b = name_start;
    while (b > text && strchr(";{}", b[-1]) == NULL)
        b--;
    return has_word(b, (size_t)(name_start - b), "int") &&
           memchr(b, '*', (size_t)(name_start - b)) == NULL;
}

static bool no_params(const char *p, size_t n) {
    while (n > 0 && isspace((unsigned char)*p))
        p++, n--;
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    return n == 0 || (n == 4 && strncmp(p, "void", 4) == 0);
}

static void consider(struct init_scan *s, const char *text, const char *name, size_t nlen,
                     const char *params, size_t plen) {
    static const char *const keywords[] = {"if", "while", "for", "switch", "return", "sizeof"};
    struct init_fn f = {.score = -1};
    if (nlen == 0 || nlen >= sizeof f.name)
        return;
    memcpy(f.name, name, nlen);
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcmp(f.name, keywords[i]) == 0)
            return;
    s->functions++;
    f.no_params = no_params(params, plen);
    if (f.no_params) {
        if (strcasestr(f.name, "init") != NULL && s->init.name[0] == '\0')
            s->init = f;
        else if ((strcasestr(f.name, "reset") != NULL || strcasestr(f.name, "clear") != NULL) &&
                 s->reset.name[0] == '\0')
            s->reset = f;
        return;
    }
    f.score = score_params(params, plen, &f.exact);
    if (f.score < 0)
        return;
    f.exact = f.exact && returns_int(text, name);
    f.score += name_bonus(f.name) + (f.exact ? 5 : 0);
    if (f.score > s->best.score)
        s->best = f;
}

/* Every identifier followed by a parenthesised list and then ';' or '{'. */
static void scan(struct init_scan *s, const char *text) {
    s->best.score = -1;
    for (const char *p = strchr(text, '('); p != NULL; p = strchr(p + 1, '(')) {
        const char *e = p;
        while (e > text && isspace((unsigned char)e[-1]))
            e--;
        const char *b = e;
        while (b > text && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
            b--;
        const char *close = strchr(p, ')');
        if (b == e || isdigit((unsigned char)*b) || close == NULL ||
            memchr(p + 1, '(', (size_t)(close - p)))
            continue;
        const char *after = close + 1;
        while (isspace((unsigned char)*after))
            after++;
        if (*after == ';' || *after == '{')
            consider(s, text, b, (size_t)(e - b), p + 1, (size_t)(close - p - 1));
    }
}

/* path relative to dir when inside it, else as it is (both absolute). */
static const char *rel_to(const char *dir, const char *path) {
    size_t n = strlen(dir);
    if (strncmp(path, dir, n) == 0 && path[n] == '/')
        return path + n + 1;
    return strcmp(path, dir) == 0 ? "." : path;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Adds dir's .c files (only base.c when want_base and it exists); returns how many. */
static int add_c_files(cJSON *arr, const char *dir, const char *base, bool want_base,
                       const char *cfg_dir) {
    char c[PATH_MAX * 2];
    struct stat st;
    int added = 0;
    snprintf(c, sizeof c, "%s/%s.c", dir, base);
    if (want_base) {
        if (stat(c, &st) != 0)
            return 0;
        cJSON_AddItemToArray(arr, cJSON_CreateString(rel_to(cfg_dir, c)));
        return 1;
    }
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".c"))
            continue;
        snprintf(c, sizeof c, "%s/%s", dir, e->d_name);
        cJSON_AddItemToArray(arr, cJSON_CreateString(rel_to(cfg_dir, c)));
        added++;
    }
    if (d != NULL)
        closedir(d);
    return added;
}

/* The library's .c files: the header's namesake (codec.h -> codec.c) beside it, in
 * ../src or in the parent directory, else every .c of the first of those that has any. */
static cJSON *sources(const char *hdr_abs, const char *cfg_dir) {
    char dir[PATH_MAX], base[PATH_MAX], dirs[3][PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s", hdr_abs);
    snprintf(base, sizeof base, "%s", strrchr(hdr_abs, '/') + 1);
    if (ends_with(base, ".h"))
        base[strlen(base) - 2] = '\0';
    snprintf(dirs[0], sizeof dirs[0], "%s", dirname(dir));
    snprintf(dirs[1], sizeof dirs[1], "%s/../src", dirs[0]);
    snprintf(dirs[2], sizeof dirs[2], "%s/..", dirs[0]);
    cJSON *arr = cJSON_CreateArray();
    for (int want_base = 1; want_base >= 0; want_base--)
        for (int i = 0; i < 3; i++) {
            char real[PATH_MAX];
            if (realpath(dirs[i], real) != NULL &&
                add_c_files(arr, real, base, want_base == 1, cfg_dir) > 0)
                return arr;
        }
    return arr;
}

static const char *decode_guess(const struct init_fn *f) {
    if (f->exact)
        return "decode: the best (buffer, length) function of the header; frames mode calls it "
               "from several threads at once, one session a call";
    return "decode: the best (buffer, length) function of the header, but not of the type frames "
           "mode calls, int f(const uint8_t *buf, size_t len): write such a wrapper in a .c of "
           "yours, add it to sources and name it here";
}

static cJSON *c_entry(const struct init_scan *s, const char *hdr_abs, const char *cfg_dir) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", hdr_abs);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "sources", sources(hdr_abs, cfg_dir));
    cJSON *inc = cJSON_AddArrayToObject(e, "include_dirs");
    cJSON_AddItemToArray(inc, cJSON_CreateString(rel_to(cfg_dir, dirname(dir))));
    cJSON_AddStringToObject(e, "_guess_sources", "the library's .c files found near the header");
    if (s->init.name[0] != '\0')
        cJSON_AddStringToObject(e, "init", s->init.name);
    if (s->reset.name[0] != '\0')
        cJSON_AddStringToObject(e, "reset", s->reset.name);
    if (s->init.name[0] != '\0' || s->reset.name[0] != '\0')
        cJSON_AddStringToObject(e, "_guess_hooks",
                                "init (once, before any decode) and reset (between inputs) "
                                "chosen by their names; each must take no arguments");
    else
        cJSON_AddStringToObject(e, "_todo_reset",
                                "a void f(void) that clears the library's global state between "
                                "inputs, set as \"reset\" (docs/frames-mode.md)");
    cJSON_AddStringToObject(e, "decode", s->best.name);
    cJSON_AddStringToObject(e, "_guess_decode", decode_guess(&s->best));
    return e;
}

/* One message of arbitrary bytes: a start the user replaces with the format's shapes. */
static cJSON *frames_section(const struct init_scan *s, const char *hdr_abs, const char *cfg_dir) {
    cJSON *f = cJSON_CreateObject();
    cJSON_AddNumberToObject(f, "max_frame_len", 4096);
    cJSON_AddItemToObject(f, "c_entry", c_entry(s, hdr_abs, cfg_dir));
    cJSON *msgs = cJSON_AddArrayToObject(f, "messages");
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "name", "message");
    cJSON_AddNumberToObject(m, "weight", 1);
    cJSON *fields = cJSON_AddArrayToObject(m, "fields");
    cJSON *bytes = cJSON_CreateObject();
    cJSON *range = cJSON_CreateArray();
    cJSON_AddItemToArray(range, cJSON_CreateNumber(1));
    cJSON_AddItemToArray(range, cJSON_CreateNumber(64));
    cJSON_AddItemToObject(bytes, "bytes", range);
    cJSON_AddItemToArray(fields, bytes);
    cJSON_AddItemToArray(msgs, m);
    cJSON_AddStringToObject(f, "_todo_messages",
                            "one message of 1..64 random bytes to start from: describe the "
                            "format's messages (type bytes, lengths, checksums), its fixups and "
                            "sessions (docs/target-config.md, frames.messages)");
    cJSON_AddItemToObject(f, "dict", cJSON_CreateArray());
    return f;
}

static char *render(const struct init_scan *s, const char *hdr_abs, const char *cfg_dir,
                    const char *name) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "name", name);
    cJSON_AddStringToObject(root, "_comment",
                            "Proposed by racefuzz init --frames. Keys starting with '_' are notes "
                            "racefuzz ignores: a \"_guess_*\" says what init assumed for the value "
                            "it names, a \"_todo_*\" what to add; check them, then delete the "
                            "notes. See docs/your-own-target.md and docs/frames-mode.md.");
    cJSON_AddItemToObject(root, "frames", frames_section(s, hdr_abs, cfg_dir));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

int init_frames_write(const char *header, const char *name, const char *out) {
    struct fileio_buf b = {0};
    char hdr_abs[PATH_MAX], cfg_dir[PATH_MAX], tmp[PATH_MAX];
    struct init_scan s = {0};
    char *text = NULL;
    int rc = CLI_EXIT_USAGE;
    snprintf(tmp, sizeof tmp, "%s", out);
    if (realpath(header, hdr_abs) == NULL || realpath(dirname(tmp), cfg_dir) == NULL) {
        PLOG_E("init --frames: %s", header);
        return rc;
    }
    if (!fileio_read(hdr_abs, RF_MAX_FILE_SIZE, &b))
        return rc;
    char *src = strndup((const char *)b.data, b.size);
    if (src == NULL)
        goto out;
    blank_noise(src);
    scan(&s, src);
    if (s.best.score < 0) {
        LOG_E("%s: no function taking a buffer and its length (e.g. int f(const uint8_t *buf, "
              "size_t len)) among its %d declarations",
              header, s.functions);
        goto out;
    }
    text = render(&s, hdr_abs, cfg_dir, name);
    rc = text != NULL && fileio_write_atomic(out, text, strlen(text)) ? CLI_EXIT_OK : CLI_EXIT_ENV;
out:
    free(text);
    free(src);
    fileio_buf_free(&b);
    return rc;
}
