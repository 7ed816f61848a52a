#!/usr/bin/env bash
# Writes a throw-away PKI for the security tests into DIR (openssl, EC P-256,
# valid 2 days): ca.pem/ca.key, server.pem/server.key (localhost, 127.0.0.1),
# client.pem/client.key (signed by the CA), other-ca.pem (an unrelated CA),
# token (a random ingest token).
set -euo pipefail
dir="${1:?usage: security_certs.sh DIR}"
mkdir -p "$dir"
cd "$dir"
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
new_key ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj "/CN=broadsheet-test-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
new_key other-ca.key
openssl req -x509 -new -key other-ca.key -out other-ca.pem -days 2 -subj "/CN=not-broadsheet-ca"
sign() {  # name, CN, extensions
  new_key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 2 \
    -extfile "$1.ext" 2>/dev/null
}
sign server localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
sign client broadsheet-cli "extendedKeyUsage=clientAuth"
openssl rand -hex 32 >token
chmod 600 ./*.key token
