#!/usr/bin/env bash
# Brings a Debian 12 machine to everything racefuzz needs, from apt only.
# Idempotent and quiet when all is present; needs root only when something is missing.
set -euo pipefail

packages=(
  clang llvm libclang-rt-14-dev lld      # compiler, llvm-symbolizer, libFuzzer/sanitizer runtimes
  afl++                                  # afl-fuzz, afl-clang-fast, libAFLDriver
  cmake ninja-build pkg-config make      # build
  libcjson-dev libcurl4-openssl-dev      # JSON views/configs, the HTTP driver
  libcmocka-dev                          # C unit tests
  python3-jsonschema                     # tests: `racefuzz report --sarif` checked against a schema
  libxml2-utils                          # tests: xmllint checks JUnit XML against its schema
  chromium                               # tests: the nightly HTML page opened in a real browser
  clang-format                           # the format check
  gdb bubblewrap iproute2 util-linux     # replay sandbox and native stacks
  golang-1.19-go                         # Debian's Go: the Go parts are checked with it too
  git ca-certificates zip
)
# Go from apt only where no Go toolchain is on the PATH (a newer one is kept as it is).
if ! command -v go >/dev/null 2>&1; then
  packages+=(golang-go)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "racefuzz setup: missing Debian packages: ${missing[*]}" >&2
  echo "racefuzz setup: run as root (sudo $0) or install them with apt-get" >&2
  exit 3
fi
echo "racefuzz setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
