/* The target config's "service" section: how http mode builds, starts and checks the
 * service under test. Read here, beside the other config loaders; the supervisor
 * (fuzz/http/http_supervisor.h) runs what this describes. */
#ifndef RF_SERVICE_CONFIG_H
#define RF_SERVICE_CONFIG_H

#include <stdbool.h>

#include "target_config.h"

/* The build command's limit: a cold `go build -race` of a service and the standard
 * library takes minutes on a small machine; more than ten is a hang. */
#define RF_SERVICE_BUILD_TIMEOUT_S 600.0

/* Output shown when the service's build (here) or start (the supervisor) fails: the last
 * lines, where the reason is. */
#define RF_SERVICE_FAIL_TAIL 2048u

/* Every string and vector is owned; service_config_free frees them. */
struct service_config {
    char addr[256];    /* what {addr} became: the section's "addr", default "127.0.0.1:0" */
    char **argv;       /* command, placeholders expanded; NULL-terminated */
    char **env;        /* extra "K=V" for the service; NULL-terminated, never NULL */
    char *cwd;         /* the config's directory; NULL: inherit */
    char *ready_regex; /* POSIX ERE with a group capturing the base URL */
    char *health_path; /* NULL: none */
    char *log_path;    /* OUT_DIR/service.log */
    bool allow_non_loopback;
};

/* Reads the config's "service" section into out (zeroed first):
 *   command (array of strings, required), ready_line (ERE with a group, required),
 *   build (array of strings), env (object of strings), addr (string), health (path),
 *   allow_non_loopback (bool).
 * Placeholders {out} (out_dir, made absolute and created) and {addr} are expanded in
 * build, command and env values. The environment is, in order: the variant's env
 * ("variants"."NAME"."env", read by variant_env.h; variant NULL: none), the section's env,
 * then extra_env (NULL-terminated "K=V", e.g. RACEFUZZ_COVER_SHM). cwd is the config's
 * directory; the log is OUT_DIR/service.log.
 * When "build" is given it runs now, once, in the config's directory; its output goes to
 * OUT_DIR/service-build.log. Errors are logged as "FILE: service.command: ..." (a failed
 * build with its command and output tail) and service_config_error() returns the first
 * line; out is then freed. The address is checked first (service_config_check_addr),
 * before any build. */
bool service_config_load(const struct target_config *c, const char *out_dir, const char *variant,
                         const char *const *extra_env, struct service_config *out);

void service_config_free(struct service_config *sc);

/* The part of service_config_load that needs nothing started, for the CLI to run when the
 * config is loaded: the section's addr must be loopback (common/netaddr.h: 127.0.0.0/8,
 * ::1, ::ffff:127.x.y.z, localhost; no name is resolved) unless allow_non_loopback is true.
 * False, logged as "FILE: service.addr: 10.1.2.3:8080 is not a loopback address; set
 * service.allow_non_loopback to true to allow it" and in service_config_error(), when it is
 * not. True without a "service" object (service_config_load reports that). */
bool service_config_check_addr(const struct target_config *c);

/* The reason the last service_config_load of this thread failed, one line; "" when none
 * did. */
const char *service_config_error(void);

#endif
