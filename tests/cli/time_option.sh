#!/usr/bin/env bash
# `--time` is a budget of 1 second or more (issue 17): 0 (which libFuzzer and AFL++ would
# read as "no limit"), a negative number and garbage are refused before anything starts,
# with exit 2 and a message naming --time, by `fuzz`, `demo` and `minimize`; a budget of 1 s runs.
# Each command is bounded by timeout(1): an accepted 0 would run forever.
# usage: time_option.sh RACEFUZZ_BIN
set -uo pipefail
bin=$1
work=$(mktemp -d)
export RACEFUZZ_STORE=$work/store
failures=0
# Everything racefuzz starts inherits this marker: an engine left running by a racefuzz
# that took --time 0 (timeout stops racefuzz alone there) is found by it and killed.
export RACEFUZZ_TIME_TEST=$work
cleanup() {
  local left
  left=$(grep -lsa "RACEFUZZ_TIME_TEST=$work" /proc/[0-9]*/environ | cut -d/ -f3 | grep -vx "$$")
  [ -n "$left" ] && kill -9 $left 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# usage: expect_refused VALUE VERB ARGS...
expect_refused() {
  local value=$1 rc=0
  shift
  rm -rf "$work/runs"
  timeout 10 "$bin" "$@" --time "$value" >"$work/out" 2>"$work/err" || rc=$?
  if [ "$rc" != 2 ]; then
    fail "racefuzz $* --time '$value': exit $rc, expected 2"
  elif ! grep -q -- "--time: '$value'" "$work/err"; then
    fail "racefuzz $* --time '$value': stderr does not name --time and the value: $(cat "$work/err")"
  elif [ -d "$work/runs" ]; then
    fail "racefuzz $* --time '$value': a campaign was set up before the refusal"
  else
    echo "refused: racefuzz $* --time '$value': $(head -n 1 "$work/err")"
  fi
}

for v in 0 00 -5 10s abc ""; do
  expect_refused "$v" fuzz --target orders --mode frames --variant fixed --work-root "$work/runs"
done
for v in 0 -1 x; do
  expect_refused "$v" demo
done
# minimize's --time is a budget too: refused before the crash file is even read.
touch "$work/crash-empty"
for v in 0 -2; do
  expect_refused "$v" minimize "$work/crash-empty"
done

# A budget of 1 s is taken and shown as such.
rc=0
timeout 60 "$bin" fuzz --target orders --mode frames --variant fixed --time 1 \
  --work-root "$work/runs" >"$work/out" 2>"$work/err" || rc=$?
if [ "$rc" != 0 ] || ! grep -q "nothing found after" "$work/out"; then
  fail "racefuzz fuzz --time 1: exit $rc: $(tail -n 3 "$work/err")"
elif grep -q " / 0s" "$work/err"; then
  fail "racefuzz fuzz --time 1 showed a budget of 0s"
else
  echo "taken: racefuzz fuzz --time 1: $(cat "$work/out")"
fi
[ "$failures" -eq 0 ] || { echo "FAIL: $failures problem(s)"; exit 1; }
echo "PASS: --time refuses 0, negatives and garbage in fuzz, demo and minimize, and takes 1"
