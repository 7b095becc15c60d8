#!/usr/bin/env bash
# racefuzz `go` mode vs Go's native fuzzer (`go test -fuzz -race`) on the orders handler:
# time to each planted Go bug (targets/orders/BUGS.md, G1..G7), one bug switched on per
# run (ORDERS_BUGS=Gn), same wall-clock budget, same seed directory, seeds 1..RUNS.
#   racefuzz:  racefuzz fuzz --target orders --mode go (libFuzzer + schedule mutator,
#              lanes and barriers: requests in flight together)
#   baseline:  bench/gofuzz FuzzSchedule: the same schedule bytes decoded in Go, forced
#              sequential (every step on lane 0, no barriers: one request at a time, as a
#              plain Go fuzz target runs), same adapter, Check, Invariant, leak/hang
#              oracles; one fuzz worker (-parallel=1), no minimization of the crasher.
# A run counts for bug Gn only when its report has Gn's kind and names Gn's code (the
# patterns of tests/campaign/find_orders_go.sh); any other finding is "other" (a miss).
# Times are wall clock of the fuzzing process (racefuzz: the `fuzz` command; baseline: the
# prebuilt test binary, coordinator + worker), start-up included, build excluded.
# Not a test: figures, not assertions.
#
# env: RUNS (5), BUDGET seconds (60), BUGS ("G1 G2 G3 G4 G5 G6 G7"),
#      SEEDS (committed|endpoints|both; default both), OUT (results dir; default mktemp,
#      kept), TOOLS ("racefuzz gotest"), RACEFUZZ_BUILD_DIR (build), GO (/usr/local/go/bin/go)
#   committed = corpus/orders/schedule (all seeds; many already hold the race shapes)
#   endpoints = seed-0000..seed-0017 of it (one request each, lane 0: the fuzzer has to
#               build any sequence or interleaving itself)
# usage: RUNS=1 BUDGET=20 BUGS="G3 G5" bench/go_mode_vs_gotest.sh
#        bench/go_mode_vs_gotest.sh --summary OUT/results.tsv BUDGET   (tables only)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
summary() { # RESULTS_TSV BUDGET: the tables
  python3 - "$1" "$2" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
budget = float(sys.argv[2])

def summary(rs):
    """median time to the bug (a miss counts as +inf), found k/n, other findings."""
    if not rs:
        return None
    t = sorted(float(r[5]) if r[4] == "found" else float("inf") for r in rs)
    k = sum(r[4] == "found" for r in rs)
    other = sum(r[4].startswith("other") for r in rs)
    return statistics.median_low(t) if len(t) % 2 == 0 else statistics.median(t), k, len(rs), other

def fmt(s):
    if s is None:
        return "—"
    med, k, n, other = s
    m = f"{med:.1f} s" if med != float("inf") else f"> {budget:.0f} s"
    return f"{m} ({k}/{n}{f', {other} other' if other else ''})"

for set_ in dict.fromkeys(r[0] for r in rows):
    print(f"\nseeds: {set_}, budget {budget:.0f} s")
    print("| bug | racefuzz go mode: median (found) | go test -fuzz -race: median (found) | ratio |")
    print("|---|---|---|---|")
    for bug in dict.fromkeys(r[1] for r in rows if r[0] == set_):
        rf = summary([r for r in rows if r[:3] == [set_, bug, "racefuzz"]])
        gt = summary([r for r in rows if r[:3] == [set_, bug, "gotest"]])
        ratio = "—"
        if rf and gt and rf[0] == float("inf") and gt[0] != float("inf"):
            ratio = f"< {gt[0] / budget:.2f}×"
        if rf and gt and rf[0] != float("inf"):
            if gt[0] != float("inf"):
                ratio = f"{gt[0] / max(rf[0], 0.05):.1f}×"
            else:
                ratio = f"> {budget / max(rf[0], 0.05):.0f}×"
        print(f"| {bug} | {fmt(rf)} | {fmt(gt)} | {ratio} |")
others = [r for r in rows if not r[4] in ("found", "none")]
if others:
    print("\nnot the bug (other finding or error):")
    for r in others:
        print("  " + " ".join(r))
PY
}
if [ "${1:-}" = --summary ]; then # bench/go_mode_vs_gotest.sh --summary RESULTS_TSV BUDGET
  summary "$2" "$3"
  exit 0
