/* cgo compiles the C files of its package directory only: this pulls in ../proto/orders_wire.c,
 * so the service and racefuzz build the very same decoder sources. */
#include "../proto/orders_wire.c"
