/* Logging: levelled macros, one errno variant, all safe under an unbraced if. */
#ifndef RF_LOG_H
#define RF_LOG_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Messages above this level are dropped; set from -v/-q or RACEFUZZ_LOG. */
extern enum log_level log_threshold;

void log_init_from_env(void);

/* LOG_E's the message, then keeps it in buf (cap bytes) cut at its first line: the store
 * behind a module's "why did the last call fail" getter, whose callers show one line while
 * the log gets all of it (a build's output tail, say). */
__attribute__((format(printf, 3, 4))) void log_error_kept(char *buf, size_t cap, const char *fmt,
                                                          ...);

#define LOG_AT(lvl, tag, ...)                                                                      \
    do {                                                                                           \
        if ((lvl) <= log_threshold) {                                                              \
            fprintf(stderr, "racefuzz: " tag ": " __VA_ARGS__);                                    \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define LOG_E(...) LOG_AT(LOG_LEVEL_ERROR, "error", __VA_ARGS__)
#define LOG_W(...) LOG_AT(LOG_LEVEL_WARN, "warning", __VA_ARGS__)
#define LOG_I(...) LOG_AT(LOG_LEVEL_INFO, "info", __VA_ARGS__)
#define LOG_D(...) LOG_AT(LOG_LEVEL_DEBUG, "debug", __VA_ARGS__)

/* Like LOG_E, with strerror(errno) appended; errno is read before anything can clobber it. */
#define PLOG_E(...)                                                                                \
    do {                                                                                           \
        int log_saved_errno_ = errno;                                                              \
        if (LOG_LEVEL_ERROR <= log_threshold) {                                                    \
            fprintf(stderr, "racefuzz: error: " __VA_ARGS__);                                      \
            fprintf(stderr, ": %s\n", strerror(log_saved_errno_));                                 \
        }                                                                                          \
    } while (0)

#endif
