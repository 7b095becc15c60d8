#!/usr/bin/env bash
# Installed racefuzz (issue 16, 2): `cmake --install` into a temporary prefix, nothing else
# copied, then, from another temporary directory with RACEFUZZ_ROOT unset:
#   - racefuzz --where names the prefix's bin/ and share/racefuzz, not the source tree
#     compiled into the binary; --help works;
#   - corpus gen --config writes schedules for an http-mode config written here;
#   - a user's CMake project written here (a C decoder of its own) finds the package with
#     find_package(racefuzz) and CMAKE_PREFIX_PATH, builds its frames-mode harness with
#     racefuzz_add_frames_target(), and the harness runs the seeds racefuzz generated for
#     it; the same for a Go module's go-mode harness (racefuzz_add_go_target), when Go is
#     there. No file of those builds names the source tree.
# usage: installed_racefuzz.sh BUILD_DIR C_COMPILER
set -euo pipefail
build=$1 cc=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(mktemp -d) work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$prefix" "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
unset RACEFUZZ_ROOT RACEFUZZ_STORE
cmake --install "$build" --prefix "$prefix" >"$work/install.txt" 2>&1 ||
  { cat "$work/install.txt"; fail "cmake --install"; }
for f in bin/racefuzz bin/racefuzz_http_fuzzer lib/cmake/racefuzz/racefuzzConfig.cmake \
  lib/cmake/racefuzz/racefuzzConfigVersion.cmake share/racefuzz/cmake/RacefuzzTarget.cmake \
  share/racefuzz/fuzz/frames/harness.c share/racefuzz/go/go.mod \
  share/racefuzz/go/cover/http_cov_layout.h share/racefuzz/go/adapter/run.go \
  lib/racefuzz/rfinit share/racefuzz/go/cmd/rfinit/go.mod; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
cd "$work"
rf=$prefix/bin/racefuzz

"$rf" --where >where.txt || fail "racefuzz --where"
grep -qx "bin: $prefix/bin" where.txt && grep -qx "data: $prefix/share/racefuzz" where.txt ||
  fail "the installed racefuzz does not look in its prefix: $(cat where.txt)"
"$rf" --help >help.txt && grep -q "^usage: racefuzz VERB" help.txt || fail "racefuzz --help"

# The sample targets' TSan build, installed beside (lib/racefuzz/tsan), is what
# --sanitizer thread runs: a campaign of a second (a finding, exit 1, is fine too).
if [ -d "$build/tsan/bin" ]; then
  rc=0
  "$rf" fuzz --target planted --sanitizer thread --time 1 >tsan.txt 2>&1 || rc=$?
  [ "$rc" -le 1 ] || { cat tsan.txt; fail "fuzz --sanitizer thread from the prefix: exit $rc"; }
  # Without that binary the same command names where it looked.
  rm "$prefix/lib/racefuzz/tsan/planted_fuzzer"
  rc=0
  "$rf" fuzz --target planted --sanitizer thread --time 1 >tsan.txt 2>&1 || rc=$?
  [ "$rc" -eq 3 ] && grep -q "$prefix/bin/../lib/racefuzz/tsan/planted_fuzzer: fuzz target not built" \
    tsan.txt || fail "--sanitizer thread does not look in the prefix: exit $rc, $(cat tsan.txt)"
fi

mkdir svc
cat >svc/racefuzz.json <<'JSON'
{
  "name": "shop",
  "service": {
    "build": ["go", "build", "-race", "-o", "{out}/shopd", "."],
    "command": ["{out}/shopd", "-addr", "{addr}"],
    "addr": "127.0.0.1:0",
    "ready_line": "^listening on (http://\\S+)$",
    "path_params": {"id": ["1", "2"]}
  },
  "endpoints": [
    {"method": "POST", "path": "/cart/{id}", "body": "none"},
    {"method": "GET", "path": "/cart/{id}", "body": "none"}
  ]
}
JSON
(cd svc && "$rf" corpus gen --config racefuzz.json --format schedule --count 4 --seed 1 \
  --out corpus/shop/schedule) >gen.txt 2>&1 || { cat gen.txt; fail "corpus gen --config"; }
n=$(sed -n 's/^wrote \([0-9]*\) seeds to .*/\1/p' gen.txt)
[ -n "$n" ] && [ "$(ls svc/corpus/shop/schedule | wc -l)" -eq "$n" ] ||
  fail "corpus gen --config: $(cat gen.txt), but $(ls svc/corpus/shop/schedule | wc -l) files"
(cd svc && "$rf" corpus show "corpus/shop/schedule/$(ls corpus/shop/schedule | head -n 1)") |
  grep -q '"/cart/' || fail "a generated schedule does not request /cart/"

# racefuzz init from the prefix: its installed route finder reads a module written here.
mkdir initmod
printf 'module example.com/inv\n\ngo 1.19\n' >initmod/go.mod
printf 'package inv\n\nimport "net/http"\n\nfunc Handler() http.Handler {\n\tm := http.NewServeMux()\n\tm.HandleFunc("/stock/", nil)\n\treturn m\n}\n' \
  >initmod/inv.go
"$rf" init --dir initmod >init.txt 2>&1 || { cat init.txt; fail "racefuzz init from the prefix"; }
grep -qF '"handler": "inv.Handler()"' initmod/racefuzz.json && grep -qF '"path": "/stock/"' \
  initmod/racefuzz.json || fail "init from the prefix: $(cat initmod/racefuzz.json)"

