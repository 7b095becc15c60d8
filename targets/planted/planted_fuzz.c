/* libFuzzer/AFL++ harness for the planted decoder. */
#include <stddef.h>
#include <stdint.h>

#include "engine_api.h"
#include "planted.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)planted_decode(data, size);
    return 0;
}
