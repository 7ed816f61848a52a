#include "query/article_reader.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace broadsheet {
namespace {

// Columns shared by search hits and GetArticle, in this order.
constexpr char kArticleColumns[] =
    "a.id, a.title, a.standfirst, a.author_name, a.author_bio, a.image_caption, a.image_credit, "
    "a.site_name, a.site_tagline, a.url, a.language, a.word_count, a.fingerprint, "
    "extract(epoch from a.published_at)::float8, extract(epoch from a.fetched_at)::float8, "
    "extract(epoch from a.indexed_at)::float8";
constexpr int kArticleColumnCount = 16;

std::string HeadlineOptions() {
  return absl::StrCat("StartSel=\"", kHighlightStart, "\", StopSel=\"", kHighlightStop,
                      "\", MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=\" … \"");
}

// Ranked hits of one page: the rank is computed once per matching row in the
// inner query; the snippet only for the rows returned.
std::string SearchSql(bool after) {
  std::string keyset =
      after ? "WHERE r.rank < $3::real OR (r.rank = $3::real AND r.id > $4)" : "";
  return absl::StrCat(
      "WITH q AS (SELECT websearch_to_tsquery('english', $1) AS q), "
      "hits AS (SELECT r.id, r.rank FROM ("
      "  SELECT a.id, ts_rank_cd(a.tsv, q.q) AS rank FROM articles a, q WHERE a.tsv @@ q.q) r ",
      keyset,
      " ORDER BY r.rank DESC, r.id LIMIT $2) "
      "SELECT ", kArticleColumns, ", h.rank::text, ts_headline('english', a.body, q.q, '",
      HeadlineOptions(),
      "') FROM hits h JOIN articles a ON a.id = h.id, q ORDER BY h.rank DESC, h.id");
}

void PrepareStatements(pqxx::connection& conn) {
  conn.prepare("search_first", SearchSql(false));
  conn.prepare("search_after", SearchSql(true));
  conn.prepare("search_count",
               "SELECT count(*) FROM articles a, websearch_to_tsquery('english', $1) q "
               "WHERE a.tsv @@ q");
  conn.prepare("get_article",
               absl::StrCat("SELECT ", kArticleColumns, ", a.body FROM articles a WHERE a.id = $1"));
  conn.prepare("get_sources",
               "SELECT page_id, url, site, extract(epoch from fetched_at)::float8 "
               "FROM source_pages WHERE article_id = $1 ORDER BY fetched_at NULLS LAST, page_id");
}

void SetTime(const pqxx::field& f, google::protobuf::Timestamp* ts) {
  if (f.is_null()) return;
  double secs = f.as<double>();
  *ts = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      static_cast<int64_t>(secs * 1e9));
}

void FillArticle(const pqxx::row& row, v1::Article* a) {
  a->set_id(row[0].c_str());
  a->set_title(row[1].c_str());
  a->set_standfirst(row[2].c_str());
  if (!row[3].is_null() && (*row[3].c_str() || *row[4].c_str())) {
    a->mutable_author()->set_name(row[3].c_str());
    a->mutable_author()->set_bio(row[4].c_str());
  }
  if (*row[5].c_str() || *row[6].c_str()) {
    a->mutable_image()->set_caption(row[5].c_str());
    a->mutable_image()->set_credit(row[6].c_str());
  }
  if (*row[7].c_str() || *row[8].c_str()) {
    a->mutable_site()->set_name(row[7].c_str());
    a->mutable_site()->set_tagline(row[8].c_str());
  }
  a->set_url(row[9].c_str());
  a->set_language(row[10].c_str());
  a->set_word_count(row[11].as<int>());
  a->set_fingerprint(static_cast<uint64_t>(row[12].as<int64_t>()));
  if (!row[13].is_null()) SetTime(row[13], a->mutable_published_at());
  if (!row[14].is_null()) SetTime(row[14], a->mutable_fetched_at());
  SetTime(row[15], a->mutable_indexed_at());
}

void SetStatementTimeout(pqxx::work& txn, std::chrono::milliseconds timeout) {
  if (timeout.count() > 0) {
    txn.exec("SET LOCAL statement_timeout = " + std::to_string(timeout.count()));
  }
}

absl::Status DatabaseError(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    if (sql->sqlstate() == "57014") {  // query_canceled: statement timeout
      return absl::DeadlineExceededError("query exceeded its deadline");
    }
  }
  return absl::InternalError(absl::StrCat("database: ", e.what()));
}

}  // namespace

ArticleReader::ArticleReader(std::string database_url, int pool_size)
    : pool_(std::move(database_url), pool_size, PrepareStatements) {}

absl::StatusOr<SearchPage> ArticleReader::Search(const std::string& query, int page_size,
                                                 const std::optional<SearchCursor>& after,
                                                 std::chrono::milliseconds timeout) {
  auto lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    pqxx::work txn(**lease);
    SetStatementTimeout(txn, timeout);
    // One extra row tells whether another page follows.
    pqxx::result rows =
        after ? txn.exec_prepared("search_after", query, page_size + 1, after->rank, after->id)
              : txn.exec_prepared("search_first", query, page_size + 1);
    SearchPage page;
    for (const pqxx::row& row : rows) {
      if (static_cast<int>(page.hits.size()) == page_size) break;
      v1::SearchHit hit;
      FillArticle(row, hit.mutable_article());
      hit.set_score(row[kArticleColumnCount].as<double>());
      // Paragraphs are newline-joined in storage; a snippet reads as one line.
      std::string snippet = row[kArticleColumnCount + 1].c_str();
      std::replace(snippet.begin(), snippet.end(), '\n', ' ');
      hit.set_snippet(std::move(snippet));
      page.hits.push_back(std::move(hit));
    }
    if (static_cast<int>(rows.size()) > page_size) {
      const pqxx::row& last = rows[page_size - 1];
      page.next = SearchCursor{last[kArticleColumnCount].c_str(), last[0].c_str()};
    }
    page.total_size = txn.exec_prepared1("search_count", query)[0].as<int64_t>();
    txn.commit();
    return page;
  } catch (const std::exception& e) {
    absl::Status status = DatabaseError(e);
    if (status.code() == absl::StatusCode::kUnavailable) lease->Discard();
    return status;
  }
}

absl::StatusOr<v1::Article> ArticleReader::Get(const std::string& id,
                                               std::chrono::milliseconds timeout) {
  auto lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    pqxx::work txn(**lease);
    SetStatementTimeout(txn, timeout);
    pqxx::result rows = txn.exec_prepared("get_article", id);
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("no article with id ", id));
    v1::Article article;
    FillArticle(rows[0], &article);
    for (absl::string_view p : absl::StrSplit(rows[0][kArticleColumnCount].c_str(), '\n', absl::SkipEmpty())) {
      article.add_paragraphs(std::string(p));
    }
    for (const pqxx::row& row : txn.exec_prepared("get_sources", id)) {
      v1::SourcePage* source = article.add_sources();
      source->set_page_id(row[0].c_str());
      source->set_url(row[1].c_str());
      source->set_site(row[2].c_str());
      SetTime(row[3], source->mutable_fetched_at());
      if (row[3].is_null()) source->clear_fetched_at();
      article.add_source_page_ids(row[0].c_str());
    }
    txn.commit();
    return article;
  } catch (const std::exception& e) {
    absl::Status status = DatabaseError(e);
    if (status.code() == absl::StatusCode::kUnavailable) lease->Discard();
    return status;
  }
}

}  // namespace broadsheet
