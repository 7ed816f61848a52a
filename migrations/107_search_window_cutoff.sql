-- Two things a broad search needs to rank only its newest matches cheaply
-- (services/query/article_reader.cc, the relevance window).
--
-- 1. Match-count estimates for ordinary words. The planner knows the
-- frequency of the 1,000 most common lexemes (10 x the statistics target)
-- and guesses far too low for the rest: 497 for a query matching 3,698 of
-- 100,000 articles. 3,000 lexemes bring the estimates of the benchmark's
-- queries within ~5% (3,679 there). Not more: every plan of a text search
-- decompresses the whole list (at 10,000 lexemes that was 5% of the
-- database's time under the search benchmark, and 4% fewer searches/s).
ALTER TABLE articles ALTER COLUMN tsv SET STATISTICS 300;

-- 2. The distribution of article dates: the date histogram that ANALYZE
-- keeps for articles_newest_idx, as epoch seconds (100 equal shares of the
-- articles, oldest first; NULL before the first ANALYZE). The query service
-- reads it about once a minute and takes from it where the newest matches
-- of a broad query should begin if they are spread evenly in time; it
-- bounds the query's dates with that, so PostgreSQL intersects that range
-- of the date index with the text index instead of visiting every match.
-- (The most common dates, which ANALYZE keeps apart, are left out: dates
-- are nearly all distinct, and a bound is only an estimate anyway: when its
-- range holds too few matches the search walks the date index instead.)
-- SECURITY DEFINER: an index's statistics are visible to its owner only;
-- this exposes nothing but the dates' quantiles, to the reading role only.
CREATE FUNCTION query_date_histogram() RETURNS float8[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT array_agg(extract(epoch FROM u.t)::float8 ORDER BY u.i)
    FROM (SELECT histogram_bounds::text::timestamptz[] AS b FROM pg_stats
           WHERE schemaname = current_schema() AND tablename = 'articles_newest_idx'
           LIMIT 1) s,
         unnest(s.b) WITH ORDINALITY AS u(t, i)
$$;

REVOKE ALL ON FUNCTION query_date_histogram() FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'broadsheet_reader') THEN
    EXECUTE 'GRANT EXECUTE ON FUNCTION query_date_histogram() TO broadsheet_reader';
  END IF;
END
$$;

ANALYZE articles;
