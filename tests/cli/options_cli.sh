#!/usr/bin/env bash
# Options and stored input checked before anything runs (issue 17, point 5 and 7): each bad
# case exits 2 with a message naming the option or file, and leaves nothing behind.
# usage: options_cli.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
seed=$root/corpus/planted/seed-0000.bin
runs=$work/runs

expect_usage_error "--target: '../x' is not a target name" \
  "$bin" fuzz --target ../x --mode frames --work-root "$runs"
expect_usage_error "--target: 'a/b' is not a target name" "$bin" replay --target a/b --mode plain "$seed"
expect_usage_error "--seeds: $work/none: no such directory" \
  "$bin" fuzz --target orders --mode frames --seeds "$work/none" --work-root "$runs"
expect_usage_error "--seeds: $seed: not a directory" \
  "$bin" fuzz --target orders --mode frames --seeds "$seed" --work-root "$runs"
expect_usage_error "--mode: 'bogus' is not plain, frames, go or http" \
  "$bin" triage --target orders --mode bogus "$seed"
expect_usage_error "--mode: 'bogus' is not plain, frames, go or http" \
  "$bin" fuzz --target orders --mode bogus --work-root "$runs"
expect_usage_error "-n: 0 runs would replay nothing" "$bin" replay --target planted --mode plain -n 0 "$seed"
expect_usage_error "-n: 0 attempts would import nothing" "$bin" triage --target planted --mode plain -n 0 "$seed"
expect_usage_error "--json: $work is a directory" \
  "$bin" replay --target planted --mode plain --json "$work" "$seed"
expect_usage_error "--json: $work/no/such/r.json: cannot write" \
  "$bin" replay --target planted --mode plain --json "$work/no/such/r.json" "$seed"
expect_usage_error "demo: unexpected argument '--bogus'" "$bin" demo --bogus
expect_usage_error "corpus: name an action" "$bin" corpus

# A failed set-up (unknown variant) leaves no empty run folder.
expect_usage_error 'no variant "nosuch"' \
  "$bin" fuzz --target orders --mode frames --variant nosuch --work-root "$runs"
left=$(find "$runs" -mindepth 2 2>/dev/null | wc -l)
[ "$left" = 0 ] || fail "a failed set-up left $left entries under $runs: $(find "$runs")"

# --seeds replaces the committed seeds: a target with none of its own still starts (the
# request gets past the seed check to the binary lookup, an environment error here).
mkdir -p "$work/seeds" && cp "$seed" "$work/seeds/"
rc=0
"$bin" fuzz --target orders_fixed --mode frames --seeds "$work/seeds" --work-root "$runs" \
  >/dev/null 2>"$work/err" || rc=$?
grep -q "no seed corpus" "$work/err" && fail "--seeds did not replace the committed seeds"
[ "$rc" = 2 ] || [ "$rc" = 3 ] || fail "orders_fixed with --seeds exited $rc"

# A report.json with a field of the wrong type is named by file and field.
store=$work/store/planted/bad-0001
mkdir -p "$store" && cp "$seed" "$store/crash-1"
printf '{"Target": 5, "Mode": "plain"}\n' >"$store/report.json"
expect_usage_error "$store/report.json: Target: expected a string" "$bin" replay "$store/crash-1"
printf '{"Target": "planted", "Mode": "plain", "TargetEnv": "A=1"}\n' >"$store/report.json"
expect_usage_error "$store/report.json: TargetEnv: expected an array of \"K=V\" strings" \
  "$bin" replay "$store/crash-1"
printf '{"Target": "planted", "Mode": "plain", "TargetEnv": ["=1"]}\n' >"$store/report.json"
expect_usage_error "$store/report.json: TargetEnv: expected an array of \"K=V\" strings" \
  "$bin" replay "$store/crash-1"
echo "PASS: options and stored reports checked before anything runs"
