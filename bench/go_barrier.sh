#!/usr/bin/env bash
# go mode adapter: the start spread of barrier groups (handlers of one group entering within
# 1 ms of each other), spin gate against the channel gate as the baseline, both measured in
# this invocation under -race. Prints each round's figures and the ratio of medians.
# Run it on an otherwise idle machine: a thread the kernel takes off a loaded CPU for a
# 4 ms tick is not the adapter's spread. usage: bench/go_barrier.sh  (GO=path/to/go)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
go=${GO:-go}
cd "$root/go"
out=$(CGO_ENABLED=1 GOTOOLCHAIN=local "$go" test -race -count=1 -v \
  -run 'TestBarrierGroupStartsWithinOneMillisecond|TestBarrierReleaseComparison' \
  ./adapter 2>&1) || status=$?
printf '%s\n' "$out" | grep -E 'spread|--- |^(ok|FAIL)' | sed 's/^ *//'
median() { printf '%s\n' "$out" | sed -n "s/.*$1 gate spread.*median \([^,]*\),.*/\1/p" | tail -1; }
to_us() { awk -v d="$1" 'BEGIN { v = d + 0; if (d ~ /ms$/) v *= 1000; else if (d ~ /ns$/) v /= 1000; else if (d ~ /[^mµn]s$/) v *= 1e6; printf "%.1f", v }'; }
spin=$(median spin) chan=$(median chan)
if [ -n "$spin" ] && [ -n "$chan" ]; then
  printf 'median spread: spin %s, channel %s (baseline); spin/channel = %s\n' "$spin" "$chan" \
    "$(awk -v a="$(to_us "$spin")" -v b="$(to_us "$chan")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
fi
exit "${status:-0}"
