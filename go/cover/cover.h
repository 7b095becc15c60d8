/* The service side of racefuzz remote coverage, in C: the coverage hooks Go's
 * -d=libfuzzer instrumentation calls, and the thread that serves the harness's requests.
 * Built only with the libfuzzer build tag (see cover_on.go). */
#ifndef RF_GO_COVER_H
#define RF_GO_COVER_H

#include <stddef.h>
#include <stdint.h>

/* Maps the region at path and starts the serving thread. 0 on success; -1 with a message
 * in rcov_service_error() otherwise (the process goes on without remote coverage). */
int rcov_service_start(const char *path);

/* Why the last rcov_service_start failed. */
const char *rcov_service_error(void);

/* 1 once a region is attached and served. */
int rcov_service_active(void);

/* The counters Go's runtime registered at init (NULL, 0 when none: no package was built
 * with -d=libfuzzer, or another runtime such as libFuzzer's owns the hooks). */
uint8_t *rcov_service_counters(size_t *n);

#endif
