// EnglishTsVector computes, outside the database, exactly what PostgreSQL's
// to_tsvector('english', text) returns, in tsvector text form, so the indexer
// can take that work off PostgreSQL (it dominates the write path) and spread
// it over indexer processes.
//
// Exactness comes first: it handles the common shape of news prose (ASCII
// words, plain numbers, letter-only hyphenated compounds, everyday
// punctuation and typographic quotes and dashes) and returns nullopt for
// anything PostgreSQL's parser treats specially (URLs, hosts, e-mail
// addresses, versions, decimals, non-ASCII letters, ...). The caller then lets
// PostgreSQL compute that text. english_tsvector_test.cc and the integration
// test compare both on a large vocabulary; the indexer also self-checks
// against the live server at start-up.
//
// Rules mirrored from PostgreSQL 15: every token, stopwords included, takes
// the next position; a hyphenated word yields the whole compound and then
// each part; positions stop at 16383; a lexeme keeps at most 255 positions;
// lexemes are sorted bytewise. Words are lowercased, checked against the
// english stopword list, then stemmed with Snowball's English stemmer
// (libstemmer, the same algorithm PostgreSQL bundles).
//
// Not thread-safe (owns a stemmer and a cache): one per thread.
#ifndef BROADSHEET_TSEARCH_ENGLISH_TSVECTOR_H_
#define BROADSHEET_TSEARCH_ENGLISH_TSVECTOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tsearch/tsvector.h"

struct sb_stemmer;

namespace broadsheet {

class EnglishTsVector {
 public:
  // The indexer's default cache size: ~100 MB at its fullest.
  static constexpr size_t kDefaultMaxCacheEntries = 1 << 20;

  // `stopwords` is the text of PostgreSQL's english.stop (one word a line).
  // The word and lexeme caches are emptied when they reach
  // `max_cache_entries` together.
  explicit EnglishTsVector(std::string_view stopwords,
                           size_t max_cache_entries = kDefaultMaxCacheEntries);
  // The stopword list compiled in from the build machine's PostgreSQL, or
  // null when none was found at build time (then nothing can be lexed here).
  static std::unique_ptr<EnglishTsVector> CreateBuiltin(
      size_t max_cache_entries = kDefaultMaxCacheEntries);
  ~EnglishTsVector();

  EnglishTsVector(const EnglishTsVector&) = delete;
  EnglishTsVector& operator=(const EnglishTsVector&) = delete;

  // The tsvector text of `text`, or nullopt when PostgreSQL must compute it.
  std::optional<std::string> Compute(std::string_view text);
  // The same, as a vector (weight D), for setweight/|| and the binary form.
  std::optional<TsVector> Lex(std::string_view text);

  // The lexeme of one word of letters: lowercased (ASCII letters; others
  // must come lower-cased) and stemmed, or "" for a stopword. For
  // highlighting, where only whether a word matches a query lexeme matters.
  std::string WordLexeme(std::string_view word);

 private:
  // One distinct lexeme, interned; `doc`/`slot` say where it sits in the
  // text being lexed (Compute() numbers its calls), so occurrences are
  // grouped without a per-text map.
  struct Entry {
    std::string text;
    uint64_t prefix = 0;  // first 8 bytes, big-endian: orders most pairs
    uint64_t doc = 0;
    uint32_t slot = 0;
  };
  // A lexeme's occurrences in the current text.
  struct Slot {
    const Entry* entry;
    uint32_t count;
    uint16_t last_position;
  };

  // The interned lexeme of one lowercased word, null for a stopword.
  Entry* Lexeme(const std::string& lowered);
  // `text` interned; tokens of the simple dictionary (numbers) are their own
  // lexemes.
  Entry* Intern(std::string_view text);
  // `token` ASCII-lowercased into lower_ (valid until the next call).
  const std::string& Lowered(std::string_view token);
  // Empties the caches once they hold max_cache_entries_.
  void TrimCaches();

  sb_stemmer* stemmer_;
  size_t max_cache_entries_;
  std::unordered_set<std::string> stopwords_;
  std::deque<Entry> entries_;                                // stable addresses
  absl::flat_hash_map<std::string_view, Entry*> interned_;   // text -> entry
  absl::flat_hash_map<std::string, Entry*> cache_;           // word -> lexeme
  uint64_t doc_ = 0;
  std::vector<Slot> slots_;                                  // per Compute()
  std::vector<std::pair<uint32_t, uint16_t>> occurrences_;   // (slot, position)
  std::string lower_;  // scratch buffer
};

// An article's vector as the indexer stores it:
//   setweight(to_tsvector('english', title), 'A') ||
//   setweight(to_tsvector('english', standfirst), 'B') ||
//   setweight(to_tsvector('english', body), 'D')
// or nullopt when any part must be left to PostgreSQL.
std::optional<TsVector> LexWeightedArticle(EnglishTsVector& lexer, std::string_view title,
                                           std::string_view standfirst, std::string_view body);

}  // namespace broadsheet

#endif  // BROADSHEET_TSEARCH_ENGLISH_TSVECTOR_H_
