#include "log.h"

#include <stdarg.h>
#include <stdlib.h>

enum log_level log_threshold = LOG_LEVEL_INFO;

void log_init_from_env(void) {
    const char *v = getenv("RACEFUZZ_LOG");
    if (v == NULL)
        return;
    if (strcmp(v, "error") == 0)
        log_threshold = LOG_LEVEL_ERROR;
    else if (strcmp(v, "warn") == 0)
        log_threshold = LOG_LEVEL_WARN;
    else if (strcmp(v, "debug") == 0)
        log_threshold = LOG_LEVEL_DEBUG;
    else
        log_threshold = LOG_LEVEL_INFO;
}

void log_error_kept(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    LOG_E("%s", buf);
    char *nl = strchr(buf, '\n');
    if (nl != NULL)
        *nl = '\0';
}
