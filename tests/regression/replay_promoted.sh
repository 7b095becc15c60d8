#!/usr/bin/env bash
# The regression corpus: every minimized crash promoted into corpus/TARGET/regression/
# (racefuzz minimize --promote) is replayed against its target's fixed variant, in the
# sandbox, and must not reproduce (racefuzz replay --expect-fixed). A folder's name says
# the mode and build: MODE (ASan, or Go's race detector in go mode) or MODE-thread (TSan).
# usage: replay_promoted.sh RACEFUZZ_BIN SOURCE_ROOT
set -euo pipefail
bin=$1 root=$2
attempts=${REGRESSION_ATTEMPTS:-5}
total=0 failed=0
shopt -s nullglob
for dir in "$root"/corpus/*/regression/*/; do
  target=$(basename "$(dirname "$(dirname "$dir")")")
  folder=$(basename "$dir")
  mode=${folder%-thread} sanitizer=address
  [ "$folder" != "$mode" ] && sanitizer=thread
  for f in "$dir"*.bin; do
    total=$((total + 1))
    if out=$("$bin" replay "$f" --target "$target" --mode "$mode" --sanitizer "$sanitizer" \
      --variant fixed --expect-fixed -n "$attempts" 2>&1); then
      echo "ok   $target/$folder/$(basename "$f"): $(echo "$out" | head -n 1 | sed 's/.*: //')"
    else
      failed=$((failed + 1))
      echo "FAIL $target/$folder/$(basename "$f") reproduced on the fixed variant:"
      echo "$out" | head -n 30
    fi
  done
done
if [ "$total" -eq 0 ]; then
  echo "FAIL: no promoted inputs under $root/corpus/*/regression/"
  exit 1
fi
echo "$total promoted inputs replayed against the fixed variants, $failed reproduced"
[ "$failed" -eq 0 ]
