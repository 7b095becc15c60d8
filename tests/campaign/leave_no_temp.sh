#!/usr/bin/env bash
# Nothing left behind (issue 13 point 6): with TMPDIR set to a fresh empty directory,
#   - a bounded frames campaign that finds C2 and stores it,
#   - a `racefuzz replay` of the stored crash (each attempt in a sandbox work directory),
#   - the same replay interrupted by SIGINT while an attempt runs, and
#   - a campaign interrupted by SIGINT
# must each leave TMPDIR empty. The interrupted replay must also be seen using TMPDIR
# (a racefuzz-sandbox-* directory there while it runs): a sandbox that ignored TMPDIR would
# leave its directories in /tmp, where this test could not count them for certain.
# usage: leave_no_temp.sh RACEFUZZ_BIN SEED
# KEEP_WORK=1 keeps the work directory for a look afterwards.
set -euo pipefail
bin=$1 seed=$2
work=$(mktemp -d)
if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work directory: $work"; else trap 'rm -rf "$work"' EXIT; fi
export RACEFUZZ_STORE=$work/store
export TMPDIR=$work/tmp
mkdir "$TMPDIR"
chmod 0755 "$work" "$TMPDIR" # as root the sandboxed command runs as nobody (sandbox.h)

expect_empty() {
  local left
  left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 | head -n 5)
  if [ -n "$left" ]; then
    echo "FAIL: $1 left in TMPDIR: $left"
    exit 1
  fi
  echo "ok: $1 left TMPDIR empty"
}

# Signals racefuzz (its process group's leader: the test's own group stays) once WAIT_FOR
# (a glob under TMPDIR, or "" for none) exists, or after 2 s.
interrupt() {
  local pid=$1 wait_for=$2 i
  for i in $(seq 1 200); do
    if [ -z "$wait_for" ] && [ "$i" -ge 40 ]; then break; fi
    if [ -n "$wait_for" ] && compgen -G "$TMPDIR/$wait_for" >/dev/null; then break; fi
    sleep 0.05
  done
  if [ -n "$wait_for" ] && ! compgen -G "$TMPDIR/$wait_for" >/dev/null; then
    kill -INT "$pid"
    wait "$pid" || true
    echo "FAIL: no $wait_for under TMPDIR in 10 s: the sandbox does not honour TMPDIR"
    exit 1
  fi
  kill -INT "$pid"
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 130 ] || { echo "FAIL: interrupted racefuzz exited $rc, not 130"; exit 1; }
}

rc=0
"$bin" fuzz --target orders --mode frames --env ORDERS_BUGS=C2 --time 60 --seed "$seed" \
  --work-root "$work/runs" >"$work/fuzz.txt" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: expected a C2 finding (exit 1), got $rc"; tail "$work/fuzz.txt"; exit 1; }
expect_empty "a campaign with a finding"
stored=$(sed -n 's/^stored: .*; input \(.*\)$/\1/p' "$work/fuzz.txt")
[ -f "$stored" ] || { echo "FAIL: no stored input in:"; cat "$work/fuzz.txt"; exit 1; }

"$bin" replay "$stored" -n 5 >"$work/replay.txt" 2>&1 ||
  { echo "FAIL: replay of $stored"; tail "$work/replay.txt"; exit 1; }
expect_empty "a replay"

# env --default-signal: a non-interactive shell starts background jobs with SIGINT ignored,
# and racefuzz (rightly) keeps a signal it inherited ignored; a terminal's Ctrl-C finds it
# set to default.
env --default-signal=INT "$bin" replay "$stored" -n 10000 >"$work/replay-int.txt" 2>&1 &
interrupt $! "racefuzz-sandbox-*"
expect_empty "a replay interrupted by SIGINT"

env --default-signal=INT "$bin" fuzz --target orders --mode frames --variant fixed --time 60 \
  --seed "$seed" --work-root "$work/runs" >"$work/fuzz-int.txt" 2>&1 &
interrupt $! ""
expect_empty "a campaign interrupted by SIGINT"
echo "PASS: nothing left in TMPDIR"
