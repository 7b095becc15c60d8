#!/usr/bin/env bash
# racefuzz report and mark-fixed end to end (issue 13, 1): a real crash store (the planted overflow
# imported by triage, which replays it in the sandbox, then replayed again) plus hand-made
# entries (one marked fixed, one whose report holds markup, control and non-UTF-8 bytes)
# becomes JUnit XML and SARIF 2.1.0. The SARIF is validated with jsonschema against
# tests/data/schemas/sarif-2.1.0-racefuzz.schema.json and, when RACEFUZZ_SARIF_SCHEMA names
# it, the official sarif-schema-2.1.0.json; the XML is parsed and checked against what the
# Jenkins xunit plugin's junit-10.xsd allows.
# The store is left as it was by report; mark-fixed turns a reproduced entry into a
# regression and a never replayed one into a pass, changing Fixed only; a malformed report.json is named and skipped (exit 2, the
# files still written); usage errors exit 2 naming the option or path.
# usage: report_cli.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
. "$root/tests/campaign/lib.sh"
store=$work/store
export RACEFUZZ_STORE=$store # never the clone's own crashes/
# Debian's python3 with python3-jsonschema (scripts/setup.sh), else whichever python3 has it.
py=python3
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null && py=/usr/bin/python3
$py -c 'import jsonschema' || fail "python3 has no jsonschema (scripts/setup.sh installs it)"

planted_session 6 '\x04\xc8BBBB' >"$work/overflow" # COMMIT claiming 200 bytes
"$bin" triage --target planted --mode plain "$work/overflow" >"$work/triage.txt" 2>&1 ||
  fail "triage: $(tail -n 5 "$work/triage.txt")"
entry=$(sed -n 's/.* -> \([^ ]*\) (new.*/\1/p' "$work/triage.txt")
[ -f "$entry/report.json" ] || fail "triage stored nothing: $(cat "$work/triage.txt")"
"$bin" replay "$entry"/crash-* -n 2 >"$work/replay.txt" 2>&1 ||
  fail "replay: $(tail -n 5 "$work/replay.txt")"

# A fixed one (its last replay did not reproduce it) and a hostile one: a Go race whose
# detail and report carry markup, an escape sequence, a NUL-free control byte and \xff.
mkdir -p "$store/hostile/panic-00000000000000f1" "$store/hostile/go-data-race-00000000000000e2"
printf '{"Kind": "panic", "Detail": "nil map", "Fixed": true, "Config": "%s", "Reproduced": {"attempts": 3, "hits": 0}}\n' \
  "$root/targets/planted/racefuzz.json" >"$store/hostile/panic-00000000000000f1/report.json"
$py - "$root/tests/data/reports/go_g6_race_putuser_getuser.log" \
  "$store/hostile/go-data-race-00000000000000e2/report.json" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
rep = {"Kind": "go-data-race", "Key": "00000000000000e2",
       "Detail": "<b>&amp; \u0001\u001b[31m]]> \"q\"", "Stacktrace": ["<x>\u0002 & XFF"] + lines}
open(sys.argv[2], "wb").write(json.dumps(rep).replace("XFF", "\\u00ff").encode().replace(b"\\u00ff", b"\xff"))
PY
snapshot() { (cd "$store" && find . -type f ! -name .lock -exec sha256sum {} + | sort); }
snapshot >"$work/before"

"$bin" report --junit "$work/out.xml" --sarif "$work/out.sarif" >"$work/report.txt" 2>&1 ||
  fail "report exited $?: $(cat "$work/report.txt")"
snapshot | cmp -s - "$work/before" || fail "report changed the store"

$py - "$work/out.sarif" "$root/tests/data/schemas/sarif-2.1.0-racefuzz.schema.json" \
  "${RACEFUZZ_SARIF_SCHEMA:-}" "$(cd "$root" && pwd -P)" <<'PY'
import json, sys, jsonschema
log = json.load(open(sys.argv[1], encoding="utf-8"))
for schema in filter(None, sys.argv[2:4]):
    jsonschema.Draft4Validator(json.load(open(schema, encoding="utf-8"))).validate(log)
