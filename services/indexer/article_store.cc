#include "indexer/article_store.h"

#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "core/article_id.h"
#include "indexer/binary_copy.h"

namespace broadsheet {
namespace {

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
  language text, word_count integer, fingerprint bigint, published_at timestamptz,
  fetched_at timestamptz, tsv tsvector
) ON COMMIT DELETE ROWS;
-- Staged values live for one statement: compressing them (bodies, vectors)
-- cost more than it saved.
ALTER TABLE staging_articles ALTER body SET STORAGE EXTERNAL, ALTER tsv SET STORAGE EXTERNAL;
CREATE TEMP TABLE IF NOT EXISTS staging_sources (
  article_id text, page_id text, url text, site text, fetched_at text
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS staging_comments (
  page_key text, id text, page_id text, author text, body text, posted_at timestamptz, ord integer
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS new_articles (
  id text, author_id bigint, site_id bigint, indexed_at timestamptz, fingerprint bigint,
  author_bio text
) ON COMMIT DELETE ROWS;
)sql";

constexpr char kExistingArticles[] = "SELECT id FROM articles WHERE id = ANY($1::text[])";

// Authors and sites of the new articles, inserted in name order so that two
// indexers inserting the same names cannot deadlock; DO NOTHING takes no lock
// on existing rows. Their ids are read by a second statement, whose snapshot
// also sees names another indexer committed meanwhile.
constexpr char kInsertAuthors[] = R"sql(
INSERT INTO authors (name, bio)
SELECT DISTINCT ON (name) name, bio FROM unnest($1::text[], $2::text[]) AS t (name, bio)
WHERE name <> '' ORDER BY name, bio DESC
ON CONFLICT (name) DO NOTHING
)sql";
constexpr char kAuthorIds[] = "SELECT name, id FROM authors WHERE name = ANY($1::text[])";

constexpr char kInsertSites[] = R"sql(
INSERT INTO sites (name, tagline)
SELECT DISTINCT ON (name) name, tagline FROM unnest($1::text[], $2::text[]) AS t (name, tagline)
WHERE name <> '' ORDER BY name, tagline DESC
ON CONFLICT (name) DO NOTHING
)sql";
constexpr char kSiteIds[] = "SELECT name, id FROM sites WHERE name = ANY($1::text[])";

// New articles whose tsvector the indexer computed go straight into articles
// with binary COPY: no staging copy, no INSERT ... SELECT (README, indexer
// performance). indexed_at and the fingerprint bands are filled by the
// server. Rows arrive in id order, so indexers racing on the same ids wait
// for each other instead of deadlocking; the loser's COPY fails with a
// unique violation and the batch is written again (WriteBatch).
constexpr char kCopyArticles[] =
    "COPY articles (id, title, standfirst, body, author_name, author_bio, image_caption, "
    "image_credit, site_name, site_tagline, url, language, word_count, fingerprint, "
    "published_at, fetched_at, author_id, site_id, canonical_id, tsv_source, tsv) "
    "FROM STDIN (FORMAT binary)";

// What the later statements need of the articles just copied in.
constexpr char kRememberCopied[] = R"sql(
INSERT INTO new_articles
SELECT id, author_id, site_id, indexed_at, fingerprint, author_bio FROM articles
WHERE id = ANY($1::text[])
)sql";

// New articles the lexer could not vector (lexer off, or text it leaves to
// PostgreSQL) are staged and get their tsvector from to_tsvector here. Only
// rows really inserted are remembered in new_articles.
constexpr char kInsertStagedArticles[] = R"sql(
WITH inserted AS (
  INSERT INTO articles (id, title, standfirst, body, author_name, author_bio, image_caption,
                        image_credit, site_name, site_tagline, url, language, word_count,
                        fingerprint, published_at, fetched_at, author_id, site_id, canonical_id,
                        tsv_source, tsv)
  SELECT s.id, s.title, s.standfirst, s.body, s.author_name, s.author_bio,
         s.image_caption, s.image_credit, s.site_name, s.site_tagline, s.url, s.language,
         s.word_count, s.fingerprint, s.published_at, s.fetched_at, au.id, si.id, s.id, 'postgres',
         setweight(to_tsvector('english', s.title), 'A') ||
         setweight(to_tsvector('english', s.standfirst), 'B') ||
         setweight(to_tsvector('english', s.body), 'D')
  FROM staging_articles s
  LEFT JOIN authors au ON au.name = s.author_name AND s.author_name <> ''
  LEFT JOIN sites si ON si.name = s.site_name AND s.site_name <> ''
  ORDER BY s.id
  ON CONFLICT (id) DO NOTHING
  RETURNING id, author_id, site_id, indexed_at, fingerprint, author_bio)
