#!/usr/bin/env bash
# Development TLS material for docker-compose.tls.yml, in deploy/compose/dev-tls
# (git-ignored): a CA, a server certificate for localhost / 127.0.0.1, a
# client certificate and a random ingest token. Files are readable by the
# containers' non-root user (uid 10001) through the bind-mounted secrets.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/../../tests/security_certs.sh" "$here/dev-tls"
chmod 644 "$here"/dev-tls/*.key "$here/dev-tls/token"
echo "written to $here/dev-tls"
