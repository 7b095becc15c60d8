/* The pure address check of http mode's policy (common/netaddr.c): what counts as loopback
 * from an address's text alone, and how "host:port" splits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "netaddr.h"

static void expect_kind(const char *host, enum netaddr_kind want) {
    enum netaddr_kind got = netaddr_classify(host);
    if (got != want)
        fail_msg("%s: kind %d, expected %d", host, (int)got, (int)want);
}

static void loopback_hosts_should_be_told_from_their_text(void **state) {
    (void)state;
    expect_kind("127.0.0.1", NETADDR_LOOPBACK);
    expect_kind("127.9.9.9", NETADDR_LOOPBACK); /* all of 127.0.0.0/8 */
    expect_kind("::1", NETADDR_LOOPBACK);
    expect_kind("::ffff:127.0.0.1", NETADDR_LOOPBACK); /* IPv4-mapped loopback */
    expect_kind("localhost", NETADDR_LOOPBACK);        /* every resolver maps it there */
    expect_kind("LocalHost", NETADDR_LOOPBACK);
    expect_kind("10.0.0.1", NETADDR_NOT_LOOPBACK);
    expect_kind("0.0.0.0", NETADDR_NOT_LOOPBACK); /* listening there is every interface */
    expect_kind("::", NETADDR_NOT_LOOPBACK);
    expect_kind("::ffff:10.1.2.3", NETADDR_NOT_LOOPBACK);
    expect_kind("2001:db8::1", NETADDR_NOT_LOOPBACK);
    expect_kind("128.0.0.1", NETADDR_NOT_LOOPBACK);
    /* Names are not resolved: only localhost is known without asking a resolver. */
    expect_kind("db.example", NETADDR_NAME);
    expect_kind("localhost.example", NETADDR_NAME);
    expect_kind("127.1", NETADDR_NAME); /* not a dotted quad inet_pton takes */
}

static void addresses_should_split_into_host_and_port(void **state) {
    (void)state;
    char host[64], port[16];
    assert_true(netaddr_split("[::1]:80", host, sizeof(host), port, sizeof(port)));
    assert_string_equal(host, "::1");
    assert_string_equal(port, "80");
    assert_int_equal(netaddr_classify(host), NETADDR_LOOPBACK);
    assert_true(netaddr_split("127.0.0.1:0", host, sizeof(host), port, sizeof(port)));
    assert_string_equal(host, "127.0.0.1");
    assert_string_equal(port, "0");
    assert_true(netaddr_split("localhost:8080", host, sizeof(host), port, sizeof(port)));
    assert_string_equal(host, "localhost");
    const char *malformed[] = {"127.0.0.1", "::1",        "::1:80", "[::1]80",
                               ":80",       "127.0.0.1:", "[]:80",  ""};
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
        if (netaddr_split(malformed[i], host, sizeof(host), port, sizeof(port)))
            fail_msg("'%s' split into '%s' and '%s'", malformed[i], host, port);
    char tiny[4];
    assert_false(netaddr_split("127.0.0.1:80", tiny, sizeof(tiny), port, sizeof(port)));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loopback_hosts_should_be_told_from_their_text),
        cmocka_unit_test(addresses_should_split_into_host_and_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
