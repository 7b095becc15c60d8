#define _GNU_SOURCE
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "rf_config.h"

/* Report excerpt kept in report.json's Stacktrace (lines) and report.txt. */
#define STORE_MAX_REPORT_LINES 200

static bool fmt_path(char *out, size_t cap, const char *a, const char *b) {
    int n = snprintf(out, cap, "%s/%s", a, b);
    return n > 0 && (size_t)n < cap;
}

static void iso_time(time_t t, char *out, size_t cap) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Content name of an input, as libFuzzer names its artifacts (FNV-1a 64, not SHA-1). */
static void input_name(const uint8_t *d, size_t n, char *out, size_t cap) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ d[i]) * 0x100000001b3ull;
    snprintf(out, cap, "crash-%016llx", (unsigned long long)h);
}

/* KIND-KEY with the kind reduced to [a-z0-9-], so any kind makes a safe directory name. */
static void entry_name(const struct signature_result *s, char *out, size_t cap) {
    char kind[64];
    size_t i = 0;
    for (const char *p = s->kind; *p != '\0' && i + 1 < sizeof(kind); p++) {
        char c = *p;
        kind[i++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c
                    : (c >= 'A' && c <= 'Z')                         ? (char)(c - 'A' + 'a')
                                                                     : '-';
    }
    kind[i] = '\0';
    snprintf(out, cap, "%s-%s", i > 0 ? kind : "crash", s->key);
}

static bool fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        PLOG_E("%s: open", dir);
        return false;
    }
    bool ok = fsync(fd) == 0;
    if (!ok)
        PLOG_E("%s: fsync", dir);
    close(fd);
    return ok;
}

/* Creates path exclusively and makes its bytes durable. */
static bool write_new_file(const char *path, const void *data, size_t size) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        PLOG_E("%s: create", path);
        return false;
    }
    const uint8_t *p = data;
    size_t left = size;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            PLOG_E("%s: write", path);
            close(fd);
            return false;
        }
        p += w;
        left -= (size_t)w;
    }
    bool ok = fsync(fd) == 0;
    if (!ok)
        PLOG_E("%s: fsync", path);
    return close(fd) == 0 && ok;
}

static int lock_target(const char *tdir) {
    char path[4200];
    if (!fileio_mkdirs(tdir) || !fmt_path(path, sizeof(path), tdir, ".lock"))
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        PLOG_E("%s: open", path);
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            PLOG_E("%s: flock", path);
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* Only writers create ".tmp-*", and only under the lock we hold: any left is a killed
 * writer's. */
static void remove_stale_tmp(const char *tdir) {
    DIR *d = opendir(tdir);
    struct dirent *e;
    char path[4400];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, ".tmp-", 5) == 0 && fmt_path(path, sizeof(path), tdir, e->d_name))
            fileio_remove_tree(path);
    }
    if (d != NULL)
        closedir(d);
}

static void add_report_lines(cJSON *json, const char *text, size_t len) {
    cJSON *lines = cJSON_AddArrayToObject(json, "Stacktrace");
    size_t n = 0;
    for (size_t i = 0; text != NULL && i < len && n < STORE_MAX_REPORT_LINES; n++) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        char *line = strndup(text + i, j - i);
        if (line != NULL)
            cJSON_AddItemToArray(lines, cJSON_CreateString(line));
        free(line);
        i = j + 1;
    }
}

static cJSON *frames_json(const struct signature_result *s) {
    cJSON *state = cJSON_CreateArray();
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < s->nframes[k] && i < 3; i++)
            cJSON_AddItemToArray(state, cJSON_CreateString(s->frames[k][i].func));
    return state;
}

/* Our fields replace what extra holds under the same name (the environment snapshot
 * names the Engine too): cJSON would otherwise keep both and report.json repeat a key. */
static void set_item(cJSON *j, const char *key, cJSON *v) {
    cJSON_DeleteItemFromObjectCaseSensitive(j, key);
    cJSON_AddItemToObject(j, key, v);
}

static void set_string(cJSON *j, const char *key, const char *v) {
    set_item(j, key, cJSON_CreateString(v));
}

