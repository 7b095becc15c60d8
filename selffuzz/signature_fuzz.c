/* Fuzzes the crash-signature parser (crashes/signature.c) on whole report texts: it reads
 * engine logs and replay output, which the target under test writes and can fill with
 * anything. For any input signature_from_report must stay inside the text, and a recognised
 * report must keep the promises the store relies on: a kind that names it, NUL-terminated
 * fields, a state that starts with the kind, a key of 16 hex digits that is the hash of the
 * state, frame counts within bounds, and the same answer twice. A broken promise aborts:
 * the engine records it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "signature.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static uint64_t fnv1a(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static void check_result(const struct signature_result *r) {
    CHECK(memchr(r->kind, '\0', sizeof(r->kind)) != NULL && r->kind[0] != '\0');
    CHECK(memchr(r->detail, '\0', sizeof(r->detail)) != NULL);
    CHECK(memchr(r->state, '\0', sizeof(r->state)) != NULL);
    size_t kind_len = strlen(r->kind);
    CHECK(strncmp(r->state, r->kind, kind_len) == 0 && r->state[kind_len] == '\n');
    CHECK(strlen(r->key) == 16 && strspn(r->key, "0123456789abcdef") == 16);
    char key[17];
    snprintf(key, sizeof(key), "%016llx", (unsigned long long)fnv1a(r->state));
    CHECK(strcmp(key, r->key) == 0);
    for (int k = 0; k < 2; k++) {
        CHECK(r->nframes[k] <= SIG_MAX_FRAMES);
        for (size_t i = 0; i < r->nframes[k]; i++) {
            CHECK(memchr(r->frames[k][i].func, '\0', sizeof(r->frames[k][i].func)) != NULL);
            CHECK(memchr(r->frames[k][i].file, '\0', sizeof(r->frames[k][i].file)) != NULL);
            CHECK(r->frames[k][i].line >= 0);
        }
    }
    CHECK(r->nframes[1] == 0 || r->nframes[0] > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static struct signature_result a, b;
    /* A private copy of exactly `size` bytes: no NUL after it to hide a read past the end. */
    char *text = malloc(size > 0 ? size : 1);
    if (text == NULL)
        return 0;
    if (size > 0)
        memcpy(text, data, size);
    bool ok = signature_from_report(text, size, &a);
    CHECK(signature_from_report(text, size, &b) == ok);
    if (ok) {
        check_result(&a);
        CHECK(strcmp(a.key, b.key) == 0 && strcmp(a.state, b.state) == 0);
    } else {
        CHECK(a.kind[0] == '\0' && a.key[0] == '\0' && a.nframes[0] == 0);
    }
    free(text);
    return 0;
}
