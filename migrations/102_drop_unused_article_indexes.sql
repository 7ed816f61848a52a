-- Every index on articles costs each insert; these three serve no query:
-- commit order and the watch cursor live in article_feed (101), reads go by
-- author or site name (100), and authors' and sites' latest article and
-- counts are kept by the indexer. (articles_author_idx and
-- articles_site_idx would only speed up deleting an author or a site,
-- which nothing does.)
DROP INDEX IF EXISTS articles_indexed_at_idx;
DROP INDEX IF EXISTS articles_author_idx;
DROP INDEX IF EXISTS articles_site_idx;
