#!/usr/bin/env bash
# http mode's address policy (issue 17, point 6), for a service outside this repository: a
# config whose service.addr is not loopback is refused when `racefuzz fuzz --mode http`
# loads it (exit 2, naming the file and the key, before any run folder, build or engine),
# allow_non_loopback: true gets past that check, and a refusal at run time (the service
# announces a non-loopback URL) shows the supervisor's own reason on the terminal.
# The target lives in a scratch RACEFUZZ_ROOT; its fake services never open a socket.
# usage: http_loopback.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
. "$(dirname "$0")/lib.sh"
export RACEFUZZ_ROOT=$work/root
cfg=$RACEFUZZ_ROOT/targets/ext/racefuzz.json
runs=$work/runs
mkdir -p "$(dirname "$cfg")" "$work/seeds"
printf 'x' >"$work/seeds/seed-0"

# usage: write_config ADDR ALLOW_NON_LOOPBACK SHELL_COMMAND
write_config() {
  cat >"$cfg" <<EOF
{
  "name": "ext",
  "endpoints": [{"method": "GET", "path": "/healthz"}],
  "service": {
    "command": ["sh", "-c", "$3"],
    "ready_line": "listening on (http://[^ ]+)",
    "addr": "$1",
    "allow_non_loopback": $2
  }
}
EOF
}

fuzz() {
  timeout 120 "$bin" fuzz --target ext --mode http --seeds "$work/seeds" --time 5 \
    --work-root "$runs" "$@"
}

# Refused when loaded: literals elsewhere, every interface, and names other than localhost.
for addr in 10.1.2.3:8080 0.0.0.0:8080 "[2001:db8::1]:80" "[::ffff:10.1.2.3]:80"; do
  write_config "$addr" false "exit 0"
  expect_usage_error "$cfg: service.addr: $addr is not a loopback address; set service.allow_non_loopback to true to allow it" fuzz
done
write_config db.example:5432 false "exit 0"
expect_usage_error "$cfg: service.addr: db.example:5432 is not a loopback address (a name" fuzz
write_config 10.1.2.3 false "exit 0"
expect_usage_error "$cfg: service.addr: '10.1.2.3' is not host:port or [v6]:port" fuzz
[ ! -e "$runs" ] || fail "a refused config left a run folder: $(find "$runs")"

# allow_non_loopback: true gets past the check to the service's start (which fails here,
# with the supervisor's reason on the terminal).
write_config 10.1.2.3:8080 true "exit 3"
rc=0
fuzz >/dev/null 2>"$work/err" || rc=$?
grep -q "is not a loopback address" "$work/err" && fail "allow_non_loopback: still refused: $(cat "$work/err")"
[ "$rc" = 3 ] || fail "allow_non_loopback: exit $rc, expected 3 (the fake service fails): $(cat "$work/err")"
grep -qF "the harness said: svc: sh exited with code 3 before printing a line matching" "$work/err" ||
  fail "allow_non_loopback: the service's failure is not on the terminal: $(cat "$work/err")"

# A loopback config whose service announces another address: refused at run time, and the
# supervisor's reason reaches the terminal, not only engine.log.
write_config 127.0.0.1:0 false "echo listening on http://10.1.2.3:8080; sleep 5"
rc=0
fuzz >/dev/null 2>"$work/err" || rc=$?
[ "$rc" = 3 ] || fail "announced 10.1.2.3: exit $rc, expected 3: $(cat "$work/err")"
grep -qF "the harness said: svc: sh announced http://10.1.2.3:8080: 10.1.2.3:8080 is not a loopback address; set service.allow_non_loopback" "$work/err" ||
  fail "announced 10.1.2.3: the supervisor's reason is not on the terminal: $(cat "$work/err")"
echo "PASS: non-loopback service addresses refused at load (exit 2) and at run time (reason shown)"
