-- Articles with a weighted full-text vector, and the pages each came from.
CREATE TABLE articles (
  id            text PRIMARY KEY,
  title         text NOT NULL,
  standfirst    text NOT NULL DEFAULT '',
  -- Body paragraphs joined by newlines (a paragraph never holds one).
  body          text NOT NULL DEFAULT '',
  author_name   text NOT NULL DEFAULT '',
  author_bio    text NOT NULL DEFAULT '',
  image_caption text NOT NULL DEFAULT '',
  image_credit  text NOT NULL DEFAULT '',
  site_name     text NOT NULL DEFAULT '',
  site_tagline  text NOT NULL DEFAULT '',
  url           text NOT NULL DEFAULT '',
  language      text NOT NULL DEFAULT 'und',
  word_count    integer NOT NULL DEFAULT 0,
  fingerprint   bigint NOT NULL DEFAULT 0,
  published_at  timestamptz,
  fetched_at    timestamptz,
  indexed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- Title weighs A, standfirst B, body D, so ranking prefers title matches.
  tsv           tsvector NOT NULL
);

CREATE INDEX articles_tsv_idx ON articles USING gin (tsv);
CREATE INDEX articles_indexed_at_idx ON articles (indexed_at DESC, id);

CREATE TABLE source_pages (
  article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  page_id    text NOT NULL,
  url        text NOT NULL DEFAULT '',
  site       text NOT NULL DEFAULT '',
  fetched_at timestamptz,
  PRIMARY KEY (article_id, page_id)
);

-- The query service connects as a role that can only read.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'broadsheet_reader') THEN
    EXECUTE 'GRANT USAGE ON SCHEMA public TO broadsheet_reader';
    EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO broadsheet_reader';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO broadsheet_reader';
  END IF;
END
$$;
