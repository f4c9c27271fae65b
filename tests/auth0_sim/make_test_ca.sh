#!/usr/bin/env bash
# Writes a throw-away test CA and a server certificate for auth0-sim into OUTDIR:
#   ca.pem (trust this in clients), server.pem + server.key (give these to auth0-sim).
# The certificate covers the Auth0 and Authorization Extension host names (one wildcard label
# per region, as real certificates do), localhost and 127.0.0.1, so clients keep verifying
# real host names while libcurl's connect-to sends them to the simulator.
# Usage: make_test_ca.sh OUTDIR
set -euo pipefail
out=${1:?usage: make_test_ca.sh OUTDIR}
mkdir -p "$out"
cd "$out"

names=(DNS:localhost IP:127.0.0.1 DNS:*.auth0.com)
for region in us eu au jp uk ca; do names+=("DNS:*.$region.auth0.com"); done
for region in us eu au jp uk us8 us12; do names+=("DNS:*.$region.webtask.io"); done
for region in us eu au jp uk; do names+=("DNS:*.$region.webtask.run"); done
san=$(IFS=,; echo "${names[*]}")

quiet() { "$@" >/dev/null 2>&1 || { echo "make_test_ca: $1 failed" >&2; "$@"; exit 1; }; }
quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=identitygraph test CA (not for production)" -keyout ca.key -out ca.pem
quiet openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=auth0-sim" -keyout server.key -out server.csr
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >server.ext
quiet openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
  -extfile server.ext -out server.pem
rm -f server.csr server.ext ca.srl
chmod 600 ca.key server.key
echo "make_test_ca: wrote $out/ca.pem, $out/server.pem, $out/server.key"
