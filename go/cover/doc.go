// Package cover publishes a Go service's coverage to racefuzz's http mode.
//
// A service opts in with a blank import in its main package:
//
//	import _ "racefuzz/go/cover"
//
// and, for fuzzing, is built with Go's libFuzzer instrumentation:
//
//	go build -race -tags libfuzzer -gcflags='example.com/svc/...=-d=libfuzzer' ./cmd/svc
//
// With the libfuzzer build tag (and cgo), the package provides the C hooks the
// instrumented runtime calls (without them such a binary does not link), records
// the 8-bit counter region, and, when the environment variable
// RACEFUZZ_COVER_SHM names a region file the harness created, serves the
// harness's "clear" and "snapshot" requests from a C thread: the counters and
// runtime.NumGoroutine() are copied into the region. The layout and protocol are
// in fuzz/http/http_cov_layout.h and docs/http-mode.md.
//
// Without the tag the package is empty, so a production build can keep the import.
package cover

// EnvVar names the region file; the package unsets it once read, so Go programs
// the service starts do not attach to the same region (RCOV_ENV in the C header).
const EnvVar = "RACEFUZZ_COVER_SHM"