run = log["runs"][0]
assert [r["id"] for r in run["tool"]["driver"]["rules"]] == \
    ["go-data-race", "panic", "heap-buffer-overflow"], run["tool"]["driver"]["rules"]
res = {r["properties"]["target"] + "/" + r["ruleId"]: r for r in run["results"]}
assert len(res) == 3, list(res)
top = res["planted/heap-buffer-overflow"]["locations"][0]["physicalLocation"]
assert top["artifactLocation"] == {"uri": "targets/planted/planted.c", "uriBaseId": "SRCROOT"}, top
assert top["region"]["startLine"] > 0
nostack = res["hostile/panic"]["locations"][0]["physicalLocation"]["artifactLocation"]
assert nostack["uri"] == "targets/planted/racefuzz.json", nostack  # its target's config
race = res["hostile/go-data-race"]
assert len(race["codeFlows"][0]["threadFlows"]) == 2, race["codeFlows"]
assert race["message"]["text"] == "<b>&amp; [31m]]> \"q\"", race["message"]
# The log was recorded in a clone at /work/main: inside this source tree only when the
# tree is there (relative to SRCROOT), else an absolute file: URI.
src = "/work/main/targets/orders/service/users.go"
loc = race["locations"][0]["physicalLocation"]["artifactLocation"]
if src.startswith(sys.argv[4] + "/"):
    assert loc == {"uri": src[len(sys.argv[4]) + 1:], "uriBaseId": "SRCROOT"}, loc
else:
    assert loc["uri"] == "file://" + src, loc
print("sarif ok:", ", ".join(sorted(res)))
PY

# The structure the JUnit schema CI tools read (the Jenkins xunit plugin's junit-10.xsd,
# which is not committed here) allows: per element, its attributes (the required ones
# present), its children and the form of time.
$py - "$work/out.xml" <<'PY'
import re, sys, xml.etree.ElementTree as ET
ATTRS = {"testsuites": ({"name", "time", "tests", "failures", "errors"}, set()),
         "testsuite": ({"name", "tests", "failures", "errors", "group", "time", "skipped",
                        "timestamp", "hostname", "id", "package", "file", "log", "url"},
                       {"name", "tests", "failures", "errors"}),
         "testcase": ({"name", "time", "classname", "group"}, {"name"}),
         "failure": ({"type", "message"}, set()), "error": ({"type", "message"}, set()),
         "skipped": ({"type", "message"}, set())}
CHILDREN = {"testsuites": {"testsuite"},
            "testsuite": {"testsuite", "properties", "testcase", "system-out", "system-err"},
            "testcase": {"skipped", "error", "failure", "system-out", "system-err"},
            "failure": set(), "error": set(), "skipped": set()}
TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")
def check(e):
    allowed, required = ATTRS[e.tag]
    assert set(e.attrib) <= allowed and required <= set(e.attrib), (e.tag, e.attrib)
    assert "time" not in e.attrib or TIME.fullmatch(e.get("time")), e.get("time")
    for c in e:
        assert c.tag in CHILDREN[e.tag], (e.tag, c.tag)
        check(c)
