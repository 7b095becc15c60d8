/* Address policy of http mode: the service under test is reached on loopback only, unless
 * the target config says otherwise. A fuzzer fires thousands of malformed, racing
 * requests per second; pointed by mistake at a shared or production host, that is an
 * attack, so a non-loopback address must be an explicit decision
 * (service.allow_non_loopback), never a typo. Used by the HTTP driver and the supervisor. */
#ifndef RF_HTTP_ADDR_H
#define RF_HTTP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define HADDR_HOST_MAX 256
#define HADDR_PORT_MAX 32
#define HADDR_NUMERIC_MAX 64

/* A checked address. Connecting to `numeric` (not re-resolving `host`) keeps the address
 * that passed the check the one that is used: a name cannot resolve to loopback for the
 * check and elsewhere for the connection. */
struct http_addr {
    char host[HADDR_HOST_MAX];       /* as given, IPv6 brackets removed ("::1", "localhost") */
    char port[HADDR_PORT_MAX];       /* as given ("8080") */
    char numeric[HADDR_NUMERIC_MAX]; /* first resolved address, numeric ("127.0.0.1", "::1") */
    int family;                      /* AF_INET or AF_INET6 of `numeric` */
};

/* Splits "host:port" or "[v6]:port", resolves host and checks EVERY resolved address with
 * the loopback test of common/netaddr.h (which the config loader applies to the config's
 * address before anything starts): one non-loopback address refuses the whole name unless
 * allow_non_loopback. On failure
 * writes a one-line reason to err (always NUL-terminated when errlen > 0), e.g.
 * "http driver: 10.1.2.3:80 is not a loopback address; set service.allow_non_loopback in
 * the target config to allow it", and leaves *out unspecified. Nothing is logged. */
bool http_addr_resolve(const char *addr, bool allow_non_loopback, struct http_addr *out, char *err,
                       size_t errlen);

#endif
