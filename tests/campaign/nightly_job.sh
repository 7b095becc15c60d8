#!/usr/bin/env bash
# Campaign test (issue 13, 1): `racefuzz nightly` as a CI job runs it, on a service of the
# user's own written here in a temporary directory (tests/campaign/lib.sh: bank, a race on
# /deposit). Three nights:
#  1. the race is new: exit 1; summary.json, junit.xml (valid against tests/data/schemas/
#     junit.xsd), results.sarif (valid against the SARIF schema) and index.html (opened in
#     headless Chromium: plots drawn, no console message) say so; the corpus is merged back;
#  2. the stored race is marked fixed but the code is not: its regression replay reproduces
#     it: exit 1, outcome "regression", a failed JUnit case;
#  3. the code is fixed: the regression replay no longer reproduces it, nothing new: exit 0.
# usage: nightly_job.sh RACEFUZZ_BIN SEED
set -euo pipefail
bin=$1 seed=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work" # as root, a replay's sandboxed command runs as nobody (sandbox.h)
unset RACEFUZZ_STORE
. "$(dirname "$0")/lib.sh"
svc=$work/bank
bank_service "$svc"
cd "$svc"
fail() { echo "FAIL: $*"; exit 1; }
"$bin" corpus gen --config racefuzz.json --format schedule --count 8 --seed "$seed" \
  --out corpus/bank/schedule >"$work/gen.txt" 2>&1 || fail "corpus gen: $(cat "$work/gen.txt")"

# night NAME EXPECTED_EXIT TIME
night() {
  local rc=0
  "$bin" nightly --config racefuzz.json --time "$3" --seed "$seed" --replays 2 --merge \
    --out "$work/$1" >"$work/$1.txt" 2>&1 || rc=$?
  grep '^nightly:' "$work/$1.txt" || true
  [ "$rc" -eq "$2" ] || { tail -n 30 "$work/$1.txt"; fail "night $1: exit $rc, expected $2"; }
}
summary() { # summary FIELD-EXPRESSION on night $1's summary.json
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$work/$1/summary.json"
}

night 1 1 5
[ "$(summary 1 'd["counts"]["new"]')" -ge 1 ] || fail "night 1: no new crash in summary.json"
[ "$(summary 1 'd["runs"][0]["corpus"]["merged"]')" = True ] || fail "night 1: corpus not merged"
[ "$(summary 1 'len(d["runs"][0]["series"]) > 0')" = True ] || fail "night 1: no coverage series"
[ "$(ls corpus/bank/schedule | wc -l)" -ge 1 ] || fail "the merged corpus is empty"
xmllint --noout --schema "$root/tests/data/schemas/junit.xsd" "$work/1/junit.xml" ||
  fail "night 1: junit.xml is not valid JUnit"
grep -q '<failure type="go-data-race" message="new crash go-data-race-' "$work/1/junit.xml" ||
  fail "night 1: the new race is not a failed test case"
python3 - "$work/1/results.sarif" "$root/tests/data/schemas/sarif-2.1.0-racefuzz.schema.json" <<'PY'
import json, sys, jsonschema
log = json.load(open(sys.argv[1]))
jsonschema.Draft4Validator(json.load(open(sys.argv[2]))).validate(log)
res = log["runs"][0]["results"]
assert any(r["ruleId"] == "go-data-race" for r in res), res
loc = [r for r in res if r["ruleId"] == "go-data-race"][0]["locations"][0]["physicalLocation"]
# SRCROOT is the user's repository: the service's own file is relative to it.
assert loc["artifactLocation"] == {"uri": "main.go", "uriBaseId": "SRCROOT"}, loc
print("sarif ok")
PY
report=$(summary 1 'd["new_crashes"][0]["target"] + "/" + d["new_crashes"][0]["name"]')
[ -s "$work/1/crashes/$report/report.txt" ] || fail "the page's report copy is missing"
"$root/tests/tools/page_check.sh" "$work/1/index.html" 2 "$work"

entry=$(summary 1 'd["new_crashes"][0]["dir"]')
"$bin" mark-fixed "$entry" >/dev/null || fail "mark-fixed $entry"
night 2 1 3
[ "$(summary 2 'd["counts"]["regression"]')" -eq 1 ] || fail "night 2: no regression counted"
grep -q '<failure type="regression"' "$work/2/junit.xml" || fail "night 2: no failed regression case"
xmllint --noout --schema "$root/tests/data/schemas/junit.xsd" "$work/2/junit.xml"

bank_fix "$svc"
night 3 0 3
[ "$(summary 3 'd["counts"]["fixed"]')" -ge 1 ] || fail "night 3: the fix is not seen to hold"
[ "$(summary 3 'd["counts"]["new"]')" -eq 0 ] || fail "night 3: a new crash on the fixed code"
echo "PASS: nightly: new race (exit 1), regression of a fix not made (exit 1), fix holds (exit 0)"
