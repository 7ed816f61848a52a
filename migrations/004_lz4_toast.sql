-- Articles' large values (body and tsvector, ~5 KB each) are compressed when
-- stored. lz4 compresses several times faster than the default pglz, which
-- shows on the write path, and decompresses faster, which shows when search
-- ranks matches (ts_rank_cd reads each candidate's tsvector). Existing rows
-- keep pglz until rewritten. Servers built without lz4 keep pglz.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings
             WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE articles ALTER COLUMN body SET COMPRESSION lz4,
                         ALTER COLUMN tsv SET COMPRESSION lz4;
  END IF;
END
$$;
