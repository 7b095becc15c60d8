#!/usr/bin/env bash
# Structure-aware frame mutator vs libFuzzer's own mutator on the planted-bug target.
# RUNS campaigns each (seeds 1..RUNS), same BUDGET, same seeds and dictionary; prints the
# median/min/max time to the bug (a miss counts as the budget and is marked), the ratio,
# and exec/s. Then the mutator core's own speed. Not a test: figures, not assertions.
# usage: bench/frames_mutator.sh [RUNS=5] [BUDGET_SECONDS=120]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
budget=${2:-120}
bin=${RACEFUZZ_BUILD_DIR:-$root/build}/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_variant() { # $1 label, $2 extra racefuzz flag
  local label=$1 flag=$2
  for seed in $(seq 1 "$runs"); do
    local out rc=0
    out=$("$bin/racefuzz" fuzz --target planted --engine libfuzzer --time "$budget" --seed "$seed" \
      --work-root "$work/$label" $flag 2>/dev/null) || rc=$?
    local secs eps
    secs=$(sed -n 's/.* after \([0-9.]*\)s.*/\1/p' <<<"$out")
    eps=$(sed -n 's/.*s, \([0-9]*\) exec\/s.*/\1/p' <<<"$out")
    [ "$rc" -eq 1 ] && found=1 || { found=0; secs=$budget; }
    echo "$label $seed $found $secs $eps" | tee -a "$work/results"
  done
}

echo "# label seed found seconds exec_per_s"
run_variant structure ""
run_variant libfuzzer "--no-custom-mutator"

python3 - "$work/results" "$budget" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
budget = float(sys.argv[2])
summary = {}
for label in ("structure", "libfuzzer"):
    r = [x for x in rows if x[0] == label]
    t = [float(x[3]) for x in r]
    eps = [float(x[4] or 0) for x in r]
    found = sum(int(x[2]) for x in r)
    summary[label] = (statistics.median(t), min(t), max(t), found, len(r), statistics.median(eps))
    print(f"{label:10s} time-to-bug median {summary[label][0]:7.1f}s  min {summary[label][1]:6.1f}s  "
          f"max {summary[label][2]:6.1f}s  found {found}/{len(r)}  exec/s median {summary[label][5]:.0f}")
s, l = summary["structure"], summary["libfuzzer"]
censored = " (libFuzzer's misses counted at the budget: a lower bound)" if l[3] < l[4] else ""
print(f"speed-up to bug: {l[0] / s[0]:.1f}x{censored}")
if l[5] > 0:
    print(f"exec/s ratio structure/libfuzzer (time-to-bug runs; short runs include start-up): {s[5] / l[5]:.2f}")
PY

echo "# exec/s over equal ${THROUGHPUT_S:-30}s runs on planted_fixed (same decoder, bug fixed: runs do not stop early)"
for b in planted_fixed_fuzzer planted_fixed_fuzzer_plain; do
  mkdir -p "$work/tp-$b"
  "$bin/$b" -seed=1 -max_total_time="${THROUGHPUT_S:-30}" -max_len=4096 -print_final_stats=1 \
    "$work/tp-$b" "$root/corpus/planted" 2>&1 | sed -n "s/stat::average_exec_per_sec: */$b exec\/s /p" | tee -a "$work/tp"
done 2>/dev/null || true
awk '{v[NR]=$3} END {if (NR == 2) printf "exec/s ratio structure/libfuzzer (equal runs): %.2f\n", v[1] / v[2]}' "$work/tp"

echo "# mutator core alone (-O2, no sanitizer), 2,000,000 mutations of the committed seeds"
cc=${CC:-clang}
$cc -O2 -std=c11 -I"$root/common" -I"$root/mutators" "$root/bench/mutator_speed.c" \
  "$root"/mutators/{frame,dict,frame_mutate,frame_trim,mutator_env}.c "$root"/common/{log,fileio}.c \
  -o "$work/mutator_speed"
"$work/mutator_speed" 2000000 "$root"/corpus/planted/*
