#!/usr/bin/env bash
# Every service serves Prometheus metrics: the indexer's consumer figures,
# ingest's page counts, and per-RPC counts and latencies on ingest and query
# (checked after a call this script makes, so the series must exist).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="${1:?usage: metrics_endpoints_test.sh BROADSHEET_CLI}"
scrape() { curl -fsS --max-time 10 "http://$1/metrics"; }
expect() {  # text, pattern (grep -E), what
  if ! grep -qE "$2" <<<"$1"; then
    echo "missing: $3 ($2)" >&2
    exit 1
  fi
}
ingest="${BROADSHEET_INGEST_METRICS_LISTEN:-127.0.0.1:9464}"
indexer="${BROADSHEET_INDEXER_METRICS_LISTEN:-127.0.0.1:9465}"
query="${BROADSHEET_QUERY_METRICS_LISTEN:-127.0.0.1:9466}"

# One NOT_FOUND on the query service and one rejected page on ingest.
if "$cli" get 0000000000000000 >/dev/null 2>&1; then
  echo "get of an unknown id succeeded" >&2
  exit 1
fi
empty="$(mktemp)"
trap 'rm -f "$empty"' EXIT
if "$cli" ingest "$empty" >/dev/null 2>&1; then
  echo "ingest of an empty page succeeded" >&2
  exit 1
fi

m="$(scrape "$query")"
expect "$m" 'broadsheet_grpc_server_handled_total\{.*code="NOT_FOUND".*method="/broadsheet.v1.QueryService/GetArticle".*\} [1-9]' "query: GetArticle NOT_FOUND count"
expect "$m" 'broadsheet_grpc_server_handling_seconds_count\{method="/broadsheet.v1.QueryService/GetArticle"\} [1-9]' "query: GetArticle latency"
expect "$m" '^broadsheet_query_active_watches ' "query: open watches"

m="$(scrape "$ingest")"
expect "$m" 'broadsheet_grpc_server_handled_total\{.*method="/broadsheet.v1.IngestService/' "ingest: RPC counts"
expect "$m" 'broadsheet_ingest_pages_rejected_total\{.*\} [1-9]' "ingest: rejected pages"
expect "$m" '^broadsheet_ingest_pages_accepted_total ' "ingest: accepted pages"

# Lag series appear once the indexer holds its partitions (group join).
for _ in $(seq 1 60); do
  m="$(scrape "$indexer")"
  grep -q 'broadsheet_indexer_consumer_lag{' <<<"$m" && break
  sleep 0.5
done
for name in records_consumed_total articles_written_total articles_duplicate_total \
            near_duplicate_links_total dead_letters_total batch_seconds_count; do
  expect "$m" "^broadsheet_indexer_$name" "indexer: $name"
done
expect "$m" 'broadsheet_indexer_consumer_lag\{.*partition=' "indexer: lag per partition"
echo "metrics endpoints ok"
