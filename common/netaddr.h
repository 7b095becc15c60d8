/* Service addresses without the network: "host:port" split, and the loopback test of http
 * mode's address policy, pure (no name is resolved, nothing is logged), so the config
 * loader can check an address before anything starts and the driver after a name resolved.
 *
 * Loopback is 127.0.0.0/8, ::1, and IPv4-mapped 127.0.0.0/8 (::ffff:127.x.y.z, which a
 * dual-stack socket reaches over loopback). 0.0.0.0 and :: are not: a service listening
 * there listens on every interface. */
#ifndef RF_NETADDR_H
#define RF_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Splits "host:port" or "[v6]:port" into host (brackets removed) and port, both non-empty
 * and fitting their buffers. False for anything else, a bare IPv6 literal ("::1:80": its
 * port is ambiguous) included. */
bool netaddr_split(const char *addr, char *host, size_t host_cap, char *port, size_t port_cap);

/* True for a loopback address (see above). */
bool netaddr_is_loopback(const struct sockaddr *sa);

enum netaddr_kind {
    NETADDR_LOOPBACK,     /* a loopback literal, or the name "localhost" (any case) */
    NETADDR_NOT_LOOPBACK, /* any other literal, 0.0.0.0 and :: included */
    NETADDR_NAME,         /* another name: only resolving it could tell */
};

/* What a host (no port, no brackets) is, from its text alone. "localhost" counts as
 * loopback because every resolver maps it there; a resolving check (http_addr.h) still
 * sees where it really goes. */
enum netaddr_kind netaddr_classify(const char *host);

#endif
