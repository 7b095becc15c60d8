/* Fuzzes the target-config loader (racefuzz.json): any text is parsed or refused with
 * a located error, never read past its length, and an accepted config has a usable name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "target_config.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static struct tcfg c;
    if (tcfg_parse((const char *)data, size, "fuzz", &c)) {
        CHECK(c.root != NULL && c.name != NULL && c.name[0] != '\0');
        CHECK(strchr(c.name, '/') == NULL);
        (void)tcfg_section(&c, "frames");
        tcfg_free(&c);
    } else {
        CHECK(c.root == NULL);
    }
    return 0;
}
