#!/usr/bin/env bash
# Reflection, health and ConfigService as an operator reaches them: `buf curl` against a real
# identitygraph-server, with no .proto file on the caller's side.
# Usage: reflection_test.sh PATH/TO/identitygraph-server   (BUF overrides the buf binary)
set -euo pipefail
server_binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
buf=${BUF:-$here/../scripts/node_modules/.bin/buf}
if [[ ! -x $buf ]]; then
  echo "FAIL: buf not found at $buf; run scripts/install-deps.sh (it installs buf from npm)" >&2
  exit 1
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

token=reflection-test-admin-token-0123456789
secret=Rf9-reflection-secret-canary-0123456789
printf '%s\n' "$token" >"$work/admin"
chmod 600 "$work/admin"

# The server's log goes through a FIFO: read it until the address appears (no sleeping),
# then keep draining it into a file.
mkfifo "$work/log.fifo"
"$server_binary" --listen=127.0.0.1:0 --data_dir="$work/data" \
  --admin_token_file="$work/admin" >"$work/log.fifo" 2>&1 &
server_pid=$!
exec 3<"$work/log.fifo"
address=""
while IFS= read -r -t 60 line <&3; do
  echo "$line" >>"$work/server.log"
  if [[ $line =~ listening\ on\ ([^ ]+) ]]; then address=${BASH_REMATCH[1]}; break; fi
done
[[ -n $address ]] || { echo "FAIL: server did not start"; cat "$work/server.log"; exit 1; }
cat <&3 >>"$work/server.log" &

passed=0
failed=0
check() {  # check NAME EXPECTED_SUBSTRING OUTPUT
  if [[ $3 == *"$2"* ]]; then
    passed=$((passed + 1)); echo "ok: $1"
  else
    failed=$((failed + 1)); printf 'FAIL: %s: expected %q in:\n%s\n' "$1" "$2" "$3"
  fi
}
check_absent() {  # check_absent NAME UNEXPECTED_SUBSTRING OUTPUT
  if [[ $3 != *"$2"* ]]; then
    passed=$((passed + 1)); echo "ok: $1"
  else
    failed=$((failed + 1)); echo "FAIL: $1: output contains what it must not"
  fi
}
call() {  # call METHOD [buf curl options...]
  local method=$1; shift
  "$buf" curl --protocol grpc --http2-prior-knowledge "$@" "http://$address/$method" 2>&1 || true
}

methods=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-methods "http://$address" 2>&1)
for m in identitygraph.v1.ConfigService/UpdateConfig identitygraph.v1.ConfigService/GetConfig \
         identitygraph.v1.AccessService/CheckAccess identitygraph.v1.ScanService/WatchScan \
         grpc.health.v1.Health/Check grpc.health.v1.Health/Watch; do
  check "reflection lists $m" "$m" "$methods"
done

check "health by reflection" '"status": "SERVING"' "$(call grpc.health.v1.Health/Check)"
check "per-service health" '"status": "SERVING"' \
  "$(call grpc.health.v1.Health/Check -d '{"service": "identitygraph.v1.ConfigService"}')"

auth=(-H "authorization: Bearer $token")
check "no token is unauthenticated" "unauthenticated" \
  "$(call identitygraph.v1.ConfigService/GetConfig -d '{}')"

update=$(call identitygraph.v1.ConfigService/UpdateConfig "${auth[@]}" -d @- <<JSON
{"config": {"domain": "acme.us.auth0.com", "clientId": "client1234567890",
            "clientSecret": "$secret", "connections": ["google-workforce"]},
 "updateMask": "domain,clientId,clientSecret,connections"}
JSON
)
check "UpdateConfig saves revision 1" '"revision": "1"' "$update"
check_absent "UpdateConfig does not return the secret" "$secret" "$update"

got=$(call identitygraph.v1.ConfigService/GetConfig "${auth[@]}" -d '{}')
check "GetConfig says a secret is set" '"clientSecretSet": true' "$got"
check_absent "GetConfig does not return the secret" "$secret" "$got"

bad=$(call identitygraph.v1.ConfigService/UpdateConfig "${auth[@]}" \
  -d '{"config": {"domain": "login.acme.com"}, "updateMask": "domain"}')
check "custom domain is refused" "invalid_argument" "$bad"
check "custom domain message says what to do" \
  "use the canonical your-tenant.REGION.auth0.com domain" "$bad"

kill -TERM "$server_pid"
wait "$server_pid" && status=0 || status=$?
server_pid=""
check "SIGTERM exits 0" "exit 0" "exit $status"
check_absent "the log never holds the secret" "$secret" "$(cat "$work/server.log")"

echo "reflection_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
