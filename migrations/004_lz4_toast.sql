-- Article bodies (~5 KB) are compressed when stored: lz4 compresses several
-- times faster than the default pglz, which shows on the write path.
-- Existing rows keep pglz until rewritten; servers built without lz4 keep
-- pglz. (Tsvectors stay in the row, uncompressed: 103.)
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings
             WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE articles ALTER COLUMN body SET COMPRESSION lz4;
  END IF;
END
$$;
