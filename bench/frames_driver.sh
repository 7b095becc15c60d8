#!/usr/bin/env bash
# Frames mode on the orders decoder: what the concurrent driver costs, and how fast it
# finds the planted C bugs. Not a test: figures, not assertions.
#  (a) exec/s of the 4-worker driver (orders_frames_fuzzer) against a single-threaded
#      harness on the same decoder (bench/orders_single_fuzz.c, built here with the frames
#      target's flags, sources from targets/orders/racefuzz.json and the same
#      uninstrumented custom mutator), both run by `racefuzz fuzz --mode frames` on the
#      fixed variant with seed 1 for EPS_S seconds, so flags, environment, seeds and
#      dictionary are the same. Goal: ratio >= 0.5.
#  (b) time to bug for C1 (TSan build), C2 and C3 (ASan build): RUNS campaigns each
#      (seeds 1..RUNS) with a BUDGET ceiling; median, min and max (a miss counts as the
#      budget and is marked), and what each run's report names.
#  (c) the fixed variant for FIXED_S seconds on the ASan and the TSan build: findings
#      (expected 0).
# usage: bench/frames_driver.sh [RUNS=5] [BUDGET=300] [EPS_S=60] [FIXED_S=300]
# SECTIONS="a b c" (the default) picks sections; RACEFUZZ_BUILD_DIR picks the build tree.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
budget=${2:-300}
eps_s=${3:-60}
fixed_s=${4:-300}
sections=${SECTIONS:-a b c}
build=${RACEFUZZ_BUILD_DIR:-$root/build}
rf=$build/bin/racefuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One campaign; prints "seconds found exec_per_s report@frame rc=N engine_log".
campaign() { # $1 label, then racefuzz fuzz flags
  local label=$1 out rc=0
  shift
  out=$("$rf" fuzz --target orders --mode frames --work-root "$work/$label" "$@" 2>/dev/null) ||
    rc=$?
  local secs eps log kind=-
  secs=$(sed -n 's/.* after \([0-9.]*\)s.*/\1/p' <<<"$out")
  eps=$(sed -n 's/.*s, \([0-9]*\) exec\/s.*/\1/p' <<<"$out")
  log=$(sed -n 's/.*engine log //p' <<<"$out")
  if [ "$rc" -eq 1 ] && [ -f "$log" ]; then
    # The report's kind and the first frame of the target's own code under it.
    kind=$(grep -m1 -oE "AddressSanitizer: [a-z-]+|(Leak|Thread)Sanitizer: [a-z]+( [a-z]+)*|deadly signal" "$log" | tr ' ' '_')
    kind="$kind@$(grep -m1 -oE "#[0-9]+ (0x[0-9a-f]+ in )?[a-z_0-9]+ [^ ]*/targets/orders/proto/" "$log" |
      awk '{print $(NF - 1)}')"
  fi
  echo "${secs:-0} $([ "$rc" -eq 1 ] && echo 1 || echo 0) ${eps:-0} ${kind} rc=$rc ${log:--}"
}

