#include "indexer/article_store.h"

#include <google/protobuf/util/time_util.h>

#include <pqxx/pqxx>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace broadsheet {
namespace {

std::string TimeText(const v1::Article& a, const google::protobuf::Timestamp& ts, bool has) {
  return has ? google::protobuf::util::TimeUtil::ToString(ts) : std::string();
}

// Paragraphs are stored newline-joined; a stray newline inside one would
// split it on the way back, so fold it to a space.
std::string JoinBody(const v1::Article& a) {
  std::string body;
  for (int i = 0; i < a.paragraphs_size(); ++i) {
    if (i > 0) body.push_back('\n');
    for (char c : a.paragraphs(i)) body.push_back(c == '\n' || c == '\r' ? ' ' : c);
  }
  return body;
}

constexpr char kCreateStaging[] = R"sql(
CREATE TEMP TABLE IF NOT EXISTS staging_articles (
  id text, title text, standfirst text, body text, author_name text, author_bio text,
  image_caption text, image_credit text, site_name text, site_tagline text, url text,
  language text, word_count integer, fingerprint bigint, published_at text, fetched_at text
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS staging_sources (
  article_id text, page_id text, url text, site text, fetched_at text
) ON COMMIT DELETE ROWS;
)sql";

// The tsvector is computed only for articles not stored yet, so replays cost
// a primary-key probe per article rather than a re-index.
constexpr char kUpsertArticles[] = R"sql(
INSERT INTO articles (id, title, standfirst, body, author_name, author_bio, image_caption,
                      image_credit, site_name, site_tagline, url, language, word_count,
                      fingerprint, published_at, fetched_at, tsv)
SELECT DISTINCT ON (s.id) s.id, s.title, s.standfirst, s.body, s.author_name, s.author_bio,
       s.image_caption, s.image_credit, s.site_name, s.site_tagline, s.url, s.language,
       s.word_count, s.fingerprint, NULLIF(s.published_at, '')::timestamptz,
       NULLIF(s.fetched_at, '')::timestamptz,
       setweight(to_tsvector('english', s.title), 'A') ||
       setweight(to_tsvector('english', s.standfirst), 'B') ||
       setweight(to_tsvector('english', s.body), 'D')
FROM staging_articles s
WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.id)
ORDER BY s.id
ON CONFLICT (id) DO NOTHING
)sql";

constexpr char kUpsertSources[] = R"sql(
INSERT INTO source_pages (article_id, page_id, url, site, fetched_at)
SELECT DISTINCT ON (article_id, page_id) article_id, page_id, url, site,
       NULLIF(fetched_at, '')::timestamptz
FROM staging_sources
ORDER BY article_id, page_id
ON CONFLICT (article_id, page_id) DO NOTHING
)sql";

}  // namespace

PgArticleStore::PgArticleStore(std::string database_url) : database_url_(std::move(database_url)) {}
PgArticleStore::~PgArticleStore() = default;

absl::Status PgArticleStore::Connect() {
  try {
    conn_ = std::make_unique<pqxx::connection>(database_url_);
    pqxx::nontransaction setup(*conn_);
    setup.exec(kCreateStaging);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    conn_.reset();
    return absl::UnavailableError(absl::StrCat("database: ", e.what()));
  }
}

absl::Status PgArticleStore::WriteBatch(const std::vector<v1::Article>& articles,
                                        WriteStats* stats) {
  if (articles.empty()) return absl::OkStatus();
  if (!conn_ || !conn_->is_open()) {
    if (absl::Status s = Connect(); !s.ok()) return s;
  }
  try {
    pqxx::work txn(*conn_);
    {
      pqxx::stream_to copy(txn, "staging_articles");
      for (const v1::Article& a : articles) {
        copy << std::make_tuple(
            a.id(), a.title(), a.standfirst(), JoinBody(a), a.author().name(), a.author().bio(),
            a.image().caption(), a.image().credit(), a.site().name(), a.site().tagline(), a.url(),
            a.language().empty() ? std::string("und") : a.language(), a.word_count(),
            static_cast<int64_t>(a.fingerprint()),
            TimeText(a, a.published_at(), a.has_published_at()),
            TimeText(a, a.fetched_at(), a.has_fetched_at()));
      }
      copy.complete();
    }
    {
      pqxx::stream_to copy(txn, "staging_sources");
      for (const v1::Article& a : articles) {
        for (const v1::SourcePage& s : a.sources()) {
          copy << std::make_tuple(a.id(), s.page_id(), s.url(), s.site(),
                                  s.has_fetched_at()
                                      ? google::protobuf::util::TimeUtil::ToString(s.fetched_at())
                                      : std::string());
        }
      }
      copy.complete();
    }
    pqxx::result inserted = txn.exec(kUpsertArticles);
    pqxx::result linked = txn.exec(kUpsertSources);
    // Wakes watchers (query service WatchArticles) once this commits.
    txn.exec("NOTIFY broadsheet_articles");
    txn.commit();
    if (stats != nullptr) {
      stats->new_articles = static_cast<int>(inserted.affected_rows());
      stats->new_sources = static_cast<int>(linked.affected_rows());
    }
    return absl::OkStatus();
  } catch (const pqxx::broken_connection& e) {
    conn_.reset();
    return absl::UnavailableError(absl::StrCat("database connection lost: ", e.what()));
  } catch (const std::exception& e) {
    // Also reconnect: after a server restart libpq may report other errors first.
    conn_.reset();
    return absl::UnavailableError(absl::StrCat("database write failed: ", e.what()));
  }
}

}  // namespace broadsheet
