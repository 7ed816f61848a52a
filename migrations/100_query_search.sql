-- Query service (services/query): indexes for its access paths, the
-- vocabulary behind spelling suggestions, and a cheap match-count estimate.
-- Owned by the query service; numbered 100+ so it never collides with the
-- indexer's migrations.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Newest-first order (SearchArticles order_by=newest, ListArticles): an
-- article's date is its publication time, else when it was fetched, else
-- when it was indexed. Keyset pages walk this index.
CREATE INDEX articles_newest_idx
  ON articles ((coalesce(published_at, fetched_at, indexed_at)) DESC, id DESC);

-- author:"..." and filter.authors compare case-insensitively.
CREATE INDEX articles_author_lower_idx ON articles (lower(author_name));
-- ListAuthors / GetAuthor group by the exact name, latest article first.
CREATE INDEX articles_author_name_idx ON articles (author_name, indexed_at DESC, id DESC);

-- Spelling suggestions: the words of every title and standfirst ('simple'
-- configuration: lower-cased, not stemmed, so a suggestion is a real word),
-- with the number of articles holding each, searched by trigram similarity.
-- Maintained incrementally by query_refresh_vocabulary() below.
CREATE TABLE query_vocabulary (
  word text PRIMARY KEY,
  ndoc integer NOT NULL
);
CREATE INDEX query_vocabulary_trgm_idx ON query_vocabulary USING gin (word gin_trgm_ops);

-- How far query_refresh_vocabulary() got, as an (indexed_at, id) keyset.
CREATE TABLE query_vocabulary_state (
  singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_indexed_at timestamptz NOT NULL DEFAULT '-infinity',
  last_id         text NOT NULL DEFAULT ''
);
INSERT INTO query_vocabulary_state DEFAULT VALUES;

-- Adds the words of up to `batch` articles indexed after the watermark;
-- returns how many articles it read (0 = up to date, or another session is
-- refreshing right now). SECURITY DEFINER so the read-only query role may
-- run this one maintenance step, and nothing else, in a READ WRITE
-- transaction; it touches only the two vocabulary tables.
CREATE FUNCTION query_refresh_vocabulary(batch integer DEFAULT 5000) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  from_at timestamptz;
  from_id text;
  to_at   timestamptz;
  to_id   text;
  n       integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('broadsheet.query_vocabulary')) THEN
    RETURN 0;
  END IF;
  SELECT last_indexed_at, last_id INTO from_at, from_id FROM query_vocabulary_state;
  SELECT count(*), (array_agg(b.indexed_at ORDER BY b.indexed_at DESC, b.id DESC))[1],
         (array_agg(b.id ORDER BY b.indexed_at DESC, b.id DESC))[1]
    INTO n, to_at, to_id
    FROM (SELECT a.id, a.indexed_at FROM articles a
           WHERE a.indexed_at > from_at OR (a.indexed_at = from_at AND a.id > from_id)
           ORDER BY a.indexed_at, a.id LIMIT greatest(batch, 1)) b;
  IF n = 0 THEN
    RETURN 0;
  END IF;
  INSERT INTO query_vocabulary AS v (word, ndoc)
  SELECT w, count(*)
    FROM articles a,
         unnest(tsvector_to_array(to_tsvector('simple', a.title || ' ' || a.standfirst))) AS w
   WHERE (a.indexed_at > from_at OR (a.indexed_at = from_at AND a.id > from_id))
     AND (a.indexed_at < to_at OR (a.indexed_at = to_at AND a.id <= to_id))
     AND w ~ '^[[:alpha:]]{3,32}$'
   GROUP BY w
  ON CONFLICT (word) DO UPDATE SET ndoc = v.ndoc + excluded.ndoc;
  UPDATE query_vocabulary_state SET last_indexed_at = to_at, last_id = to_id;
  RETURN n;
END
$$;
REVOKE ALL ON FUNCTION query_refresh_vocabulary(integer) FROM PUBLIC;

-- The planner's estimate of how many articles match `q` (0.2 ms, no scan):
-- SearchArticles reports it as total_size when its capped exact count
-- overflows. An empty query matches every article.
CREATE FUNCTION query_estimate_matches(q tsquery) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
  plan json;
BEGIN
  IF numnode(q) = 0 THEN
    RETURN (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'articles'::regclass);
  END IF;
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM articles WHERE tsv @@ $1' INTO plan USING q;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'broadsheet_reader') THEN
    EXECUTE 'GRANT SELECT ON query_vocabulary, query_vocabulary_state TO broadsheet_reader';
    EXECUTE 'GRANT EXECUTE ON FUNCTION query_refresh_vocabulary(integer) TO broadsheet_reader';
  END IF;
END
$$;