section_a() {
  echo "# (a) exec/s: 4-worker frames driver vs single-threaded harness, fixed variant, seed 1, ${eps_s}s each"
  local cc=${CC:-clang} obj=$work/glue single=$work/single-bin
  mkdir -p "$obj" "$single"
  # The custom mutator as CMake builds it into the frames target (rf_glue_libfuzzer: the
  # glue and RF_MUTATOR_SOURCES at -O2, no sanitizer, no coverage).
  local s
  for s in glue_libfuzzer.c $(sed -n 's/^set(RF_MUTATOR_SOURCES \(.*\))$/\1/p' \
    "$root/mutators/CMakeLists.txt"); do
    $cc -std=c11 -O2 -g -I"$root/common" -I"$root/mutators" -c "$root/mutators/$s" \
      -o "$obj/${s%.c}.o"
  done
  local srcs
  srcs=$(python3 - "$root/targets/orders/racefuzz.json" <<'PY'
import json, os, sys
cfg = json.load(open(sys.argv[1]))
d = os.path.dirname(sys.argv[1])
e = cfg["frames"]["c_entry"]
print(" ".join([os.path.join(d, s) for s in e["sources"]] +
               ["-I" + os.path.join(d, i) for i in e.get("include_dirs", [])]))
PY
  )
  # The target's sources with the frames target's flags; rf_common as it links it.
  # shellcheck disable=SC2086 # srcs is a list of words
  $cc -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -fno-omit-frame-pointer "$root/bench/orders_single_fuzz.c" $srcs "$obj"/*.o \
    "$build/common/librf_common.a" -o "$single/orders_frames_fuzzer"
  # A copy of racefuzz beside it runs it exactly as it runs the driver's binary (racefuzz
  # takes fuzz targets from its own directory): same flags, environment, seeds, dictionary.
  cp "$rf" "$single/racefuzz"

  local args=(--variant fixed --time "$eps_s" --seed 1)
  echo "command (both): racefuzz fuzz --target orders --mode frames ${args[*]}"
  local drv one
  drv=$(campaign eps-driver "${args[@]}")
  one=$(rf=$single/racefuzz campaign eps-single "${args[@]}")
  local drv_eps one_eps
  drv_eps=$(stat_of "$drv" average_exec_per_sec)
  one_eps=$(stat_of "$one" average_exec_per_sec)
  echo "4-worker driver:  ${drv_eps:-?} exec/s ($(stat_of "$drv" number_of_executed_units) executions; found: $(awk '{print $2}' <<<"$drv"))"
  echo "single-threaded:  ${one_eps:-?} exec/s ($(stat_of "$one" number_of_executed_units) executions; found: $(awk '{print $2}' <<<"$one"))"
  if [ -n "$drv_eps" ] && [ -n "$one_eps" ] && [ "$one_eps" -gt 0 ]; then
    awk -v a="$drv_eps" -v b="$one_eps" \
      'BEGIN {printf "exec/s ratio driver/single: %.2f (goal >= 0.5)\n", a / b}'
  fi
}

# A libFuzzer final statistic from the engine log of a campaign row.
stat_of() { # $1 row, $2 stat name
  local log
  log=$(awk '{print $6}' <<<"$1")
  [ -f "$log" ] && sed -n "s/^stat::$2: *//p" "$log"
}

section_b() {
  echo "# (b) time to bug, ${runs} runs each (seeds 1..${runs}), ${budget}s ceiling"
  echo "# bug seed seconds found exec_per_s executions report@first_target_frame"
  for bug in C1 C2 C3; do
    local flags=()
    case $bug in
    C1) flags=(--sanitizer thread) ;;
    C3) flags=(-- -detect_leaks=0) ;; # the use-after-free, not the leak side of C3
    esac
    for seed in $(seq 1 "$runs"); do
      local row secs found eps kind rc
      row=$(campaign "ttb-$bug" --env "ORDERS_BUGS=$bug" --time "$budget" --seed "$seed" \
        "${flags[@]}")
      read -r secs found eps kind rc _ <<<"$row"
      echo "$bug $seed $secs $found $eps $(stat_of "$row" number_of_executed_units) $kind $rc" |
        tee -a "$work/ttb"
    done
  done
  python3 - "$work/ttb" "$budget" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
budget = float(sys.argv[2])
for bug, build in (("C1", "TSan"), ("C2", "ASan"), ("C3", "ASan")):
    r = [x for x in rows if x[0] == bug]
    if not r:
        continue
    t = [float(x[2]) if x[3] == "1" else budget for x in r]
    n = [int(x[5]) for x in r if x[3] == "1" and x[5].isdigit()]
    found = sum(x[3] == "1" for x in r)
    miss = " (misses counted at the budget)" if found < len(r) else ""
    execs = f"  executions to bug median {statistics.median(n):.0f}" if n else ""
    print(f"{bug} ({build}): time to bug median {statistics.median(t):6.1f}s  min {min(t):6.1f}s  "
          f"max {max(t):6.1f}s  found {found}/{len(r)}{miss}{execs}")
PY
}

section_c() {
  echo "# (c) fixed variant, ${fixed_s}s, seed 1: findings (expected 0)"
  for san in address thread; do
    local row
    row=$(campaign "fixed-$san" --variant fixed --sanitizer "$san" --time "$fixed_s" --seed 1)
    local secs found eps kind rc
    read -r secs found eps kind rc _ <<<"$row"
    echo "fixed $san: findings $found in ${secs}s, $eps exec/s ${kind/#-/} $rc"
  done
}

# Other work on the machine moves these figures (the driver wants every core): each
# section prints the load average it started under.
for s in $sections; do
  echo "# load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
  "section_$s"
done
