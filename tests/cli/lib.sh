# Shared by the CLI scripts (sourced): a scratch directory removed on exit, fail, and the
# usage-error expectation. Sets $work.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# Runs "$@" expecting exit code 2 and stderr holding $want.
expect_usage_error() {
  local want=$1 rc=0
  shift
  "$@" >/dev/null 2>"$work/err" || rc=$?
  [ "$rc" = 2 ] || fail "$* exited $rc, expected 2 ($(head -3 "$work/err"))"
  grep -qF -- "$want" "$work/err" || fail "$*: stderr lacks '$want': $(cat "$work/err")"
}