top = ET.parse(sys.argv[1]).getroot()
assert top.tag == "testsuites", top.tag
check(top)
suites = {s.get("name"): s for s in top.findall("testsuite")}
assert sorted(suites) == ["hostile", "planted"], list(suites)
total = 0
for name, s in suites.items():
    cases = s.findall("testcase")
    assert int(s.get("tests")) == len(cases)
    assert int(s.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
    assert int(s.get("errors")) == 0 and float(s.get("time")) >= 0
    for c in cases:
        assert c.get("classname") == name and c.get("name") and len(list(c)) <= 1
    total += len(cases)
assert int(top.get("tests")) == total == 3
cases = {c.get("name"): c for c in top.iter("testcase")}
planted = [c for n, c in cases.items() if n.startswith("heap-buffer-overflow-")][0]
f = planted.find("failure")
assert f is not None and f.get("message").startswith("heap-buffer-overflow: "), f.attrib
assert "on_commit" in f.text, f.text
assert len(cases["panic-00000000000000f1"]) == 0  # fixed, not reproduced: passes
f = cases["go-data-race-00000000000000e2"].find("failure")
assert f.get("message") == "go-data-race: <b>&amp; [31m]]> \"q\"", f.get("message")
assert "<x> & \ufffd" in f.text, f.text
print("junit ok:", len(cases), "test cases")
PY

# mark-fixed changes Fixed and nothing else. The planted entry reproduced in its replay: marked
# fixed, it is a regression (failed); the hostile race was never replayed: marked fixed (named
# by a file in it), it passes; --undo takes the mark back.
race=$store/hostile/go-data-race-00000000000000e2
cp "$entry/report.json" "$work/planted-before.json"
"$bin" mark-fixed "$entry" "$race/report.json" >"$work/mark.txt" 2>&1 ||
  fail "mark-fixed: $(cat "$work/mark.txt")"
$py - "$work/planted-before.json" "$entry/report.json" <<'PY'
import json, sys
before, after = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
assert after.pop("Fixed") is True and before == after, "mark-fixed changed more than Fixed"
PY
grep -q "^marked fixed" "$entry/report.txt" || fail "report.txt does not say it is marked fixed"
"$bin" report --junit "$work/fixed.xml" >/dev/null
$py - "$work/fixed.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = {c.get("name"): c for c in ET.parse(sys.argv[1]).getroot().iter("testcase")}
planted = [c for n, c in cases.items() if n.startswith("heap-buffer-overflow-")][0]
assert planted.find("failure").get("message").startswith("regression: heap-buffer-overflow: ")
assert len(cases["go-data-race-00000000000000e2"]) == 0, "a fixed, never replayed race fails"
PY
"$bin" mark-fixed --undo "$entry" >/dev/null
grep -Eq '"Fixed":[[:space:]]*false' "$entry/report.json" || fail "--undo left the mark"
expect_usage_error "mark-fixed: name at least one store entry" "$bin" mark-fixed
expect_usage_error "$work/none: No such file or directory" "$bin" mark-fixed "$work/none"
expect_usage_error "$work: not a crash store entry" "$bin" mark-fixed "$entry" "$work"
grep -Eq '"Fixed":[[:space:]]*false' "$entry/report.json" || fail "a refused mark-fixed changed $entry"

# A malformed report.json is named and left out; the rest is still written (exit 2).
mkdir -p "$store/planted/bad-0000000000000001"
printf '{"Kind": 5}\n' >"$store/planted/bad-0000000000000001/report.json"
rm "$work/out.xml"
expect_usage_error "$store/planted/bad-0000000000000001/report.json: Kind: expected a string" \
  "$bin" report --store "$store" --junit "$work/out.xml"
grep -c "<testcase " "$work/out.xml" | grep -qx 3 || fail "the other entries were not written"

# No store yet (nothing found so far): empty reports, exit 0; a named --store that is not
# there is a mistake (exit 2).
RACEFUZZ_STORE=$work/later "$bin" report --junit "$work/empty.xml" --sarif "$work/empty.sarif" \
  >"$work/empty.txt" 2>&1 || fail "report without a store yet: $(cat "$work/empty.txt")"
grep -q 'tests="0"' "$work/empty.xml" || fail "no store yet: $(cat "$work/empty.xml")"
[ ! -e "$work/later" ] || fail "report created the store"

expect_usage_error "report: name at least one output" "$bin" report
expect_usage_error "--store: $work/none: cannot read the crash store" \
  "$bin" report --store "$work/none" --sarif "$work/x.sarif"
expect_usage_error "--junit: $work is a directory" "$bin" report --junit "$work"
expect_usage_error "--sarif: $work/no/such/x.sarif: cannot write" \
  "$bin" report --sarif "$work/no/such/x.sarif"
expect_usage_error "report: unexpected argument 'extra'" "$bin" report --junit "$work/j.xml" extra
echo "PASS: report writes valid JUnit and SARIF from the store and leaves it as it was; mark-fixed"