INSERT INTO new_articles SELECT * FROM inserted
)sql";

// What follows reads rows other indexers may be writing: the advisory lock
// serialises this tail of the transaction across indexers, so a near-duplicate
// committed by another indexer is visible here (READ COMMITTED sees what
// committed before each statement) and counters are updated in one order.
constexpr char kLinkLock[] = "SELECT pg_advisory_xact_lock(7021985530061504116)";

// Under the lock, so the feed's order is the commit order across indexers:
// a watcher resuming after a seq can never miss a row that committed later
// with a smaller one (migrations/101_article_feed.sql).
constexpr char kAppendFeed[] = R"sql(
INSERT INTO article_feed (article_id) SELECT id FROM new_articles ORDER BY indexed_at, id
)sql";

constexpr char kCountAuthors[] = R"sql(
UPDATE authors au
SET article_count = au.article_count + n.added,
    latest_article_id = CASE WHEN au.latest_indexed_at IS NULL OR n.latest_at >= au.latest_indexed_at
                             THEN n.latest_id ELSE au.latest_article_id END,
    latest_indexed_at = GREATEST(au.latest_indexed_at, n.latest_at),
    bio = CASE WHEN au.bio = '' THEN n.bio ELSE au.bio END
FROM (SELECT DISTINCT ON (na.author_id) na.author_id,
             count(*) OVER (PARTITION BY na.author_id) AS added,
             na.id AS latest_id, na.indexed_at AS latest_at, na.author_bio AS bio
      FROM new_articles na
      WHERE na.author_id IS NOT NULL
      ORDER BY na.author_id, na.indexed_at DESC, na.id) n
WHERE au.id = n.author_id
)sql";

constexpr char kCountSites[] = R"sql(
UPDATE sites si SET article_count = si.article_count + n.added
FROM (SELECT site_id, count(*) AS added FROM new_articles
      WHERE site_id IS NOT NULL GROUP BY site_id) n
WHERE si.id = n.site_id
)sql";