static cJSON *new_report(const struct store_finding *f, const char *input, const char *now) {
    cJSON *j = f->extra != NULL ? cJSON_Duplicate(f->extra, true) : cJSON_CreateObject();
    if (j == NULL)
        return NULL;
    set_string(j, "Signature", f->sig->state);
    set_string(j, "Key", f->sig->key);
    set_string(j, "Kind", f->sig->kind);
    set_string(j, "Detail", f->sig->detail);
    set_item(j, "CrashState", frames_json(f->sig));
    set_string(j, "Target", f->target);
    set_string(j, "Mode", f->mode);
    set_string(j, "Engine", f->engine);
    set_string(j, "FirstSeen", now);
    set_string(j, "LastSeen", now);
    set_item(j, "Count", cJSON_CreateNumber(1));
    set_string(j, "InputFile", input);
    set_item(j, "InputSize", cJSON_CreateNumber((double)f->input_size));
    cJSON_DeleteItemFromObjectCaseSensitive(j, "Stacktrace");
    add_report_lines(j, f->report, f->report_len);
    return j;
}

static const char *str_of(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_of(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

void store_state_oneline(const char *state, char *out, size_t cap) {
    size_t n = 0;
    for (const char *p = state; *p != '\0' && n + 4 < cap; p++) {
        if (*p != '\n') {
            out[n++] = *p;
        } else if (p[1] != '\0') {
            memcpy(out + n, " | ", 3);
            n += 3;
        }
    }
    out[n] = '\0';
}

/* report.txt: the same facts as report.json, for a terminal. */
static char *report_text(const cJSON *j) {
    size_t cap = 65536, len = 0;
    char *out = malloc(cap), sig[1100];
    if (out == NULL)
        return NULL;
    store_state_oneline(str_of(j, "Signature"), sig, sizeof(sig));
    len += (size_t)snprintf(out, cap,
                            "%s in %s (%s mode, %s)\n%s\nsignature: %s\nseen %.0f times, "
                            "first %s, last %s\ninput: %s (%.0f bytes)\n",
                            str_of(j, "Kind"), str_of(j, "Target"), str_of(j, "Mode"),
                            str_of(j, "Engine"), str_of(j, "Detail"), sig, num_of(j, "Count"),
                            str_of(j, "FirstSeen"), str_of(j, "LastSeen"), str_of(j, "InputFile"),
                            num_of(j, "InputSize"));
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(j, "Reproduced");
    if (cJSON_IsObject(rep) && len < cap)
        len += (size_t)snprintf(out + len, cap - len, "reproduced %.0f/%.0f\n", num_of(rep, "hits"),
                                num_of(rep, "attempts"));
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "Fixed")) && len < cap)
        len += (size_t)snprintf(out + len, cap - len, "marked fixed (racefuzz mark-fixed)\n");
    const cJSON *line;
    cJSON_ArrayForEach(line, cJSON_GetObjectItemCaseSensitive(j, "Stacktrace")) {
        if (len + 2 >= cap || !cJSON_IsString(line))
            break;
        len += (size_t)snprintf(out + len, cap - len, "  %s\n", line->valuestring);
    }
    if (len >= cap)
        out[cap - 1] = '\0';
    return out;
}

/* Writes report.json and report.txt; `fresh` (a new entry's temp dir) creates them
 * exclusively, otherwise they are replaced atomically. */
static bool write_reports(const char *dir, const cJSON *j, bool fresh) {
    char pj[4200], pt[4200];
    char *json = cJSON_Print(j), *txt = report_text(j);
    bool ok = json != NULL && txt != NULL && fmt_path(pj, sizeof(pj), dir, "report.json") &&
              fmt_path(pt, sizeof(pt), dir, "report.txt");
    if (ok && fresh)
        ok = write_new_file(pj, json, strlen(json)) && write_new_file(pt, txt, strlen(txt));
    else if (ok)
        ok = fileio_write_atomic(pj, json, strlen(json)) &&
             fileio_write_atomic(pt, txt, strlen(txt));
    free(json);
    free(txt);
    return ok;
}

