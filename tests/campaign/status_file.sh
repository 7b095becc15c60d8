#!/usr/bin/env bash
# While `racefuzz fuzz` runs, status.json in its run folder says how it goes (issue 13, 6):
# read during the run it is "running" with executions that grow between two readings, and
# after it "done" with an elapsed time close to the budget; every field is there with its
# type. stderr, not a terminal here, gets no progress line (no \r); under script(1), a
# terminal, it does, and the line is cleared at the end.
# usage: status_file.sh RACEFUZZ_BIN SEED [BUDGET]
set -uo pipefail
bin=$1 seed=$2 budget=${3:-6}
work=$(mktemp -d)
pid= # the campaign in the background, stopped on an early exit
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait; rm -rf "$work"' EXIT
export RACEFUZZ_STORE=$work/store
fail() {
  echo "FAIL: $*"
  [ -f "$work/err" ] && tail -n 5 "$work/err"
  exit 1
}
command -v jq >/dev/null || fail "jq is needed to read status.json"

# The fields and their types (numbers that may not be known yet may be null).
fields_ok() {
  jq -e '
    (.target | type) == "string" and (.mode | type) == "string" and
    (.engine | type) == "string" and (.state | type) == "string" and
    (.started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")) and
    ([.budget_s, .elapsed_s, .execs, .unique_crashes] | all(type == "number")) and
    ([.exec_per_s, .coverage, .features, .corpus_size, .last_new_coverage_s]
      | all(type == "number" or type == "null"))' "$1" >/dev/null
}

# usage: field FILE NAME
field() { jq -r ".$2" "$1"; }

"$bin" fuzz --target orders --mode frames --variant fixed --time "$budget" --seed "$seed" \
  --work-root "$work/runs" >"$work/out" 2>"$work/err" &
pid=$!

# Until status.json exists (the run folder is made at start-up), then until the engine's
# first status line is in it.
status=
for _ in $(seq 1 300); do
  status=$(find "$work/runs" -name status.json 2>/dev/null | head -n 1)
  [ -n "$status" ] && cp "$status" "$work/s1.json" && [ "$(field "$work/s1.json" execs)" != 0 ] &&
    break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$status" ] || fail "no status.json under $work/runs during the run"
grep -qF "status: $status" "$work/err" || fail "stderr does not name $status"
fields_ok "$work/s1.json" || fail "status.json during the run: $(cat "$work/s1.json")"
[ "$(field "$work/s1.json" state)" = running ] || fail "state during the run: $(cat "$work/s1.json")"
execs1=$(field "$work/s1.json" execs)
[ "$execs1" != 0 ] || fail "no executions counted during the run: $(cat "$work/s1.json")"
[ "$(field "$work/s1.json" target)/$(field "$work/s1.json" mode)/$(field "$work/s1.json" engine)" = \
  orders/frames/libfuzzer ] || fail "target, mode or engine wrong: $(cat "$work/s1.json")"

# A later reading, still running, counts more executions.
grown=
for _ in $(seq 1 $((budget * 10))); do
  sleep 0.1
  cp "$status" "$work/s2.json"
  [ "$(field "$work/s2.json" state)" = running ] || break
  if [ "$(field "$work/s2.json" execs)" -gt "$execs1" ]; then
    grown=1
    break
  fi
done
[ -n "$grown" ] || fail "execs did not grow past $execs1 while running: $(cat "$work/s2.json")"
fields_ok "$work/s2.json" || fail "status.json during the run: $(cat "$work/s2.json")"
echo "during the run: execs $execs1 -> $(field "$work/s2.json" execs)," \
  "elapsed $(field "$work/s1.json" elapsed_s) -> $(field "$work/s2.json" elapsed_s) s"

wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "racefuzz fuzz on the fixed variant exited $rc"
fields_ok "$status" || fail "status.json after the run: $(cat "$status")"
[ "$(field "$status" state)" = done ] || fail "state after the run: $(cat "$status")"
jq -e --argjson b "$budget" --argjson e "$(field "$work/s2.json" execs)" \
  '.elapsed_s >= $b * 0.9 and .elapsed_s <= $b + 15 and .execs >= $e and .unique_crashes == 0
   and .coverage > 0 and .features > 0 and .corpus_size > 0 and .exec_per_s > 0
   and .last_new_coverage_s <= .elapsed_s' "$status" >/dev/null ||
  fail "status.json after a ${budget} s run: $(cat "$status")"
grep -q $'\r' "$work/err" && fail "a progress line on stderr that is not a terminal"
echo "after the run: $(jq -c . "$status")"

# On a terminal: the line is drawn with \r and cleared (\r, erase to end of line) at the end.
if command -v script >/dev/null; then
  script -qec "'$bin' fuzz --target orders --mode frames --variant fixed --time 2 --seed $seed \
    --work-root '$work/runs'" /dev/null >"$work/tty" 2>&1 </dev/null ||
    fail "racefuzz fuzz under script(1): $(tail -n 3 "$work/tty")"
  grep -q $'\r[0-9]*s/2s  .* execs  .*crashes 0' "$work/tty" ||
    fail "no progress line on the terminal: $(cat -v "$work/tty" | tail -n 3)"
  grep -q $'\r\e\\[Ktarget orders' "$work/tty" ||
    fail "the progress line is not cleared before the result: $(cat -v "$work/tty" | tail -n 3)"
  echo "on a terminal: $(tr '\r' '\n' <"$work/tty" | grep -a 'execs' | tail -n 1)"
fi
echo "PASS: status.json running then done, execs growing; progress line on terminals only"