// Near-duplicates of the new articles: candidates share one of the four
// 16-bit bands (each probe an index lookup, whatever the archive's size),
// then the exact Hamming distance decides. Stored in both directions.
constexpr char kLinkNearDuplicates[] = R"sql(
WITH pairs AS (
  SELECT DISTINCT na.id AS article_id, c.id AS duplicate_id,
         bit_count((na.fingerprint # c.fingerprint)::bit(64))::smallint AS distance
  FROM new_articles na
  CROSS JOIN LATERAL (
    SELECT id, fingerprint FROM articles WHERE fp_band0 = (na.fingerprint >> 48) & 65535
    UNION ALL
    SELECT id, fingerprint FROM articles WHERE fp_band1 = (na.fingerprint >> 32) & 65535
    UNION ALL
    SELECT id, fingerprint FROM articles WHERE fp_band2 = (na.fingerprint >> 16) & 65535
    UNION ALL
    SELECT id, fingerprint FROM articles WHERE fp_band3 = na.fingerprint & 65535) c
  WHERE na.fingerprint <> 0 AND c.id <> na.id
    AND bit_count((na.fingerprint # c.fingerprint)::bit(64)) <= $1)
INSERT INTO near_duplicates (article_id, duplicate_id, distance)
SELECT article_id, duplicate_id, distance FROM pairs
UNION
SELECT duplicate_id, article_id, distance FROM pairs
ON CONFLICT DO NOTHING
RETURNING article_id, duplicate_id
)sql";

// canonical_id = the smallest id among an article and its near-duplicates.
// Only articles just linked can change (new ones start as their own
// canonical); looked up by primary key. Rows whose canonical article stays
// the same are not rewritten: most links join an existing group with a
// larger id, and rewriting a row means a new version of it in every index,
// the GIN's hundreds of entries included (a large group of copies made
// every batch rewrite its whole group).
constexpr char kUpdateCanonical[] = R"sql(
UPDATE articles a SET canonical_id = n.canonical
FROM (SELECT x.id, LEAST(x.id, (SELECT min(d.duplicate_id) FROM near_duplicates d
                                WHERE d.article_id = x.id)) AS canonical
      FROM unnest($1::text[]) AS x(id)) n
WHERE a.id = n.id AND a.canonical_id IS DISTINCT FROM n.canonical
)sql";

constexpr char kInsertSources[] = R"sql(
INSERT INTO source_pages (article_id, page_id, url, site, fetched_at)
SELECT DISTINCT ON (article_id, page_id) article_id, page_id, url, site,
       NULLIF(fetched_at, '')::timestamptz
FROM staging_sources
ORDER BY article_id, page_id
ON CONFLICT (article_id, page_id) DO NOTHING
)sql";

// Comments of pages with comments stored already (an earlier crawl of the
// url): only the new ones are added, in page order, which their seq keeps.
// Comments of the other pages go straight in with binary COPY (README,
// indexer performance: staging and ON CONFLICT cost several times more).
// One index probe per page: a join let the planner hash the whole table
// for a batch's thousands of keys (120 ms at 400,000 comments, growing).
constexpr char kPagesWithComments[] = R"sql(
SELECT k.page_key FROM unnest($1::text[]) AS k(page_key)
CROSS JOIN LATERAL (SELECT 1 FROM page_comments c
                    WHERE c.page_hash = hashtextextended(k.page_key, 0) AND c.page_key = k.page_key
                    LIMIT 1) stored
)sql";
constexpr char kCopyComments[] =
    "COPY page_comments (page_key, id, page_id, author, body, posted_at) FROM STDIN (FORMAT "
    "binary)";
constexpr char kCopyStagingComments[] = "COPY staging_comments FROM STDIN (FORMAT binary)";
constexpr char kInsertStagedComments[] = R"sql(
INSERT INTO page_comments (page_key, id, page_id, author, body, posted_at)
SELECT page_key, id, page_id, author, body, posted_at FROM staging_comments ORDER BY ord
ON CONFLICT (page_hash, id) DO NOTHING
)sql";