static bool create_entry(const char *tdir, const char *edir, const struct store_finding *f,
                         const char *input, const char *now) {
    char tmp[4200], path[4400];
    int n = snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", tdir);
    if (n < 0 || (size_t)n >= sizeof(tmp) || mkdtemp(tmp) == NULL) {
        PLOG_E("%s: cannot create a temporary directory", tdir);
        return false;
    }
    cJSON *j = new_report(f, input, now);
    bool ok = j != NULL && fmt_path(path, sizeof(path), tmp, input) &&
              write_new_file(path, f->input, f->input_size) && write_reports(tmp, j, true) &&
              fsync_dir(tmp);
    cJSON_Delete(j);
    if (ok && rename(tmp, edir) != 0) {
        PLOG_E("%s: rename into place", edir);
        ok = false;
    }
    if (!ok)
        fileio_remove_tree(tmp);
    return ok && fsync_dir(tdir);
}

/* Inputs report.json does not name are a killed writer's (written, never referenced). */
static void remove_orphans(const char *edir, const char *keep) {
    DIR *d = opendir(edir);
    struct dirent *e;
    char path[4400];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "crash-", 6) == 0 && strcmp(e->d_name, keep) != 0 &&
            fmt_path(path, sizeof(path), edir, e->d_name))
            unlink(path);
    }
    if (d != NULL)
        closedir(d);
}

/* A known signature: count it, and keep the smaller input. */
static bool update_entry(const char *edir, const struct store_finding *f, const char *input,
                         const char *now, struct store_entry *out) {
    cJSON *j = store_load_report(edir);
    if (j == NULL)
        return false;
    char old[4200] = "", path[4400];
    bool ok = true;
    remove_orphans(edir, str_of(j, "InputFile"));
    if ((double)f->input_size < num_of(j, "InputSize") && strcmp(str_of(j, "InputFile"), input)) {
        snprintf(old, sizeof(old), "%s/%s", edir, str_of(j, "InputFile"));
        ok = fmt_path(path, sizeof(path), edir, input) &&
             fileio_write_atomic(path, f->input, f->input_size);
        cJSON_ReplaceItemInObject(j, "InputFile", cJSON_CreateString(input));
        cJSON_ReplaceItemInObject(j, "InputSize", cJSON_CreateNumber((double)f->input_size));
        out->input_replaced = ok;
    }
    out->count = (unsigned long)num_of(j, "Count") + 1;
    cJSON_ReplaceItemInObject(j, "Count", cJSON_CreateNumber((double)out->count));
    cJSON_ReplaceItemInObject(j, "LastSeen", cJSON_CreateString(now));
    ok = ok && write_reports(edir, j, false);
    if (ok && out->input_replaced)
        unlink(old); /* only once report.json names the new input */
    snprintf(out->input, sizeof(out->input), "%s/%s", edir, str_of(j, "InputFile"));
    cJSON_Delete(j);
    return ok;
}

bool store_put(const char *root, const struct store_finding *f, struct store_entry *out) {
    char tdir[4096], name[128], input[64], now[32];
    memset(out, 0, sizeof(*out));
    if (!fmt_path(tdir, sizeof(tdir), root, f->target))
        return false;
    entry_name(f->sig, name, sizeof(name));
    input_name(f->input, f->input_size, input, sizeof(input));
    iso_time(f->found_at != 0 ? f->found_at : time(NULL), now, sizeof(now));
    if (!fmt_path(out->dir, sizeof(out->dir), tdir, name))
        return false;
    int lock = lock_target(tdir);
    if (lock < 0)
        return false;
    remove_stale_tmp(tdir);
    struct stat st;
    bool ok;
    if (stat(out->dir, &st) == 0) {
        ok = update_entry(out->dir, f, input, now, out);
    } else {
        ok = create_entry(tdir, out->dir, f, input, now);
        out->is_new = ok;
        out->count = 1;
        snprintf(out->input, sizeof(out->input), "%s/%s", out->dir, input);
    }
    close(lock); /* releases the flock */
    return ok;
}

