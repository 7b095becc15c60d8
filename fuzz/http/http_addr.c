/* Address policy of http mode (see http_addr.h). */
#define _POSIX_C_SOURCE 200809L
#include "http_addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static const char hint[] = "set service.allow_non_loopback in the target config to allow it";

bool haddr_is_loopback(const struct sockaddr *sa) {
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

static bool split(const char *addr, struct haddr *out) {
    const char *colon;
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close || close[1] != ':')
            return false;
        if (!copy_part(out->host, sizeof(out->host), addr + 1, (size_t)(close - addr - 1)))
            return false;
        colon = close + 1;
    } else {
        colon = strrchr(addr, ':');
        /* A bare IPv6 literal has several colons and no brackets: its port is ambiguous. */
        if (!colon || memchr(addr, ':', (size_t)(colon - addr)))
            return false;
        if (!copy_part(out->host, sizeof(out->host), addr, (size_t)(colon - addr)))
            return false;
    }
    return copy_part(out->port, sizeof(out->port), colon + 1, strlen(colon + 1));
}

static void numeric_of(const struct addrinfo *ai, char *dst, size_t cap) {
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, dst, (socklen_t)cap, NULL, 0, NI_NUMERICHOST))
        snprintf(dst, cap, "?");
}

/* Checks every address of the list; on a refusal names the offending one. */
static bool check_all(const char *addr, const struct haddr *h, const struct addrinfo *list,
                      char *err, size_t errlen) {
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        if (haddr_is_loopback(ai->ai_addr))
            continue;
        char num[HADDR_NUMERIC_MAX];
        numeric_of(ai, num, sizeof(num));
        if (strcmp(num, h->host) == 0)
            snprintf(err, errlen, "http driver: %s is not a loopback address; %s", addr, hint);
        else
            snprintf(err, errlen, "http driver: %s (%s) is not a loopback address; %s", addr, num,
                     hint);
        return false;
    }
    return true;
}

bool haddr_resolve(const char *addr, bool allow_non_loopback, struct haddr *out, char *err,
                   size_t errlen) {
    if (errlen > 0)
        err[0] = '\0';
    memset(out, 0, sizeof(*out));
    if (!addr || !split(addr, out)) {
        snprintf(err, errlen, "http driver: bad address '%s' (want host:port or [v6]:port)",
                 addr ? addr : "(null)");
        return false;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(out->host, out->port, &hints, &list);
    if (rc != 0) {
        snprintf(err, errlen, "http driver: cannot resolve %s: %s", addr, gai_strerror(rc));
        return false;
    }
    bool ok = allow_non_loopback || check_all(addr, out, list, err, errlen);
    if (ok) {
        numeric_of(list, out->numeric, sizeof(out->numeric));
        out->family = list->ai_family;
    }
    freeaddrinfo(list);
    return ok;
}
