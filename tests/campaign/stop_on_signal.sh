#!/usr/bin/env bash
# Signal test (issue 17): `racefuzz fuzz --target orders --time 300` in each MODE (frames:
# libFuzzer on the C layer; go: the handler in-process; http: the live service, which the
# engine's harness builds and starts through the target config) is interrupted after a
# seeded random delay, and each time:
#   - racefuzz exits within RF_INTERRUPT_GRACE_S (5 s) + 5 s of the signal, with status
#     128 + signo, and its stderr says what it stopped;
#   - nothing of the campaign is left: no process in any process group the run had (pgrep
#     -g), none of the processes descended from racefuzz when the signal was sent (pid and
#     start time), none whose environment carries this run's marker (everything racefuzz
#     starts inherits it, orphans included), none whose command line names this test's
#     work directory (the engines' -artifact_prefix);
#   - the crash store is whole: every report.json parses, every entry has its input and
#     both reports, entries stored earlier are all still there, no temp file is left.
# Every fifth run of frames and go mode has a planted bug on (C2, G5), found within about
# a second, and is signalled after 0.1-1.1 s, so the signal sometimes lands while the
# finding is stored (exit 1 or 130).
# Then a SIGTERM and a SIGHUP case, a `timeout 3 racefuzz ...` case (frames), and per mode
# a following 2 s run that must start and end cleanly (the service's port and build reused).
#
# 20 interrupts per mode, as the issue asks (each run waits 0.5-3.5 s; a go-mode engine
# takes about a second to start, an http-mode one 2-4 s as its harness starts the service).
# RACEFUZZ_SIGNAL_RUNS=N runs N interrupts in every mode instead (N=2 for a quick look).
# usage: stop_on_signal.sh RACEFUZZ_BIN SEED MODE...
# KEEP_WORK=1 keeps the work directory for a look afterwards.
set -uo pipefail
bin=$1 seed=$2
shift 2
modes=("$@")
work=$(mktemp -d /tmp/racefuzz-signal-XXXXXX)
if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work directory: $work"; else trap 'rm -rf "$work"' EXIT; fi
export RACEFUZZ_STORE=$work/store
RANDOM=$seed
grace=5 # RF_INTERRUPT_GRACE_S
failures=0 runs=0
own_pgid=$(ps -o pgid= $$ | tr -d ' ')

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

now_ms() { date +%s%3N; }

# "pid ppid pgid starttime" of every process (the name in parentheses may hold spaces).
proc_table() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk '{ pid = $1; sub(/^[^(]*\(.*\) /, ""); print pid, $2, $3, $20 }'
}

# "pid pgid starttime" of ROOT and all its descendants.
descendants() {
  proc_table | awk -v root="$1" '
    { parent[$1] = $2; pgid[$1] = $3; start[$1] = $4; kids[$2] = kids[$2] " " $1 }
    END {
      n = 1; queue[1] = root
      for (i = 1; i <= n; i++) {
        p = queue[i]
        if (p in pgid) print p, pgid[p], start[p]
        m = split(kids[p], c, " ")
        for (j = 1; j <= m; j++) queue[++n] = c[j]
      }
    }'
}

