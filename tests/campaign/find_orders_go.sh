#!/usr/bin/env bash
# Campaign test, go mode: `racefuzz fuzz --mode go` runs request schedules against the
# orders service's handler in-process (race detector on), from the committed schedule
# seeds, with a fixed SEED and a bounded BUDGET (a ceiling: it stops at its first finding).
#   g1..g7: only that planted Go bug is switched on; the campaign must find it, the engine
#     log must carry the oracle's report naming the bug's code, and the saved input must
#     replay to that report (races: up to 5 attempts of 20 runs each; any hit counts);
#   fixed: ORDERS_BUGS=none must yield nothing in the budget.
# usage: find_orders_go.sh RACEFUZZ_BIN CASE BUDGET_SECONDS SEED
# KEEP_WORK=1 keeps the work directory for a look afterwards.
set -euo pipefail
bin=$1 case=$2 budget=$3 seed=$4
bindir=$(cd "$(dirname "$bin")" && pwd)
work=$(mktemp -d)
if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work directory: $work"; else trap 'rm -rf "$work"' EXIT; fi

# kind: what the oracle prints; where: the planted bug's code in the report (BUGS.md).
bugs="" kind="" where=""
case $case in
g1) bugs=G1 kind="WARNING: DATA RACE" where="fxRates" ;;
g2) bugs=G2 kind="racefuzz: go-mode leak" where="gateway" ;;
g3) bugs=G3 kind="racefuzz: go-mode invariant" where="anonymous" ;;
g4) bugs=G4 kind="racefuzz: go-mode hang" where="awaitShared" ;;
g5) bugs=G5 kind="WARNING: DATA RACE|fatal error: concurrent map writes" where="checkCoupon" ;;
g6) bugs=G6 kind="WARNING: DATA RACE" where="putUser" ;;
g7) bugs=G7 kind="racefuzz: go-mode invariant" where="loyalty" ;;
fixed) ;;
*)
  echo "usage: $0 RACEFUZZ_BIN g1|g2|g3|g4|g5|g6|g7|fixed BUDGET SEED" >&2
  exit 2 ;;
esac
flags=(--variant fixed)
if [ -n "$bugs" ]; then flags=(--env "ORDERS_BUGS=$bugs"); fi

start=$SECONDS
rc=0
"$bin" fuzz --target orders --mode go "${flags[@]}" --time "$budget" --seed "$seed" \
  --work-root "$work/runs" >"$work/out.txt" 2>"$work/err.txt" || rc=$?
cat "$work/out.txt"
log=$(sed -n 's/.*engine log //p' "$work/out.txt")
echo "$case: racefuzz exit $rc after $((SECONDS - start))s (wall)"

if [ -z "$bugs" ]; then
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: expected nothing on the fixed variant (exit 0), got exit $rc"
    tail -n 5 "$work/err.txt"
    [ -n "$log" ] && [ -f "$log" ] && tail -n 60 "$log"
    exit 1
  fi
  eps=$(sed -n 's/.*, \([0-9]*\) exec\/s.*/\1/p' "$work/out.txt")
  secs=$(sed -n 's/.* after \([0-9]*\)\.[0-9]*s.*/\1/p' "$work/out.txt")
  if [ -z "$eps" ] || [ "$eps" -eq 0 ] || [ -z "$secs" ] || [ "$secs" -lt $((budget * 9 / 10)) ]; then
    echo "FAIL: the campaign did not run its budget (${secs:-?}s, ${eps:-?} exec/s)"
    exit 1
  fi
  echo "PASS: nothing found on the fixed variant in ${budget}s (${eps} exec/s)"
  exit 0
fi

if [ "$rc" -ne 1 ]; then
  echo "FAIL: expected a finding of $bugs within ${budget}s (exit 1), got exit $rc"
  tail -n 5 "$work/err.txt"
  [ -n "$log" ] && [ -f "$log" ] && tail -n 40 "$log"
  exit 1
fi
crash=$(sed -n 's/^finding: //p' "$work/out.txt")
names_bug() { grep -Eq "$kind" "$1" && grep -Eq "$where" "$1"; }
if ! names_bug "$log"; then
  echo "FAIL: the engine log has no \"$kind\" report naming $where"
  grep -m 5 -E "racefuzz: go-mode|WARNING|fatal error|panic" "$log" || tail -n 40 "$log"
  exit 1
fi
# The fuzzer binary repeats a file with -runs=N and stops at the first report.
for attempt in 1 2 3 4 5; do
  env "ORDERS_BUGS=$bugs" GORACE=halt_on_error=1 "$bindir/orders_go_fuzzer" -runs=20 "$crash" \
    >"$work/replay.txt" 2>&1 || true
  if names_bug "$work/replay.txt"; then
    echo "PASS: $case found $bugs in $((SECONDS - start))s; replay $attempt of 5 shows \"$kind\" in" \
      "$(grep -Eo "[A-Za-z_.()*]*($where)[A-Za-z_]*" "$work/replay.txt" | sort -u | head -3 | tr '\n' ' ')"
    exit 0
  fi
done
echo "FAIL: 5 replays of $crash did not show \"$kind\" naming $where; the last one:"
tail -n 40 "$work/replay.txt"
exit 1
