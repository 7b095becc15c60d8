#!/usr/bin/env bash
# Fails when clang-format (the committed .clang-format) would change any C file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
[ ${#files[@]} -gt 0 ] || { echo "check-format: no C files found" >&2; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted"
