-- Search reads the tsvector of every match it ranks. Out of line (TOAST)
-- each read is an index lookup and three chunk fetches, which cost more than
-- ts_rank_cd itself; compressed, each read also decompresses (tsvectors
-- hardly compress: lz4 saves ~5%). So tsvectors stay in the row,
-- uncompressed, and the row may grow to a page before anything else is
-- moved out: bodies go out of line first (EXTENDED before MAIN).
-- Measured on 100,000 articles of ~3.6 KB: ranking 10,000 matches 104 -> 36
-- ms; SearchArticles at 16 clients 96 -> 126 queries/s (README, query path).
-- Only tsvectors over ~8 KB (very long articles) still go out of line.
ALTER TABLE articles SET (toast_tuple_target = 8160);
ALTER TABLE articles ALTER COLUMN tsv SET STORAGE MAIN,
                     ALTER COLUMN tsv SET COMPRESSION pglz;
