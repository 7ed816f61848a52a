-- ListAuthors and GetAuthor read each author's count and latest article from
-- `authors`, which the indexer maintains (services/query/article_reader.cc,
-- AuthorsSql), instead of counting an author's articles through this index:
-- one btree fewer to update for every stored article. Author filters use
-- articles_author_lower_idx.
DROP INDEX IF EXISTS articles_author_name_idx;
