#!/usr/bin/env bash
# Loads N synthetic articles (bench/query_data.py) straight into the
# database at $1 (default: broadsheet_bench on the local stack), computing
# the same weighted tsvector the indexer stores. Run the migrations there
# first: BROADSHEET_DATABASE_URL=... build/bin/broadsheet-indexer --migrate-only
#   bench/query_data.sh postgresql://broadsheet@127.0.0.1:5432/broadsheet_bench 100000 400
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${1:-postgresql://broadsheet@127.0.0.1:${PGPORT:-5432}/broadsheet_bench}"
n="${2:-100000}"
words="${3:-400}"
python="${here}/../.local/venv/bin/python"
[[ -x "$python" ]] || python=python3
psql -X -q -v ON_ERROR_STOP=1 "$url" <<'SQL'
DROP TABLE IF EXISTS bench_staging;
CREATE UNLOGGED TABLE bench_staging (id text, title text, standfirst text, body text,
  author_name text, site_name text, url text, published_at timestamptz, fetched_at timestamptz,
  fingerprint bigint);
SQL
"$python" "$here/query_data.py" --articles "$n" --body-words "$words" |
  psql -X -q -v ON_ERROR_STOP=1 "$url" -c "\\copy bench_staging FROM STDIN"
psql -X -q -v ON_ERROR_STOP=1 "$url" <<'SQL'
SET maintenance_work_mem = '512MB';
DROP INDEX IF EXISTS articles_tsv_idx;
INSERT INTO articles (id, title, standfirst, body, author_name, site_name, url, language,
                      word_count, fingerprint, published_at, fetched_at, canonical_id, tsv)
SELECT id, title, standfirst, body, author_name, site_name, url, 'en',
       array_length(regexp_split_to_array(body, '\s+'), 1), fingerprint, published_at,
       fetched_at, id,
       setweight(to_tsvector('english', title), 'A') ||
       setweight(to_tsvector('english', standfirst), 'B') ||
       setweight(to_tsvector('english', body), 'D')
  FROM bench_staging
ON CONFLICT (id) DO NOTHING;
INSERT INTO source_pages (article_id, page_id, url, site, fetched_at)
SELECT id, id, url, site_name, fetched_at FROM bench_staging ON CONFLICT DO NOTHING;
CREATE INDEX articles_tsv_idx ON articles USING gin (tsv);
-- Visible to WatchArticles and the vocabulary refresh, as the indexer does.
INSERT INTO article_feed (article_id)
SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_feed f WHERE f.article_id = a.id)
ORDER BY a.indexed_at, a.id;
DROP TABLE bench_staging;
VACUUM ANALYZE articles;
VACUUM ANALYZE source_pages;
SELECT count(*) AS articles, pg_size_pretty(pg_total_relation_size('articles')) AS size FROM articles;
SQL
