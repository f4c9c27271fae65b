#!/usr/bin/env bash
# The test command: installs what is missing, builds with warnings as errors, builds the
# generated clients, runs every CTest test (the clients' examples against a live server
# included), lints the API with buf and checks it against the previous commit's with
# `buf breaking`, then builds and tests again under ASan+UBSan, runs
# the graph engine's and the importer's tests (their concurrency included) under TSan,
# runs each libFuzzer target for FUZZ_SECONDS (default 20; scripts/fuzz.sh), and
# last builds and tests everything again with Bazel, checking that both builds name the
# same sources. TSan
# covers only those: Debian's gRPC and Abseil are not built for it, so tests through them
# report races inside those libraries (graph and importer lock with std::mutex for this).
# Usage: scripts/test.sh [--no-sanitizers]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sanitizers=1
[[ ${1:-} == --no-sanitizers ]] && sanitizers=0

scripts/install-deps.sh

# CI builds in a fresh clone each time: let ccache match objects across clone directories.
export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=true

echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build -G Ninja -DIDENTITYGRAPH_WERROR=ON -DIDENTITYGRAPH_CLIENTS=ON >/dev/null
cmake --build build
echo "== clients (Python, Go, Node)"
clients/build.sh "$top/build"
echo "== tests"
ctest --test-dir build --output-on-failure -j2

echo "== buf lint, buf breaking"
scripts/node_modules/.bin/buf lint
echo "buf lint: clean"
# The API must stay compatible with the previous commit's, so that clients generated from
# it keep working. A clone without that commit (shallow) cannot check, and says so.
if git rev-parse --verify --quiet HEAD~1 >/dev/null; then
  scripts/node_modules/.bin/buf breaking --against '.git#ref=HEAD~1'
  echo "buf breaking: compatible with $(git rev-parse --short HEAD~1)"
else
  echo "buf breaking: SKIPPED, this clone has no previous commit (fetch more history)"
fi

if ((sanitizers)); then
  echo "== build and tests under ASan+UBSan"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIDENTITYGRAPH_WERROR=ON \
    -DIDENTITYGRAPH_SANITIZE=address,undefined >/dev/null
  cmake --build build-asan
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j2

  echo "== graph, importer and following tests under TSan"
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIDENTITYGRAPH_WERROR=ON \
    -DIDENTITYGRAPH_SANITIZE=thread >/dev/null
  cmake --build build-tsan --target graph_test importer_unit_test importer_http_test \
    importer_import_test importer_diagnostics_test change_follow_test scan_following_test
  # The simulator is the tests' tool, not what is under test: the plain build's serves.
  IDENTITYGRAPH_AUTH0_SIM="$top/build/tests/auth0_sim/auth0-sim" TSAN_OPTIONS=halt_on_error=1 \
    ctest --test-dir build-tsan -L 'graph|importer' --output-on-failure -j2
  # Following runs a follower thread beside scans and waiting readers. The crash test's child
  # (killed after a step) is the plain build's: see CrashChild in tests/scan_following_test.cc.
  IDENTITYGRAPH_AUTH0_SIM="$top/build/tests/auth0_sim/auth0-sim" TSAN_OPTIONS=halt_on_error=1 \
    IDENTITYGRAPH_SCAN_CRASH_CHILD="$top/build/tests/scan_crash_child" \
    ctest --test-dir build-tsan -R '^ScanFollowingTest[.]' --output-on-failure -j2

  # Every build above replays the fuzz targets' seeds (label fuzz); this one fuzzes.
  echo "== fuzzers: clang libFuzzer with ASan+UBSan, ${FUZZ_SECONDS:=20} s each"
  scripts/fuzz.sh "$FUZZ_SECONDS"
fi

echo "== Bazel: the same sources in both builds, then bazel build and test //..."
python3 scripts/check_build_sources.py build
# --disk_cache: a fresh clone has a fresh output base; the cache lets it reuse earlier
# runs' compiled actions, as ccache does for CMake.
bazel_flags=(--disk_cache="$HOME/.cache/identitygraph-bazel-disk" --copt=-Werror)
bazel build "${bazel_flags[@]}" //...
# --nocache_test_results: the disk cache would otherwise answer with earlier runs' results.
bazel test "${bazel_flags[@]}" --nocache_test_results \
  --test_env=BUF="$top/scripts/node_modules/.bin/buf" //...
bazel shutdown
