#!/bin/sh
# Generates the Go package identitygraph/clients/go/identitygraphv1 from proto/
# with Debian's protoc-gen-go and protoc-gen-go-grpc, and builds the example
# offline against Debian's Go packages (GOPATH mode over /usr/share/gocode).
#
#   clients/go/build.sh [OUT_DIR]     # default: build/clients/go
#
# OUT_DIR/gopath/src holds the generated package; OUT_DIR/example the binary.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../proto" && pwd)
out=${1:-"$here/../../build/clients/go"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
gopath="$out/gopath"
rm -rf "$gopath/src/identitygraph"
mkdir -p "$gopath/src"
protoc -I"$proto" --go_out="$gopath/src" --go-grpc_out="$gopath/src" \
  "$proto"/identitygraph/v1/*.proto
cd "$here/example"
GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOPROXY=off GOFLAGS= \
  go build -o "$out/example" main.go
echo "built $out/example"
