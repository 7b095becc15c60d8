/* Fuzzes the fix-up spec parser and applies what it accepts to the rest of the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "fixup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t cut = size > 0 ? data[0] % (size + 1) : 0;
    char *spec = malloc(cut + 1);
    if (spec == NULL)
        return 0;
    memcpy(spec, data, cut);
    spec[cut] = '\0';
    struct fixup_list l;
    const char *why = NULL;
    if (fixup_parse(spec, &l, &why)) {
        uint8_t *payload = malloc(size - cut + 1);
        if (payload != NULL) {
            memcpy(payload, data + cut, size - cut);
            fixup_apply(&l, payload, size - cut);
            free(payload);
        }
    } else if (why == NULL) {
        abort(); /* a rejection must say why */
    }
    free(spec);
    return 0;
}
