#!/bin/bash
# One fuzz target into $OUT as OSS-Fuzz lays it out (build_fuzzers.sh calls it per line of
# targets.txt): the binary, <t>_seed_corpus.zip, <t>.dict and <t>.options.
# usage: install_target.sh ROOT BINARY RACEFUZZ TARGET CONFIG|- SEEDS
set -euo pipefail
root=$1 bin=$2 racefuzz=$3 t=$4 config=$5 seeds=$6
# racefuzz fuzz's default input limit (cli/cmd_fuzz.c): room for several sessions of frames.
max_len=4096
[ -x "$bin" ] || {
  echo "install_target.sh: $bin: not built (targets.txt names $t)" >&2
  exit 1
}
cp "$bin" "$OUT/$t"
[ -d "$root/$seeds" ] || {
  echo "install_target.sh: $root/$seeds: no seed folder for $t" >&2
  exit 1
}
rm -f "$OUT/${t}_seed_corpus.zip"
(cd "$root/$seeds" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)

env_lines=
if [ "$config" != - ]; then
  # Relative names: $OUT moves; the mutator glue finds <binary>.dict beside the binary.
  env_lines=$(cd "$OUT" && "$racefuzz" corpus mutator --config "$root/$config" --dict "$t.dict")
fi
{
  echo "[libfuzzer]"
  [ -f "$OUT/$t.dict" ] && echo "dict = $t.dict"
  echo "max_len = $max_len"
  if [ -n "$env_lines" ]; then
    echo
    echo "# Not read by ClusterFuzz, which sets only a few AFL_ variables from an .options"
    echo "# file: the settings of racefuzz's AFL++ custom mutator, for an afl-fuzz run that"
    echo "# loads it (docs/oss-fuzz.md). libFuzzer builds carry them in the binary."
    echo "[racefuzz]"
    echo "AFL_CUSTOM_MUTATOR_LIBRARY = racefuzz_afl_mutator.so"
    printf '%s\n' "$env_lines" | sed 's/=/ = /'
  fi
} >"$OUT/$t.options"
