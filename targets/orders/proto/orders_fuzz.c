/* racefuzz frames-mode entry points: the three functions the target config names in
 * frames.c_entry. Thin on purpose: what they run is the same decoder the service uses. */
#include <stdlib.h>

#include "orders_proto.h"

int orders_proto_fuzz_init(void) {
    return orders_proto_set_bugs(getenv("ORDERS_BUGS")) == 0 ? 0 : -1;
}

void orders_proto_fuzz_reset(void) {
    orders_proto_reset();
}

int orders_proto_fuzz_decode(const uint8_t *buf, size_t len) {
    struct orders_result res; /* per call: concurrent sessions share nothing here */
    return orders_proto_decode(buf, len, &res);
}
