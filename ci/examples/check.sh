#!/usr/bin/env bash
# Runs the commands of the ready-made CI files here, as the CI job would (no `act`): each
# `run:` line of github-actions.yml and each script line of gitlab-ci.yml, in order, in
# bash -e, from the top of the checkout. The lines that install the container's own
# packages (apt-get in a fresh debian:12 image) are skipped: scripts/setup.sh, which the
# next line runs, checks the rest. The nightly run is narrowed to the planted target for
# seconds (RACEFUZZ_NIGHTLY_TARGETS, _TIME) and writes to a temporary store and results
# folder; the pull-request run diffs against HEAD (nothing changed: no run). Each file's
# nightly must leave summary.json, junit.xml, results.sarif and index.html, and exit 0 or 1
# (1: planted's overflow found, which fails the CI job as it should).
# usage: ci/examples/check.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export RACEFUZZ_NIGHTLY_TARGETS="--target planted" RACEFUZZ_NIGHTLY_TIME=2
export RACEFUZZ_NIGHTLY_MERGE=0 RACEFUZZ_STORE=$work/store

# run_lines NAME MIN < lines: each line in bash -e; 0 or 1 from a nightly line, 0 from others.
run_lines() {
  local n=0 line rc
  while IFS= read -r line; do
    case $line in apt-get*) continue ;; esac
    line=${line//'${{ github.base_ref }}'/HEAD}
    line=${line//'origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME'/HEAD}
    line=${line//'origin/HEAD'/HEAD}
    n=$((n + 1))
    echo "[$1 $n] $line"
    rc=0
    (cd "$root" && bash -e -o pipefail -c "$line") >"$work/$1-$n.txt" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 1 ] && grep -q '^nightly:' "$work/$1-$n.txt"; }; then
      tail -n 20 "$work/$1-$n.txt"
      fail "$1: '$line' exited $rc"
    fi
  done
  [ "$n" -ge "$2" ] || fail "$1: $n commands found, expected $2"
}

check_results() {
  for f in summary.json junit.xml results.sarif index.html; do
    [ -s "$RACEFUZZ_NIGHTLY_OUT/$f" ] || fail "$1: no $f in $RACEFUZZ_NIGHTLY_OUT"
  done
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"][0]["target"] == "planted" and d["runs"][0]["ran"], d["runs"]' \
    "$RACEFUZZ_NIGHTLY_OUT/summary.json" || fail "$1: the nightly did not run planted"
  echo "$1: results ok"
}

export RACEFUZZ_NIGHTLY_OUT=$work/github
run_lines github 3 < <(sed -n 's/^ *run: //p' "$root/ci/examples/github-actions.yml")
check_results github
export RACEFUZZ_NIGHTLY_OUT=$work/gitlab CI_PIPELINE_SOURCE=schedule
run_lines gitlab 2 < <(sed -n '/^  script:/,/^  [a-z]*:/s/^    - //p' "$root/ci/examples/gitlab-ci.yml")
check_results gitlab
export CI_PIPELINE_SOURCE=merge_request_event RACEFUZZ_NIGHTLY_OUT=$work/gitlab-mr
run_lines gitlab-mr 2 < <(sed -n '/^  script:/,/^  [a-z]*:/s/^    - //p' "$root/ci/examples/gitlab-ci.yml")
[ ! -e "$RACEFUZZ_NIGHTLY_OUT" ] || fail "gitlab-mr: a run without a change to fuzz"

# Which targets a change names (the pull-request run's choice).
got=$(printf 'targets/orders/service/users.go\ndocs/x.md\n' | "$root/ci/changed_targets.sh")
[ "$got" = "--target orders:frames,go,http" ] || fail "changed_targets (orders): '$got'"
got=$(printf 'mutators/frame.c\n' | "$root/ci/changed_targets.sh" | wc -l)
[ "$got" -eq 2 ] || fail "changed_targets (racefuzz itself): $got targets, expected all 2"
got=$(printf 'README.md\ntests/x.sh\n' | "$root/ci/changed_targets.sh")
[ -z "$got" ] || fail "changed_targets (docs, tests): '$got'"
echo "PASS: the GitHub Actions and GitLab CI commands run here; the change filter picks targets"