// A text[] literal of any strings (names and bios too): every element
// quoted, quotes and backslashes escaped.
template <typename Strings>
std::string PgTextArray(const Strings& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    for (char c : v) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

// An article exercising the lexer's paths (stopwords, hyphens, numbers,
// typographic punctuation, a lexeme in every part); at connect the server
// must read the lexer's vector as exactly what it computes itself, or the
// lexer is not used.
v1::Article SelfCheckArticle() {
  v1::Article a;
  a.set_id("0000000000000000");
  a.set_title("Harbour master\xe2\x80\x99s report: running late");
  a.set_standfirst("Councillors ran the 3rd by-election count again");
  a.add_paragraphs("The harbour master's by-election report, published in 2024, didn\xe2\x80\x99t "
                   "satisfy \xe2\x80\x9crunning\xe2\x80\x9d councillors \xe2\x80\x94 the 258th time.");
  a.add_paragraphs("Running reports run on; the report runs again.");
  return a;
}

constexpr char kCopyStagingArticles[] = "COPY staging_articles FROM STDIN (FORMAT binary)";

void AddTimestampOrNull(const google::protobuf::Timestamp& ts, bool has, BinaryCopyRows* rows) {
  if (has) {
    rows->AddTimestamp(google::protobuf::util::TimeUtil::TimestampToMicroseconds(ts));
  } else {
    rows->AddNull();
  }
}

void AddIdOrNull(const std::map<std::string, int64_t>& ids, const std::string& name,
                 BinaryCopyRows* rows) {
  auto it = ids.find(name);
  if (it == ids.end()) {
    rows->AddNull();
  } else {
    rows->AddInt64(it->second);
  }
}

// The columns staging_articles and articles share, id to fetched_at.
constexpr int16_t kContentFields = 16;
void AddContentColumns(const v1::Article& a, const std::string& body, BinaryCopyRows* rows) {
  rows->AddText(a.id());
  rows->AddText(a.title());
  rows->AddText(a.standfirst());
  rows->AddText(body);
  rows->AddText(a.author().name());
  rows->AddText(a.author().bio());
  rows->AddText(a.image().caption());
  rows->AddText(a.image().credit());
  rows->AddText(a.site().name());
  rows->AddText(a.site().tagline());
  rows->AddText(a.url());
  rows->AddText(a.language().empty() ? std::string_view("und") : std::string_view(a.language()));
  rows->AddInt32(a.word_count());
  rows->AddInt64(static_cast<int64_t>(a.fingerprint()));
  AddTimestampOrNull(a.published_at(), a.has_published_at(), rows);
  AddTimestampOrNull(a.fetched_at(), a.has_fetched_at(), rows);
}

void AddStagingRow(const v1::Article& a, const std::string& body,
                   const std::optional<std::string>& tsvector, BinaryCopyRows* rows) {
  rows->BeginRow(kContentFields + 1);
  AddContentColumns(a, body, rows);
  if (tsvector) {
    rows->AddText(*tsvector);  // tsvector_recv reads these bytes
  } else {
    rows->AddNull();
  }
}

void AddArticleRow(const v1::Article& a, const std::string& body, const std::string& tsvector,
                   const std::map<std::string, int64_t>& author_ids,
                   const std::map<std::string, int64_t>& site_ids, BinaryCopyRows* rows) {
  rows->BeginRow(kContentFields + 5);
  AddContentColumns(a, body, rows);
  AddIdOrNull(author_ids, a.author().name(), rows);
  AddIdOrNull(site_ids, a.site().name(), rows);
  rows->AddText(a.id());  // canonical until linked to a near-duplicate
  rows->AddText("indexer");
  rows->AddText(tsvector);  // tsvector_recv reads these bytes
}

// name -> id of the given authors or sites, after inserting the missing ones.
std::map<std::string, int64_t> UpsertNames(pqxx::work& txn, const char* insert,
                                           const char* select,
                                           const std::vector<std::string_view>& names,
                                           const std::vector<std::string_view>& details) {
  std::map<std::string, int64_t> ids;
  if (names.empty()) return ids;
  std::string name_array = PgTextArray(names);
  txn.exec_params(insert, name_array, PgTextArray(details));
  for (const pqxx::row& row : txn.exec_params(select, name_array)) {
    ids.emplace(row[0].c_str(), row[1].as<int64_t>());
  }
  return ids;
}

// Stores the comments the batch's source pages carry; returns how many
// were new. No statement at all for a batch without comments.
int WriteComments(pqxx::work& txn, const std::vector<v1::Article>& articles) {
  struct Row {
    const v1::SourcePage* page;
    const v1::Comment* comment;
    std::string id;
  };
  // By page in key order, each page's comments in page order, each comment
  // once (two crawls of a url in one batch share most). Two indexers
  // writing comments of the same url still race: the loser's COPY fails on
  // the key, or a deadlock is detected, and WriteBatch writes its batch again.
  std::map<std::string_view, std::vector<Row>> by_page;
  std::set<std::pair<std::string_view, std::string>> seen;
  for (const v1::Article& a : articles) {
    for (const v1::SourcePage& s : a.sources()) {
      std::string_view page_key = s.url().empty() ? s.page_id() : s.url();
      // Same author, same words, same page: the n-th such comment.
      std::map<std::pair<std::string_view, std::string_view>, int> occurrences;
      for (const v1::Comment& c : s.comments()) {
        int occurrence = occurrences[{c.author(), c.text()}]++;
        std::string id = CommentId(page_key, c.author(), c.text(), occurrence);
        if (!seen.emplace(page_key, id).second) continue;
        by_page[page_key].push_back({&s, &c, std::move(id)});
      }
    }
  }
  if (by_page.empty()) return 0;
  std::vector<std::string_view> keys;
  keys.reserve(by_page.size());
  for (const auto& [key, rows] : by_page) keys.push_back(key);
  std::set<std::string, std::less<>> stored;
  for (const pqxx::row& row : txn.exec_params(kPagesWithComments, PgTextArray(keys))) {
    stored.emplace(row[0].c_str(), row[0].size());
  }
  BinaryCopyRows fresh, staged;
  for (const auto& [key, rows] : by_page) {
    bool stage = stored.count(key) > 0;
    BinaryCopyRows* out = stage ? &staged : &fresh;
    for (const Row& r : rows) {
      out->BeginRow(stage ? 7 : 6);
      out->AddText(key);
      out->AddText(r.id);
      out->AddText(r.page->page_id());
      out->AddText(r.comment->author());
      out->AddText(r.comment->text());
      AddTimestampOrNull(r.comment->posted_at(), r.comment->has_posted_at(), out);
      if (stage) out->AddInt32(static_cast<int32_t>(staged.rows()));
    }
  }
  int added = static_cast<int>(fresh.rows());
  if (fresh.rows() > 0) SendBinaryCopy(txn, kCopyComments, fresh.Finish());
  if (staged.rows() > 0) {
    SendBinaryCopy(txn, kCopyStagingComments, staged.Finish());
    added += static_cast<int>(txn.exec(kInsertStagedComments).affected_rows());
  }
  return added;
}

struct PreparedArticle {
  std::string body;                     // paragraphs joined by newlines
  std::optional<std::string> tsvector;  // binary form; none: PostgreSQL computes it
};

PreparedArticle PrepareArticle(EnglishTsVector* lexer, const v1::Article& a) {
  PreparedArticle prepared;
  prepared.body = JoinBody(a);
  if (lexer == nullptr) return prepared;
  // Text the lexer does not handle is left to to_tsvector.
  std::optional<TsVector> v = LexWeightedArticle(*lexer, a.title(), a.standfirst(), prepared.body);
  if (v) {
    prepared.tsvector.emplace();
    v->AppendBinary(&*prepared.tsvector);
  }
  return prepared;
}

// Prepares articles on one thread per lexer (each lexer is single-threaded),
// in the given order, while the caller consumes the finished ones in that
// order: the server inserts rows while the next ones are lexed. The
// destructor stops and joins the threads, also when the caller throws.
class LexAhead {
 public:
  LexAhead(const std::vector<std::unique_ptr<EnglishTsVector>>& lexers,
           const std::vector<v1::Article>& articles, std::vector<size_t> order)
      : articles_(articles),
        order_(std::move(order)),
        prepared_(order_.size()),
        done_(std::make_unique<std::atomic<bool>[]>(order_.size())) {
    if (lexers.empty()) {
      for (size_t k = 0; k < order_.size(); ++k) Prepare(nullptr, k);
      return;
    }
    // Small batches (replays, tests) are not worth a thread each.
    size_t threads = std::min(lexers.size(), 1 + order_.size() / 64);
    try {
      for (size_t t = 0; t < threads; ++t) {
        threads_.emplace_back([this, lexer = lexers[t].get()] { Run(lexer); });
      }
    } catch (...) {
      StopAndJoin();  // a joinable thread must not be destroyed
      throw;
    }
  }
  LexAhead(const LexAhead&) = delete;
  LexAhead& operator=(const LexAhead&) = delete;
  ~LexAhead() { StopAndJoin(); }

  // The k-th article of the order, once prepared.
  const PreparedArticle& Get(size_t k) {
    if (!done_[k].load(std::memory_order_acquire)) {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [&] { return done_[k].load(std::memory_order_acquire); });
    }
    return prepared_[k];
  }
  double busy_ms() const { return static_cast<double>(busy_us_.load()) / 1000.0; }

 private:
  void StopAndJoin() {
    stop_.store(true);
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  void Run(EnglishTsVector* lexer) {
    for (size_t k = next_++; k < order_.size() && !stop_.load(); k = next_++) {
      Prepare(lexer, k);
      { std::lock_guard<std::mutex> lock(mu_); }  // a waiter is waiting or sees done_
      ready_.notify_all();
    }
  }
  // Counts its time before marking the article done, so busy_ms() is
  // complete once the last article has been taken.
  void Prepare(EnglishTsVector* lexer, size_t k) {
    auto start = std::chrono::steady_clock::now();
    prepared_[k] = PrepareArticle(lexer, articles_[order_[k]]);
    busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start).count();
    done_[k].store(true, std::memory_order_release);
  }

  const std::vector<v1::Article>& articles_;
  const std::vector<size_t> order_;
  std::vector<PreparedArticle> prepared_;
  std::unique_ptr<std::atomic<bool>[]> done_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> busy_us_{0};
  std::mutex mu_;
  std::condition_variable ready_;
  std::vector<std::thread> threads_;
};

}  // namespace

