#!/usr/bin/env bash
# Builds racefuzz (scripts/build.sh; RACEFUZZ_BUILD_DIR, default ./build) and installs it
# into PREFIX (default ~/.local): PREFIX/bin/racefuzz and its engine binaries,
# PREFIX/share/racefuzz, PREFIX/lib/cmake/racefuzz (see cmake/RacefuzzInstall.cmake).
# usage: scripts/install.sh [PREFIX]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-$HOME/.local}
build=${RACEFUZZ_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$build"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! cmake --install "$build" --prefix "$prefix" >"$log" 2>&1; then
  cat "$log" >&2
  echo "racefuzz install: cmake --install $build --prefix $prefix failed" >&2
  exit 3
fi
echo "racefuzz installed in $prefix: put $prefix/bin on PATH; CMake projects find it with -DCMAKE_PREFIX_PATH=$prefix"
