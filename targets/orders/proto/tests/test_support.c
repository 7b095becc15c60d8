#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "orders_wire.h"

/* Child stderr kept for the checks; sanitizer reports are far shorter. */
#define CHILD_OUTPUT_MAX (256u * 1024u)

static void die(const char *what) {
    fprintf(stderr, "test support: %s\n", what);
    abort();
}

void body_clear(struct body *b) {
    b->len = 0;
}

void body_raw(struct body *b, const void *p, size_t n) {
    if (n > sizeof(b->data) - b->len)
        die("message body too long");
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void body_u16(struct body *b, uint16_t v) {
    uint8_t le[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    body_raw(b, le, sizeof(le));
}

void body_u32(struct body *b, uint32_t v) {
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    body_raw(b, le, sizeof(le));
}

void body_tlv(struct body *b, uint8_t tag, const void *v, size_t n) {
    if (n > 255)
        die("TLV value too long");
    uint8_t head[2] = {tag, (uint8_t)n};
    body_raw(b, head, sizeof(head));
    body_raw(b, v, n);
}

void body_tlv_str(struct body *b, uint8_t tag, const char *s) {
    body_tlv(b, tag, s, strlen(s));
}

void body_tlv_u16(struct body *b, uint8_t tag, uint16_t v) {
    uint8_t le[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    body_tlv(b, tag, le, sizeof(le));
}

void body_tlv_u32(struct body *b, uint8_t tag, uint32_t v) {
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    body_tlv(b, tag, le, sizeof(le));
}

static void body_tlv_num_sku(struct body *b, uint8_t tag, const uint8_t *num, size_t nlen,
                             const char *sku) {
    uint8_t v[255];
    size_t slen = strlen(sku);
    if (nlen + slen > sizeof(v))
        die("SKU too long");
    memcpy(v, num, nlen);
    memcpy(v + nlen, sku, slen);
    body_tlv(b, tag, v, nlen + slen);
}

void body_price(struct body *b, uint32_t cents, const char *sku) {
    uint8_t le[4] = {(uint8_t)cents, (uint8_t)(cents >> 8), (uint8_t)(cents >> 16),
                     (uint8_t)(cents >> 24)};
    body_tlv_num_sku(b, ORDERS_TAG_PRICE, le, sizeof(le), sku);
}

void body_line(struct body *b, uint16_t qty, const char *sku) {
    uint8_t le[2] = {(uint8_t)qty, (uint8_t)(qty >> 8)};
    body_tlv_num_sku(b, ORDERS_TAG_LINE, le, sizeof(le), sku);
}

void stream_free(struct stream *s) {
    free(s->data);
    memset(s, 0, sizeof(*s));
}

void stream_bytes(struct stream *s, const void *p, size_t n) {
    if (n > s->cap - s->len) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap - s->len < n)
            cap *= 2;
        uint8_t *d = realloc(s->data, cap);
        if (d == NULL)
            die("out of memory");
        s->data = d;
        s->cap = cap;
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
}

void stream_msg(struct stream *s, uint8_t type, const struct body *b) {
    uint8_t payload[ORDERS_MAX_FRAME + ORDERS_MSG_OVERHEAD];
    size_t plen = b->len + ORDERS_MSG_OVERHEAD;
    size_t body_len = plen - ORDERS_MSG_HEADER;
    uint8_t prefix[4] = {(uint8_t)plen, (uint8_t)(plen >> 8), (uint8_t)(plen >> 16),
                         (uint8_t)(plen >> 24)};
    payload[0] = type;
    payload[1] = ORDERS_PROTO_VERSION;
    payload[2] = (uint8_t)body_len;
    payload[3] = (uint8_t)(body_len >> 8);
    memcpy(payload + ORDERS_MSG_HEADER, b->data, b->len);
    payload[plen - 1] = wire_sum8(payload, plen - 1);
    stream_bytes(s, prefix, sizeof(prefix));
    stream_bytes(s, payload, plen);
}

void stream_auth(struct stream *s, const char *user) {
    struct body b;
    char token[ORDERS_MAX_TOKEN + 1];
    body_clear(&b);
    body_tlv_str(&b, ORDERS_TAG_USER, user);
    snprintf(token, sizeof(token), "tok-%s-secret", user);
    body_tlv_str(&b, ORDERS_TAG_TOKEN, token);
    stream_msg(s, ORDERS_MSG_AUTH, &b);
}

double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- child runs ---------------------------------------------------------------------- */

struct child_run {
    int status; /* exit code, or 128 + signal */
    char *err;  /* its stderr, NUL-terminated */
};

static void child_exec(int errfd, const char *bugs, unsigned timeout_s) {
    char *const argv[] = {"orders-bug-test", "trigger", NULL};
    if (dup2(errfd, STDERR_FILENO) < 0 || setenv("ORDERS_BUGS", bugs, 1) != 0)
        _exit(126);
    alarm(timeout_s); /* survives exec: a hung trigger dies of SIGALRM */
    execv("/proc/self/exe", argv);
    _exit(127);
}

static bool read_all(int fd, char *buf, size_t cap) {
    size_t len = 0;
    for (;;) {
        char sink[4096];
        bool room = len < cap - 1;
        ssize_t n = read(fd, room ? buf + len : sink, room ? cap - 1 - len : sizeof(sink));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            buf[len] = '\0';
            return n == 0;
        }
        if (room)
            len += (size_t)n;
    }
}

static bool run_child(const char *bugs, unsigned timeout_s, struct child_run *r) {
    int fds[2], ws;
    r->err = malloc(CHILD_OUTPUT_MAX);
    if (r->err == NULL || pipe(fds) != 0)
        return false;
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        close(fds[0]);
        child_exec(fds[1], bugs, timeout_s);
    }
    close(fds[1]);
    bool ok = read_all(fds[0], r->err, CHILD_OUTPUT_MAX);
    close(fds[0]);
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return false;
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    return ok;
}

