-- Reader comments, kept apart from the articles, stored by page: every
-- article of a page lists them (QueryService.ListComments, through
-- source_pages). A page is its url, or its page_id when it has none, so a
-- comment shown again in a later crawl of the same url is the same row.
CREATE TABLE page_comments (
  -- The page's url, or its page_id when the page had no url.
  page_key  text NOT NULL,
  -- CommentId() of page_key, author and text (src/core/article_id.h): the
  -- same comment in every crawl of the page.
  id        text NOT NULL,
  -- Order first seen: a page's comments are inserted in page order.
  seq       bigint GENERATED ALWAYS AS IDENTITY,
  -- The crawl it was first read from.
  page_id   text NOT NULL,
  author    text NOT NULL DEFAULT '',
  body      text NOT NULL,
  posted_at timestamptz,
  PRIMARY KEY (page_key, id)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'broadsheet_reader') THEN
    EXECUTE 'GRANT SELECT ON page_comments TO broadsheet_reader';
  END IF;
END
$$;
