#!/bin/bash
# ci/oss-fuzz/build.sh run as OSS-Fuzz's base-builder runs it (its variables, no Docker),
# then every fuzzer in $OUT run as base-runner's run_fuzzer would, for a few seconds.
# usage: build_sh.sh libfuzzer|afl [SECONDS]
set -euo pipefail
engine=$1 secs=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/campaign/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}

# base-builder's layout: the project's source under $SRC, its build.sh copied to $SRC.
export SRC=$tmp/src WORK=$tmp/work OUT=$tmp/out
mkdir -p "$SRC" "$WORK" "$OUT"
ln -s "$root" "$SRC/racefuzz"
cp "$root/ci/oss-fuzz/build.sh" "$SRC/build.sh"
# base-builder's CFLAGS and SANITIZER_FLAGS_address; compile adds COVERAGE_FLAGS for
# libFuzzer only. CXXFLAGS_EXTRA (-stdlib=libc++) is left out: Debian's clang has no libc++
# installed, and nothing of racefuzz is C++.
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
flags="$flags -fsanitize=address -fsanitize-address-use-after-scope"
export FUZZING_ENGINE=$engine SANITIZER=address RACEFUZZ_BUILD_JOBS=2
if [ "$engine" = libfuzzer ]; then
  export CC=clang CXX=clang++ CFLAGS="$flags -fsanitize=fuzzer-no-link"
  export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
else
  # compile_afl copies AFL++'s libAFLDriver.a to $LIB_FUZZING_ENGINE; Debian ships it here.
  export CC=afl-clang-fast CXX=afl-clang-fast++ CFLAGS="$flags"
  export LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a AFL_QUIET=1
fi
export CXXFLAGS=$CFLAGS
start=$(date +%s)
nice bash -eu "$SRC/build.sh" >"$tmp/build.txt" 2>&1 || {
  tail -n 30 "$tmp/build.txt"
  fail "build.sh failed"
}
echo "build.sh ($engine, address): $(($(date +%s) - start)) s"

# What OSS-Fuzz needs in $OUT, per line of targets.txt.
targets=()
while read -r t config seeds; do
  case $t in '' | '#'*) continue ;; esac
  targets+=("$t")
  [ -x "$OUT/$t" ] || fail "$OUT/$t: no fuzzer"
  diff <(unzip -Z1 "$OUT/${t}_seed_corpus.zip" | sort) <(ls "$root/$seeds" | sort) >/dev/null ||
    fail "${t}_seed_corpus.zip does not hold exactly the files of $seeds"
  grep -qx "max_len = 4096" "$OUT/$t.options" || fail "$t.options: no max_len"
  if [ "$config" != - ]; then
    [ -s "$OUT/$t.dict" ] || fail "$t.dict missing or empty"
    grep -qx "dict = $t.dict" "$OUT/$t.options" || fail "$t.options does not name $t.dict"
    grep -qx "RACEFUZZ_DICT = $t.dict" "$OUT/$t.options" || fail "$t.options: no mutator settings"
  fi
done <"$root/ci/oss-fuzz/targets.txt"
[ -f "$OUT/racefuzz_afl_mutator.so" ] || fail "racefuzz_afl_mutator.so not in \$OUT"
grep -qx "RACEFUZZ_FIXUPS = len16le@2,sum8@last" "$OUT/orders_frames.options" ||
  fail "orders_frames.options lacks the config's fix-ups"
echo "PASS: ${#targets[@]} fuzzers with seed zips, dicts and options"

# One section of an .options file as k=v lines (parse_options.py's job on base-runner).
section() { sed -n "/^\[$2\]/,/^\[/{/^[A-Za-z_]/s/ *= */=/p}" "$1"; }

