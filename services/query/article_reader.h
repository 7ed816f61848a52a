// ArticleReader: the query service's reads from PostgreSQL, as plain
// functions returning broadsheet.v1 messages. Every statement is prepared on
// each pooled connection (PgPool) and every user string reaches SQL only as
// a bound parameter. Errors are absl::Status: NOT_FOUND for unknown ids,
// DEADLINE_EXCEEDED when the statement timeout fires, UNAVAILABLE when the
// database cannot be reached, INTERNAL otherwise. Thread-safe (the pool is).
#ifndef BROADSHEET_SERVICES_QUERY_ARTICLE_READER_H_
#define BROADSHEET_SERVICES_QUERY_ARTICLE_READER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "broadsheet/v1/query_service.pb.h"
#include "query/lookup_batcher.h"
#include "query/page_token.h"
#include "query/pg_pool.h"

namespace broadsheet {

// Highlight marks in snippets (see SearchHit.snippet in query_service.proto).
inline constexpr char kHighlightStart[] = "\xee\x80\x80";  // U+E000
inline constexpr char kHighlightStop[] = "\xee\x80\x81";   // U+E001

// The most GetArticle calls one database round trip serves (LookupBatcher).
inline constexpr int kMaxGetBatch = 32;
// How long a Get without a timeout may take (see ArticleReader::Get).
inline constexpr std::chrono::seconds kMaxGetTimeout{30};

// Matches counted exactly, and sampled for facets, before estimating.
inline constexpr int kSearchSampleCap = 2000;

// A bounded relevance window's date range aims at this many times the
// window's matches: estimates are off by some percent, and a range that
// holds fewer than the window costs a second statement.
inline constexpr double kWindowRangeMargin = 1.25;

// What a search, list or watch selects: web-search text plus filters, all
// validated. Times are RFC 3339 strings ("" = unbounded).
// A deadline's remaining milliseconds as the session's statement timeout:
// rounded up to two significant digits (4,987 -> 5,000), so consecutive
// calls with the same deadline need no new SET (a round trip), at the price
// of a statement outliving its deadline by at most 10%.
int64_t RoundedStatementTimeoutMs(int64_t ms);

// Whether ranking the `window` most recent of about `matches` matching
// articles (of `articles` in all) is cheaper than ranking every match. The
// window's matches are found either by walking the date index (about
// window * articles / matches rows, for very broad queries) or within a
// date range estimated to hold kWindowRangeMargin * window of them
// (intersected with the text index: a cheap index entry per article in the
// range, a visit per match in it). A rare query never qualifies; with a
// window of 1,000 a query qualifies from ~3,100 matches of 100,000 articles
// (~8,200 of 1,000,000), with 2,000 from ~4,800 (~12,000).
bool UseRelevanceWindow(double matches, double articles, int window);

// Whether walking the date index to the `window` most recent of about
// `matches` matches is cheaper than ranking every match: what a search does
// when it has no date range for its window, or the range held too few.
bool WalkBeatsRankingAll(double matches, double articles, int window);

// Where the newest `fraction` of the articles begins (epoch seconds), from
// the date histogram `histogram` (ascending bounds of equal shares of the
// articles, query_date_histogram in migration 107), interpolated linearly
// within a share; nullopt without a histogram or for a fraction outside
// (0, 1).
std::optional<double> WindowStart(const std::vector<double>& histogram, double fraction);

struct ArticleQuery {
  std::string text;                  // for websearch_to_tsquery; "" = every article
  std::vector<std::string> authors;  // lower-cased; empty = any
  std::vector<std::string> sites;    // lower-cased; empty = any
  std::string published_from, published_to;  // [from, to)
  std::string fetched_from, fetched_to;      // [from, to)
  std::string language;              // "" = any
  bool include_duplicates = false;
  std::vector<std::string> excluded_authors;  // lower-cased; none of these
  std::vector<std::string> excluded_sites;    // lower-cased; none of these

