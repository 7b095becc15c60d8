#!/usr/bin/env bash
# The go-mode harness must build and work with Debian's Go 1.19 too (what a newcomer's
# Debian 12 has), not only with the Go the main build used. Rebuilds the generated main
# package (GOMAIN_DIR: main.go, go.mod, go.work) with Go 1.19 exactly as
# cmake/RacefuzzGoTarget.cmake does, links the replay harness against it, and checks it:
# the committed schedule seeds run clean on the fixed variant, and the race in G5's
# coupon order is reported on the buggy one.
# usage: build_with_go119.sh SOURCE_ROOT GOMAIN_DIR INSTRUMENT_PATTERN
set -euo pipefail
root=$1 gomain=$2 instrument=$3
go119=${GO119:-/usr/lib/go-1.19/bin/go}
if [ ! -x "$go119" ]; then
  echo "FAIL: $go119 not found (scripts/setup.sh installs golang-1.19-go)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$gomain"/main.go "$gomain"/go.mod "$gomain"/go.work "$work"/
echo "$("$go119" version)"
(cd "$work" && env GOWORK="$work/go.work" GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=1 \
  "$go119" build -buildmode=c-archive -race -tags libfuzzer "-gcflags=$instrument=-d=libfuzzer" \
  -o "$work/libgo.a" .)
res=$(clang -print-resource-dir)
clang -g -O1 -no-pie -I"$root/fuzz/go" -I"$root/mutators" -I"$root/common" -o "$work/replay" \
  "$root/fuzz/go/harness.c" "$root/fuzz/replay_main.c" "$root/mutators/schedule.c" \
  "$root/mutators/frame.c" "$root/common/log.c" "$root/common/fileio.c" "$work/libgo.a" \
  "$res/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a" -lstdc++ -lpthread -lm -ldl

if ! ORDERS_BUGS=none "$work/replay" "$root/corpus/orders/schedule" >"$work/fixed.txt" 2>&1; then
  echo "FAIL: the fixed variant reported something on the committed seeds (Go 1.19 build)"
  tail -n 40 "$work/fixed.txt"
  exit 1
fi
# Seeds whose requests include an order with a coupon: G5's audit map is written by two
# goroutines. A race shows on most runs; 20 tries make a miss vanishingly unlikely.
for attempt in $(seq 20); do
  if ! ORDERS_BUGS=G5 "$work/replay" "$root/corpus/orders/schedule" >"$work/g5.txt" 2>&1 &&
    grep -q "WARNING: DATA RACE" "$work/g5.txt" && grep -q "checkCoupon" "$work/g5.txt"; then
    echo "PASS: built with $("$go119" version | cut -d' ' -f3); fixed variant clean on" \
      "$(ls "$root/corpus/orders/schedule" | wc -l) seeds; G5 race reported (attempt $attempt)"
    exit 0
  fi
done
echo "FAIL: G5's race was not reported in 20 replays of the seeds (Go 1.19 build)"
tail -n 40 "$work/g5.txt"
exit 1
