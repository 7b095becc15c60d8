/* The service supervisor of http mode (see http_supervisor.h). What the service writes is
 * read by http_output.h; this file starts, checks, stops and reaps the process. */
#define _GNU_SOURCE
#include "http_supervisor.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_addr.h"
#include "http_output.h"
#include "log.h"
#include "http_oracle.h"

extern char **environ;

struct http_supervisor {
    /* options, owned copies (a restart needs them after the caller's are gone) */
    char **argv, **env;
    char *cwd, *ready_regex, *health_path, *log_path;
    bool allow_non_loopback;
    unsigned start_timeout_ms;
    regex_t re;
    bool re_ok;
    int log_fd;
    struct http_output *out; /* NULL until the log is open */

    /* the current run; touched by the harness thread only */
    pid_t pid;
    bool reaped;  /* pid waited for */
    bool stopped; /* ended by http_supervisor_stop, not by itself */
    int status;
    double started_at, died_at; /* monotonic seconds */
    time_t died_wall;
    uint64_t run_mark; /* output position at the start of this run */
    char url[256];     /* announced on the ready line */
    char addr[HADDR_NUMERIC_MAX + HADDR_PORT_MAX + 4];

    /* input history, a ring; slot (hist_next - 1) is the newest */
    uint8_t *hist[RF_SVC_HISTORY];
    size_t hist_len[RF_SVC_HISTORY], hist_cap[RF_SVC_HISTORY];
    uint64_t hist_mark[RF_SVC_HISTORY];
    size_t hist_n, hist_next;
};

/* ---- errors ----------------------------------------------------------------------------- */

static _Thread_local char http_supervisor_err[1024];

const char *http_supervisor_error(void) {
    return http_supervisor_err;
}

/* Logs the reason and keeps its first line for http_supervisor_error(). */
#define fail_with(...) log_error_kept(http_supervisor_err, sizeof(http_supervisor_err), __VA_ARGS__)

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- output (http_output.h) ---------------------------------------------------------------- */

uint64_t http_supervisor_output_mark(struct http_supervisor *s) {
    return http_output_mark(s->out);
}

size_t http_supervisor_output_since(struct http_supervisor *s, uint64_t mark, char *buf,
                                    size_t cap) {
    return http_output_since(s->out, mark, buf, cap);
}

/* ---- the process -------------------------------------------------------------------------- */

static bool same_key(const char *a, const char *b) {
    size_t ka = strcspn(a, "="), kb = strcspn(b, "=");
    return ka == kb && memcmp(a, b, ka) == 0;
}

/* The harness's environment with s->env added, replacing the same keys. Pointers only:
 * built before fork, since the child may not allocate. */
static char **merged_env(const struct http_supervisor *s) {
    size_t n = 0, m = 0;
    while (environ[n] != NULL)
        n++;
    while (s->env != NULL && s->env[m] != NULL)
        m++;
    char **e = calloc(n + m + 1, sizeof(*e));
    if (e == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < m && !replaced; j++)
            replaced = same_key(environ[i], s->env[j]);
        if (!replaced)
            e[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        e[k++] = s->env[j];
    return e;
}

static void child_say(const char *a, const char *b, const char *c) {
    (void)!write(STDERR_FILENO, a, strlen(a));
    (void)!write(STDERR_FILENO, b, strlen(b));
    (void)!write(STDERR_FILENO, c, strlen(c));
}

/* In the child: async-signal-safe steps, then exec; never returns. */
static void child_exec(const struct http_supervisor *s, int out_wr, int devnull, char **envp,
                       pid_t harness) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != harness) /* the harness died before the prctl: no one would kill us */
        _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL); /* dispositions the harness ignores would be inherited */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (dup2(devnull, STDIN_FILENO) < 0 || dup2(out_wr, STDOUT_FILENO) < 0 ||
        dup2(out_wr, STDERR_FILENO) < 0)
        _exit(127);
    if (s->cwd != NULL && chdir(s->cwd) != 0) {
        child_say("racefuzz: cannot enter ", s->cwd, "\n");
        _exit(127);
    }
    execvpe(s->argv[0], s->argv, envp);
    child_say("racefuzz: cannot run ", s->argv[0], ": exec failed\n");
    _exit(127);
}

