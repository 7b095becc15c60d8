/* Fuzzes the endpoints-model file parser (mutators/sched_model_file.h). For any bytes it
 * accepts or refuses without crashing; a refusal names origin:line; an accepted model
 * formats, and the formatted text parses back to a model that formats to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "sched_model_file.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_round_trip(const struct sched_model *m) {
    char *text = NULL, *again = NULL, err[256];
    size_t len = 0, len2 = 0;
    struct sched_model m2;
    /* The parser never yields what the writer refuses (CR/LF are line ends, NUL is refused). */
    CHECK(sched_model_file_format(m, &text, &len, err, sizeof(err)));
    CHECK(sched_model_file_parse(text, len, "fmt", &m2, err, sizeof(err)));
    CHECK(m2.neps == m->neps && m2.nparams == m->nparams);
    CHECK(sched_model_file_format(&m2, &again, &len2, err, sizeof(err)));
    CHECK(len == len2 && memcmp(text, again, len) == 0);
    sched_model_free(&m2);
    free(text);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct sched_model m;
    char err[256];
    if (!sched_model_file_parse((const char *)data, size, "in", &m, err, sizeof(err))) {
        CHECK(strncmp(err, "in:", 3) == 0 && m.neps == 0 && m.nparams == 0);
        return 0;
    }
    for (size_t i = 0; i < m.neps; i++)
        CHECK(m.eps[i].path != NULL && m.eps[i].path[0] == '/' && m.eps[i].headers != NULL);
    check_round_trip(&m);
    sched_model_free(&m);
    return 0;
}
