-- Authors and sites as their own tables, with article counts; near-duplicate
-- links found through four 16-bit bands of the 64-bit SimHash fingerprint.

CREATE TABLE authors (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  bio           text NOT NULL DEFAULT '',
  -- Stored articles by this author (canonical and near-duplicates alike).
  article_count integer NOT NULL DEFAULT 0,
  latest_article_id text,
  latest_indexed_at timestamptz
);

CREATE TABLE sites (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  tagline       text NOT NULL DEFAULT '',
  article_count integer NOT NULL DEFAULT 0
);

ALTER TABLE articles
  ADD COLUMN author_id bigint REFERENCES authors (id),
  ADD COLUMN site_id   bigint REFERENCES sites (id),
  -- The smallest id among this article and its near-duplicates: search shows
  -- only articles with canonical_id = id. Depends only on which articles are
  -- stored, not on arrival order, so a replay rebuilds the same value.
  ADD COLUMN canonical_id text,
  -- Two fingerprints within Hamming distance 3 agree on at least one band.
  ADD COLUMN fp_band0 integer GENERATED ALWAYS AS ((fingerprint >> 48) & 65535) STORED,
  ADD COLUMN fp_band1 integer GENERATED ALWAYS AS ((fingerprint >> 32) & 65535) STORED,
  ADD COLUMN fp_band2 integer GENERATED ALWAYS AS ((fingerprint >> 16) & 65535) STORED,
  ADD COLUMN fp_band3 integer GENERATED ALWAYS AS (fingerprint & 65535) STORED,
  -- Set when the indexer computed the tsvector itself (see lexer docs).
  ADD COLUMN tsv_source text NOT NULL DEFAULT 'postgres';

-- Backfill what 001 stored.
UPDATE articles SET canonical_id = id WHERE canonical_id IS NULL;
INSERT INTO authors (name, bio)
SELECT DISTINCT ON (author_name) author_name, author_bio FROM articles
WHERE author_name <> '' ORDER BY author_name, indexed_at DESC;
INSERT INTO sites (name, tagline)
SELECT DISTINCT ON (site_name) site_name, site_tagline FROM articles
WHERE site_name <> '' ORDER BY site_name, indexed_at DESC;
UPDATE articles a SET author_id = au.id FROM authors au WHERE au.name = a.author_name;
UPDATE articles a SET site_id = s.id FROM sites s WHERE s.name = a.site_name;
UPDATE authors au SET article_count = c.n, latest_article_id = c.latest_id, latest_indexed_at = c.latest_at
FROM (SELECT DISTINCT ON (author_id) author_id, count(*) OVER (PARTITION BY author_id) AS n,
             id AS latest_id, indexed_at AS latest_at
      FROM articles WHERE author_id IS NOT NULL ORDER BY author_id, indexed_at DESC, id) c
WHERE au.id = c.author_id;
UPDATE sites s SET article_count = c.n
FROM (SELECT site_id, count(*) AS n FROM articles WHERE site_id IS NOT NULL GROUP BY site_id) c
WHERE s.id = c.site_id;

CREATE INDEX articles_fp_band0_idx ON articles (fp_band0);
CREATE INDEX articles_fp_band1_idx ON articles (fp_band1);
CREATE INDEX articles_fp_band2_idx ON articles (fp_band2);
CREATE INDEX articles_fp_band3_idx ON articles (fp_band3);
CREATE INDEX articles_author_idx ON articles (author_id, indexed_at DESC);
CREATE INDEX articles_site_idx ON articles (site_id);
CREATE INDEX articles_canonical_idx ON articles (canonical_id);

-- Symmetric: a pair within the distance is stored in both directions.
CREATE TABLE near_duplicates (
  article_id   text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  duplicate_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  distance     smallint NOT NULL,
  PRIMARY KEY (article_id, duplicate_id)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'broadsheet_reader') THEN
    EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO broadsheet_reader';
  END IF;
END
$$;
