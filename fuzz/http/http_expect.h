/* The user's expectations of a live service's answers, from the target config's "service"
 * section, checked by the http-mode harness on every response:
 *   "fail_on_5xx": true          a 5xx answer is a finding (the default)
 *   "allow_5xx": ["POST ^/v1/payments$"]
 *                                METHOD and path regex (POSIX ERE, the path without its
 *                                query) of answers whose 5xx is expected behaviour
 *   "expect": [{"method": "GET", "path": "^/v1/orders", "without_header": "Authorization",
 *               "forbid": "2xx"}]
 *                                a request matching method (optional), path and the
 *                                header condition (optional) must not get an answer of the
 *                                forbidden class ("2xx", "4xx", "5xx")
 *   "invariant": "/internal/invariants"
 *                                GET after every schedule; anything but 2xx is a finding
 * So wrong answers (an anonymous request served another user's data) become findings
 * without the service importing anything of racefuzz. */
#ifndef RF_HTTP_EXPECT_H
#define RF_HTTP_EXPECT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "schedule.h"

#define HEXP_MAX_RULES 32

struct http_expect_rule {
    char method[16]; /* "" = any */
    regex_t path;
    char header[64]; /* "" = no header condition */
    bool without;    /* the header must be absent (else present) */
    int forbid;      /* status class: 2, 4 or 5 */
    char text[256];  /* the rule as written, for reports */
};

struct http_expect {
    bool fail_on_5xx;
    struct http_expect_rule allow5xx[HEXP_MAX_RULES], rules[HEXP_MAX_RULES];
    size_t nallow, nrules;
    char invariant[256]; /* "" = none */
};

/* Reads the "service" section; logs "FILE: service.expect[2].forbid: ..." and returns
 * false on a malformed entry. */
bool http_expect_load(const cJSON *service, const char *origin, struct http_expect *out);

/* Checks one answered step; on a broken expectation writes the reason into why. */
bool http_expect_check(const struct http_expect *e, const struct schedule_step *st, int status,
                       char *why, size_t cap);

void http_expect_free(struct http_expect *e);

#endif
