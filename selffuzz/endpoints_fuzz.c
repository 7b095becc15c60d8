/* Fuzzes the endpoint model loader (corpus/endpoints.c) on whole config texts. For any
 * input, endpoints_load accepts or refuses without crashing; a refusal leaves the model
 * empty; an accepted model keeps the promises the seed generator and the schedule mutator
 * rely on (known method and body kind, "/..." paths whose every {name} has values,
 * header blocks of "\r\n" lines, examples only on json/raw bodies), and every seed kind
 * made from it parses with schedule_parse. A broken promise aborts: the engine records it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints.h"
#include "engine_api.h"
#include "sched_seedgen.h"
#include "schedule.h"
#include "target_config.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_template(const struct sched_model *m, const char *path) {
    char name[ENDPOINTS_MAX_PATH + 1];
    CHECK(path[0] == '/' && strlen(path) <= ENDPOINTS_MAX_PATH);
    for (const char *p = strchr(path, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        CHECK(end != NULL && end > p + 1);
        memcpy(name, p + 1, (size_t)(end - p - 1));
        name[end - p - 1] = '\0';
        const struct sched_values *v = sched_model_param(m, name);
        CHECK(v != NULL && v->nvalues > 0);
    }
}

static void check_endpoint(const struct sched_model *m, const struct sched_endpoint *e) {
    size_t h = strlen(e->headers);
    CHECK((unsigned)e->method < SCHED_METHOD_COUNT && (unsigned)e->body < SCHED_BODY_COUNT);
    check_template(m, e->path);
    CHECK(h == 0 || (h >= 2 && memcmp(e->headers + h - 2, "\r\n", 2) == 0));
    CHECK(e->example == NULL || e->body == SCHED_BODY_JSON || e->body == SCHED_BODY_RAW);
}

static void check_seeds(const struct sched_model *m) {
    static uint8_t buf[SSEED_MAX_SEED];
    for (int k = 0; k < SSEED_KIND_COUNT; k++) {
        struct schedule s;
        size_t n = sched_seedgen_one(m, NULL, (enum sched_seedgen_kind)k, SSEED_ANY, (uint64_t)k,
                                     buf, sizeof(buf));
        CHECK(n > 0 && schedule_parse(buf, n, &s, NULL) == SCHED_OK);
        schedule_free(&s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct target_config c;
    struct sched_model m;
    if (!target_config_parse((const char *)data, size, "fuzz", &c))
        return 0;
    if (endpoints_load(&c, &m)) {
        CHECK(m.neps > 0);
        for (size_t i = 0; i < m.neps; i++)
            check_endpoint(&m, &m.eps[i]);
        check_seeds(&m);
        sched_model_free(&m);
    } else {
        CHECK(m.neps == 0 && m.nparams == 0 && m.eps == NULL && m.params == NULL);
    }
    target_config_free(&c);
    return 0;
}
