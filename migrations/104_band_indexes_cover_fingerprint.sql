-- Near-duplicate candidates are found through the four 16-bit SimHash bands;
-- a band value is shared by about N / 65,536 articles, so at a million
-- articles each new article meets ~60 candidates, and reading each one's
-- fingerprint from the table was a random heap visit: 16,000 visits (36 ms)
-- per batch of 2,000 at 100,000 articles, ten times that at a million.
-- With the fingerprint and id in the index the probe is an index-only scan
-- (rows autovacuum has marked all-visible, i.e. all but the newest).
DROP INDEX IF EXISTS articles_fp_band0_idx;
DROP INDEX IF EXISTS articles_fp_band1_idx;
DROP INDEX IF EXISTS articles_fp_band2_idx;
DROP INDEX IF EXISTS articles_fp_band3_idx;
CREATE INDEX articles_fp_band0_idx ON articles (fp_band0) INCLUDE (fingerprint, id);
CREATE INDEX articles_fp_band1_idx ON articles (fp_band1) INCLUDE (fingerprint, id);
CREATE INDEX articles_fp_band2_idx ON articles (fp_band2) INCLUDE (fingerprint, id);
CREATE INDEX articles_fp_band3_idx ON articles (fp_band3) INCLUDE (fingerprint, id);
