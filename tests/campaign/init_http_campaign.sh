#!/usr/bin/env bash
# Campaign test (issue 16, 3): `racefuzz init` on a service written here, outside the
# repository (standard library only, Go 1.22 method-and-wildcard patterns, a balance map
# without a lock), then `racefuzz fuzz --config` on the generated racefuzz.json, unedited,
# in http mode: the proposal must be good enough to build, start and fuzz the service, and
# the campaign must find the race.
# usage: init_http_campaign.sh RACEFUZZ_BIN SEED BUDGET
set -euo pipefail
bin=$1 seed=$2 budget=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset RACEFUZZ_STORE
svc=$work/bank
mkdir -p "$svc"
printf 'module example.com/bank\n\ngo 1.22\n' >"$svc/go.mod"
cat >"$svc/main.go" <<'GO'
// POST /deposit/{acct} adds 1 to an account; two in flight race on the map.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
)

var balances = map[string]int{}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /deposit/{acct}", func(w http.ResponseWriter, r *http.Request) {
		balances[r.PathValue("acct")]++
	})
	mux.HandleFunc("GET /balance/{acct}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, balances[r.PathValue("acct")])
	})
	fmt.Printf("bank listening on http://%s\n", ln.Addr())
	_ = http.Serve(ln, mux)
}
GO
cd "$svc"
"$bin" init >"$work/init.txt" 2>&1 || { echo "FAIL: init"; cat "$work/init.txt"; exit 1; }
"$bin" corpus gen --config racefuzz.json --format schedule --count 8 --seed "$seed" \
  --out corpus/bank/schedule >"$work/gen.txt" 2>&1 ||
  { echo "FAIL: corpus gen on the proposal"; cat "$work/gen.txt" racefuzz.json; exit 1; }
rc=0
start=$(date +%s)
"$bin" fuzz --config racefuzz.json --mode http --time "$budget" --seed "$seed" \
  >"$work/fuzz.txt" 2>&1 || rc=$?
grep -E "^(target|finding|stored):" "$work/fuzz.txt" || true
[ "$rc" -eq 1 ] || { echo "FAIL: expected the race (exit 1), got $rc"; tail -n 30 "$work/fuzz.txt"; exit 1; }
report=$(dirname "$(sed -n 's/^stored: .*; input \(.*\)$/\1/p' "$work/fuzz.txt" | head -n 1)")/report.json
grep -q 'DATA RACE\|data-race' "$report" ||
  { echo "FAIL: $report is not the deposit race"; cat "$report"; exit 1; }
echo "PASS: init's unedited proposal fuzzed the service; race found in $(($(date +%s) - start)) s"