mkdir toy
cat >toy/toy.c <<'C'
/* A decoder of the user's own: frames of 'k' key bytes are summed, anything else ignored. */
#include <stddef.h>
#include <stdint.h>
static unsigned sum;
int toy_decode(const uint8_t *buf, size_t len);
int toy_decode(const uint8_t *buf, size_t len) {
    if (len > 0 && buf[0] == 'k')
        for (size_t i = 1; i < len; i++)
            sum += buf[i];
    return 0;
}
C
cat >toy/racefuzz.json <<'JSON'
{
  "name": "toy",
  "frames": {
    "max_frame_len": 64,
    "c_entry": {"sources": ["toy.c"], "decode": "toy_decode"},
    "messages": [{"name": "key", "weight": 1, "fields": [{"u8": 107}, {"bytes": [1, 8]}]}]
  }
}
JSON
cat >toy/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(toy LANGUAGES C)
find_package(racefuzz 0.1 REQUIRED)
if(NOT EXISTS ${RACEFUZZ_EXECUTABLE} OR NOT IS_DIRECTORY ${RACEFUZZ_DATA_DIR})
  message(FATAL_ERROR "RACEFUZZ_EXECUTABLE '${RACEFUZZ_EXECUTABLE}', RACEFUZZ_DATA_DIR '${RACEFUZZ_DATA_DIR}'")
endif()
racefuzz_add_frames_target(NAME toy_frames CONFIG ${CMAKE_CURRENT_SOURCE_DIR}/racefuzz.json)
CMAKE
cmake -S toy -B toy/build -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
  >configure.txt 2>&1 || { cat configure.txt; fail "configuring a project with find_package(racefuzz)"; }
nice cmake --build toy/build -j2 >build.txt 2>&1 || { tail -n 30 build.txt; fail "building toy_frames_fuzzer"; }
if grep -rlF "$root/" toy/build --include=CMakeCache.txt --include=build.ninja \
  --include='*.cmake' >leaks.txt; then
  fail "the user's build names racefuzz's source tree: $(cat leaks.txt)"
fi
(cd toy && "$rf" corpus gen --config racefuzz.json --format frames --count 8 --seed 1 \
  --out corpus/toy/frames) >gen2.txt 2>&1 || { cat gen2.txt; fail "corpus gen --format frames"; }
toy/build/toy_frames_fuzzer -runs=0 toy/corpus/toy/frames >run.txt 2>&1 ||
  { tail -n 20 run.txt; fail "toy_frames_fuzzer over its seeds"; }
grep -q "INITED" run.txt || { tail -n 20 run.txt; fail "toy_frames_fuzzer did not start libFuzzer"; }

# go mode through the package: a Go module of the user's own (locked, so its seeds run
# clean), its harness built by racefuzz_add_go_target() against the installed go/ module.
if ! command -v go >/dev/null 2>&1; then
  echo "PASS (no Go toolchain: go mode not checked): installed racefuzz; toy_frames_fuzzer built"
  exit 0
fi
mkdir tally
printf 'module example.com/tally\n\ngo 1.19\n' >tally/go.mod
cat >tally/tally.go <<'GO'
// Package tally counts hits per key, under a lock.
package tally

import (
	"fmt"
	"net/http"
	"sync"
)

var (
	mu   sync.Mutex
	hits = map[string]int{}
)

// New is the service's handler.
func New() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/hit", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Query().Get("k")]++
		mu.Unlock()
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// Reset forgets every count.
func Reset() {
	mu.Lock()
	hits = map[string]int{}
	mu.Unlock()
}
GO
cat >tally/racefuzz.json <<'JSON'
{
  "name": "tally",
  "go": {"package": "example.com/tally", "handler": "tally.New()", "reset": "tally.Reset()"},
  "service": {"path_params": {"k": ["a", "b"]}},
  "endpoints": [{"method": "POST", "path": "/hit?k={k}", "body": "none"}]
}
JSON
cat >tally/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(tally LANGUAGES C)
find_package(racefuzz REQUIRED)
racefuzz_add_go_target(NAME tally_go CONFIG ${CMAKE_CURRENT_SOURCE_DIR}/racefuzz.json)
CMAKE
cmake -S tally -B tally/build -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
  >configure-go.txt 2>&1 || { cat configure-go.txt; fail "configuring a go target through the package"; }
nice cmake --build tally/build -j2 >build-go.txt 2>&1 ||
  { tail -n 30 build-go.txt; fail "building tally_go_fuzzer"; }
grep -q "$prefix/share/racefuzz/go" tally/build/tally_go_gomain/go.work ||
  fail "go.work does not use the installed racefuzz/go: $(cat tally/build/tally_go_gomain/go.work)"
if grep -rlF "$root/" tally/build --include=go.work --include=build.ninja >leaks.txt; then
  fail "the go target's build names racefuzz's source tree: $(cat leaks.txt)"
fi
(cd tally && "$rf" corpus gen --config racefuzz.json --format schedule --count 4 --seed 1 \
  --out corpus/tally/schedule) >gen3.txt 2>&1 || { cat gen3.txt; fail "corpus gen for tally"; }
tally/build/tally_go_fuzzer -runs=0 tally/corpus/tally/schedule >run-go.txt 2>&1 ||
  { tail -n 20 run-go.txt; fail "tally_go_fuzzer over its seeds"; }
grep -q "INITED" run-go.txt || { tail -n 20 run-go.txt; fail "tally_go_fuzzer did not start"; }
echo "PASS: installed racefuzz runs from $prefix alone; find_package(racefuzz) built toy_frames_fuzzer and tally_go_fuzzer"
