#include "indexer/article_store.h"

#include <google/protobuf/util/time_util.h>

#include <pqxx/pqxx>
#include <chrono>
#include <set>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "indexer/binary_copy.h"

namespace broadsheet {
namespace {

std::string TimeText(const google::protobuf::Timestamp& ts, bool has) {
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
  language text, word_count integer, fingerprint bigint, published_at text, fetched_at text,
  tsv tsvector
) ON COMMIT DELETE ROWS;
-- Staged values live for one statement: compressing them (bodies, vectors)
-- cost more than it saved.
ALTER TABLE staging_articles ALTER body SET STORAGE EXTERNAL, ALTER tsv SET STORAGE EXTERNAL;
CREATE TEMP TABLE IF NOT EXISTS staging_sources (
  article_id text, page_id text, url text, site text, fetched_at text
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS new_articles (
  id text, author_id bigint, site_id bigint, indexed_at timestamptz, fingerprint bigint,
  author_bio text
) ON COMMIT DELETE ROWS;
)sql";

// Authors and sites first, in name order so that two indexers inserting the
// same names cannot deadlock. DO NOTHING takes no lock on existing rows.
constexpr char kInsertAuthors[] = R"sql(
INSERT INTO authors (name, bio)
SELECT DISTINCT ON (author_name) author_name, author_bio FROM staging_articles
WHERE author_name <> '' ORDER BY author_name, author_bio DESC
ON CONFLICT (name) DO NOTHING
)sql";

constexpr char kInsertSites[] = R"sql(
INSERT INTO sites (name, tagline)
SELECT DISTINCT ON (site_name) site_name, site_tagline FROM staging_articles
WHERE site_name <> '' ORDER BY site_name, site_tagline DESC
ON CONFLICT (name) DO NOTHING
)sql";

// The tsvector is computed only for articles not stored yet, so replays cost
// a primary-key probe per article rather than a re-index. Rows are inserted
// in id order (no deadlock between indexers racing on the same ids), and the
// ones really inserted are remembered in new_articles: only they count.
constexpr char kInsertArticles[] = R"sql(
WITH inserted AS (
  INSERT INTO articles (id, title, standfirst, body, author_name, author_bio, image_caption,
                        image_credit, site_name, site_tagline, url, language, word_count,
                        fingerprint, published_at, fetched_at, author_id, site_id, canonical_id,
                        tsv_source, tsv)
  SELECT DISTINCT ON (s.id) s.id, s.title, s.standfirst, s.body, s.author_name, s.author_bio,
         s.image_caption, s.image_credit, s.site_name, s.site_tagline, s.url, s.language,
         s.word_count, s.fingerprint, NULLIF(s.published_at, '')::timestamptz,
         NULLIF(s.fetched_at, '')::timestamptz, au.id, si.id, s.id,
         CASE WHEN s.tsv IS NOT NULL THEN 'indexer' ELSE 'postgres' END,
         CASE WHEN s.tsv IS NOT NULL THEN s.tsv
              ELSE setweight(to_tsvector('english', s.title), 'A') ||
                   setweight(to_tsvector('english', s.standfirst), 'B') ||
                   setweight(to_tsvector('english', s.body), 'D') END
  FROM staging_articles s
  LEFT JOIN authors au ON au.name = s.author_name AND s.author_name <> ''
  LEFT JOIN sites si ON si.name = s.site_name AND s.site_name <> ''
  WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.id)
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
// canonical); looked up by primary key.
constexpr char kUpdateCanonical[] = R"sql(
UPDATE articles a
SET canonical_id = LEAST(a.id, (SELECT min(d.duplicate_id) FROM near_duplicates d
                                WHERE d.article_id = a.id))
WHERE a.id = ANY($1::text[])
)sql";

constexpr char kInsertSources[] = R"sql(
INSERT INTO source_pages (article_id, page_id, url, site, fetched_at)
SELECT DISTINCT ON (article_id, page_id) article_id, page_id, url, site,
       NULLIF(fetched_at, '')::timestamptz
