#!/usr/bin/env bash
# Campaign test (issue 17, 3): a finding whose report nobody recognises is stored, not
# dropped. The planted target starts from a seed that overflows at once, with ASan told to
# log to a file, so neither the engine log nor a replay holds a report: the finding must
# land in the store with kind unrecognised, the engine's input and the engine's log.
# usage: store_unrecognised.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/seeds"
. "$(dirname "$0")/lib.sh"
planted_session 6 '\x04\xc8BBBB' >"$work/seeds/overflow" # COMMIT claiming 200 bytes

rc=0
RACEFUZZ_STORE="$work/store" "$bin" fuzz --target planted --time 30 --seed 1 \
  --seeds "$work/seeds" --work-root "$work/runs" \
  --env "ASAN_OPTIONS=log_path=$work/asan" >"$work/out.txt" 2>&1 || rc=$?
tail -n 4 "$work/out.txt"
[ "$rc" -eq 1 ] || { echo "FAIL: expected a finding (exit 1), got exit $rc"; exit 1; }
crash=$(sed -n 's/^finding: //p' "$work/out.txt")
dir=$(sed -n 's/^stored: \([^ ]*\) .*/\1/p' "$work/out.txt")
if [ -z "$dir" ] || [ ! -f "$dir/report.json" ]; then
  echo "FAIL: the finding $crash was not stored"
  exit 1
fi
if ! grep -Eq '"Kind":[[:space:]]*"unrecognised"' "$dir/report.json"; then
  echo "FAIL: $dir/report.json is not of kind unrecognised"
  exit 1
fi
stored=$(sed -n 's/^stored: .*; input //p' "$work/out.txt")
cmp "$crash" "$stored" || { echo "FAIL: the stored input differs from the engine's"; exit 1; }
# The engine's log is the report: libFuzzer's banner line is in it.
grep -q "INFO: Seed: 1" "$dir/report.txt" || { echo "FAIL: no engine log in the report"; exit 1; }
echo "PASS: an unrecognised finding is stored in $dir with its input and the engine log"