  // A canonical rendering of every field, for binding page tokens.
  std::string Binding() const;
  // Whether anything but the text narrows the articles (collapsing
  // near-duplicates aside).
  bool HasFilters() const {
    return !authors.empty() || !sites.empty() || !published_from.empty() ||
           !published_to.empty() || !fetched_from.empty() || !fetched_to.empty() ||
           !language.empty() || !excluded_authors.empty() || !excluded_sites.empty();
  }
};

enum class SearchOrder { kRelevance, kNewest };

struct SearchOptions {
  int page_size = 10;
  SearchOrder order = SearchOrder::kRelevance;
  std::optional<PageCursor> after;
  bool facets = true;    // also compute total_size and facets
  bool snippets = true;  // BuildSnippet per hit (else the body's opening)
  // Relevance order ranks only the `relevance_window` most recent matches
  // of a broad query without filters when UseRelevanceWindow() says that is
  // cheaper than ranking every match (0: always every match). The window is pinned in
  // the page cursor, so later pages rank the same articles.
  int relevance_window = 0;
  bool force_relevance_window = false;  // window whatever the estimate (tests)
  // Words to check for a spelling suggestion when the page comes back short.
  std::vector<std::string> spell_words;
};

struct SearchPage {
  std::vector<v1::SearchHit> hits;
  std::optional<PageCursor> next;  // set when more hits may follow
  int64_t total_size = 0;
  bool total_size_exact = true;
  int64_t ranked_window = 0;  // matches ranked in a relevance window (0: all were)
  // A first page's window came from its estimated date range (else from a
  // walk of the date index, or there is no window).
  bool window_bounded = false;
  // A first page's estimated date range held fewer than the window's
  // matches, so the search walked the date index or, where that costs more,
  // ranked every match (ranked_window 0).
  bool window_bound_missed = false;
  v1::SearchFacets facets;
  // (word of the query that matches nothing, closest indexed word).
  std::vector<std::pair<std::string, std::string>> corrections;
};

// Exact counts the indexer keeps, which bound a search's estimates.
struct StoredCounts {
  std::map<std::string, int64_t> authors;  // article_count by author name
  std::map<std::string, int64_t> sites;    // article_count by site name
  std::optional<int64_t> filtered_authors;  // the filtered authors' articles
};

// An estimated total and scaled facets come from a sample (the newest
// matches, or the first ones stored), which can over-represent an author or
// a site many times over. Caps the total at `stored.filtered_authors`, and
// each facet count at the total and at its author's or site's stored count,
// then re-sorts the facets by count.
void BoundEstimates(const StoredCounts& stored, SearchPage* page);

struct AuthorPage {
  std::vector<v1::AuthorProfile> authors;
  std::optional<PageCursor> next;
};

struct CommentPage {
  std::vector<v1::Comment> comments;
  std::optional<PageCursor> next;  // set when more comments follow
};

// A newly indexed article and the watch cursor just after it.
struct IndexedArticle {
  v1::Article article;
  PageCursor cursor;  // key: its position in article_feed (commit order)
};

// Reads go through two connection pools: searches and other filter-shaped
// statements are planned for each execution's parameters (GIN or btree,
// disabled filters folded away), while lookups by id reuse a generic plan
// (planning was two thirds of a GetArticle's time in the database). The
// search pool's size is how many searches run at once: each keeps a core of
// PostgreSQL busy, so about the database's core count is best (more only
// time-slice them). Thread-safe.
class ArticleReader {
 public:
  // `search_connections` 0: as many as `lookup_connections`. Reads go to
  // `database_url`, which may be a read replica; the vocabulary's upkeep
  // writes, so it goes to `primary_url` ("": `database_url`). At most
  // `get_batches` batches of Gets run at once (LookupBatcher; one lets the
  // most Gets share a round trip, more let them use more database cores).
  ArticleReader(std::string database_url, int lookup_connections, int search_connections = 0,
                std::string primary_url = "", int get_batches = 1);

  // `timeout` (0 = none) bounds the wait for a connection and, for what is
  // left of it, the statements (statement timeout), in every method.
  absl::StatusOr<SearchPage> Search(const ArticleQuery& query, const SearchOptions& options,
                                    std::chrono::milliseconds timeout);

