#!/usr/bin/env bash
# Campaign test (issue 17, 4): with `-- -fork=2 -ignore_crashes=1` libFuzzer keeps one
# artifact per crash and its reports stay in per-child logs. Every artifact must be stored
# with its own report (a stack naming on_commit) and its own time, so the store counts all
# of them and FOUND names the first one's time, not the run's end. Seeded
# one mutation away from the planted overflow, so crashes come within seconds.
# usage: libfuzzer_fork_findings.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/seeds"
. "$(dirname "$0")/lib.sh"
planted_session 5 '\x04\x03AA\x7e' >"$work/seeds/near" # COMMIT exactly its 3 body bytes

rc=0
RACEFUZZ_STORE="$work/store" "$bin" fuzz --target planted --time 4 --seed 1 \
  --seeds "$work/seeds" --work-root "$work/runs" -- -fork=2 -ignore_crashes=1 \
  >"$work/out.txt" 2>&1 || rc=$?
tail -n 2 "$work/out.txt"
[ "$rc" -eq 1 ] || { echo "FAIL: expected findings (exit 1), got exit $rc"; exit 1; }
files=$(find "$work/runs" -path '*/findings/crash-*' | wc -l)
stored=$(grep -c '^stored: ' "$work/out.txt" || true)
if [ "$files" -lt 2 ] || [ "$stored" -ne "$files" ]; then
  echo "FAIL: $files crash files, $stored stored (each must be, and fork mode gives several)"
  exit 1
fi
for r in "$work"/store/planted/*/report.json; do
  if ! grep -q '"heap-buffer-overflow"' "$r" || ! grep -q 'on_commit' "$r"; then
    echo "FAIL: $r is not the overflow with a stack naming on_commit"
    exit 1
  fi
  total=$(( ${total:-0} + $(sed -n 's/^[[:space:]]*"Count":[[:space:]]*\([0-9]*\).*/\1/p' "$r") ))
done
[ "${total:-0}" -eq "$files" ] || { echo "FAIL: the store counts ${total:-0} of $files"; exit 1; }
# Each finding has its own time, within the run and not all at its end; FOUND names the
# first one's, not the run's end (the engine runs on to its budget).
run_s=$(sed -n 's/.*FOUND after [0-9.]*s (run \([0-9.]*\)s).*/\1/p' "$work/out.txt")
first_s=$(sed -n 's/.*FOUND after \([0-9.]*\)s (run .*/\1/p' "$work/out.txt")
times=$(sed -n 's/^stored: .*, found after \([0-9.]*\)s); input .*/\1/p' "$work/out.txt")
[ -n "$run_s" ] && [ -n "$first_s" ] && [ "$(printf '%s\n' "$times" | grep -c .)" -eq "$files" ] ||
  { echo "FAIL: no FOUND/run time, or a stored line without its time:"; cat "$work/out.txt"; exit 1; }
if ! printf '%s\n' "$times" | awk -v run="$run_s" -v first="$first_s" '
  { if ($1 > run + 0.5 || $1 < first - 0.05) bad = 1; if (min == "" || $1 < min) min = $1
    if ($1 > max) max = $1 }
  END { exit (bad || min > first + 0.05 || first >= run - 0.5 || max == min) }'; then
  echo "FAIL: finding times not each their own within the run (first $first_s, run $run_s): $times"
  exit 1
fi
grep -q '"FoundAfterSeconds"' "$work"/store/planted/*/report.json ||
  { echo "FAIL: report.json has no FoundAfterSeconds"; exit 1; }
echo "PASS: all $files fork-mode crashes stored, each with an on_commit stack and its own time (first ${first_s}s of ${run_s}s)"
