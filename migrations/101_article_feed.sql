-- The order in which articles became visible, for WatchArticles and the
-- spelling vocabulary: the indexer appends its new articles here at the end
-- of its transaction, under the lock that orders commits across indexers,
-- so seq order is commit order. articles.indexed_at is now only the insert
-- time; articles rows are never updated after insert, because an UPDATE
-- writes a new row version into every index, the full-text GIN index
-- included (stamping indexed_at that way doubled the GIN work per article).
CREATE TABLE article_feed (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  article_id text NOT NULL
);
INSERT INTO article_feed (article_id) SELECT id FROM articles ORDER BY indexed_at, id;

-- The vocabulary refresh follows the feed instead of (indexed_at, id).
ALTER TABLE query_vocabulary_state ADD COLUMN last_seq bigint NOT NULL DEFAULT 0;
UPDATE query_vocabulary_state s SET last_seq = coalesce(
  (SELECT max(f.seq) FROM article_feed f JOIN articles a ON a.id = f.article_id
    WHERE (a.indexed_at, a.id) <= (s.last_indexed_at, s.last_id)), 0);

CREATE OR REPLACE FUNCTION query_refresh_vocabulary(batch integer DEFAULT 5000) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  from_seq bigint;
  to_seq   bigint;
  n        integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('broadsheet.query_vocabulary')) THEN
    RETURN 0;
  END IF;
  SELECT last_seq INTO from_seq FROM query_vocabulary_state;
  SELECT count(*), max(b.seq) INTO n, to_seq
    FROM (SELECT f.seq FROM article_feed f WHERE f.seq > from_seq
           ORDER BY f.seq LIMIT greatest(batch, 1)) b;
  IF n = 0 THEN
    RETURN 0;
  END IF;
  INSERT INTO query_vocabulary AS v (word, ndoc)
  SELECT w, count(*)
    FROM article_feed f JOIN articles a ON a.id = f.article_id,
         unnest(tsvector_to_array(to_tsvector('simple', a.title || ' ' || a.standfirst))) AS w
   WHERE f.seq > from_seq AND f.seq <= to_seq
     AND w ~ '^[[:alpha:]]{3,32}$'
   GROUP BY w
  ON CONFLICT (word) DO UPDATE SET ndoc = v.ndoc + excluded.ndoc;
  UPDATE query_vocabulary_state SET last_seq = to_seq;
  RETURN n;
END
$$;
