/* Fuzzes the engine-progress parsers (fuzz/campaign_series.c) on whole texts: they read
 * engine logs, where the target under test prints whatever it likes, and AFL++ plot_data
 * files. For any input both must stay inside the text and keep what the plots rely on:
 * times in order and never negative (AFL++'s are relative), at most CAMPAIGN_SERIES_MAX
 * points, and the same answer twice. A broken promise aborts: the engine records it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_series.h"
#include "engine_api.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

typedef bool (*parse_fn)(const char *text, struct campaign_series *s);

static void check(parse_fn parse, const char *text) {
    struct campaign_series a = {0}, b = {0};
    bool ra = parse(text, &a), rb = parse(text, &b);
    CHECK(ra == rb && a.n == b.n && a.n <= CAMPAIGN_SERIES_MAX);
    for (size_t i = 0; i < a.n; i++) {
        CHECK(memcmp(&a.v[i], &b.v[i], sizeof(a.v[i])) == 0);
        CHECK(i == 0 || a.v[i].t >= a.v[i - 1].t);
    }
    campaign_series_free(&a);
    campaign_series_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    check(campaign_series_parse_libfuzzer, text);
    check(campaign_series_parse_afl, text);
    free(text);
    return 0;
}
