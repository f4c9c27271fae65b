#!/usr/bin/env bash
# TLS and mutual TLS on the gRPC port, with certificates made here by openssl: a client that
# trusts the CA gets through; with mTLS, only a client with a certificate from the client CA.
# Usage: tls_test.sh PATH/TO/identitygraph-server   (BUF overrides the buf binary)
set -euo pipefail
server_binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
buf=${BUF:-$here/../scripts/node_modules/.bin/buf}
[[ -x $buf ]] || { echo "FAIL: buf not found at $buf; run scripts/install-deps.sh" >&2; exit 1; }

work=$(mktemp -d)
server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT
cd "$work"

# One CA signs the server's and the client's certificates.
quiet() { "$@" >/dev/null 2>&1; }
quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=identitygraph-test-ca -keyout ca.key -out ca.pem
for name in server client; do
  quiet openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=$name" -keyout "$name.key" -out "$name.csr"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$name.ext"
  quiet openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile "$name.ext" -out "$name.pem"
done

start_server() {  # start_server EXTRA_FLAGS...: sets $address
  rm -f log.fifo && mkfifo log.fifo
  "$server_binary" --listen=127.0.0.1:0 --data_dir="$work/data" "$@" >log.fifo 2>&1 &
  server_pid=$!
  exec 3<log.fifo
  address=""
  while IFS= read -r -t 60 line <&3; do
    if [[ $line =~ listening\ on\ ([^ ]+) ]]; then address=${BASH_REMATCH[1]}; break; fi
  done
  cat <&3 >>server.log &
  [[ -n $address ]] || { echo "FAIL: server did not start with $*"; exit 1; }
}

passed=0
failed=0
expect() {  # expect NAME SUBSTRING COMMAND...
  local name=$1 want=$2; shift 2
  local out
  out=$("$@" 2>&1 || true)
  if [[ $out == *"$want"* ]]; then passed=$((passed + 1)); echo "ok: $name"
  else failed=$((failed + 1)); printf 'FAIL: %s: expected %q in:\n%s\n' "$name" "$want" "$out"; fi
}
health() { "$buf" curl --protocol grpc "$@" "https://$address/grpc.health.v1.Health/Check"; }
# Waits (on writes, not by polling) for a line in the server's log.
logged() { timeout 20 grep -q -m1 "$1" <(tail -n +1 -f server.log) && echo "logged: $1"; }

start_server --tls_cert_file=server.pem --tls_key_file=server.key
expect "TLS: a client trusting the CA is served" SERVING health --cacert ca.pem
expect "TLS: a client not trusting the CA is refused" "certificate signed by unknown authority" \
  health -v
stop_server

start_server --tls_cert_file=server.pem --tls_key_file=server.key --tls_client_ca_file=ca.pem
expect "mTLS: a client with a certificate is served" SERVING \
  health --cacert ca.pem --cert client.pem --key client.key
expect "mTLS: a client without a certificate gets no answer" "Failure" health --cacert ca.pem
expect "mTLS: the server refused the handshake" "logged" logged "peer did not return a certificate"
stop_server

echo "tls_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
