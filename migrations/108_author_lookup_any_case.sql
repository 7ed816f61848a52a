-- GetAuthor finds an author whatever the case of the name asked for, as the
-- author filters do ("sam oduya" finds "Sam Oduya"): a lookup by lower(name).
-- Authors are written once per new name, so the index costs the write path
-- next to nothing.
CREATE INDEX IF NOT EXISTS authors_lower_name_idx ON authors (lower(name));
