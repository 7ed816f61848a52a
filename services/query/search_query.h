// ParseSearchQuery: splits the text of a SearchArticles query into the part
// PostgreSQL's websearch_to_tsquery reads (words, "phrases", OR, -word) and
// the operators Broadsheet adds on top of web-search syntax:
//   author:"Full Name"   author:Name   site:courier.example   site:"County Courier"
// and their negations (-author:Name, -site:courier.example), which exclude.
// Operator names are case-insensitive; a value in quotes may hold spaces.
// An operator with an empty value is kept as text.
// Pure function; thread-safe.
#ifndef BROADSHEET_SERVICES_QUERY_SEARCH_QUERY_H_
#define BROADSHEET_SERVICES_QUERY_SEARCH_QUERY_H_

#include <string>
#include <string_view>
#include <vector>

namespace broadsheet {

class EnglishTsVector;

struct ParsedQuery {
  // The query without its operators, spaces normalised; "" when only
  // operators (or nothing) were given.
  std::string text;
  std::vector<std::string> authors;  // author: values, in order
  std::vector<std::string> sites;    // site: values, in order
  std::vector<std::string> excluded_authors;  // -author: values, in order
  std::vector<std::string> excluded_sites;    // -site: values, in order
  // Lower-cased words the query requires or offers (not excluded, not "OR"),
  // for spelling suggestions.
  std::vector<std::string> words;
  // Lower-cased words of excluded terms (-word, -"phrase").
  std::vector<std::string> excluded;
};

ParsedQuery ParseSearchQuery(std::string_view query);

// The words of `words` (ParsedQuery::words) that are English stopwords,
// which the text index leaves out, each once and in order. `lexer` is not
// thread-safe: one per thread.
std::vector<std::string> IgnoredWords(const std::vector<std::string>& words,
                                      EnglishTsVector& lexer);

// Whether the query has a word, required, offered or excluded, that is not a
// stopword: without one its text can match nothing.
bool HasSearchableWord(const ParsedQuery& query, EnglishTsVector& lexer);

// The calling thread's lexer (EnglishTsVector is not thread-safe), shared
// by query parsing and snippets; null when built without PostgreSQL's
// stopword list. A small cache: there is one per gRPC thread.
EnglishTsVector* ThreadLexer();

// UTF-8 text lower-cased code point by code point, as PostgreSQL's lower()
// does in a UTF-8 database (towlower in C.UTF-8): "ÉMILE" -> "émile".
// Invalid UTF-8 (or no C.UTF-8 locale) gets ASCII letters lowered only.
// Thread-safe.
std::string Utf8Lower(std::string_view s);

// Whether a PostgreSQL LC_CTYPE ("C.UTF-8", "en_US.utf8") is a UTF-8 one,
// in which lower() and the text search parser lower-case letters beyond
// ASCII as Utf8Lower does; in "C" or "POSIX" they lower ASCII only.
bool IsUtf8CharacterType(std::string_view lc_ctype);

// The query's word rule, shared by parsing, suggestions and snippets: the
// byte length of the letter or digit at s[i] (any script), 0 when it is
// none (spaces, punctuation, symbols such as curly quotes or dashes
// separate words, as in PostgreSQL's parser). Invalid UTF-8 counts as a
// letter byte. Thread-safe.
size_t WordCharBytes(std::string_view s, size_t i);

// The byte length of the character at s[i] (1 for invalid UTF-8).
size_t CharBytes(std::string_view s, size_t i);

// Whether every character of `word` is a letter (any script), so that
// PostgreSQL's parser calls it a word, which the english configuration
// stems, rather than a number or a mix of letters and digits, which it only
// lower-cases. Invalid UTF-8 is not a letter. Thread-safe.
bool AllLetters(std::string_view word);

// The end of the word that starts at s[start] (a word character). With
// `compounds`, a hyphen between word characters joins them ("how-to"), as
// PostgreSQL indexes a hyphenated compound whole beside its parts.
size_t WordEnd(std::string_view s, size_t start, bool compounds);

// Replaces whole-word, case-insensitive occurrences of each `from[i]` in
// `text` by `to[i]`; used to build the suggested query.
std::string ReplaceWords(std::string_view text, const std::vector<std::string>& from,
                         const std::vector<std::string>& to);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_SEARCH_QUERY_H_
