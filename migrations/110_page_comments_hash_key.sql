-- page_comments is keyed by a hash of the page instead of its url: a url
-- may be longer than a btree entry can hold (about 2.7 KB), and such a page
-- would have failed its batch on every retry; a bigint also keeps the index
-- small and quick to insert into. Lookups match page_hash, then page_key.
-- The id now also counts same-worded comments on a page (CommentId's
-- occurrence), so two "Agreed." by one reader are two rows; a first
-- occurrence keeps the id it had.
ALTER TABLE page_comments
  ADD COLUMN page_hash bigint GENERATED ALWAYS AS (hashtextextended(page_key, 0)) STORED;
ALTER TABLE page_comments DROP CONSTRAINT page_comments_pkey;
ALTER TABLE page_comments ADD PRIMARY KEY (page_hash, id);
