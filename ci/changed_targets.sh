#!/usr/bin/env bash
# The targets a code change touches, as `racefuzz nightly` arguments, for the short run on
# a pull request: a file under targets/NAME/ (or corpus/NAME/) names that target; a change
# to racefuzz itself (cli/, fuzz/, mutators/, corpus/*.c, crashes/*.c, replay/, common/,
# config/, go/, cmake/, CMakeLists.txt) names them all; docs and tests alone name none.
# Reads the changed paths on stdin, one per line (git diff --name-only BASE...HEAD).
# usage: git diff --name-only origin/main...HEAD | ci/changed_targets.sh
set -euo pipefail
declare -A modes=([planted]=plain [orders]=frames,go,http)
declare -A hit=()
all=0
while IFS= read -r path; do
  case $path in
  targets/*/* | corpus/*/*)
    name=${path#*/}
    name=${name%%/*}
    [ -n "${modes[$name]:-}" ] && hit[$name]=1
    ;;
  cli/* | fuzz/* | mutators/* | corpus/* | crashes/*.c | crashes/*.h | replay/* | common/* | \
    config/* | go/* | cmake/* | CMakeLists.txt | targets/CMakeLists.txt) all=1 ;;
  esac
done
for name in $(printf '%s\n' "${!modes[@]}" | sort); do
  if [ "$all" = 1 ] || [ -n "${hit[$name]:-}" ]; then
    printf -- '--target %s:%s\n' "$name" "${modes[$name]}"
  fi
done