PgArticleStore::PgArticleStore(std::string database_url, int max_near_duplicate_distance,
                               bool compute_lexemes, int lexer_threads)
    : database_url_(std::move(database_url)), max_distance_(max_near_duplicate_distance) {
  for (int i = 0; compute_lexemes && i < lexer_threads; ++i) {
    std::unique_ptr<EnglishTsVector> lexer = EnglishTsVector::CreateBuiltin();
    if (!lexer) break;  // built without PostgreSQL's stopword list
    lexers_.push_back(std::move(lexer));
  }
}

PgArticleStore::~PgArticleStore() = default;

bool PgArticleStore::LexerAgreesWithServer(pqxx::connection& conn) {
  v1::Article article = SelfCheckArticle();
  PreparedArticle prepared = PrepareArticle(lexers_[0].get(), article);
  if (!prepared.tsvector) return false;
  pqxx::work txn(conn);  // rolled back: the staged row never lands
  BinaryCopyRows rows;
  AddStagingRow(article, prepared.body, prepared.tsvector, &rows);
  SendBinaryCopy(txn, kCopyStagingArticles, rows.Finish());
  pqxx::row check = txn.exec1(
      "SELECT s.tsv = e.tsv, s.tsv::text, e.tsv::text FROM staging_articles s, LATERAL (SELECT "
      "setweight(to_tsvector('english', s.title), 'A') || "
      "setweight(to_tsvector('english', s.standfirst), 'B') || "
      "setweight(to_tsvector('english', s.body), 'D') AS tsv) e");
  if (check[0].as<bool>()) return true;
  LogWarn("indexer lexer disagrees with this server's to_tsvector; leaving it to PostgreSQL",
          {{"lexer", check[1].c_str()}, {"server", check[2].c_str()}});
  return false;
}