cJSON *store_load_report(const char *dir) {
    char path[4200];
    struct fileio_buf b;
    if (!fmt_path(path, sizeof(path), dir, "report.json") ||
        !fileio_read(path, RF_MAX_FILE_SIZE, &b))
        return NULL;
    cJSON *j = cJSON_ParseWithLength((const char *)b.data, b.size);
    fileio_buf_free(&b);
    if (!cJSON_IsObject(j)) {
        LOG_E("%s: not a JSON object", path);
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* The entry's target directory: dir without its last component (trailing '/' ignored). */
static void target_dir(const char *dir, char *out, size_t cap) {
    snprintf(out, cap, "%s", dir);
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/')
        out[--n] = '\0';
    char *slash = strrchr(out, '/');
    if (slash != NULL && slash != out)
        *slash = '\0';
    else if (slash == NULL)
        snprintf(out, cap, ".");
}

/* Merges rep (as "Reproduced"; may be NULL) and fields (may be NULL) into dir/report.json
 * and rewrites report.txt, atomically, under the target's lock. */
static bool update_locked(const char *dir, const cJSON *rep, const cJSON *fields) {
    char parent[4096];
    target_dir(dir, parent, sizeof(parent));
    int lock = lock_target(parent);
    if (lock < 0)
        return false;
    cJSON *j = store_load_report(dir);
    bool ok = j != NULL;
    if (ok && rep != NULL)
        set_item(j, "Reproduced", cJSON_Duplicate(rep, true));
    const cJSON *e, *merge = ok ? fields : NULL;
    cJSON_ArrayForEach(e, merge) {
        set_item(j, e->string, cJSON_Duplicate(e, true));
    }
    ok = ok && write_reports(dir, j, false);
    cJSON_Delete(j);
    close(lock);
    return ok;
}

bool store_update_report(const char *dir, int attempts, int hits, const cJSON *fields) {
    cJSON *rep = cJSON_CreateObject();
    bool ok = rep != NULL && cJSON_AddNumberToObject(rep, "attempts", attempts) != NULL &&
              cJSON_AddNumberToObject(rep, "hits", hits) != NULL && update_locked(dir, rep, fields);
    cJSON_Delete(rep);
    return ok;
}

bool store_update_fields(const char *dir, const cJSON *fields) {
    return update_locked(dir, NULL, fields);
}

static int walk_name(const struct dirent *e) {
    return e->d_name[0] != '.';
}

/* The directories among dir's non-dot entries, sorted; n < 0 when dir cannot be read. */
static int walk_list(const char *dir, struct dirent ***names) {
    int n = scandir(dir, names, walk_name, alphasort);
    if (n < 0)
        PLOG_E("%s", dir);
    return n;
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Visits a subdirectory (its path and name); false stops the walk. */
typedef bool (*subdir_fn)(const char *path, const char *name, void *arg);

/* Calls visit for each non-dot subdirectory of dir in name order: -1 when dir cannot be
 * read (logged), 0 when visit stopped the walk, 1 when every one was visited. */
static int for_each_subdir(const char *dir, subdir_fn visit, void *arg) {
    struct dirent **names;
    char path[4400];
    int rc = 1, n = walk_list(dir, &names);
    for (int i = 0; i < n; i++) {
        if (rc == 1 && fmt_path(path, sizeof(path), dir, names[i]->d_name) && is_dir(path) &&
            !visit(path, names[i]->d_name, arg))
            rc = 0;
        free(names[i]);
    }
    if (n < 0)
        return -1;
    free(names);
    return rc;
}

struct walk {
    store_walk_fn fn;
    void *ctx;
    const char *target;
};

static bool visit_entry(const char *path, const char *name, void *arg) {
    struct walk *w = arg;
    return w->fn(w->target, name, path, w->ctx);
}

/* A target that cannot be read is skipped (for_each_subdir logged it), not the end. */
static bool visit_target(const char *path, const char *name, void *arg) {
    struct walk *w = arg;
    w->target = name;
    return for_each_subdir(path, visit_entry, w) != 0;
}

bool store_walk(const char *root, store_walk_fn fn, void *ctx) {
    struct walk w = {.fn = fn, .ctx = ctx, .target = NULL};
    return for_each_subdir(root, visit_target, &w) == 1;
}