fi
runs=${RUNS:-5}
budget=${BUDGET:-60}
bugs=${BUGS:-G1 G2 G3 G4 G5 G6 G7}
case ${SEEDS:-both} in
both) sets="endpoints committed" ;;
committed | endpoints) sets=$SEEDS ;;
*) echo "SEEDS must be committed, endpoints or both" >&2; exit 2 ;;
esac
tools=${TOOLS:-racefuzz gotest}
bin=${RACEFUZZ_BUILD_DIR:-$root/build}/bin
gobin=${GO:-/usr/local/go/bin/go}
out=${OUT:-$(mktemp -d /tmp/go_mode_vs_gotest.XXXXXX)}
mkdir -p "$out/logs"
results=$out/results.tsv
: >"$results"
[ -x "$bin/racefuzz" ] || { echo "no $bin/racefuzz: run scripts/build.sh first" >&2; exit 3; }

# kind: what the oracle prints; where: the planted bug's code in the report.
kind_of() {
  case $1 in
  G1 | G6) echo "WARNING: DATA RACE" ;;
  G2) echo "racefuzz: go-mode leak" ;;
  G3 | G7) echo "racefuzz: go-mode invariant" ;;
  G4) echo "racefuzz: go-mode hang" ;;
  G5) echo "WARNING: DATA RACE|fatal error: concurrent map writes" ;;
  esac
}
where_of() {
  case $1 in
  G1) echo fxRates ;; G2) echo gateway ;; G3) echo anonymous ;; G4) echo awaitShared ;;
  G5) echo checkCoupon ;; G6) echo putUser ;; G7) echo loyalty ;;
  esac
}
# classify BUG FILE: found | other:<first report line>
classify() {
  if grep -Eq "$(kind_of "$1")" "$2" && grep -Eq "$(where_of "$1")" "$2"; then
    echo found
  else
    echo "other:$(grep -m1 -Eo 'racefuzz: go-mode [a-z]+|WARNING: DATA RACE|fatal error: [a-z ]+|panic: .{0,40}|race detected.{0,30}' "$2" | tr ' \t' '__' || true)"
  fi
}
now() { date +%s.%N; }

