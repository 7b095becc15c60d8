#!/usr/bin/env bash
# Campaign test, go and http modes: `racefuzz fuzz --mode go|http` runs request schedules
# against the orders service (go: its handler in-process; http: the live, supervised
# service over loopback), from the committed schedule seeds, with a fixed SEED and a
# bounded BUDGET (a ceiling: it stops at its first finding).
#   g1..g7: only that planted Go bug is switched on; the campaign must find it, the engine
#     log must carry the oracle's report naming the bug, the finding must land in the crash
#     store, `racefuzz replay` of the stored input (sandboxed, 10 attempts) must
#     reproduce it, and `racefuzz minimize` must leave an input no larger that still does;
#   fixed: ORDERS_BUGS=none must yield nothing in the budget.
# usage: find_orders_schedules.sh RACEFUZZ_BIN MODE CASE BUDGET_SECONDS SEED
# KEEP_WORK=1 keeps the work directory for a look afterwards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1 mode=$2 case=$3 budget=$4 seed=$5
work=$(mktemp -d)
if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work directory: $work"; else trap 'rm -rf "$work"' EXIT; fi
export RACEFUZZ_STORE=$work/store

# kind: what the oracle prints; where: the planted bug's code or rule in the report
# (BUGS.md). The two modes see some bugs through different oracles: a wrong answer is a
# go.check failure in-process and a broken service.expect rule over HTTP.
bugs="" kind="" where=""
case $mode-$case in
*-g1) bugs=G1 kind="WARNING: DATA RACE" where="fxRates" ;;
go-g2) bugs=G2 kind="racefuzz: go-mode leak" where="gateway" ;;
http-g2) bugs=G2 kind="racefuzz: http-mode leak" where="gateway" ;;
go-g3) bugs=G3 kind="racefuzz: go-mode invariant" where="anonymous" ;;
http-g3) bugs=G3 kind="racefuzz: http-mode expectation" where="Authorization" ;;
go-g4) bugs=G4 kind="racefuzz: go-mode hang" where="awaitShared" ;;
http-g4) bugs=G4 kind="racefuzz: http-mode hang" where="awaitShared" ;;
*-g5) bugs=G5 kind="WARNING: DATA RACE|fatal error: concurrent map writes" where="checkCoupon" ;;
*-g6) bugs=G6 kind="WARNING: DATA RACE" where="putUser" ;;
go-g7) bugs=G7 kind="racefuzz: go-mode invariant" where="loyalty" ;;
http-g7) bugs=G7 kind="racefuzz: http-mode invariant" where="loyalty" ;;
go-fixed | http-fixed) ;;
*)
  echo "usage: $0 RACEFUZZ_BIN go|http g1..g7|fixed BUDGET SEED" >&2
  exit 2 ;;
esac
flags=(--variant fixed)
if [ -n "$bugs" ]; then flags=(--env "ORDERS_BUGS=$bugs"); fi

start=$SECONDS
rc=0
"$bin" fuzz --target orders --mode "$mode" "${flags[@]}" --time "$budget" --seed "$seed" \
  --work-root "$work/runs" >"$work/out.txt" 2>"$work/err.txt" || rc=$?
cat "$work/out.txt"
log=$(sed -n 's/.*engine log //p' "$work/out.txt")
echo "$mode $case: racefuzz exit $rc after $((SECONDS - start))s (wall)"

if [ -z "$bugs" ]; then # the fixed variant
  expect_clean_run "$work/out.txt" "$budget" "$rc" "$log" "$work/err.txt"
  exit $?
fi

expect_found "$bugs" "$budget" "$rc" "$log" "$work/err.txt"
names_bug() { grep -Eq "$kind" "$1" && grep -Eq "$where" "$1"; }
if ! names_bug "$log"; then
  echo "FAIL: the engine log has no \"$kind\" report naming $where"
  grep -m 5 -E "racefuzz: .*-mode|WARNING|fatal error|panic" "$log" || tail -n 40 "$log"
  exit 1
fi
stored=$(sed -n 's/^stored: \([^ ]*\) .*/\1/p' "$work/out.txt")
if [ -z "$stored" ] || [ ! -f "$stored/report.json" ]; then
  echo "FAIL: the finding was not stored in the crash store"
  exit 1
fi
input=$(ls "$stored"/crash-* | head -n 1)
if ! "$bin" replay "$input" -n 10 >"$work/replay.txt" 2>&1; then
  echo "FAIL: racefuzz replay of the stored $input did not reproduce it:"
  tail -n 40 "$work/replay.txt"
  exit 1
fi
expect_minimized "$bin" "$input" "$work"
# Engines' own crash files import into a store too (racefuzz triage replays them).
if [ "$mode" = go ]; then
  findings=$(dirname "$(sed -n 's/^finding: //p' "$work/out.txt")")
  if ! RACEFUZZ_STORE=$work/triaged "$bin" triage --target orders --mode go -n 10 \
    --env "ORDERS_BUGS=$bugs" "$findings" >"$work/triage.txt" 2>&1 ||
    ! grep -q "1 imported" "$work/triage.txt"; then
    echo "FAIL: racefuzz triage of $findings:"
    tail -n 20 "$work/triage.txt"
    exit 1
  fi
fi
echo "PASS: $mode $case found $bugs in $((SECONDS - start))s; $(head -n 1 "$work/replay.txt" | sed 's/.*: //')" \
  "showing \"$kind\" in $(grep -Eo "[A-Za-z_.()*]*($where)[A-Za-z_]*" "$log" | sort -u | head -3 | tr '\n' ' ')"
