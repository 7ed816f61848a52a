// ArticleStore: where the indexer writes articles. WriteBatch() is one
// transaction: after it returns OK every article, source page and reader
// comment of the batch is durable; after an error nothing of it is. Writes
// are idempotent: an article already stored (same id, hence same content)
// is left as it is, only new source pages are linked and only comments not
// stored for the page's url before are added.
//
// PgArticleStore is not thread-safe: one per indexer thread. Inside
// WriteBatch it lexes on `lexer_threads` threads of its own, joined before
// it returns.
#ifndef BROADSHEET_SERVICES_INDEXER_ARTICLE_STORE_H_
#define BROADSHEET_SERVICES_INDEXER_ARTICLE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "absl/status/status.h"
#include "broadsheet/v1/article.pb.h"
#include "tsearch/english_tsvector.h"


namespace broadsheet {

// Where a batch's time went, in milliseconds. Lexing runs on its own threads
// while the COPY streams finished rows: `lex` is its time summed over those
// threads, `copy` the wall time until the COPY ended.
struct PhaseMillis {
  // `sources`: linking source pages and storing their comments.
  double lex = 0, copy = 0, insert = 0, sources = 0, counts = 0, near_duplicates = 0, commit = 0;
};

struct WriteStats {
  int new_articles = 0;
  int new_sources = 0;
  int new_comments = 0;          // reader comments not stored before (page_comments)
  int near_duplicate_links = 0;  // pairs newly linked as near-duplicates
  PhaseMillis phases;
};

class ArticleStore {
 public:
  virtual ~ArticleStore() = default;
  virtual absl::Status WriteBatch(const std::vector<v1::Article>& articles, WriteStats* stats) = 0;
};

class PgArticleStore final : public ArticleStore {
 public:
  // Articles whose fingerprints differ in at most `max_near_duplicate_distance`
  // bits (0..3: the band index finds every pair up to 3) are linked.
  // With `compute_lexemes`, tsvectors are computed in this process where the
  // lexer can match to_tsvector exactly (see tsearch/english_tsvector.h).
  PgArticleStore(std::string database_url, int max_near_duplicate_distance = 3,
                 bool compute_lexemes = true, int lexer_threads = 2);
  ~PgArticleStore() override;

  // UNAVAILABLE when the database cannot be reached (retry later);
  // INTERNAL for anything else.
  absl::Status WriteBatch(const std::vector<v1::Article>& articles, WriteStats* stats) override;

 private:
  absl::Status Connect();
  // Whether this server reads the lexer's vectors as it would compute them.
  bool LexerAgreesWithServer(pqxx::connection& conn);
  // The batch's transaction; throws what libpqxx throws.
  void WriteTransaction(const std::vector<v1::Article>& articles, WriteStats* stats);

  std::string database_url_;
  int max_distance_;
  std::vector<std::unique_ptr<EnglishTsVector>> lexers_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INDEXER_ARTICLE_STORE_H_