# Seed directories: copies, so no engine ever writes into the committed corpus.
mkdir -p "$out/seeds/committed" "$out/seeds/endpoints"
cp "$root"/corpus/orders/schedule/* "$out/seeds/committed/"
for i in $(seq 0 17); do cp "$root/corpus/orders/schedule/seed-$(printf %04d "$i").bin" "$out/seeds/endpoints/"; done

# The baseline's test binary, built once (coverage instrumentation comes with -fuzz).
gotest=$out/gofuzz.test
if [[ " $tools " == *" gotest "* ]]; then
  echo "building the go test -fuzz -race baseline ($("$gobin" version))"
  (cd "$root/bench/gofuzz" && GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=mod \
    "$gobin" test -c -race -fuzz=FuzzSchedule -o "$gotest" .)
fi

run_racefuzz() { # set bug seed -> status seconds
  local set=$1 bug=$2 seed=$3 w=$out/work/rf-$1-$2-$3 rc=0 t0 t1
  mkdir -p "$w"
  t0=$(now)
  "$bin/racefuzz" fuzz --target orders --mode go --env "ORDERS_BUGS=$bug" --time "$budget" \
    --seed "$seed" --work-root "$w" --seeds "$out/seeds/$set" >"$w/out.txt" 2>"$w/err.txt" || rc=$?
  t1=$(now)
  local log status
  log=$(sed -n 's/.*engine log //p' "$w/out.txt")
  case $rc in
  0) status=none ;;
  1) status=$(classify "$bug" "$log"); cp "$log" "$out/logs/rf-$set-$bug-$seed.log" || true ;;
  *) status=error:exit_$rc; tail -n 3 "$w/err.txt" >&2 ;;
  esac
  echo "$status $(echo "$t1 - $t0" | bc)"
  rm -rf "$w"
}

run_gotest() { # set bug seed -> status seconds
  local set=$1 bug=$2 seed=$3 w=$out/work/go-$1-$2-$3 rc=0 t0 t1
  mkdir -p "$w"
  t0=$(now)
  # cwd = w: testdata/fuzz (crashers) and the fuzz cache are this run's own. Go's
  # fuzzer has no -seed flag: runs differ by chance only (the seed is just the run index).
  # The coordinator discards its worker's stdout/stderr and prints only the failing
  # input's test output (t.Fatal: the adapter's Report()); the race runtime's reports go
  # to GORACE log_path files instead, read with the output.
  (cd "$w" && ORDERS_BUGS="$bug" GOFUZZ_SEEDS="$out/seeds/$set" GORACE="log_path=$w/race" \
    timeout --kill-after=10 $((budget + 60)) "$gotest" -test.run='^$' -test.fuzz='^FuzzSchedule$' \
    -test.fuzztime="${budget}s" -test.parallel=1 -test.fuzzcachedir="$w/cache" \
    -test.fuzzminimizetime=0 >"$w/out.txt" 2>&1) || rc=$?
  t1=$(now)
  cat "$w"/race.* >>"$w/out.txt" 2>/dev/null || true
  local status crasher
  case $rc in
  0) status=none ;;
  124 | 137) status=error:timeout ;;
  *)
    status=$(classify "$bug" "$w/out.txt")
    # Go's coordinator fails the run with "context deadline exceeded" when -fuzztime ends
    # while its worker is inside a slow input: no failing input, no report. Not a finding.
    if [[ $status == other: ]] && grep -q "context deadline exceeded" "$w/out.txt" &&
      ! grep -q "Failing input\|failure while testing" "$w/out.txt"; then
      status=none
    fi
    # A worker that died (fatal error: concurrent map writes, a panic in a goroutine)
    # leaves no report, only the crasher: replay it in-process, up to 5 times.
    crasher=$(sed -n 's/^Failing input written to //p' "$w/out.txt")
    if [ "$status" != found ] && [ -n "$crasher" ] && grep -q "terminated unexpectedly" "$w/out.txt"; then
      for _ in 1 2 3 4 5; do
        rm -f "$w"/rrace.*
        (cd "$w" && ORDERS_BUGS="$bug" GORACE="log_path=$w/rrace" timeout 60 "$gotest" \
          -test.run="^FuzzSchedule/$(basename "$crasher")\$" >"$w/replay.txt" 2>&1) || true
        cat "$w"/rrace.* >>"$w/replay.txt" 2>/dev/null || true
        if [ "$(classify "$bug" "$w/replay.txt")" = found ]; then
          status=found
          break
        fi
      done
      cat "$w/replay.txt" >>"$w/out.txt"
    fi
    cp "$w/out.txt" "$out/logs/go-$set-$bug-$seed.log" ;;
  esac
  echo "$status $(echo "$t1 - $t0" | bc)"
  rm -rf "$w"
}

echo "results in $out (runs=$runs budget=${budget}s bugs=\"$bugs\" seeds=\"$sets\" tools=\"$tools\")"
total=$(($(wc -w <<<"$sets") * $(wc -w <<<"$bugs") * runs * $(wc -w <<<"$tools")))
n=0
for set in $sets; do
  for bug in $bugs; do
    for seed in $(seq 1 "$runs"); do
      for tool in $tools; do
        n=$((n + 1))
        read -r status secs < <("run_$tool" "$set" "$bug" "$seed")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$bug" "$tool" "$seed" "$status" "$secs" >>"$results"
        printf '[%d/%d] %s %s %-8s seed %d: %s after %.1fs\n' "$n" "$total" "$set" "$bug" "$tool" \
          "$seed" "$status" "$secs"
      done
    done
  done
done

summary "$results" "$budget"
