/* Fuzzes the dictionary-file parser: it must never read past the text, and every
 * token it keeps must fit the limits the mutators rely on. */
#include <stdint.h>
#include <stdlib.h>

#include "dict.h"
#include "engine_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static struct dict d;
    size_t bad_line = 0;
    dict_init(&d);
    bool ok = dict_parse(&d, (const char *)data, size, &bad_line);
    if (!ok && bad_line == 0)
        abort();
    for (size_t i = 0; i < d.count; i++)
        if (d.tokens[i].len == 0 || d.tokens[i].len > RF_DICT_MAX_TOKEN)
            abort();
    return 0;
}
