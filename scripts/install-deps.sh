#!/usr/bin/env bash
# Installs what identitygraph's build, tests and demo need, on Debian 12, as root:
# Debian packages (only those missing; apt-get update only when something is) and the
# pinned buf from npm (scripts/package.json, lock file committed). Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
  # Toolchain and build.
  g++ cmake ninja-build ccache pkg-config make
  # Libraries.
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libcurl4-openssl-dev libre2-dev libboost-graph-dev libssl-dev
  # Metrics (--metrics_listen): the Prometheus client library and its HTTP exposer.
  prometheus-cpp-dev
  # The Auth0 tenant simulator (tests/auth0_sim): HTTPS server and JSON.
  libcpp-httplib-dev nlohmann-json3-dev zlib1g-dev
  # Tests and benchmarks; clang's libFuzzer for the fuzz targets (scripts/fuzz.sh).
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  # Demo and test scripts: certificates; curl for the demo's look at the metrics.
  openssl ca-certificates curl
  # The generated clients (clients/): Python with Debian's gRPC, Go offline against
  # Debian's Go packages (protobuf APIv2, and the 1.5 github.com/golang/protobuf that
  # gRPC-Go's codec needs for APIv2 messages). Node's come from npm (clients/node).
  python3-grpcio python3-grpc-tools
  golang-go golang-google-grpc-dev golang-google-protobuf-dev
  golang-github-golang-protobuf-1-5-dev protoc-gen-go protoc-gen-go-grpc
  # The Bazel build beside CMake (WORKSPACE, bazel/).
  bazel-bootstrap
)
# buf comes from npm. A machine may already have Node.js and npm from elsewhere (Debian's
# npm package conflicts with those), so only a missing command brings in Debian's.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

want_buf=$(sed -n 's/.*"@bufbuild\/buf": "\([^"]*\)".*/\1/p' "$here/package.json")
have_buf=$("$here/node_modules/.bin/buf" --version 2>/dev/null || true)
if [[ $have_buf != "$want_buf" ]]; then
  echo "install-deps: installing buf $want_buf from npm"
  # Not `npm ci`: npm 11 leaves buf's other-platform optional packages out of the lock file
  # it writes, then `npm ci` refuses that same lock. `install --no-save` still installs the
  # exact pinned versions, checks the lock's integrity hashes, and never rewrites the lock.
  (cd "$here" && npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "install-deps: all dependencies present (buf $("$here/node_modules/.bin/buf" --version))"