# libFuzzer as run_fuzzer: cd $OUT, seeds unzipped into the corpus, [libfuzzer] as flags.
run_libfuzzer() {
  local t=$1 dir=$tmp/run/$t
  mkdir -p "$dir/corpus"
  unzip -q -o -d "$dir/corpus" "$OUT/${t}_seed_corpus.zip"
  (cd "$OUT" && ORDERS_BUGS=none "./$t" -max_total_time="$secs" -seed=1 \
    $(section "$t.options" libfuzzer | sed 's/^/-/') "$dir/corpus" </dev/null >"$dir/log" 2>&1)
}

# afl-fuzz as run_fuzzer (its AFL_ settings, -t 5000+, the dict with -x), for -V seconds;
# with racefuzz's custom mutator loaded from $OUT as the [racefuzz] section says.
run_afl() {
  local t=$1 dir=$tmp/run/$t
  mkdir -p "$dir/corpus"
  unzip -q -o -d "$dir/corpus" "$OUT/${t}_seed_corpus.zip"
  local dict=()
  [ -f "$OUT/$t.dict" ] && dict=(-x "$t.dict")
  (cd "$OUT" && env $(section "$t.options" racefuzz | sed "s|=\(.*\.so\)$|=$OUT/\1|") \
    ORDERS_BUGS=none AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_FAST_CAL=1 AFL_NO_AFFINITY=1 ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
    afl-fuzz -V "$secs" -t 5000+ -s 1 -i "$dir/corpus" -o "$dir/out" "${dict[@]}" -- "./$t" \
    </dev/null >"$dir/log" 2>&1)
}

check_run() {
  local t=$1 rc=$2 dir=$tmp/run/$1
  if [ "$engine" = afl ]; then
    local execs
    execs=$(sed -n 's/^execs_done *: *//p' "$dir/out/default/fuzzer_stats" 2>/dev/null || true)
    [ "$rc" -eq 0 ] && [ "${execs:-0}" -gt 0 ] || {
      tail -n 20 "$dir/log"
      fail "afl-fuzz on $t: exit $rc, ${execs:-no} execs"
    }
    if grep -q '^\[racefuzz\]' "$OUT/$t.options" && ! grep -q "racefuzz_afl_mutator.so" "$dir/log"; then
      tail -n 20 "$dir/log"
      fail "afl-fuzz on $t did not load racefuzz's custom mutator"
    fi
    echo "  $t: $execs execs in ${secs}s"
    return 0
  fi
  # planted keeps its bug on purpose: a finding there must be that bug, nothing else.
  if [ "$rc" -ne 0 ] && ! { [ "$t" = planted ] && grep -q "in planted_decode\|in on_commit" "$dir/log"; }; then
    tail -n 20 "$dir/log"
    fail "$t exited $rc within ${secs}s"
  fi
  grep -q "Done [0-9]* runs\|in on_commit" "$dir/log" || fail "$t: no libFuzzer summary"
  echo "  $t: $(grep -o 'Done [0-9]* runs' "$dir/log" || echo 'found its planted bug')"
}

# Two at a time, as this machine has two cores.
i=0
for t in "${targets[@]}"; do
  ("run_$engine" "$t" && echo 0 >"$tmp/rc-$t" || echo $? >"$tmp/rc-$t") &
  i=$((i + 1))
  [ $((i % 2)) -eq 0 ] && wait
done
wait
for t in "${targets[@]}"; do check_run "$t" "$(cat "$tmp/rc-$t")"; done
echo "PASS: every fuzzer ran ${secs}s under $engine"

# The planted bug's input, reproduced as ClusterFuzz does: the binary given the file.
planted_session 6 '\x04\xc8BBBB' >"$tmp/overflow"
rc=0
(cd "$OUT" && ./planted "$tmp/overflow" >"$tmp/repro.txt" 2>&1) || rc=$?
grep -q "ERROR: AddressSanitizer: " "$tmp/repro.txt" && grep -q "in on_commit" "$tmp/repro.txt" && [ "$rc" -ne 0 ] || {
  grep -m3 "ERROR\|#[0-9]" "$tmp/repro.txt"
  fail "the $engine build of planted does not report its overflow (exit $rc)"
}
echo "PASS: the $engine build reproduces planted's overflow under ASan (a report in on_commit)"
