/* Service addresses without the network (see netaddr.h). */
#define _POSIX_C_SOURCE 200809L
#include "netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

bool netaddr_is_loopback(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a))
            return true;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return false;
}

/* Copies [s, s+n) into dst (cap bytes) as a string; false when it does not fit or is empty. */
static bool copy_part(char *dst, size_t cap, const char *s, size_t n) {
    if (n == 0 || n >= cap)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

bool netaddr_split(const char *addr, char *host, size_t host_cap, char *port, size_t port_cap) {
    const char *colon;
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close || close[1] != ':')
            return false;
        if (!copy_part(host, host_cap, addr + 1, (size_t)(close - addr - 1)))
            return false;
        colon = close + 1;
    } else {
        colon = strrchr(addr, ':');
        /* A bare IPv6 literal has several colons and no brackets: its port is ambiguous. */
        if (!colon || memchr(addr, ':', (size_t)(colon - addr)))
            return false;
        if (!copy_part(host, host_cap, addr, (size_t)(colon - addr)))
            return false;
    }
    return copy_part(port, port_cap, colon + 1, strlen(colon + 1));
}

enum netaddr_kind netaddr_classify(const char *host) {
    struct sockaddr_in v4 = {.sin_family = AF_INET};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET, host, &v4.sin_addr) == 1)
        return netaddr_is_loopback((const struct sockaddr *)&v4) ? NETADDR_LOOPBACK
                                                                 : NETADDR_NOT_LOOPBACK;
    if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1)
        return netaddr_is_loopback((const struct sockaddr *)&v6) ? NETADDR_LOOPBACK
                                                                 : NETADDR_NOT_LOOPBACK;
    return strcasecmp(host, "localhost") == 0 ? NETADDR_LOOPBACK : NETADDR_NAME;
}
