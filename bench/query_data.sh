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
-- Uncompressed here: INSERT ... SELECT copies a compressed value as it is,
-- so bodies compressed in staging (pglz, the default) would stay pglz in
-- articles, where the indexer's are lz4 (migrations/004_lz4_toast.sql).
ALTER TABLE bench_staging ALTER COLUMN body SET STORAGE EXTERNAL;
SQL
"$python" "$here/query_data.py" --articles "$n" --body-words "$words" |
  psql -X -q -v ON_ERROR_STOP=1 "$url" -c "\\copy bench_staging FROM STDIN"
psql -X -q -v ON_ERROR_STOP=1 "$url" <<'SQL'
SET maintenance_work_mem = '512MB';
DROP INDEX IF EXISTS articles_tsv_idx;
-- Authors and sites as the indexer keeps them (ListAuthors, GetAuthor and
-- the stored counts that bound estimated totals and facets read them).
INSERT INTO authors (name) SELECT DISTINCT author_name FROM bench_staging
WHERE author_name <> '' ON CONFLICT (name) DO NOTHING;
INSERT INTO sites (name) SELECT DISTINCT site_name FROM bench_staging
WHERE site_name <> '' ON CONFLICT (name) DO NOTHING;
INSERT INTO articles (id, title, standfirst, body, author_name, site_name, url, language,
                      word_count, fingerprint, published_at, fetched_at, author_id, site_id,
                      canonical_id, tsv)
SELECT s.id, s.title, s.standfirst, s.body, s.author_name, s.site_name, s.url, 'en',
       array_length(regexp_split_to_array(s.body, '\s+'), 1), s.fingerprint, s.published_at,
       s.fetched_at, au.id, si.id, s.id,
       setweight(to_tsvector('english', s.title), 'A') ||
       setweight(to_tsvector('english', s.standfirst), 'B') ||
       setweight(to_tsvector('english', s.body), 'D')
  FROM bench_staging s
  LEFT JOIN authors au ON au.name = s.author_name
  LEFT JOIN sites si ON si.name = s.site_name
ON CONFLICT (id) DO NOTHING;
-- Counted afresh from every stored article: the script may add to a
-- database it filled before.
UPDATE authors au SET article_count = n.added, latest_article_id = n.latest_id,
                      latest_indexed_at = n.latest_at
FROM (SELECT DISTINCT ON (author_id) author_id,
             count(*) OVER (PARTITION BY author_id) AS added,
             id AS latest_id, indexed_at AS latest_at
      FROM articles WHERE author_id IS NOT NULL
      ORDER BY author_id, indexed_at DESC, id) n
WHERE au.id = n.author_id;
UPDATE sites si SET article_count = n.added
FROM (SELECT site_id, count(*) AS added FROM articles WHERE site_id IS NOT NULL GROUP BY site_id) n
WHERE si.id = n.site_id;
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
VACUUM ANALYZE authors;
VACUUM ANALYZE sites;
SELECT count(*) AS articles, pg_size_pretty(pg_total_relation_size('articles')) AS size FROM articles;
SQL
