/* The target config's "service" section, for http mode (see service_config.h). */
#define _POSIX_C_SOURCE 200809L
#include "service_config.h"

#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fileio.h"
#include "log.h"
#include "netaddr.h"
#include "subproc.h"
#include "target_config.h"
#include "variant_env.h"

static _Thread_local char err[1024];

const char *service_config_error(void) {
    return err;
}

/* Logs the reason and keeps its first line for service_config_error(). */
#define fail_with(...) log_error_kept(err, sizeof(err), __VA_ARGS__)

static void free_strv(char **v) {
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

struct cfg_ctx {
    const char *file; /* for errors */
    const char *out;  /* {out} */
    const char *addr; /* {addr} */
};

/* A growable string; ok goes false on allocation failure. */
struct sbuf {
    char *p;
    size_t len, cap;
    bool ok;
};

static void sb_add(struct sbuf *b, const char *s, size_t n) {
    if (!b->ok)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->ok = false;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Expands {out} and {addr}; any other {name} is a mistake worth naming. */
static char *expand(const struct cfg_ctx *x, const char *in, const char *at) {
    struct sbuf b = {.ok = true};
    sb_add(&b, "", 0);
    while (*in != '\0') {
        const char *open = strchr(in, '{');
        if (open == NULL) {
            sb_add(&b, in, strlen(in));
            break;
        }
        sb_add(&b, in, (size_t)(open - in));
        if (strncmp(open, "{out}", 5) == 0) {
            sb_add(&b, x->out, strlen(x->out));
            in = open + 5;
        } else if (strncmp(open, "{addr}", 6) == 0) {
            sb_add(&b, x->addr, strlen(x->addr));
            in = open + 6;
        } else {
            fail_with("%s: %s: unknown placeholder in \"%s\" (known: {out}, {addr})", x->file, at,
                      open);
            free(b.p);
            return NULL;
        }
    }
    if (!b.ok) {
        fail_with("%s: %s: out of memory", x->file, at);
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* An array of strings, expanded; NULL (with the error) when absent and required, not an
 * array of strings, or empty. *present tells absent from invalid. */
static char **string_array(const struct cfg_ctx *x, const cJSON *sec, const char *key,
                           bool *present) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(sec, key);
    *present = a != NULL;
    if (a == NULL)
        return NULL;
    int n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : 0;
    if (n == 0) {
        fail_with("%s: service.%s: expected a non-empty array of strings (program, arguments...)",
                  x->file, key);
        return NULL;
    }
    char **v = calloc((size_t)n + 1, sizeof(*v));
    if (v == NULL) {
        fail_with("%s: service.%s: out of memory", x->file, key);
        return NULL;
    }
    bool ok = true; /* v is the one resource: no out: label */
    int i = 0;
    for (const cJSON *e = a->child; ok && e != NULL; e = e->next, i++) {
        char at[64];
        snprintf(at, sizeof(at), "service.%s[%d]", key, i);
        if (!cJSON_IsString(e) || e->valuestring[0] == '\0') {
            fail_with("%s: %s: expected a non-empty string", x->file, at);
            ok = false;
        } else {
            ok = (v[i] = expand(x, e->valuestring, at)) != NULL;
        }
    }
    if (!ok)
        free_strv(v);
    return ok ? v : NULL; /* the caller's on success */
}

/* An optional string member; false (with the error) when present and not a string. */
static bool opt_string(const struct cfg_ctx *x, const cJSON *obj, const char *at, const char *key,
                       const char **out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return true;
    if (!cJSON_IsString(v)) {
        fail_with("%s: %s.%s: expected a string", x->file, at, key);
        return false;
    }
    *out = v->valuestring;
    return true;
}

/* A growable NULL-terminated vector of owned strings. */
struct strv {
    char **v;
    size_t n;
    bool ok;
};

static void sv_push(struct strv *sv, char *s) {
    char **v = s && sv->ok ? realloc(sv->v, (sv->n + 2) * sizeof(*v)) : NULL;
    if (v == NULL) {
        free(s);
        sv->ok = false;
        return;
    }
    v[sv->n++] = s;
    v[sv->n] = NULL;
    sv->v = v;
}

/* Pushes "KEY=value" with value expanded. False (with the error) when the expansion fails;
 * running out of memory while pushing only turns sv->ok false, reported by the caller. */
static bool sv_push_expanded(const struct cfg_ctx *x, struct strv *sv, const char *key,
                             size_t key_len, const char *value, const char *at) {
    char *v = expand(x, value, at);
    if (v == NULL)
        return false;
    size_t n = key_len + strlen(v) + 2;
    char *kv = malloc(n);
    if (kv != NULL)
        snprintf(kv, n, "%.*s=%s", (int)key_len, key, v);
    free(v);
    sv_push(sv, kv);
    return true;
}

/* Adds an env object's entries ("KEY": "value", expanded). */
static bool add_env_object(const struct cfg_ctx *x, const cJSON *obj, const char *at,
                           struct strv *sv) {
    if (obj == NULL)
        return true;
    if (!cJSON_IsObject(obj)) {
        fail_with("%s: %s: expected an object of NAME: \"value\"", x->file, at);
        return false;
    }
    for (const cJSON *e = obj->child; e != NULL; e = e->next) {
        if (e->string[0] == '\0' || strchr(e->string, '=') || !cJSON_IsString(e)) {
            fail_with("%s: %s.%s: expected a string value under a name without '='", x->file, at,
                      e->string);
            return false;
        }
        if (!sv_push_expanded(x, sv, e->string, strlen(e->string), e->valuestring, at))
            return false;
    }
    return true;
}

/* The variant's entries, read by config/variant_env like every other user's, then
 * expanded: a variant may name {out} or {addr} too. */
static bool add_variant_env(const struct cfg_ctx *x, const struct target_config *c,
                            const char *variant, struct strv *sv) {
    if (variant == NULL)
        return true;
    struct variant_env ve;
    if (!variant_env_load(c, variant, &ve)) {
        /* logged there already: only its reason becomes this module's */
        snprintf(err, sizeof(err), "%s", variant_env_error());
        return false;
    }
    char at[128];
    snprintf(at, sizeof(at), "variants.%s.env", variant);
    bool ok = true;
    for (size_t i = 0; i < ve.count && ok; i++) {
        size_t k = strcspn(ve.entries[i], "=");
        ok = sv_push_expanded(x, sv, ve.entries[i], k, ve.entries[i] + k + 1, at);
    }
    variant_env_free(&ve);
    return ok;
}

static bool build_env(const struct cfg_ctx *x, const struct target_config *c, const cJSON *sec,
                      const char *variant, const char *const *extra, struct service_config *out) {
    struct strv sv = {.ok = true};
    bool ok = false;
    if (!add_variant_env(x, c, variant, &sv) ||
        !add_env_object(x, cJSON_GetObjectItemCaseSensitive(sec, "env"), "service.env", &sv))
        goto out;
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
        sv_push(&sv, strdup(extra[i]));
    if (!sv.ok || (sv.v == NULL && (sv.v = calloc(1, sizeof(*sv.v))) == NULL)) {
        fail_with("%s: service.env: out of memory", x->file);
        goto out;
    }
    out->env = sv.v;
    sv.v = NULL; /* out's now */
    ok = true;
out:
    free_strv(sv.v);
    return ok;
}

static void join_argv(char *const *argv, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; argv[i] != NULL && n < cap; i++) {
        int w = snprintf(buf + n, cap - n, "%s%s", i ? " " : "", argv[i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

/* The last bytes of a file, NUL-terminated ("" when unreadable). */
static void file_tail(const char *path, char *buf, size_t cap) {
    buf[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    off_t size = lseek(fd, 0, SEEK_END);
    off_t from = size > (off_t)(cap - 1) ? size - (off_t)(cap - 1) : 0;
    ssize_t n = size > 0 ? pread(fd, buf, (size_t)(size - from), from) : 0;
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
}

static bool run_build(const struct cfg_ctx *x, const struct target_config *c, char *const *argv) {
    char log[4096 + 32], cmd[1024];
    snprintf(log, sizeof(log), "%s/service-build.log", x->out);
    join_argv(argv, cmd, sizeof(cmd));
    unlink(log); /* the tail shown on failure must be this build's */
    LOG_I("svc: building the service: %s", cmd);
    struct subproc_opts so = {.argv = argv,
                              .cwd = c->dir[0] ? c->dir : NULL,
                              .output_path = log,
                              .timeout_s = RF_SERVICE_BUILD_TIMEOUT_S};
    struct subproc_result r;
    if (subproc_run(&so, &r) && !r.timed_out && r.signal == 0 && r.exit_code == 0)
        return true;
    char tail[RF_SERVICE_FAIL_TAIL + 1];
    file_tail(log, tail, sizeof(tail));
    fail_with("%s: service.build: `%s` failed (%s %d) in %s", x->file, cmd,
              r.timed_out ? "timed out, signal"
              : r.signal  ? "signal"
                          : "exit code",
              r.signal ? r.signal : r.exit_code, c->dir[0] ? c->dir : ".");
    /* apart: service_config_error() keeps one line, and the tail is longer than its buffer */
    LOG_E("%s: service.build: its output (all of it in %s):\n%s", x->file, log,
          tail[0] ? tail : "(none)");
    return false;
}

static bool absolute_dir(const char *dir, char *buf, size_t cap) {
    char cwd[4096];
    int w;
    if (dir[0] == '/')
        w = snprintf(buf, cap, "%s", dir);
    else if (getcwd(cwd, sizeof(cwd)) != NULL)
        w = snprintf(buf, cap, "%s/%s", cwd, dir);
    else
        return false;
    return w > 0 && (size_t)w < cap && fileio_mkdirs(buf);
}

/* This module's keys, then those the http harness and the endpoint model read. */
static const char *const service_keys[] = {"build",
                                           "command",
                                           "env",
                                           "addr",
                                           "ready_line",
                                           "health",
                                           "allow_non_loopback",
                                           "path_params",
                                           "reset",
                                           "invariant",
                                           "fail_on_5xx",
                                           "allow_5xx",
                                           "expect"};

/* Unknown keys are warned about, not refused: other modules read this section too, and a
 * key added there must not break configs here. */
static void warn_unknown(const struct cfg_ctx *x, const cJSON *sec) {
    for (const cJSON *e = sec->child; e != NULL; e = e->next) {
        bool known = target_config_is_note(e->string);
        for (size_t i = 0; i < sizeof(service_keys) / sizeof(service_keys[0]) && !known; i++)
            known = strcmp(e->string, service_keys[i]) == 0;
        if (!known)
            LOG_W("%s: service: unknown key \"%s\" (ignored)", x->file, e->string);
    }
}

static bool load_scalars(const struct cfg_ctx *x, const cJSON *sec, struct service_config *out) {
    const char *ready = NULL, *health = NULL;
    if (!opt_string(x, sec, "service", "ready_line", &ready) ||
        !opt_string(x, sec, "service", "health", &health))
        return false;
    if (ready == NULL) {
        fail_with("%s: service.ready_line: missing (an ERE whose group 1 captures the URL the "
                  "service prints when ready)",
                  x->file);
        return false;
    }
    regex_t re;
    int rc = regcomp(&re, ready, REG_EXTENDED);
    size_t groups = rc == 0 ? re.re_nsub : 0;
    if (rc == 0)
        regfree(&re);
    if (rc != 0 || groups < 1) {
        fail_with("%s: service.ready_line: %s", x->file,
                  rc ? "not a POSIX extended regex" : "needs a group ( ) capturing the URL");
        return false;
    }
    if (health != NULL && health[0] != '/') {
        fail_with("%s: service.health: expected a path starting with '/'", x->file);
        return false;
    }
    const cJSON *anl = cJSON_GetObjectItemCaseSensitive(sec, "allow_non_loopback");
    if (anl != NULL && !cJSON_IsBool(anl)) {
        fail_with("%s: service.allow_non_loopback: expected true or false", x->file);
        return false;
    }
    out->allow_non_loopback = cJSON_IsTrue(anl);
    out->ready_regex = strdup(ready);
    out->health_path = health ? strdup(health) : NULL;
    if (out->ready_regex == NULL || (health && out->health_path == NULL)) {
        fail_with("%s: service: out of memory", x->file);
        return false;
    }
    return true;
}

static bool load_commands(const struct cfg_ctx *x, const struct target_config *c, const cJSON *sec,
                          struct service_config *out) {
    bool present;
    out->argv = string_array(x, sec, "command", &present);
    if (out->argv == NULL) {
        if (!present)
            fail_with("%s: service.command: missing (the service's program and arguments)",
                      x->file);
        return false;
    }
    char **build = string_array(x, sec, "build", &present);
    if (present && build == NULL)
        return false;
    bool ok = build == NULL || run_build(x, c, build);
    free_strv(build);
    return ok;
}

static bool finish_paths(const struct target_config *c, const char *out_abs,
                         struct service_config *out) {
    size_t n = strlen(out_abs) + sizeof("/service.log");
    out->log_path = malloc(n);
    out->cwd = c->dir[0] ? strdup(c->dir) : NULL;
    if (out->log_path == NULL || (c->dir[0] && out->cwd == NULL)) {
        fail_with("%s: service: out of memory", c->path);
        return false;
    }
    snprintf(out->log_path, n, "%s/service.log", out_abs);
    return true;
}

/* The section's addr (default 127.0.0.1:0), through the loopback policy of
 * common/netaddr.h unless allow_non_loopback is true. */
static bool read_addr(const struct cfg_ctx *x, const cJSON *sec, const char **addr) {
    char host[256], port[32];
    *addr = "127.0.0.1:0";
    if (!opt_string(x, sec, "service", "addr", addr))
        return false;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sec, "allow_non_loopback")))
        return true;
    if (!netaddr_split(*addr, host, sizeof(host), port, sizeof(port))) {
        fail_with("%s: service.addr: '%s' is not host:port or [v6]:port", x->file, *addr);
        return false;
    }
    enum netaddr_kind k = netaddr_classify(host);
    if (k == NETADDR_LOOPBACK)
        return true;
    fail_with("%s: service.addr: %s is not a loopback address%s; set "
              "service.allow_non_loopback to true to allow it",
              x->file, *addr,
              k == NETADDR_NAME ? " (a name other than localhost is not resolved to find out)"
                                : "");
    return false;
}

bool service_config_check_addr(const struct target_config *c) {
    struct cfg_ctx x = {.file = c->path};
    const cJSON *sec = target_config_section(c, "service");
    const char *addr;
    err[0] = '\0';
    return !cJSON_IsObject(sec) || read_addr(&x, sec, &addr);
}

bool service_config_load(const struct target_config *c, const char *out_dir, const char *variant,
                         const char *const *extra_env, struct service_config *out) {
    memset(out, 0, sizeof(*out));
    err[0] = '\0';
    char out_abs[4096];
    struct cfg_ctx x = {.file = c->path, .out = out_abs, .addr = out->addr};
    const cJSON *sec = target_config_section(c, "service");
    if (!cJSON_IsObject(sec)) {
        fail_with("%s: service: %s", c->path,
                  sec ? "expected an object" : "missing (http mode needs the service's command)");
        return false;
    }
    const char *addr;
    if (!read_addr(&x, sec, &addr))
        return false;
    snprintf(out->addr, sizeof(out->addr), "%s", addr);
    if (!absolute_dir(out_dir, out_abs, sizeof(out_abs))) {
        fail_with("%s: cannot use %s as the output directory", c->path, out_dir);
        return false;
    }
    warn_unknown(&x, sec);
    bool ok = load_scalars(&x, sec, out) && build_env(&x, c, sec, variant, extra_env, out) &&
              finish_paths(c, out_abs, out) && load_commands(&x, c, sec, out);
    if (!ok)
        service_config_free(out); /* on success *out is the caller's */
    return ok;
}

void service_config_free(struct service_config *sc) {
    free_strv(sc->argv);
    free_strv(sc->env);
    free(sc->cwd);
    free(sc->ready_regex);
    free(sc->health_path);
    free(sc->log_path);
    memset(sc, 0, sizeof(*sc));
}