/* What any sanitizer prints when it finds something. */
static const char *const sanitizer_markers[] = {
    "ERROR: AddressSanitizer",
    "WARNING: ThreadSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    NULL,
};

static bool shows(const char *text, const char *const *needles, bool all) {
    for (size_t i = 0; needles[i] != NULL; i++) {
        bool found = strstr(text, needles[i]) != NULL;
        if (found != all)
            return !all;
    }
    return all;
}

static int expect(const struct bug_test *t, bool buggy) {
    struct child_run r = {0};
    const char *bugs = buggy ? t->bug : "none";
    double t0 = now_s();
    if (!run_child(bugs, t->timeout_s, &r)) {
        fprintf(stderr, "FAIL: could not run the trigger: %s\n", strerror(errno));
        free(r.err);
        return 1;
    }
    bool pass = buggy ? shows(r.err, t->must_show, true)
                      : r.status == 0 && !shows(r.err, sanitizer_markers, false);
    fprintf(stderr, "%s: ORDERS_BUGS=%s trigger exited %d after %.2fs; %s\n",
            pass ? "PASS" : "FAIL", bugs, r.status, now_s() - t0,
            buggy ? "expected its sanitizer report" : "expected a clean run");
    if (!pass || getenv("ORDERS_TEST_VERBOSE") != NULL)
        fprintf(stderr, "---- trigger stderr ----\n%s\n------------------------\n", r.err);
    free(r.err);
    return pass ? 0 : 1;
}

int bug_test_main(int argc, char **argv, const struct bug_test *t) {
    signal(SIGPIPE, SIG_IGN);
    if (argc == 2 && strcmp(argv[1], "trigger") == 0) {
        if (orders_proto_fuzz_init() != 0) {
            fprintf(stderr, "bad ORDERS_BUGS\n");
            return 2;
        }
        return t->trigger();
    }
    if (argc == 2 && strcmp(argv[1], "expect-report") == 0)
        return expect(t, true);
    if (argc == 2 && strcmp(argv[1], "expect-clean") == 0)
        return expect(t, false);
    fprintf(stderr, "usage: %s trigger|expect-report|expect-clean\n", argv[0]);
    return 2;
}
