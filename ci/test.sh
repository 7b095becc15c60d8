#!/usr/bin/env bash
# The test command (README, .ci/run): set-up, a warnings-as-errors build, then every
# test through ctest: unit, format, the sample target's own tests, and the bounded
# fuzzing campaigns (label `campaign`). RACEFUZZ_TEST_LABELS narrows it (ctest -L).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RACEFUZZ_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
RACEFUZZ_WERROR=ON "$root/scripts/build.sh" "$build"
cd "$build"
args=(--output-on-failure)
[ -n "${RACEFUZZ_TEST_LABELS:-}" ] && args+=(-L "$RACEFUZZ_TEST_LABELS")
exec ctest "${args[@]}"