/* Starts the service; *out_rd is then the read end of its output pipe. */
static bool spawn(struct http_supervisor *s, int *out_rd) {
    int out[2] = {-1, -1}, devnull = -1;
    char **envp = merged_env(s);
    bool ok = false;
    if (envp == NULL) {
        fail_with("svc: %s: out of memory", s->argv[0]);
        goto out;
    }
    if (pipe2(out, O_CLOEXEC) != 0 || (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        fail_with("svc: %s: pipe or /dev/null: %s", s->argv[0], strerror(errno));
        goto out;
    }
    pid_t harness = getpid(), pid = fork();
    if (pid == 0)
        child_exec(s, out[1], devnull, envp, harness);
    if (pid < 0) {
        fail_with("svc: %s: fork: %s", s->argv[0], strerror(errno));
        goto out;
    }
    setpgid(pid, pid); /* here too: the group exists before we ever signal it */
    s->pid = pid;
    *out_rd = out[0];
    out[0] = -1;
    ok = true;
out:
    if (out[0] >= 0)
        close(out[0]);
    if (out[1] >= 0)
        close(out[1]);
    if (devnull >= 0)
        close(devnull);
    free(envp);
    return ok;
}

static bool leader_exited(pid_t pid) {
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int rc;
    do
        rc = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
    while (rc != 0 && errno == EINTR);
    return rc != 0 || si.si_pid == pid; /* ECHILD: someone reaped it (SIGCHLD ignored) */
}

/* Kills what is left of the group, then reaps the leader. */
static void reap(struct http_supervisor *s) {
    kill(-s->pid, SIGKILL);
    int st = 0;
    pid_t w;
    do
        w = waitpid(s->pid, &st, 0);
    while (w < 0 && errno == EINTR);
    s->status = w == s->pid ? st : 0;
    s->reaped = true;
    s->died_at = now_s();
    s->died_wall = time(NULL);
}

static void stop_run(struct http_supervisor *s) {
    if (s->pid > 0 && !s->reaped) {
        if (!leader_exited(s->pid)) {
            s->stopped = true;
            kill(-s->pid, SIGTERM);
            for (double end = now_s() + RF_SVC_STOP_GRACE_MS / 1000.0;
                 !leader_exited(s->pid) && now_s() < end;)
                sleep_ms(5);
        }
        reap(s);
    }
    if (s->out != NULL)
        http_output_detach(s->out);
}

pid_t http_supervisor_pid(const struct http_supervisor *s) {
    return s->pid > 0 && !s->reaped ? s->pid : -1;
}

bool http_supervisor_alive(struct http_supervisor *s) {
    if (s->pid <= 0 || s->reaped)
        return false;
    if (!leader_exited(s->pid))
        return true;
    reap(s);
    return false;
}

/* ---- starting: ready line, address, health ------------------------------------------------ */

static void describe_end(const struct http_supervisor *s, char *buf, size_t cap) {
    if (WIFSIGNALED(s->status))
        snprintf(buf, cap, "was killed by signal %d (%s)", WTERMSIG(s->status),
                 strsignal(WTERMSIG(s->status)));
    else
        snprintf(buf, cap, "exited with code %d", WEXITSTATUS(s->status));
}

static bool wait_ready(struct http_supervisor *s, double deadline) {
    for (;;) {
        if (http_output_ready(s->out, s->url, sizeof(s->url)))
            return true;
        if (!http_supervisor_alive(s)) {
            char how[128];
            describe_end(s, how, sizeof(how));
            fail_with("svc: %s %s before printing a line matching /%s/", s->argv[0], how,
                      s->ready_regex);
            return false;
        }
        if (now_s() > deadline) {
            fail_with("svc: %s printed no line matching /%s/ within %u ms", s->argv[0],
                      s->ready_regex, s->start_timeout_ms);
            return false;
        }
        sleep_ms(5);
    }
}

/* The announced URL's host:port, through the loopback policy of http_addr.h. */
static bool check_address(struct http_supervisor *s) {
    static const char scheme[] = "http://";
    if (strncasecmp(s->url, scheme, strlen(scheme)) != 0) {
        fail_with("svc: %s announced '%s': expected an http:// URL (http mode speaks plain "
                  "HTTP to the service)",
                  s->argv[0], s->url);
        return false;
    }
    char hostport[sizeof(s->url)];
    const char *h = s->url + strlen(scheme);
    size_t n = strcspn(h, "/?#");
    memcpy(hostport, h, n);
    hostport[n] = '\0';
    struct http_addr a;
    char err[512];
    if (!http_addr_resolve(hostport, s->allow_non_loopback, &a, err, sizeof(err))) {
        const char *why = strncmp(err, "http driver: ", 13) == 0 ? err + 13 : err;
        fail_with("svc: %s announced %s: %s", s->argv[0], s->url, why);
        return false;
    }
    if (strcmp(a.port, "0") == 0) {
        fail_with("svc: %s announced %s: port 0 is not an address to connect to", s->argv[0],
                  s->url);
        return false;
    }
    snprintf(s->addr, sizeof(s->addr), a.family == AF_INET6 ? "[%s]:%s" : "%s:%s", a.numeric,
             a.port);
    return true;
}

static size_t discard_body(char *p, size_t size, size_t n, void *arg) {
    (void)p;
    (void)arg;
    return size * n;
}

/* One GET; the HTTP status, or 0 with err filled. */
static long health_get(CURL *h, const char *url, char *err) {
    long code = 0;
    err[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*"); /* a proxy variable must not route loopback */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)RF_SVC_HEALTH_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    else if (err[0] == '\0')
        snprintf(err, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
    return code;
}

static bool wait_healthy(struct http_supervisor *s, double deadline) {
    if (s->health_path == NULL || s->health_path[0] == '\0')
        return true;
    char url[512], err[CURL_ERROR_SIZE];
    snprintf(url, sizeof(url), "http://%s%s", s->addr, s->health_path);
    CURL *h = curl_easy_init();
    if (h == NULL) {
        fail_with("svc: curl_easy_init failed");
        return false;
    }
    long code = 0;
    bool ok = false;
    while (!ok) {
        code = health_get(h, url, err);
        ok = code >= 200 && code < 300;
        if (!ok && !http_supervisor_alive(s)) {
            char how[128];
            describe_end(s, how, sizeof(how));
            fail_with("svc: %s %s while its health check %s was pending", s->argv[0], how, url);
            break;
        }
        if (!ok && now_s() > deadline) {
            if (code != 0)
                fail_with("svc: %s: GET %s answered %ld, not 2xx, for %u ms", s->argv[0], url, code,
                          s->start_timeout_ms);
            else
                fail_with("svc: %s: GET %s failed for %u ms: %s", s->argv[0], url,
                          s->start_timeout_ms, err);
            break;
        }
        if (!ok)
            sleep_ms(RF_SVC_HEALTH_RETRY_MS);
    }
    curl_easy_cleanup(h);
    return ok;
}

static void log_tail(struct http_supervisor *s) {
    char tail[RF_SERVICE_FAIL_TAIL + 1];
    http_output_tail(s->out, s->run_mark, tail, sizeof(tail));
    LOG_E("svc: last output of %s%s%s:\n%s", s->argv[0], s->log_path ? " (all of it in " : "",
          s->log_path ? s->log_path : "", tail[0] ? tail : "(none)");
    if (s->log_path)
        LOG_E("svc: (end of output; whole log: %s)", s->log_path);
}

static void begin_run(struct http_supervisor *s) {
    s->run_mark = http_output_begin(s->out, s->argv[0]);
    s->url[0] = s->addr[0] = '\0';
    s->pid = -1;
    s->reaped = s->stopped = false;
    s->status = 0;
    s->started_at = now_s();
}

/* The output's reader, with the reason of a failure in http_supervisor_error(). */
static bool attach_output(struct http_supervisor *s, int out_rd) {
    char why[256];
    if (http_output_attach(s->out, out_rd, why, sizeof(why)))
        return true;
    fail_with("svc: %s", why);
    return false;
}

static bool start_run(struct http_supervisor *s) {
    int out_rd;
    http_supervisor_err[0] = '\0';
    begin_run(s);
    double deadline = s->started_at + s->start_timeout_ms / 1000.0;
    if (!spawn(s, &out_rd))
        return false;
    if (!attach_output(s, out_rd) || !wait_ready(s, deadline) || !check_address(s) ||
        !wait_healthy(s, deadline)) {
        stop_run(s);
        log_tail(s);
        return false;
    }
    LOG_D("svc: %s (pid %d) ready at %s", s->argv[0], (int)s->pid, s->addr);
    return true;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

static char **dup_strv(const char *const *v) {
    size_t n = 0;
    while (v != NULL && v[n] != NULL)
        n++;
    char **d = calloc(n + 1, sizeof(*d));
    for (size_t i = 0; d != NULL && i < n; i++)
        if ((d[i] = strdup(v[i])) == NULL) {
            for (size_t j = 0; j < i; j++)
                free(d[j]);
            free(d);
            return NULL;
        }
    return d;
}

static void free_strv(char **v) {
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* strdup that keeps NULL; *ok goes false on allocation failure. */
static char *dup_opt(const char *p, bool *ok) {
    char *d = p ? strdup(p) : NULL;
    if (p && !d)
        *ok = false;
    return d;
}

static bool copy_opts(struct http_supervisor *s, const struct http_supervisor_opts *o) {
    bool ok = true;
    if (o->argv == NULL || o->argv[0] == NULL || o->ready_regex == NULL) {
        fail_with("svc: no command or no ready regex");
        return false;
    }
    s->argv = dup_strv((const char *const *)o->argv);
    s->env = dup_strv(o->env);
    s->cwd = dup_opt(o->cwd, &ok);
    s->ready_regex = dup_opt(o->ready_regex, &ok);
    s->health_path = dup_opt(o->health_path, &ok);
    s->log_path = dup_opt(o->log_path, &ok);
    s->allow_non_loopback = o->allow_non_loopback;
    s->start_timeout_ms = o->start_timeout_ms ? o->start_timeout_ms : RF_SVC_START_TIMEOUT_MS;
    if (!ok || s->argv == NULL || s->env == NULL) {
        fail_with("svc: out of memory");
        return false;
    }
    return true;
}

/* The regex must capture the URL: the address is read from it, never guessed. */
static bool compile_ready(struct http_supervisor *s) {
    int rc = regcomp(&s->re, s->ready_regex, REG_EXTENDED);
    if (rc != 0) {
        char why[256];
        regerror(rc, &s->re, why, sizeof(why));
        fail_with("svc: ready regex /%s/: %s", s->ready_regex, why);
        return false;
    }
    s->re_ok = true;
    if (s->re.re_nsub < 1) {
        fail_with("svc: ready regex /%s/ has no group: group 1 must capture the URL",
                  s->ready_regex);
        return false;
    }
    return true;
}

void http_supervisor_opts_from_config(struct http_supervisor_opts *o,
                                      const struct service_config *c) {
    *o = (struct http_supervisor_opts){.argv = c->argv,
                                       .env = (const char *const *)c->env,
                                       .cwd = c->cwd,
                                       .ready_regex = c->ready_regex,
                                       .health_path = c->health_path,
                                       .allow_non_loopback = c->allow_non_loopback,
                                       .start_timeout_ms = RF_SVC_START_TIMEOUT_MS,
                                       .log_path = c->log_path};
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static bool curl_ok;

static void init_curl(void) {
    curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static struct http_supervisor *http_supervisor_new(void) {
    struct http_supervisor *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->pid = -1;
    s->log_fd = -1;
    return s;
}

struct http_supervisor *http_supervisor_start(const struct http_supervisor_opts *o) {
    http_supervisor_err[0] = '\0';
    pthread_once(&curl_once, init_curl);
    struct http_supervisor *s = http_supervisor_new();
    bool ok = false;
    if (s == NULL) {
        fail_with("svc: out of memory");
        return NULL;
    }
    if (!curl_ok) {
        fail_with("svc: curl_global_init failed");
        goto out;
    }
    if (!copy_opts(s, o) || !compile_ready(s))
        goto out;
    if (s->log_path != NULL &&
        (s->log_fd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
        fail_with("svc: cannot open the service log %s: %s", s->log_path, strerror(errno));
        goto out;
    }
    if ((s->out = http_output_new(s->log_fd, s->log_path, &s->re)) == NULL) {
        fail_with("svc: out of memory");
        goto out;
    }
    if (!start_run(s))
        goto out;
    ok = true;
out:
    if (!ok)
        http_supervisor_free(s);
    return ok ? s : NULL; /* the caller's on success */
}

const char *http_supervisor_addr(const struct http_supervisor *s) {
    return s->addr;
}

void http_supervisor_stop(struct http_supervisor *s) {
    stop_run(s);
}

bool http_supervisor_restart(struct http_supervisor *s) {
    stop_run(s);
    s->hist_n = 0;
    return start_run(s);
}

void http_supervisor_free(struct http_supervisor *s) {
    if (s == NULL)
        return;
    stop_run(s);
    http_output_free(s->out);
    if (s->log_fd >= 0)
        close(s->log_fd);
    if (s->re_ok)
        regfree(&s->re);
    free_strv(s->argv);
    free_strv(s->env);
    free(s->cwd);
    free(s->ready_regex);
    free(s->health_path);
    free(s->log_path);
    for (size_t i = 0; i < RF_SVC_HISTORY; i++)
        free(s->hist[i]);
    free(s);
}

/* ---- deaths and history ----------------------------------------------------------------- */

/* The finding in the newest input's output, else the tail of this run's output. */
static void death_excerpt(struct http_supervisor *s, char *dst, size_t cap) {
    uint64_t from = s->run_mark;
    if (s->hist_n > 0) {
        uint64_t m = s->hist_mark[(s->hist_next + RF_SVC_HISTORY - 1) % RF_SVC_HISTORY];
        if (m > from)
            from = m;
    }
    char *text = malloc(RF_SVC_OUTPUT_RING + 1);
    struct http_oracle_finding *f = malloc(sizeof(*f));
    if (text != NULL && f != NULL) {
        size_t n = http_supervisor_output_since(s, from, text, RF_SVC_OUTPUT_RING + 1);
        if (http_oracle_scan(text, n, f)) {
            snprintf(dst, cap, "%s", f->excerpt);
            goto out;
        }
    }
    http_output_tail(s->out, s->run_mark, dst, cap);
out:
    free(text);
    free(f);
}

bool http_supervisor_check_death(struct http_supervisor *s, struct http_supervisor_death *d) {
    memset(d, 0, sizeof(*d));
    if (http_supervisor_alive(s) || s->pid <= 0 || s->stopped)
        return false;
    d->died = true;
    if (WIFSIGNALED(s->status))
        d->signal = WTERMSIG(s->status);
    else
        d->exit_code = WEXITSTATUS(s->status);
    d->uptime_s = s->died_at - s->started_at;
    d->at = s->died_wall;
    death_excerpt(s, d->excerpt, sizeof(d->excerpt));
    return true;
}

void http_supervisor_note_input(struct http_supervisor *s, const uint8_t *data, size_t len) {
    size_t i = s->hist_next;
    if (s->hist_cap[i] < len || s->hist[i] == NULL) {
        uint8_t *p = realloc(s->hist[i], len ? len : 1);
        if (p == NULL) {
            LOG_E("svc: out of memory keeping an input of %zu bytes", len);
            return;
        }
        s->hist[i] = p;
        s->hist_cap[i] = len ? len : 1;
    }
    if (len > 0)
        memcpy(s->hist[i], data, len);
    s->hist_len[i] = len;
    s->hist_mark[i] = http_supervisor_output_mark(s);
    s->hist_next = (i + 1) % RF_SVC_HISTORY;
    if (s->hist_n < RF_SVC_HISTORY)
        s->hist_n++;
}

size_t http_supervisor_history(const struct http_supervisor *s, const uint8_t **datas, size_t *lens,
                               size_t max) {
    size_t n = s->hist_n < max ? s->hist_n : max;
    for (size_t k = 0; k < n; k++) {
        size_t i = (s->hist_next + RF_SVC_HISTORY - 1 - k) % RF_SVC_HISTORY;
        datas[k] = s->hist[i];
        lens[k] = s->hist_len[i];
    }
    return n;
}
