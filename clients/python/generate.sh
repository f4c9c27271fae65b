#!/bin/sh
# Generates identitygraph/v1/*_pb2.py and *_pb2_grpc.py next to this script
# from proto/, with Debian's python3-grpc-tools, for Debian's python3-grpcio.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../proto" && pwd)
rm -rf "$here/identitygraph"
/usr/bin/python3 -m grpc_tools.protoc -I"$proto" \
  --python_out="$here" --grpc_python_out="$here" \
  "$proto"/identitygraph/v1/*.proto
touch "$here/identitygraph/__init__.py" "$here/identitygraph/v1/__init__.py"
echo "generated $here/identitygraph/v1"
