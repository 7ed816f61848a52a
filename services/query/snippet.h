// Search-hit snippets built in the query service instead of PostgreSQL's
// ts_headline(), which re-parsed and stemmed every hit's whole text and took
// a fifth of the database's time per search (README, query performance).
//
// BuildSnippet() picks up to two passages of at most 30 words around the
// densest matches of the query's terms, marks each matching word with
// kHighlightStart/kHighlightStop, and joins the passages with " … ". A word
// matches when PostgreSQL's english configuration would give it one of the
// lexemes (so "Flooding" matches a search for "floods"). Without a match it
// is the text's opening words. Newlines read as spaces.
//
// Pure (no I/O). Not thread-safe: the lexer is per thread.
#ifndef BROADSHEET_SERVICES_QUERY_SNIPPET_H_
#define BROADSHEET_SERVICES_QUERY_SNIPPET_H_

#include <string>
#include <string_view>
#include <vector>

#include "tsearch/english_tsvector.h"

namespace broadsheet {

// What to highlight for a tsquery's text (`websearch_to_tsquery(...)::text`,
// e.g. "'flood' & !'farm' | 'river' <-> 'bank'"): lone lexemes wherever
// they occur, the lexemes of a phrase ('river' <-> 'bank', or 'river' <2>
// 'bank' over a stopword) only where the whole phrase does. Negated terms
// are left out.
struct QueryTerms {
  std::vector<std::string> words;
  // Each phrase: its lexemes with their word offset from the first one.
  std::vector<std::vector<std::pair<std::string, int>>> phrases;
};
QueryTerms PositiveQueryTerms(std::string_view tsquery_text);

std::string BuildSnippet(std::string_view text, const QueryTerms& terms, EnglishTsVector& lexer);
// The same with lone lexemes only.
std::string BuildSnippet(std::string_view text, const std::vector<std::string>& lexemes,
                         EnglishTsVector& lexer);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_SNIPPET_H_
