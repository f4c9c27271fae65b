#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts identitygraph-server with a fresh data
# directory and admin token, then configures it through buf curl (reflection only, as an
# operator would) and reads the configuration back.
# Usage: scripts/demo.sh [--stop]   (--stop: stop the server at the end instead of leaving it)
# Environment: IDENTITYGRAPH_DEMO_PORT (default 50051).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
stop_at_end=0
[[ ${1:-} == --stop ]] && stop_at_end=1
port=${IDENTITYGRAPH_DEMO_PORT:-50051}

scripts/install-deps.sh
echo "== building identitygraph-server"
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target identitygraph-server | tail -n 1

demo=$(mktemp -d /tmp/identitygraph-demo.XXXXXX)
openssl rand -hex 32 >"$demo/admin.token"
chmod 600 "$demo/admin.token"
admin_token=$(cat "$demo/admin.token")
build/server/identitygraph-server --listen="127.0.0.1:$port" --data_dir="$demo/data" \
  --admin_token_file="$demo/admin.token" >"$demo/server.log" 2>&1 &
server_pid=$!
# Wait for the server's "listening on" line (tail -f wakes on each write; no polling).
if ! timeout 60 grep -q -m1 "listening on" <(tail -n +1 -f "$demo/server.log"); then
  echo "the server did not start:"; cat "$demo/server.log"; exit 1
fi
kill -0 "$server_pid" 2>/dev/null || { cat "$demo/server.log"; exit 1; }

buf=scripts/node_modules/.bin/buf
address="http://127.0.0.1:$port"
# show DESCRIPTION AUTH(admin|none) METHOD [JSON]: print the line an operator types, then run it.
show() {
  local description=$1 auth=$2 method=$3 body=${4:-}
  local args=(--protocol grpc --http2-prior-knowledge)
  local shown='$ buf curl --protocol grpc --http2-prior-knowledge'
  if [[ $auth == admin ]]; then
    args+=(-H "authorization: Bearer $admin_token")
    shown+=' -H "authorization: Bearer $ADMIN_TOKEN"'
  fi
  if [[ $method == --list-methods ]]; then
    args+=(--list-methods "$address"); shown+=" --list-methods $address"
  else
    [[ -n $body ]] && { args+=(-d "$body"); shown+=" -d '$body'"; }
    args+=("$address/$method"); shown+=" \\"$'\n'"    $address/$method"
  fi
  printf '\n== %s\n%s\n' "$description" "$shown"
  "$buf" curl "${args[@]}" || true
}

show "What the server offers (by reflection, no .proto files needed)" none --list-methods
show "Health" none grpc.health.v1.Health/Check
show "Validate a configuration without saving it" admin \
  identitygraph.v1.ConfigService/UpdateConfig '{
  "config": {"domain": "acme.us.auth0.com", "clientId": "DEMOCLIENTID0123456789abcdefABCD",
             "clientSecret": "demo-secret-not-real-0123456789",
             "connections": ["google-workforce"], "connectionPatterns": ["corp-.*"]},
  "validateOnly": true}'
show "Save it" admin identitygraph.v1.ConfigService/UpdateConfig '{
  "config": {"domain": "acme.us.auth0.com", "clientId": "DEMOCLIENTID0123456789abcdefABCD",
             "clientSecret": "demo-secret-not-real-0123456789",
             "connections": ["google-workforce"], "connectionPatterns": ["corp-.*"],
             "importOptions": {"loginReachability": true, "rescanInterval": "3600s"}}}'
show "Change one part with a field mask" admin identitygraph.v1.ConfigService/UpdateConfig '{
  "config": {"authorizationExtension": {"enabled": true,
    "apiUrl": "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api"}},
  "updateMask": "authorizationExtension"}'
show "Read it back (the secret is never returned)" admin \
  identitygraph.v1.ConfigService/GetConfig '{}'
show "A mistake, and how the server explains it" admin \
  identitygraph.v1.ConfigService/UpdateConfig '{
  "config": {"domain": "https://login.acme.com", "connectionPatterns": ["corp-("]},
  "updateMask": "domain,connectionPatterns"}'
show "Without the admin token" none identitygraph.v1.ConfigService/GetConfig '{}'

echo
if ((stop_at_end)); then
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  echo "== stopped the server; its log:"
  cat "$demo/server.log"
  rm -rf "$demo"
else
  echo "== identitygraph-server is running on 127.0.0.1:$port (pid $server_pid)"
  echo "   data: $demo/data   log: $demo/server.log"
  echo "   admin token: export ADMIN_TOKEN=\$(cat $demo/admin.token)"
  echo "   stop it with: kill $server_pid"
fi
