#!/usr/bin/env bash
# Campaign test (issue 17, 4): with `-- -M main` AFL++ writes its findings under afl/main/,
# not afl/default/; the campaign must collect and store them. Seeded one mutation away from
# the planted overflow (COMMIT's length byte equals the body size), AFL++'s havoc finds it
# in about a second.
# usage: afl_instance_folder.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/seeds"
. "$(dirname "$0")/lib.sh"
planted_session 5 '\x04\x03AA\x7e' >"$work/seeds/near" # COMMIT exactly its 3 body bytes

rc=0
RACEFUZZ_STORE="$work/store" "$bin" fuzz --target planted --engine afl --no-custom-mutator \
  --time 45 --seed 1 --seeds "$work/seeds" --work-root "$work/runs" -- -M main \
  >"$work/out.txt" 2>&1 || rc=$?
tail -n 3 "$work/out.txt"
[ "$rc" -eq 1 ] || { echo "FAIL: expected a finding (exit 1), got exit $rc"; exit 1; }
crash=$(sed -n 's/^finding: //p' "$work/out.txt")
case "$crash" in
*/afl/main/crashes/id:*) ;;
*) echo "FAIL: the finding '$crash' is not AFL++'s under afl/main/crashes"; exit 1 ;;
esac
dir=$(sed -n 's/^stored: \([^ ]*\) .*/\1/p' "$work/out.txt")
if [ -z "$dir" ] || ! grep -q "on_commit" "$dir/report.json"; then
  echo "FAIL: the afl/main finding was not stored with a report naming on_commit"
  exit 1
fi
echo "PASS: the -M main finding was collected from afl/main and stored in $dir"
