#!/bin/bash
# racefuzz's fuzz targets built the OSS-Fuzz way: ci/oss-fuzz/build.sh and
# .clusterfuzzlite/build.sh call this (docs/oss-fuzz.md). It reads what OSS-Fuzz's
# base-builder sets (CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE FUZZING_ENGINE SANITIZER
# OUT WORK) and writes into $OUT, for every line of targets.txt: the binary <target>,
# <target>_seed_corpus.zip, <target>.dict and <target>.options; and, once,
# racefuzz_afl_mutator.so (the AFL++ custom mutator, for runs that can load it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
die() {
  echo "build_fuzzers.sh: $*" >&2
  exit 1
}

for v in CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT WORK; do
  [ -n "${!v+x}" ] || die "\$$v is not set (OSS-Fuzz's base-builder sets it; docs/oss-fuzz.md)"
done
engine=${FUZZING_ENGINE:-libfuzzer}
sanitizer=${SANITIZER:-address}
case $engine in
  libfuzzer | afl) ;;
  *) die "FUZZING_ENGINE=$engine: racefuzz's targets build for libfuzzer and afl" ;;
esac
case $sanitizer in
  address | undefined | thread | coverage | none) ;;
  # MSan needs every linked library (cJSON, libc++) built with it; nobody does that here.
  *) die "SANITIZER=$sanitizer: racefuzz builds with address, undefined, thread or coverage" ;;
esac
jobs=${RACEFUZZ_BUILD_JOBS:-$(nproc)}
gen="Unix Makefiles"
command -v ninja >/dev/null && gen=Ninja

# Host tools, with plain clang and none of OSS-Fuzz's flags: the racefuzz command (it writes
# the dictionaries) and the AFL++ mutator library (it runs inside afl-fuzz: uninstrumented).
host=$WORK/racefuzz-host
env -u CFLAGS -u CXXFLAGS -u LDFLAGS CC=clang CXX=clang++ \
  cmake -S "$root" -B "$host" -G "$gen" -DRACEFUZZ_ENGINE=none -DRACEFUZZ_SANITIZER=none \
  -DRACEFUZZ_SUBBUILDS=OFF -DORDERS_TESTS=OFF >"$host.log" || die "host configure failed: $host.log"
cmake --build "$host" -j "$jobs" --target racefuzz racefuzz_afl_mutator >>"$host.log" ||
  die "host build failed: $host.log"

# The fuzz targets, with OSS-Fuzz's compilers and flags (cmake/RacefuzzOssFuzz.cmake).
build=$WORK/racefuzz-$engine-$sanitizer
env -u CFLAGS -u CXXFLAGS cmake -S "$root" -B "$build" -G "$gen" -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=ossfuzz -DRACEFUZZ_ENGINE=ossfuzz \
  -DRACEFUZZ_TESTS=OFF -DRACEFUZZ_SUBBUILDS=OFF -DRACEFUZZ_OSSFUZZ_CFLAGS="$CFLAGS" \
  -DRACEFUZZ_OSSFUZZ_CXXFLAGS="$CXXFLAGS" -DRACEFUZZ_OSSFUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  >"$build.log" || die "configure failed: $build.log"
cmake --build "$build" -j "$jobs" >>"$build.log" || die "build failed: $build.log"

mkdir -p "$OUT"
cp "$host/lib/libracefuzz_afl_mutator.so" "$OUT/racefuzz_afl_mutator.so"
while read -r target config seeds; do
  case $target in '' | '#'*) continue ;; esac
  "$here/install_target.sh" "$root" "$build/bin/${target}_fuzzer" "$host/bin/racefuzz" \
    "$target" "$config" "$seeds"
done <"$here/targets.txt"
