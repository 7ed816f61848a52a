-- Search shows only canonical articles: (canonical_id IS NULL OR
-- canonical_id = id), true for nearly every row. The planner has no
-- statistics for a comparison of two columns and guessed 0.5% of rows, so
-- it took a query matching 82% of the archive for one matching a few
-- hundred and ranked every match (200 ms at 100,000 articles) instead of
-- walking the date index to the newest 2,000 (the relevance window, ~10
-- ms). Statistics on the expression give the real fraction; the query
-- service writes the filter as `(...) IS TRUE`, a form whose estimate reads
-- them (services/query/article_reader.cc, FilterSql).
CREATE STATISTICS IF NOT EXISTS articles_canonical_stats
  ON ((canonical_id IS NULL OR canonical_id = id)) FROM articles;
ANALYZE articles;