FROM staging_sources
ORDER BY article_id, page_id
ON CONFLICT (article_id, page_id) DO NOTHING
)sql";

// A text[] literal; ids are hex, but quote and escape anyway.
std::string PgTextArray(const std::set<std::string>& values) {
  std::string out = "{";
  for (const std::string& v : values) {
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
constexpr int16_t kStagingArticleFields = 17;

void AddStagingRow(const v1::Article& a, const std::string& body,
                   const std::optional<std::string>& tsvector, BinaryCopyRows* rows) {
  rows->BeginRow(kStagingArticleFields);
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
  rows->AddText(TimeText(a.published_at(), a.has_published_at()));
  rows->AddText(TimeText(a.fetched_at(), a.has_fetched_at()));
  if (tsvector) {
    rows->AddText(*tsvector);  // tsvector_recv reads these bytes
  } else {
    rows->AddNull();
  }
}

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
  std::vector<PreparedArticle> prepared = Prepare({article});
  if (!prepared[0].tsvector) return false;
  pqxx::work txn(conn);  // rolled back: the staged row never lands
  BinaryCopyRows rows;
  AddStagingRow(article, prepared[0].body, prepared[0].tsvector, &rows);
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

std::vector<PgArticleStore::PreparedArticle> PgArticleStore::Prepare(
    const std::vector<v1::Article>& articles) {
  std::vector<PreparedArticle> prepared(articles.size());
  // Lexing is the indexer's biggest CPU cost and needs no database: split it
  // over the lexers (one per thread; each is single-threaded).
  auto work = [&](size_t lexer, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const v1::Article& a = articles[i];
      prepared[i].body = JoinBody(a);
      if (lexers_.empty()) continue;
      // Text the lexer does not handle is left to to_tsvector in the upsert.
      std::optional<TsVector> v =
          LexWeightedArticle(*lexers_[lexer], a.title(), a.standfirst(), prepared[i].body);
      if (!v) continue;
      prepared[i].tsvector.emplace();
      v->AppendBinary(&*prepared[i].tsvector);
    }
  };
  size_t threads = std::max<size_t>(1, std::min(lexers_.size(), articles.size() / 64));
  std::vector<std::thread> pool;
  size_t chunk = (articles.size() + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    pool.emplace_back(work, t, t * chunk, std::min(articles.size(), (t + 1) * chunk));
  }
  work(0, 0, std::min(articles.size(), chunk));
  for (std::thread& t : pool) t.join();
  return prepared;
}

absl::Status PgArticleStore::WriteBatch(const std::vector<v1::Article>& articles,
                                        WriteStats* stats) {
  if (articles.empty()) return absl::OkStatus();
  if (!conn_ || !conn_->is_open()) {
    if (absl::Status s = Connect(); !s.ok()) return s;
  }
  try {
    using Clock = std::chrono::steady_clock;
    auto mark = Clock::now();
    auto lap = [&mark]() {
      auto now = Clock::now();
      double ms = std::chrono::duration<double, std::milli>(now - mark).count();
      mark = now;
      return ms;
    };
    PhaseMillis phases;
    std::vector<PreparedArticle> prepared = Prepare(articles);
    phases.lex = lap();
    BinaryCopyRows rows;
    for (size_t index = 0; index < articles.size(); ++index) {
      AddStagingRow(articles[index], prepared[index].body, prepared[index].tsvector, &rows);
    }
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
    SendBinaryCopy(txn, kCopyStagingArticles, rows.Finish());
    phases.copy = lap();
    txn.exec(kInsertAuthors);
    txn.exec(kInsertSites);
    pqxx::result inserted = txn.exec(kInsertArticles);
    phases.insert = lap();
    pqxx::result linked = txn.exec(kInsertSources);
    txn.exec(kLinkLock);
    if (inserted.affected_rows() > 0) txn.exec(kAppendFeed);
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
      stats->new_articles = static_cast<int>(inserted.affected_rows());
      stats->new_sources = static_cast<int>(linked.affected_rows());
      stats->near_duplicate_links = static_cast<int>(near.affected_rows() / 2);
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
