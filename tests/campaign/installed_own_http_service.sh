#!/usr/bin/env bash
# Campaign test (issue 16, 2): own_http_service.sh's flow (a Go service of the user's own,
# outside the tree: corpus gen --config, fuzz --config finds its race, replay from its
# directory) run by an installed racefuzz alone: installed into a temporary prefix,
# RACEFUZZ_ROOT unset, the prefix's bin/ first on the PATH.
# usage: installed_own_http_service.sh BUILD_DIR SEED
set -euo pipefail
unset RACEFUZZ_ROOT
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
# As root, a replay's sandboxed harness runs as nobody (sandbox.h): the prefix must be
# readable and searchable by others, as /usr/local is.
chmod 0755 "$prefix"
cmake --install "$1" --prefix "$prefix" >"$prefix/install.txt" 2>&1 ||
  { cat "$prefix/install.txt"; echo "FAIL: cmake --install"; exit 1; }
grep -qx "data: $prefix/share/racefuzz" <("$prefix/bin/racefuzz" --where) ||
  { echo "FAIL: the installed racefuzz does not use its prefix"; exit 1; }
PATH=$prefix/bin:$PATH "$(dirname "$0")/own_http_service.sh" racefuzz "$2"
