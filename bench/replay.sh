#!/usr/bin/env bash
# Replay: wall time of `racefuzz replay` (20 attempts, each in the sandbox) of one crash
# file, and the reproduction rate of each planted race (goal: each >= 10/20). Each bug is
# found first by a short campaign (its finding stored in a scratch crash store), then its
# stored input is replayed; an attempt counts only with the same signature.
# usage: bench/replay.sh   (BUGS="go:G1 frames-thread:C1 ..." narrows it; ATTEMPTS=20)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin/racefuzz
attempts=${ATTEMPTS:-20}
bugs=${BUGS:-"go:G1 go:G5 go:G6 go:G2 go:G4 frames-thread:C1 frames:C3 http:G6"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RACEFUZZ_STORE=$work/store
"$root/scripts/build.sh" >/dev/null

printf "%-14s %-4s %-34s %-10s %s\n" mode bug kind reproduced "replay wall time"
for spec in $bugs; do
  mode=${spec%%:*} bug=${spec#*:} flags=()
  case $mode in
  frames-thread) flags=(--mode frames --sanitizer thread) ;;
  frames) flags=(--mode frames -- -detect_leaks=0) ;;
  *) flags=(--mode "$mode") ;;
  esac
  if ! "$bin" fuzz --target orders --env "ORDERS_BUGS=$bug" --time 300 --seed 1 \
    --work-root "$work/runs" "${flags[@]}" >"$work/fuzz.txt" 2>&1; then
    stored=$(sed -n 's/^stored: \([^ ]*\) .*/\1/p' "$work/fuzz.txt")
  else
    stored=""
  fi
  if [ -z "$stored" ]; then
    printf "%-14s %-4s %s\n" "$mode" "$bug" "not found in 300 s"
    continue
  fi
  input=$(ls "$stored"/crash-* | head -n 1)
  start=$(date +%s.%N)
  "$bin" replay "$input" -n "$attempts" >"$work/replay.txt" 2>&1 || true
  end=$(date +%s.%N)
  rate=$(sed -n 's/.*reproduced \([0-9]*\/[0-9]*\).*/\1/p' "$work/replay.txt" | head -n 1)
  kind=$(sed -n 's/^kind: \([^ ]*\).*/\1/p' "$work/replay.txt" | head -n 1)
  printf "%-14s %-4s %-34s %-10s %.2f s\n" "$mode" "$bug" "${kind:-?}" "${rate:-?}" \
    "$(echo "$end - $start" | bc)"
done
