/* Address policy of http mode (see http_addr.h). */
#define _POSIX_C_SOURCE 200809L
#include "http_addr.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"

static const char hint[] = "set service.allow_non_loopback in the target config to allow it";

static void numeric_of(const struct addrinfo *ai, char *dst, size_t cap) {
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, dst, (socklen_t)cap, NULL, 0, NI_NUMERICHOST))
        snprintf(dst, cap, "?");
}

/* Checks every address of the list; on a refusal names the offending one. */
static bool check_all(const char *addr, const struct http_addr *h, const struct addrinfo *list,
                      char *err, size_t errlen) {
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        if (netaddr_is_loopback(ai->ai_addr))
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

bool http_addr_resolve(const char *addr, bool allow_non_loopback, struct http_addr *out, char *err,
                       size_t errlen) {
    if (errlen > 0)
        err[0] = '\0';
    memset(out, 0, sizeof(*out));
    if (!addr || !netaddr_split(addr, out->host, sizeof(out->host), out->port, sizeof(out->port))) {
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
