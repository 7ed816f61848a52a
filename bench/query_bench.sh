#!/usr/bin/env bash
# The query benchmark end to end on the local stack (`make up` first; stop
# the stack's own services, `bash scripts/services.sh stop`, for clean
# numbers): N generated articles in their own database (made once, then
# reused), a query service on it with its default settings, then
# SearchArticles and GetArticle at 16 clients via gRPC and in-process
# ("direct": the same statements without gRPC, for the overhead ratio),
# newest-first search, and search at one client. One line per run.
#   bench/query_bench.sh [ARTICLES=100000] [SECONDS=20]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
n="${1:-100000}"
secs="${2:-20}"
bin="${BROADSHEET_BIN_DIR:-$root/build/bin}"
python="$root/.local/venv/bin/python"
[[ -x "$python" ]] || python=python3
eval "$(bash scripts/stack.sh env)"
port="${PGPORT:-5432}"
db="broadsheet_qbench_$n"
owner_url="postgresql://broadsheet@127.0.0.1:$port/$db"
reader_url="postgresql://broadsheet_reader@127.0.0.1:$port/$db"
admin() { bash scripts/stack.sh psql "$@"; }
work="$(mktemp -d)"
query_pid=""
cleanup() {
  [[ -n "$query_pid" ]] && kill "$query_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ "$(admin -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$db'")" == 0 ]]; then
  admin -d postgres -c "CREATE DATABASE $db OWNER broadsheet"
fi
BROADSHEET_DATABASE_URL="$owner_url" "$bin/broadsheet-indexer" --migrate-only >/dev/null
if [[ "$(admin -d "$db" -Atc "SELECT count(*) FROM articles")" -lt "$n" ]]; then
  echo "generating $n articles in $db (about 1 minute per 100,000)" >&2
  bash bench/query_data.sh "$owner_url" "$n" 400 >/dev/null
  # Hint bits and the visibility map set now, not by the first measured
  # runs (or an autovacuum racing them).
  admin -d "$db" -c "VACUUM (ANALYZE) articles"
fi
"$python" bench/query_data.py --print-words 3000 > "$work/words.txt"
admin -d "$db" -Atc "SELECT id FROM articles ORDER BY random() LIMIT 10000" > "$work/ids.txt"
admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
  -Atc "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname = 'public' AND c.relkind IN ('r', 'i')" >/dev/null

listen="127.0.0.1:50072"
BROADSHEET_QUERY_DATABASE_URL="$reader_url" BROADSHEET_QUERY_LISTEN="$listen" \
  BROADSHEET_QUERY_METRICS_LISTEN=127.0.0.1:0 BROADSHEET_HEALTH_LISTEN=127.0.0.1:0 \
  "$bin/broadsheet-query" >"$work/query.log" 2>&1 &
query_pid=$!
for _ in $(seq 1 50); do  # until it answers a health check (or died)
  kill -0 "$query_pid" 2>/dev/null || { cat "$work/query.log" >&2; echo "query service exited" >&2; exit 1; }
  "$bin/broadsheet" health "$listen" >/dev/null 2>&1 && break
  sleep 0.2
done

load() {  # target rpc concurrency [extra flags]: 3 s warm-up, then the measured run
  local args=(--target="$1" --rpc="$2" --concurrency="$3" --address="$listen" --database="$reader_url"
              --words="$work/words.txt" --ids="$work/ids.txt" "${@:4}")
  "$bin/broadsheet-query-load" "${args[@]}" --seconds=3 >/dev/null 2>&1 || true
  echo "$("$bin/broadsheet-query-load" "${args[@]}" --seconds="$secs" 2>&1 | tail -n 1)${4:+ ($4)}"
}
echo "$n articles, $secs s per run"
load grpc search 16
load direct search 16
load grpc search 16 --order=newest
load grpc get 16
load direct get 16
load grpc search 1
load direct search 1
