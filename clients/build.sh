#!/bin/sh
# Generates and builds the three clients from proto/:
#   Python: clients/python/identitygraph/v1 (python3-grpc-tools)
#   Go:     BUILD_DIR/clients/go/example (protoc-gen-go, protoc-gen-go-grpc,
#           Debian's Go packages, offline)
#   Node:   clients/node/dist (npm ci from the lock file, proto-loader-gen-types, tsc)
#
#   clients/build.sh [BUILD_DIR]      # default: build
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}

echo "== clients: Python"
"$root/clients/python/generate.sh"
echo "== clients: Go"
"$root/clients/go/build.sh" "$build/clients/go"
echo "== clients: Node"
cd "$root/clients/node"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
echo "built clients/node/dist"