gone() { # true when PID has exited (absent, or a zombie waiting for its parent)
  local state
  state=$(awk '{ sub(/^[^(]*\(.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)
  [ -z "$state" ] || [ "$state" = Z ]
}

# Processes left by run ID whose tree was TREE; prints them, kills them (by pid: they are
# ours) and counts a failure.
check_leftovers() {
  local id=$1 tree=$2 left="" pid pgid start now
  while read -r pid pgid start; do
    [ -z "$pid" ] && continue
    now=$(awk '{ sub(/^[^(]*\(.*\) /, ""); print $20 }' "/proc/$pid/stat" 2>/dev/null)
    if [ "$now" = "$start" ] && ! gone "$pid"; then left="$left $pid"; fi
    if [ "$pgid" != "$own_pgid" ]; then left="$left $(pgrep -g "$pgid" | tr '\n' ' ')"; fi
  done <<<"$tree"
  # The marker ends in the run's fixed-width id: no other run's marker contains it.
  left="$left $(grep -lsa "RACEFUZZ_SIGNAL_TEST=$work/run-$id" /proc/[0-9]*/environ | cut -d/ -f3)"
  # "run[s]": the pattern's own text (grep's command line) does not match it.
  left="$left $(grep -lsa "$work/run[s]/" /proc/[0-9]*/cmdline | cut -d/ -f3 | grep -vx "$$")"
  left=$(for p in $left; do gone "$p" || echo "$p"; done | sort -un | paste -sd, -)
  if [ -n "$left" ]; then
    fail "run $id left processes behind:"
    ps -o pid,ppid,pgid,etime,args -p "$left" | cut -c1-200
    kill -9 ${left//,/ } 2>/dev/null
  fi
}

# Every entry whole, every earlier entry still there, no temp file of an atomic write.
check_store() {
  local id=$1 f d
  [ -d "$RACEFUZZ_STORE" ] || return 0
  while read -r f; do
    jq empty "$f" 2>/dev/null || fail "run $id: $f does not parse"
  done < <(find "$RACEFUZZ_STORE" -name report.json)
  while read -r d; do
    [ -f "$d/report.txt" ] && ls "$d"/crash-* >/dev/null 2>&1 || fail "run $id: $d is not whole"
  done < <(find "$RACEFUZZ_STORE" -name report.json -printf '%h\n')
  if [ -n "$(find "$RACEFUZZ_STORE" -name '*.tmp*')" ]; then
    fail "run $id: temp files left in the store: $(find "$RACEFUZZ_STORE" -name '*.tmp*')"
  fi
  if [ -f "$work/store.before" ]; then
    while read -r f; do
      [ -e "$f" ] || fail "run $id: $(dirname "$f"), stored before, is gone"
    done <"$work/store.before"
  fi
  find "$RACEFUZZ_STORE" -name report.json >"$work/store.before"
}

# Waits until PID has exited, at most SECONDS; false when it is still running.
wait_gone() {
  local pid=$1 end=$(($(now_ms) + $2 * 1000))
  while ! gone "$pid"; do
    [ "$(now_ms)" -gt "$end" ] && return 1
    sleep 0.05
  done
}

signo() { kill -l "$1"; }

# One interrupted campaign. usage: interrupt MODE SIGNAL DELAY_MS EXPECTED_RCS [ARGS...]
# A signal a non-interactive shell ignores for background jobs (SIGINT) is reset, as a
# terminal's Ctrl-C finds it.
interrupt() {
  local mode=$1 sig=$2 delay=$3 expect=$4 id pid tree t0 ms rc
  shift 4
  runs=$((runs + 1))
  id=$(printf %03d "$runs")
  env --default-signal=INT,TERM,HUP RACEFUZZ_SIGNAL_TEST="$work/run-$id" \
    "$bin" fuzz --target orders --mode "$mode" --time 300 --seed "$seed" \
    --work-root "$work/runs" "$@" >"$work/out-$id.txt" 2>"$work/err-$id.txt" &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  tree=$(descendants "$pid")
  t0=$(now_ms)
  kill -s "$sig" "$pid" 2>/dev/null
  if ! wait_gone "$pid" $((grace + 5)); then
    fail "run $id ($mode, SIG$sig after ${delay} ms): racefuzz still running $((grace + 5))s after the signal"
    kill -9 "$pid"
  fi
  ms=$(($(now_ms) - t0))
  wait "$pid"
  rc=$?
  if [[ " $expect " != *" $rc "* ]]; then
    fail "run $id ($mode, SIG$sig after ${delay} ms): exit $rc, expected one of: $expect"
    tail -n 5 "$work/err-$id.txt"
  fi
  if [ "$rc" -gt 128 ] && ! grep -q "interrupted by SIG$sig" "$work/err-$id.txt"; then
    fail "run $id: racefuzz did not say on stderr what it did"
    tail -n 5 "$work/err-$id.txt"
  fi
  check_leftovers "$id" "$tree"
  check_store "$id"
  echo "run $id: $mode SIG$sig after $delay ms ($*): exit $rc, gone ${ms} ms after the signal," \
    "$(($(wc -l <<<"$tree"))) processes at the signal"
}

random_delay() { echo $((500 + RANDOM % 3000)); } # 0.5-3.5 s, from the seeded $RANDOM

interrupts_for() { echo "${RACEFUZZ_SIGNAL_RUNS:-20}"; }

clean_run() { # a short campaign after the interrupted ones must start and end cleanly
  local mode=$1 rc=0
  env --default-signal=INT "$bin" fuzz --target orders --mode "$mode" --variant fixed --time 2 \
    --seed "$seed" --work-root "$work/runs" >"$work/clean-$mode.txt" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || ! grep -q "nothing found after" "$work/clean-$mode.txt"; then
    fail "$mode: the run after the interrupted ones did not run cleanly (exit $rc)"
    tail -n 10 "$work/clean-$mode.txt"
  else
    echo "$mode: a following 2 s run: $(grep "nothing found after" "$work/clean-$mode.txt")"
  fi
}

start=$SECONDS
for mode in "${modes[@]}"; do
  case $mode in
  frames) bug=C2 ;;
  go) bug=G5 ;;
  *) bug="" ;;
  esac
  n=$(interrupts_for "$mode")
  for ((i = 1; i <= n; i++)); do
    if [ -n "$bug" ] && [ $((i % 5)) -eq 0 ]; then
      interrupt "$mode" INT $((100 + RANDOM % 1000)) "1 130" --env "ORDERS_BUGS=$bug"
    else
      interrupt "$mode" INT "$(random_delay)" 130 --variant fixed
    fi
  done
  if [ "$mode" = frames ]; then
    interrupt frames TERM "$(random_delay)" 143 --variant fixed
    interrupt frames HUP "$(random_delay)" 129 --variant fixed
    # timeout(1) SIGTERMs racefuzz after 3 s and exits 124.
    runs=$((runs + 1))
    id=$(printf %03d "$runs")
    t0=$(now_ms)
    env --default-signal=INT RACEFUZZ_SIGNAL_TEST="$work/run-$id" timeout 3 "$bin" fuzz \
      --target orders --mode frames --variant fixed --time 300 --seed "$seed" \
      --work-root "$work/runs" >"$work/out-$id.txt" 2>"$work/err-$id.txt" &
    pid=$!
    sleep 2.5
    tree=$(descendants "$pid")
    rc=0
    wait "$pid" || rc=$?
    ms=$(($(now_ms) - t0))
    [ "$rc" -eq 124 ] || fail "run $id: timeout 3 racefuzz: exit $rc, expected 124"
    [ "$ms" -le $(((3 + grace + 5) * 1000)) ] || fail "run $id: timeout 3 racefuzz took ${ms} ms"
    grep -q "interrupted by SIGTERM" "$work/err-$id.txt" || fail "run $id: nothing said on stderr"
    check_leftovers "$id" "$tree"
    check_store "$id"
    echo "run $id: timeout 3 racefuzz fuzz (frames): exit $rc after ${ms} ms"
  fi
  clean_run "$mode"
done

entries=$(find "$RACEFUZZ_STORE" -name report.json 2>/dev/null | wc -l)
echo "$runs runs, $entries stored findings checked, $((SECONDS - start)) s"
if [ "$failures" -ne 0 ]; then
  echo "FAIL: $failures problem(s)"
  exit 1
fi
echo "PASS: every interrupted campaign stopped with its engine, service and children; store whole"
