#!/usr/bin/env bash
# The HTTP driver (fuzz/http/http_driver.c): what it costs and how tightly it releases a group.
# Not a test: figures, not assertions.
#  (1) requests/s of the driver (bench/http_rps.c: schedules of N lanes x STEPS GET
#      /healthz, back to back) against the real orders service, built here from
#      targets/orders and started on loopback, vs `wrk -t1 -cN -dSECS` on the same endpoint
#      in the same run. Goal: ratio >= 0.8.
#  (2) barrier-group arrival spread over GROUPS groups of 8 (GET and POST alternating):
#      the orders service does not expose arrival times, so this uses the in-process
#      recording server of the tests (tests/http_test_server.c), which takes the kernel's
#      receive timestamp of each request's last byte. Goal: median <= 100 us.
# usage: bench/http_driver.sh [LANES=8] [SECS=10] [GROUPS=1000] [STEPS=8]
# RACEFUZZ_BUILD_DIR picks the build tree (its bin/http_rps; needs RACEFUZZ_TESTS=ON).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lanes=${1:-8}
secs=${2:-10}
groups=${3:-1000}
steps=${4:-8}
build=${RACEFUZZ_BUILD_DIR:-$root/build}
rps=$build/bin/http_rps
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

[ -x "$rps" ] || { echo "http_driver.sh: no $rps (build with RACEFUZZ_TESTS=ON)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "http_driver.sh: wrk not installed" >&2; exit 2; }

echo "# load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; build $build"
(cd "$root/targets/orders" && go build -o "$work/ordersd" ./cmd/ordersd)
"$work/ordersd" -addr 127.0.0.1:0 >"$work/ordersd.log" 2>&1 &
pid=$!
addr=
for _ in $(seq 100); do
  addr=$(sed -n 's|.*ordersd listening on http://\([^ ]*\).*|\1|p' "$work/ordersd.log")
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "http_driver.sh: ordersd did not start" >&2; cat "$work/ordersd.log" >&2; exit 1; }

echo "# (1) requests/s on GET /healthz of ordersd at $addr, $lanes connections, ${secs}s each"
echo "command: $rps rps $addr $lanes $secs $steps; wrk -t1 -c$lanes -d${secs}s http://$addr/healthz"
drv=$("$rps" rps "$addr" "$lanes" "$secs" "$steps")
echo "$drv"
w=$(wrk -t1 -c"$lanes" -d"${secs}s" "http://$addr/healthz")
wrps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$w")
echo "wrk:    $(awk '/requests in/' <<<"$w" | sed 's/^ *//'): $wrps requests/s"
drps=$(sed -n 's|.*: \([0-9]*\) requests/s.*|\1|p' <<<"$drv")
awk -v a="$drps" -v b="$wrps" 'BEGIN {printf "ratio driver/wrk: %.2f (goal >= 0.8)\n", a / b}'

echo "# (2) barrier-group last-byte spread, $groups groups of 8, in-process recording server"
echo "command: $rps spread $groups 8"
"$rps" spread "$groups" 8
