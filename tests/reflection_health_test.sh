#!/usr/bin/env bash
# Every server answers grpc.health.v1 with SERVING and lists its services
# through reflection.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
grpcurl="$(command -v grpcurl || echo "$root/.local/bin/grpcurl")"
if [[ ! -x "$grpcurl" ]]; then
  echo "grpcurl not found (scripts/deps.sh installs it)" >&2
  exit 1
fi
python="$root/.local/venv/bin/python"
check() {  # address, service expected in the reflection list ("" for none)
  local addr="$1" service="$2"
  "$python" "$root/tests/health_check.py" "$addr"
  local list
  list="$("$grpcurl" -plaintext -max-time 10 "$addr" list)"
  echo "$addr services: $(tr '\n' ' ' <<<"$list")"
  grep -qx 'grpc.health.v1.Health' <<<"$list"
  if [[ -n "$service" ]]; then grep -qx "$service" <<<"$list"; fi
}
check "${BROADSHEET_INGEST_ADDR:-127.0.0.1:50051}" broadsheet.v1.IngestService
check "${BROADSHEET_QUERY_ADDR:-127.0.0.1:50052}" broadsheet.v1.QueryService
check "${BROADSHEET_INDEXER_ADDR:-127.0.0.1:50053}" ""
echo "all servers healthy"
