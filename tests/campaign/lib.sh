# Shared by the campaign scripts (sourced).

# One frame of the wire format (4-byte little-endian length, payload), LEN below 256.
# usage: planted_frame LEN PAYLOAD (PAYLOAD as printf escapes)
planted_frame() { printf "\\x$(printf %02x "$1")\\x00\\x00\\x00$2"; }

# A planted-target session up to its COMMIT: HELLO v2, AUTH with an 8-byte token, DATA
# 1..3 (three body bytes), then the COMMIT frame given, which decides the overflow.
# usage: planted_session COMMIT_LEN COMMIT_PAYLOAD
planted_session() {
  planted_frame 6 '\x01\x02PLNT'
  planted_frame 11 '\x02\x08\x00AAAAAAAA'
  planted_frame 3 '\x03\x01A'
  planted_frame 3 '\x03\x02A'
  planted_frame 3 '\x03\x03A'
  planted_frame "$1" "$2"
}

# The fixed variant: the campaign must have exited 0 after running (about) its whole
# budget at a real rate, not merely failed to get going.
# usage: expect_clean_run OUT_FILE BUDGET RC LOG ERR_FILE
expect_clean_run() {
  local out=$1 budget=$2 rc=$3 log=$4 err=$5 eps secs
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: expected nothing on the fixed variant (exit 0), got exit $rc"
    tail -n 5 "$err"
    [ -n "$log" ] && [ -f "$log" ] && tail -n 40 "$log"
    return 1
  fi
  eps=$(sed -n 's/.*, \([0-9]*\) exec\/s.*/\1/p' "$out")
  secs=$(sed -n 's/.* after \([0-9]*\)\.[0-9]*s.*/\1/p' "$out")
  if [ -z "$eps" ] || [ "$eps" -eq 0 ] || [ -z "$secs" ] || [ "$secs" -lt $((budget * 9 / 10)) ]; then
    echo "FAIL: the campaign did not run its budget (${secs:-?}s, ${eps:-?} exec/s)"
    return 1
  fi
  echo "PASS: nothing found on the fixed variant in ${budget}s (${eps} exec/s)"
}

# A stored finding, minimised: the result must be no larger than the input (smaller unless
# the input was already minimal), and replaying it must still reproduce the same
# signature (replay takes target, mode and environment from the store entry it sits in).
# MIN_REPLAYS (default 10) is how many replays may show it. MIN_SAME_BUG, a regex: replays
# that crashed with another signature whose output matches it show the same bug.
# usage: expect_minimized RACEFUZZ_BIN STORED_INPUT WORK_DIR
expect_minimized() {
  local bin=$1 input=$2 work=$3 before after
  before=$(stat -c %s "$input")
  if ! "$bin" minimize "$input" --time "${MINIMIZE_TIME:-20}" >"$work/minimize.txt" 2>&1; then
    echo "FAIL: racefuzz minimize $input:"
    tail -n 20 "$work/minimize.txt"
    return 1
  fi
  after=$(stat -c %s "$input.min")
  if [ "$after" -gt "$before" ]; then
    echo "FAIL: minimize grew the input ($before -> $after bytes)"
    return 1
  fi
  if ! "$bin" replay "$input.min" -n "${MIN_REPLAYS:-10}" >"$work/replay-min.txt" 2>&1; then
    if [ -n "${MIN_SAME_BUG:-}" ] && grep -q "crashed with another signature" "$work/replay-min.txt" &&
      grep -Eq "$MIN_SAME_BUG" "$work/replay-min.txt"; then
      echo "minimized: $before -> $after bytes; replays crashed with another signature" \
        "that matches '$MIN_SAME_BUG'"
      return 0
    fi
    echo "FAIL: the minimised input ($after bytes) no longer reproduces:"
    tail -n 20 "$work/replay-min.txt"
    return 1
  fi
  echo "minimized: $before -> $after bytes, $(head -n 1 "$work/replay-min.txt" | sed 's/.*: //')"
}

# A buggy variant: the campaign must have exited 1 (a finding) within its budget.
# usage: expect_found BUGS BUDGET RC LOG ERR_FILE
expect_found() {
  local bugs=$1 budget=$2 rc=$3 log=$4 err=$5
  [ "$rc" -eq 1 ] && return 0
  echo "FAIL: expected a finding of $bugs within ${budget}s (exit 1), got exit $rc"
  tail -n 5 "$err"
  [ -n "$log" ] && [ -f "$log" ] && tail -n 40 "$log"
  return 1
}

# A service of a user's own, outside racefuzz's tree: a Go module (standard library only)
# with its racefuzz.json. POST /deposit?acct=a adds 1 to a balance map without a lock: two
# deposits in flight race (the planted bug). bank_fix DIR takes the lock (the fix).
# usage: bank_service DIR
bank_service() {
  mkdir -p "$1"
cat >"$1/go.mod" <<'GO'
module example.com/bank

go 1.19
GO
cat >"$1/main.go" <<'GO'
// A tiny bank: POST /deposit?acct=a adds 1 to the account, GET /balance?acct=a reads it.
// Unless fixed, the balances map has no lock: two deposits in flight race (the bug).
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
)

const fixed = false

var balances = map[string]int{}

// fixed (bank_fix sets it): the handlers take mu; unset they do not (the bug).
var mu sync.Mutex

func lock() {
	if fixed {
		mu.Lock()
	}
}

func unlock() {
	if fixed {
		mu.Unlock()
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/deposit", func(w http.ResponseWriter, r *http.Request) {
		lock()
		balances[r.URL.Query().Get("acct")]++
		unlock()
	})
	mux.HandleFunc("/balance", func(w http.ResponseWriter, r *http.Request) {
		lock()
		fmt.Fprintln(w, balances[r.URL.Query().Get("acct")])
		unlock()
	})
	fmt.Printf("bank listening on http://%s\n", ln.Addr())
	if err := http.Serve(ln, mux); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
GO
cat >"$1/racefuzz.json" <<'JSON'
{
  "name": "bank",
  "description": "a service outside racefuzz's tree, written by the test",
  "service": {
    "build": ["go", "build", "-race", "-o", "{out}/bankd", "."],
    "command": ["{out}/bankd", "-addr", "{addr}"],
    "env": {},
    "addr": "127.0.0.1:0",
    "ready_line": "^bank listening on (http://\\S+)$",
    "health": "/healthz",
    "path_params": {"acct": ["a", "b"]}
  },
  "endpoints": [
    {"method": "GET", "path": "/healthz", "body": "none"},
    {"method": "POST", "path": "/deposit?acct={acct}", "body": "none"},
    {"method": "GET", "path": "/balance?acct={acct}", "body": "none"}
  ]
}
JSON
}

# usage: bank_fix DIR
bank_fix() { sed -i 's/^const fixed = false$/const fixed = true/' "$1/main.go"; }
