package main

// racefuzz's remote coverage: with -tags libfuzzer (and -gcflags=...=-d=libfuzzer) the
// service publishes its coverage counters and goroutine count to the http-mode harness;
// without the tag the package is empty.
import _ "racefuzz/go/cover"
