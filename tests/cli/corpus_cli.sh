#!/usr/bin/env bash
# End to end `racefuzz corpus` with schedules: gen -> show -> from-json gives back the
# same bytes, show tells schedules from frame streams (or is told with --format), and bad
# input exits 2 with the file named in the message.
# usage: corpus_cli.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
frames_seed=$root/corpus/planted/seed-0000.bin

"$bin" corpus gen --format schedule --config "$root/targets/orders/racefuzz.json" --count 5 \
  --seed 7 --out "$work/s" >/dev/null
[ "$(ls "$work/s" | wc -l)" -gt 5 ] || fail "gen wrote too few seeds"
for f in "$work"/s/*.bin; do
  "$bin" corpus show "$f" >"$work/view.json"
  grep -q '"format":[[:space:]]*"schedule"' "$work/view.json" || fail "$f not shown as a schedule"
  "$bin" corpus from-json "$work/view.json" "$work/back.bin"
  cmp -s "$f" "$work/back.bin" || fail "$f: show -> from-json differs"
done

"$bin" corpus show "$frames_seed" >"$work/frames.json"
grep -q '"format":[[:space:]]*"frames"' "$work/frames.json" || fail "frame stream not shown as frames"
"$bin" corpus from-json "$work/frames.json" "$work/frames.bin"
cmp -s "$frames_seed" "$work/frames.bin" || fail "frames: show -> from-json differs"
"$bin" corpus show --format frames "$work/s/seed-0000.bin" | grep -q '"format":[[:space:]]*"frames"' ||
  fail "--format frames not obeyed"

expect_usage_error "$frames_seed: not a schedule" "$bin" corpus show --format schedule "$frames_seed"
expect_usage_error "$work/none.bin" "$bin" corpus show "$work/none.bin"
expect_usage_error "unknown --format 'xml'" "$bin" corpus show --format xml "$frames_seed"
echo '{"format": "xml"}' >"$work/bad.json"
expect_usage_error "$work/bad.json: format" "$bin" corpus from-json "$work/bad.json" "$work/out.bin"
echo '{"format": "schedule", "lanes": 1, "steps": [{"lane": 1, "method": "GET", "path": "/"}]}' \
  >"$work/lane.json"
expect_usage_error "$work/lane.json: steps[0].lane" "$bin" corpus from-json "$work/lane.json" \
  "$work/out.bin"
expect_usage_error "racefuzz.json: no \"endpoints\"" "$bin" corpus gen --format schedule \
  --config "$root/targets/planted/racefuzz.json" --out "$work/p"
echo "ok"