absl::Status PgArticleStore::Connect() {
  try {
    conn_ = std::make_unique<pqxx::connection>(database_url_);
    {
      pqxx::nontransaction setup(*conn_);
      // lz4 compresses the large values (bodies) several times faster than
      // the default pglz. Servers built without lz4 keep pglz. (Stored
      // tsvectors stay uncompressed in the row: migration 103.)
      if (setup.exec1("SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' "
                      "AND 'lz4' = ANY(enumvals)")[0].as<int>() > 0) {
        setup.exec("SET default_toast_compression = lz4");
      }
      // The batch statements' cost estimates (temporary tables have no
      // statistics) trigger JIT compilation, which alone took ~250 ms of a
      // ~10 ms statement.
      setup.exec("SET jit = off");
      // When the GIN pending list outgrows its limit before the cleaner
      // merges it, this insert merges it itself, in work_mem: 4 MB made that
      // merge several times slower than the cleaner's.
      setup.exec("SET work_mem = '64MB'");
      setup.exec(kCreateStaging);
    }
    if (!lexers_.empty() && !LexerAgreesWithServer(*conn_)) lexers_.clear();
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
  // Another indexer may insert one of our new ids between our check and our
  // COPY (only while partitions move between them); the COPY then fails
  // and the next attempt sees the row as stored. Deadlocks retry too.
  // Also reconnects: after a server restart libpq may report other errors
  // than a broken connection first.
  auto failed = [this](const char* what, const std::exception& e) {
    conn_.reset();
    return absl::UnavailableError(absl::StrCat(what, e.what()));
  };
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    try {
      WriteTransaction(articles, stats);
      return absl::OkStatus();
    } catch (const pqxx::unique_violation& e) {
      if (attempt == kAttempts) return failed("database write failed: ", e);
    } catch (const pqxx::deadlock_detected& e) {
      // Indexers lock new ids in id order within each path (COPY, staged),
      // so two that split a batch differently between the paths (one with
      // its lexer off) can deadlock; PostgreSQL aborts one, which retries.
      if (attempt == kAttempts) return failed("database write failed: ", e);
    } catch (const pqxx::broken_connection& e) {
      return failed("database connection lost: ", e);
    } catch (const std::exception& e) {
      return failed("database write failed: ", e);
    }
  }
}

