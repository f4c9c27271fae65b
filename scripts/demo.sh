#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the Auth0 tenant simulator (auth0-sim,
# the Acme tenant, over HTTPS with a throw-away CA) and identitygraph-server against it with
# a fresh data directory and admin token, then drives the server through buf curl
# (reflection only, as an operator would): configuration, TestConnection, ListConnections,
# a rescan watched to its end, access checks with their explaining paths, and a few of the
# server's Prometheus metrics.
# Usage: scripts/demo.sh [--stop]   (--stop: stop both processes at the end)
# Environment: IDENTITYGRAPH_DEMO_PORT (default 50051), IDENTITYGRAPH_DEMO_SIM_PORT (8443),
# IDENTITYGRAPH_DEMO_METRICS_PORT (9464).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
stop_at_end=0
[[ ${1:-} == --stop ]] && stop_at_end=1
port=${IDENTITYGRAPH_DEMO_PORT:-50051}
sim_port=${IDENTITYGRAPH_DEMO_SIM_PORT:-8443}
metrics_port=${IDENTITYGRAPH_DEMO_METRICS_PORT:-9464}

scripts/install-deps.sh
echo "== building identitygraph-server and auth0-sim"
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target identitygraph-server auth0-sim | tail -n 1

demo=$(mktemp -d /tmp/identitygraph-demo.XXXXXX)
# wait_for LOG: until the process writing LOG says "listening on" (tail -f wakes on each
# write; no polling).
wait_for() {
  timeout 60 grep -q -m1 "listening on" <(tail -n +1 -f "$1")
}

echo "== starting auth0-sim (the Acme tenant) on 127.0.0.1:$sim_port"
tests/auth0_sim/make_test_ca.sh "$demo/sim" >/dev/null
build/tests/auth0_sim/auth0-sim --listen="127.0.0.1:$sim_port" \
  --cert_file="$demo/sim/server.pem" --key_file="$demo/sim/server.key" \
  --tenant_file=tests/auth0_sim/fixtures/acme.json >"$demo/sim.log" 2>&1 &
sim_pid=$!
if ! wait_for "$demo/sim.log"; then
  echo "auth0-sim did not start:"; cat "$demo/sim.log"; exit 1
fi

openssl rand -hex 32 >"$demo/admin.token"
chmod 600 "$demo/admin.token"
admin_token=$(cat "$demo/admin.token")
echo "== starting identitygraph-server on 127.0.0.1:$port, its Auth0 requests going to auth0-sim"
build/server/identitygraph-server --listen="127.0.0.1:$port" --data_dir="$demo/data" \
  --admin_token_file="$demo/admin.token" --metrics_listen="127.0.0.1:$metrics_port" \
  --auth0_connect_to="127.0.0.1:$sim_port" --auth0_ca_file="$demo/sim/ca.pem" \
  >"$demo/server.log" 2>&1 &
server_pid=$!
if ! wait_for "$demo/server.log"; then
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
  "config": {"domain": "acme.us.auth0.com", "clientId": "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6",
             "clientSecret": "acme-importer-secret-0123456789abcdef",
             "connections": ["google-workforce"], "connectionPatterns": ["okta-.*"]},
  "validateOnly": true}'
show "Save it" admin identitygraph.v1.ConfigService/UpdateConfig '{
  "config": {"domain": "acme.us.auth0.com", "clientId": "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6",
             "clientSecret": "acme-importer-secret-0123456789abcdef",
             "connections": ["google-workforce"], "connectionPatterns": ["okta-.*"],
             "importOptions": {"includeOrganizations": true, "loginReachability": true,
                               "rescanInterval": "3600s"}}}'
show "Change one part with a field mask" admin identitygraph.v1.ConfigService/UpdateConfig '{
  "config": {"authorizationExtension": {"enabled": true,
    "apiUrl": "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api"}},
  "updateMask": "authorizationExtension"}'
show "Read it back (the secret is never returned)" admin \
  identitygraph.v1.ConfigService/GetConfig '{}'
show "Test the connection to the tenant: every check, with what to do when one fails" admin \
  identitygraph.v1.ConfigService/TestConnection '{}'
show "Test a candidate before saving it: a wrong secret" admin \
  identitygraph.v1.ConfigService/TestConnection '{
  "config": {"clientSecret": "not-the-secret"}, "updateMask": "clientSecret"}'
show "The tenant's connections: which are selected, workforce or customers" admin \
  identitygraph.v1.ConfigService/ListConnections '{}'
show "Start a rescan: it runs in the background" admin \
  identitygraph.v1.ScanService/StartRescan '{}'
show "Watch it to the end (a stream: one message per change)" admin \
  identitygraph.v1.ScanService/WatchScan '{"name": "scans/1"}'
show "The scan history" admin identitygraph.v1.ScanService/ListScans '{"pageSize": 5}'
show "Can Ada reach Payroll, and why? (the path)" admin \
  identitygraph.v1.AccessService/CheckAccess '{
  "user": {"email": "ada@acme.com"}, "application": {"name": "Payroll"}, "maxPaths": 1}'
show "Can Barbara reach Payroll? (denied)" admin \
  identitygraph.v1.AccessService/CheckAccess '{
  "user": {"email": "barbara@acme.com"}, "application": {"name": "Payroll"},
  "view": "CHECK_ACCESS_VIEW_FULL"}'
show "Can Ken log in to the Admin Console? (authorised, but his connection is not enabled for it)" \
  admin identitygraph.v1.AccessService/CheckAccess '{
  "user": {"email": "ken@acme.com"}, "application": {"name": "Admin Console"},
  "mode": "REACHABILITY_MODE_LOGIN"}'
show "What the graph holds" admin identitygraph.v1.AccessService/GetGraphStats '{}'
show "A mistake, and how the server explains it" admin \
  identitygraph.v1.ConfigService/UpdateConfig '{
  "config": {"domain": "https://login.acme.com", "connectionPatterns": ["corp-("]},
  "updateMask": "domain,connectionPatterns"}'
show "Without the admin token" none identitygraph.v1.ConfigService/GetConfig '{}'

echo
echo "== A few of the server's metrics (Prometheus' text format), after the calls above"
metrics_filter='^(grpc_server_handled_total.*CheckAccess|identitygraph_(snapshot_version|scans_total|graph_entities)|identitygraph_auth0_requests_total.*(oauth/token|roles/\{id\}/users))'
echo "\$ curl -s http://127.0.0.1:$metrics_port/metrics | grep -E '$metrics_filter'"
curl -s "http://127.0.0.1:$metrics_port/metrics" | grep -E "$metrics_filter"

echo
if ((stop_at_end)); then
  kill -TERM "$server_pid" "$sim_pid"
  wait "$server_pid" "$sim_pid" || true
  echo "== stopped the server and the simulator; the server's log:"
  cat "$demo/server.log"
  rm -rf "$demo"
else
  echo "== identitygraph-server is running on 127.0.0.1:$port (pid $server_pid; metrics on"
  echo "   http://127.0.0.1:$metrics_port/metrics),"
  echo "   auth0-sim on 127.0.0.1:$sim_port (pid $sim_pid)"
  echo "   data: $demo/data   logs: $demo/server.log $demo/sim.log"
  echo "   admin token: export ADMIN_TOKEN=\$(cat $demo/admin.token)"
  echo "   stop both with: kill $server_pid $sim_pid"
fi
