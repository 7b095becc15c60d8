#!/usr/bin/env bash
# Configures (once) and builds every variant into BUILD_DIR (default ./build):
# ASan/UBSan + libFuzzer, plain replay binaries, tests, and the AFL++ sub-build.
# Quiet on success; prints the build log on failure. RACEFUZZ_WERROR=ON in CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ ! -f "$build/CMakeCache.txt" ]; then
  if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang \
      -DRACEFUZZ_WERROR="${RACEFUZZ_WERROR:-OFF}" >"$log" 2>&1; then
    cat "$log" >&2
    echo "racefuzz build: configure failed" >&2
    exit 3
  fi
fi
if ! cmake --build "$build" >"$log" 2>&1; then
  grep -E "error|FAILED" "$log" | head -40 >&2 || cat "$log" >&2
  echo "racefuzz build: build failed (full log: cmake --build $build)" >&2
  exit 3
fi