void PgArticleStore::WriteTransaction(const std::vector<v1::Article>& articles,
                                      WriteStats* stats) {
  using Clock = std::chrono::steady_clock;
  auto mark = Clock::now();
  auto lap = [&mark]() {
    auto now = Clock::now();
    double ms = std::chrono::duration<double, std::milli>(now - mark).count();
    mark = now;
    return ms;
  };
  PhaseMillis phases;
  pqxx::work txn(*conn_);
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

  // The batch's articles not stored yet, each id once, in id order: only
  // they are lexed and inserted (a replay costs a key lookup per article).
  std::map<std::string_view, size_t> fresh;  // id -> index of its first occurrence
  for (size_t i = 0; i < articles.size(); ++i) fresh.emplace(articles[i].id(), i);
  {
    std::vector<std::string_view> ids;
    ids.reserve(fresh.size());
    for (const auto& [id, index] : fresh) ids.push_back(id);
    for (const pqxx::row& row : txn.exec_params(kExistingArticles, PgTextArray(ids))) {
      fresh.erase(std::string_view(row[0].c_str(), row[0].size()));
    }
  }
  std::vector<size_t> order;
  std::vector<std::string_view> author_names, author_bios, site_names, site_taglines;
  for (const auto& [id, index] : fresh) {
    order.push_back(index);
    const v1::Article& a = articles[index];
    if (!a.author().name().empty()) {
      author_names.push_back(a.author().name());
      author_bios.push_back(a.author().bio());
    }
    if (!a.site().name().empty()) {
      site_names.push_back(a.site().name());
      site_taglines.push_back(a.site().tagline());
    }
  }
  LexAhead lexed(lexers_, articles, order);
  std::map<std::string, int64_t> author_ids =
      UpsertNames(txn, kInsertAuthors, kAuthorIds, author_names, author_bios);
  std::map<std::string, int64_t> site_ids =
      UpsertNames(txn, kInsertSites, kSiteIds, site_names, site_taglines);

  // Rows go to the server in ~256 KB parts as they are lexed.
  constexpr size_t kPart = 256 << 10;
  BinaryCopyRows copied, staged;
  std::vector<std::string_view> copied_ids;
  std::optional<BinaryCopyStream> copy;
  for (size_t k = 0; k < order.size(); ++k) {
    const v1::Article& a = articles[order[k]];
    const PreparedArticle& p = lexed.Get(k);
    if (!p.tsvector) {
      AddStagingRow(a, p.body, std::nullopt, &staged);
      continue;
    }
    AddArticleRow(a, p.body, *p.tsvector, author_ids, site_ids, &copied);
    copied_ids.push_back(a.id());
    if (!copy) copy.emplace(txn, kCopyArticles);
    if (copied.pending_bytes() >= kPart) copy->Send(copied.Take());
  }
  if (copy) {
    copy->Send(copied.Finish());
    copy->End();
  }
  phases.lex = lexed.busy_ms();
  phases.copy = lap();
  int new_articles = 0;
  if (!copied_ids.empty()) {
    new_articles += static_cast<int>(
        txn.exec_params(kRememberCopied, PgTextArray(copied_ids)).affected_rows());
  }
  if (staged.rows() > 0) {
    SendBinaryCopy(txn, kCopyStagingArticles, staged.Finish());
    new_articles += static_cast<int>(txn.exec(kInsertStagedArticles).affected_rows());
  }
  phases.insert = lap();
  pqxx::result linked = txn.exec(kInsertSources);
  int new_comments = WriteComments(txn, articles);
  phases.sources = lap();
  txn.exec(kLinkLock);
  if (new_articles > 0) txn.exec(kAppendFeed);
  txn.exec(kCountAuthors);
  txn.exec(kCountSites);
  phases.counts = lap();
  pqxx::result near = txn.exec_params(kLinkNearDuplicates, max_distance_);
  if (!near.empty()) {
    std::set<std::string> touched;
    for (const pqxx::row& row : near) touched.insert(row[0].c_str());
    txn.exec_params(kUpdateCanonical, PgTextArray(touched));
  }
  phases.near_duplicates = lap();
  // Wakes watchers (query service WatchArticles) once this commits.
  txn.exec("NOTIFY broadsheet_articles");
  txn.commit();
  phases.commit = lap();
  if (stats != nullptr) {
    stats->phases = phases;
    stats->new_articles = new_articles;
    stats->new_sources = static_cast<int>(linked.affected_rows());
    stats->new_comments = new_comments;
    stats->near_duplicate_links = static_cast<int>(near.affected_rows() / 2);
  }
}

}  // namespace broadsheet