  // The full article with sources and near-duplicate ids; NOT_FOUND when
  // unknown. Runs on one of `get_batches` worker threads, and concurrent
  // calls share round trips when every worker is busy (LookupBatcher). A
  // call without a timeout is bounded at kMaxGetTimeout all the same: it
  // may share its batch.
  absl::StatusOr<v1::Article> Get(const std::string& id, std::chrono::milliseconds timeout);

  // Get without waiting: `done` receives the result, on the batcher's
  // thread.
  void GetAsync(const std::string& id, std::chrono::milliseconds timeout,
                std::function<void(absl::StatusOr<v1::Article>)> done);

  // Answers the Gets still queued CANCELLED (at shutdown: the server then
  // waits only for the running batch).
  void CancelQueuedGets();

  // Statements Get and GetAsync have run so far (each serves a batch).
  uint64_t GetBatchesRun();

  // In `ids` order; NOT_FOUND naming the unknown ids when any is unknown.
  absl::StatusOr<std::vector<v1::Article>> BatchGet(const std::vector<std::string>& ids,
                                                    std::chrono::milliseconds timeout);

  // Authors in name order after `after.key`.
  absl::StatusOr<AuthorPage> ListAuthors(int page_size, const std::optional<PageCursor>& after,
                                         std::chrono::milliseconds timeout);

  // NOT_FOUND when no article has this exact author name.
  absl::StatusOr<v1::AuthorProfile> GetAuthor(const std::string& name,
                                              std::chrono::milliseconds timeout);

  // Near-duplicates (distance <= 3) first, then shared weighted terms;
  // NOT_FOUND when `id` is unknown.
  absl::StatusOr<std::vector<v1::SimilarArticle>> FindSimilar(const std::string& id, int limit,
                                                              std::chrono::milliseconds timeout);

  // Reader comments on the pages `article_id` was found on, after `after`
  // (see ListComments in query_service.proto for the order); NOT_FOUND
  // when the article is unknown.
  absl::StatusOr<CommentPage> ListComments(const std::string& article_id, int page_size,
                                           const std::optional<PageCursor>& after,
                                           std::chrono::milliseconds timeout);

  // The database's LC_CTYPE (e.g. "C.UTF-8"), which decides whether lower()
  // lowers letters beyond ASCII.
  absl::StatusOr<std::string> CharacterType(std::chrono::milliseconds timeout);

  // The watch cursor of the newest indexed article (key "0" when none).
  absl::StatusOr<PageCursor> LatestCursor(std::chrono::milliseconds timeout);

  // Up to `limit` articles matching `query` that became visible after
  // `after`, in commit order (article_feed).
  absl::StatusOr<std::vector<IndexedArticle>> IndexedAfter(const ArticleQuery& query,
                                                           const PageCursor& after, int limit,
                                                           std::chrono::milliseconds timeout);

  // One step of the spelling vocabulary's upkeep (query_refresh_vocabulary):
  // returns how many new articles it read.
  absl::StatusOr<int> RefreshVocabulary(int batch);

 private:
  // The date histogram (WindowStart), read through `txn` when older than a
  // minute; shared, never null.
  std::shared_ptr<const std::vector<double>> DateHistogram(pqxx::transaction_base& txn);

  // The articles of `ids` in their order, nullopt for unknown ones.
  absl::StatusOr<std::vector<std::optional<v1::Article>>> FetchArticles(
      const std::vector<std::string>& ids, std::chrono::steady_clock::time_point deadline);

  PgPool search_pool_;
  PgPool lookup_pool_;
  PgPool primary_pool_;  // one connection, for RefreshVocabulary
  // Concurrent Gets share round trips (see LookupBatcher).
  LookupBatcher<v1::Article> get_batcher_;
  std::mutex histogram_mu_;
  std::shared_ptr<const std::vector<double>> date_histogram_;  // guarded by histogram_mu_
  std::chrono::steady_clock::time_point histogram_read_at_;     // guarded by histogram_mu_
  bool histogram_reading_ = false;                              // guarded by histogram_mu_
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_ARTICLE_READER_H_
