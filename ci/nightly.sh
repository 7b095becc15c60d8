#!/usr/bin/env bash
# The nightly job from a source checkout, as ci/examples/ run it: set-up and build (the
# ./racefuzz wrapper), then `racefuzz nightly` over the targets named (default: every
# sample target in the modes it has), its exit status passed on (0 nothing new, 1 a new
# crash or a regression, 2 the job failed).
# Environment: RACEFUZZ_NIGHTLY_TIME seconds per run (default 600), RACEFUZZ_NIGHTLY_OUT
# the results folder (default nightly-results), RACEFUZZ_NIGHTLY_MERGE=0 keeps the stored
# corpus as it is, RACEFUZZ_STORE the crash store (default crashes/), RACEFUZZ_NIGHTLY_TARGETS
# the default target arguments.
# usage: ci/nightly.sh [--target NAME[:MODES] | --config PATH]...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC2086 # the default targets are words
[ $# -gt 0 ] || set -- ${RACEFUZZ_NIGHTLY_TARGETS:---target planted --target orders:frames,go,http}
merge=(--merge)
[ "${RACEFUZZ_NIGHTLY_MERGE:-1}" = 0 ] && merge=()
exec "$root/racefuzz" nightly --time "${RACEFUZZ_NIGHTLY_TIME:-600}" \
  --out "${RACEFUZZ_NIGHTLY_OUT:-nightly-results}" "${merge[@]}" "$@"
