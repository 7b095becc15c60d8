#!/usr/bin/env bash
# Campaign test (issue 16, 1): a service of the user's own, outside racefuzz's tree, fuzzed
# from its own directory with `racefuzz fuzz --config`. Written here in a temporary
# directory: a Go module of its own (standard library only) whose /deposit handler updates
# a balance map without a lock. Its corpus comes from `racefuzz corpus gen --config`, the
# campaign (http mode by default) must find the data race, store it in the user's
# crashes/, keep its runs in the user's .racefuzz/, and touch nothing of racefuzz's tree;
# `racefuzz replay` of the stored input, run from the user's directory, must reproduce it.
# frames and go mode are refused for such a target with a clear error, naming the config.
# usage: own_http_service.sh RACEFUZZ_BIN SEED
set -euo pipefail
bin=$1 seed=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work" # as root, a replay's sandboxed command runs as nobody (sandbox.h)
unset RACEFUZZ_STORE
svc=$work/bank
mkdir -p "$svc"
. "$(dirname "$0")/lib.sh"
bank_service "$svc"
before=$(cd "$root" && git status --porcelain --ignored -- corpus crashes targets .racefuzz/http 2>/dev/null | sort)
cd "$svc"

rc=0
"$bin" fuzz --config racefuzz.json --mode go --time 5 >"$work/go.txt" 2>&1 || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "racefuzz.json: --mode go: a target outside" "$work/go.txt"; then
  echo "FAIL: --config with --mode go: expected exit 2 naming the config, got $rc:"
  cat "$work/go.txt"
  exit 1
fi

"$bin" corpus gen --config racefuzz.json --format schedule --count 8 --seed "$seed" \
  --out corpus/bank/schedule >"$work/gen.txt" 2>&1 ||
  { echo "FAIL: corpus gen --config"; cat "$work/gen.txt"; exit 1; }

rc=0
"$bin" fuzz --config racefuzz.json --time 60 --seed "$seed" >"$work/fuzz.txt" 2>&1 || rc=$?
cat "$work/fuzz.txt" | grep -E "^(target|finding|stored):" || true
[ "$rc" -eq 1 ] || { echo "FAIL: expected the race (exit 1), got $rc"; tail -n 30 "$work/fuzz.txt"; exit 1; }
stored=$(sed -n 's/^stored: .*; input \(.*\)$/\1/p' "$work/fuzz.txt" | head -n 1)
case $stored in
"$svc"/crashes/bank/*) ;;
*) echo "FAIL: the finding was not stored in the user's crashes/: '$stored'"; exit 1 ;;
esac
report=$(dirname "$stored")/report.json
grep -q 'DATA RACE\|data-race' "$report" && grep -q 'main.main.func2' "$report" ||
  { echo "FAIL: $report is not the deposit race"; cat "$report"; exit 1; }
grep -q "\"Config\":[[:space:]]*\"$svc/racefuzz.json\"" "$report" ||
  { echo "FAIL: $report does not name the user's config"; exit 1; }
ls -d "$svc"/.racefuzz/runs/bank/* >/dev/null 2>&1 ||
  { echo "FAIL: no run folder under the user's .racefuzz/runs/bank"; exit 1; }
after=$(cd "$root" && git status --porcelain --ignored -- corpus crashes targets .racefuzz/http 2>/dev/null | sort)
if [ "$before" != "$after" ] || [ -e "$root/crashes/bank" ] || [ -e "$root/corpus/bank" ] ||
  [ -e "$root/.racefuzz/http/bank" ]; then
  echo "FAIL: racefuzz's tree changed:"
  diff <(echo "$before") <(echo "$after") || true
  exit 1
fi

rc=0
"$bin" replay "crashes/bank/$(basename "$(dirname "$stored")")/$(basename "$stored")" -n 5 \
  >"$work/replay.txt" 2>&1 || rc=$?
head -n 2 "$work/replay.txt"
[ "$rc" -eq 0 ] && grep -q "reproduced [1-5]/5" "$work/replay.txt" ||
  { echo "FAIL: replay from the user's directory (exit $rc):"; tail -n 30 "$work/replay.txt"; exit 1; }
echo "PASS: own service found, stored under $svc/crashes, replayed from there; racefuzz's tree untouched"
