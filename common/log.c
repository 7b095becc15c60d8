#include "log.h"

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
