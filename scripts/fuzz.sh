#!/usr/bin/env bash
# Builds the libFuzzer targets with Debian's clang (ASan + UBSan, in build-fuzz/) and runs
# each for SECONDS (default 20; CI uses the default, longer runs find more):
#
#   scripts/fuzz.sh          # 20 s per target
#   scripts/fuzz.sh 600      # ten minutes each
#
# Each target starts from its committed seeds (DIR/fuzz_corpus/NAME/) and keeps what it
# finds in build-fuzz/DIR/corpus/NAME/, so later runs go on from there. A crash stops the
# run with the input saved as build-fuzz/DIR/crash-*; copy it into the seed directory
# once fixed, so every build replays it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS]  (a whole number of seconds per fuzz target)" >&2
  exit 2
fi
cd "$top"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DIDENTITYGRAPH_FUZZ=ON \
  -DIDENTITYGRAPH_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build build-fuzz --target fuzzers
# One at a time: each fuzzer keeps a core busy.
ctest --test-dir build-fuzz -L fuzz --output-on-failure -V 2>&1 |
  tee build-fuzz/fuzz.log |
  grep -E '^[0-9]+: (stat::number_of_executed_units|stat::new_units_added)|Test +#|tests passed|ERROR|SUMMARY' || true
# The summary's exit status is the run's.
grep -q '100% tests passed' build-fuzz/fuzz.log
