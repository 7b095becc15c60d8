#!/usr/bin/env bash
# Campaign test: `racefuzz fuzz` with ENGINE, a fixed SEED and a bounded BUDGET must find
# the planted heap overflow, and the finding must replay to an ASan report naming it.
# usage: find_planted.sh RACEFUZZ_BIN ENGINE BUDGET_SECONDS SEED
set -euo pipefail
bin=$1 engine=$2 budget=$3 seed=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RACEFUZZ_STORE=$work/store # never the clone's own crashes/

rc=0
"$bin" fuzz --target planted --engine "$engine" --time "$budget" --seed "$seed" \
  --work-root "$work/runs" >"$work/out.txt" 2>&1 || rc=$?
tail -n 3 "$work/out.txt"
if [ "$rc" -ne 1 ]; then
  echo "FAIL: expected a finding within ${budget}s (exit 1), got exit $rc"
  log=$(sed -n 's/.*engine log //p' "$work/out.txt")
  [ -n "$log" ] && tail -n 20 "$log"
  exit 1
fi

crash=$(sed -n 's/^finding: //p' "$work/out.txt")
replay="$(dirname "$bin")/planted_replay"
if "$replay" "$crash" >"$work/replay.txt" 2>&1; then
  echo "FAIL: $crash did not crash the plain replay binary"
  exit 1
fi
if ! grep -q "heap-buffer-overflow" "$work/replay.txt" || ! grep -q "on_commit" "$work/replay.txt"; then
  echo "FAIL: the replay report does not name the planted overflow in on_commit"
  cat "$work/replay.txt"
  exit 1
fi
echo "PASS: $engine found the planted overflow; replay names on_commit"
