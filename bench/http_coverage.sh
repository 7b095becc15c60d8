#!/usr/bin/env bash
# http mode: service coverage reached with remote coverage as feedback vs black-box
# (response classes only), same seeds, same seed, same budget, on the fixed variant of
# the orders service (so no finding ends a run early). Both runs count the service's
# counters the same way (the harness prints the total it reached at exit), so the
# ratio compares the feedback, not the measurement.
# usage: bench/http_coverage.sh [SECONDS]   (default 300; RUNS=N repeats each, default 1;
#        SEEDS=DIR starts both from DIR instead of the committed seeds, which already
#        reach most of the service)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
budget=${1:-300}
runs=${RUNS:-1}
bin=$root/build/bin/racefuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/scripts/build.sh" >/dev/null

reached() { # FEEDBACK RUN -> counters reached
  local fb=$1 run=$2
  local seeds=()
  [ -n "${SEEDS:-}" ] && seeds=(--seeds "$SEEDS")
  "$bin" fuzz --target orders --mode http --variant fixed --time "$budget" --seed "$run" "${seeds[@]}" \
    --env "RACEFUZZ_HTTP_FEEDBACK=$fb" --work-root "$work/$fb-$run" >"$work/out" 2>&1 || true
  local log
  log=$(sed -n 's/.*engine log //p' "$work/out")
  sed -n 's/^racefuzz: http-mode coverage: \([0-9]*\) service counters.*/\1/p' "$log" | tail -n 1
}

printf "%-8s %-6s %s\n" feedback run "service counters reached in ${budget}s"
declare -A total=([remote]=0 [blackbox]=0)
for run in $(seq "$runs"); do
  for fb in remote blackbox; do
    n=$(reached "$fb" "$run")
    printf "%-8s %-6s %s\n" "$fb" "$run" "${n:-?}"
    total[$fb]=$((total[$fb] + ${n:-0}))
  done
done
if [ "${total[blackbox]}" -gt 0 ]; then
  echo "ratio remote/black-box: $(echo "scale=2; ${total[remote]} / ${total[blackbox]}" | bc)"
fi
