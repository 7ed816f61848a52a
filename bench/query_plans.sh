#!/usr/bin/env bash
# Times the search-path design options on the benchmark database, per word
# frequency band, warm cache (best of 3 runs of EXPLAIN ANALYZE's execution
# time). Prints a Markdown table for bench/README-query.md.
#   bench/query_plans.sh postgresql://broadsheet@127.0.0.1:5432/broadsheet_bench
set -euo pipefail
url="${1:-postgresql://broadsheet@127.0.0.1:${PGPORT:-5432}/broadsheet_bench}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${here}/../.local/venv/bin/python"
[[ -x "$python" ]] || python=python3
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 "$url" "$@"; }

# Experiment only (not a migration): a small GIN over title + standfirst.
psql -c "CREATE INDEX IF NOT EXISTS bench_head_idx ON articles USING gin ((setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', standfirst), 'B')))" \
     -c "ANALYZE articles"

ms() {  # best execution time (ms) of 3 runs of the SQL in $1
  local best="" t i
  for i in 1 2 3; do
    t="$(psql -c "EXPLAIN (ANALYZE, TIMING OFF) $1" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p')"
    if [[ -z "$best" ]] || awk "BEGIN{exit !($t < $best)}"; then best="$t"; fi
  done
  printf '%s' "$best"
}

total="$(psql -c "SELECT count(*) FROM articles")"
echo "| query | matches (share) | A: GIN + ts_rank_cd top 10 | B: newest-first (btree walk) | C1: exact count | C2: capped sample 2000 + estimate | D: head index first, exact re-rank | D recall@10 | E: facets over sample |"
echo "|---|---|---|---|---|---|---|---|---|"
for rank in 3 30 300 3000 20000 phrase; do
  if [[ "$rank" == phrase ]]; then
    w1="$("$python" "$here/query_data.py" --print-words 2 | sed -n 1p)"
    w2="$("$python" "$here/query_data.py" --print-words 2 | sed -n 2p)"
    q="\"$w1 $w2\""
  else
    q="$("$python" "$here/query_data.py" --print-words "$rank" | tail -n1)"
  fi
  tsq="websearch_to_tsquery('english', \$q\$$q\$q\$)"
  n="$(psql -c "SELECT count(*) FROM articles WHERE tsv @@ $tsq")"
  share="$(awk "BEGIN{printf \"%.1f%%\", 100*$n/$total}")"
  a="$(ms "SELECT id FROM articles WHERE tsv @@ $tsq ORDER BY ts_rank_cd(tsv, $tsq) DESC, id LIMIT 10")"
  b="$(ms "SELECT id FROM articles a WHERE tsv @@ $tsq ORDER BY coalesce(a.published_at, a.fetched_at, a.indexed_at) DESC, id DESC LIMIT 10")"
  c1="$(ms "SELECT count(*) FROM articles WHERE tsv @@ $tsq")"
  c2="$(ms "SELECT count(*), query_estimate_matches($tsq) FROM (SELECT 1 FROM articles WHERE tsv @@ $tsq LIMIT 2000) s")"
  head="(setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', standfirst), 'B'))"
  dq="SELECT id FROM (SELECT id, tsv FROM articles WHERE $head @@ $tsq LIMIT 2000) c ORDER BY ts_rank_cd(tsv, $tsq) DESC, id LIMIT 10"
  d="$(ms "$dq")"
  recall="$(psql -c "SELECT count(*) FROM ($dq) d JOIN (SELECT id FROM articles WHERE tsv @@ $tsq ORDER BY ts_rank_cd(tsv, $tsq) DESC, id LIMIT 10) a USING (id)")"
  e="$(ms "SELECT author_name, count(*) FROM (SELECT author_name FROM articles WHERE tsv @@ $tsq LIMIT 2000) s GROUP BY 1 ORDER BY 2 DESC LIMIT 20")"
  echo "| \`$q\` | $n ($share) | $a | $b | $c1 | $c2 | $d | $recall/10 | $e |"
done
