#include "query/query_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_errors.h"
#include "query/search_query.h"
#include "tsearch/english_tsvector.h"

namespace broadsheet {
namespace {

using google::protobuf::util::TimeUtil;

// The time left before the call's deadline, less a margin for the reply; 0
// when the client set no deadline.
std::chrono::milliseconds TimeLeft(const grpc::ServerContextBase* context) {
  auto deadline = context->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return std::chrono::milliseconds(0);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::system_clock::now() - std::chrono::milliseconds(5));
  return std::max(left, std::chrono::milliseconds(1));
}

// Collects field violations; the first one's reason names the error.
class Violations {
 public:
  void Add(const std::string& reason, const std::string& field, const std::string& description) {
    if (reason_.empty()) reason_ = reason;
    list_.push_back({field, description});
  }
  bool empty() const { return list_.empty(); }
  grpc::Status ToStatus() const { return InvalidArgumentWithViolations(reason_, list_); }

 private:
  std::string reason_;
  std::vector<FieldViolation> list_;
};

int CheckPageSize(int32_t requested, const std::string& field, Violations* violations) {
  if (requested == 0) return kDefaultPageSize;
  if (requested < 0 || requested > kMaxPageSize) {
    violations->Add("PAGE_SIZE_OUT_OF_RANGE", field,
                    absl::StrCat(field, " must be between 1 and ", kMaxPageSize, " (0 = ",
                                 kDefaultPageSize, ")"));
    return kDefaultPageSize;
  }
  return requested;
}

std::string Rfc3339(const google::protobuf::Timestamp& ts) { return TimeUtil::ToString(ts); }

void CheckRange(const v1::TimeRange& range, const std::string& field, std::string* from,
                std::string* to, Violations* violations) {
  bool ok = true;
  for (const auto* ts : {&range.start_time(), &range.end_time()}) {
    if (ts->seconds() < TimeUtil::kTimestampMinSeconds ||
        ts->seconds() > TimeUtil::kTimestampMaxSeconds || ts->nanos() < 0 ||
        ts->nanos() > 999999999) {
      violations->Add("INVALID_TIMESTAMP", field, field + " holds an invalid timestamp");
      ok = false;
    }
  }
  if (!ok) return;
  if (range.has_start_time()) *from = Rfc3339(range.start_time());
  if (range.has_end_time()) *to = Rfc3339(range.end_time());
  if (range.has_start_time() && range.has_end_time() && range.start_time() >= range.end_time()) {
    violations->Add("INVERTED_TIME_RANGE", field,
                    field + ".start_time must be before " + field + ".end_time");
  }
}

std::vector<std::string> Lowered(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(v);
    // As lower() in the database, which compares lower(author_name) etc.
    std::string s = Utf8Lower(std::string_view(trimmed.data(), trimmed.size()));
    if (!s.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> Lowered(const std::vector<std::string>& values) {
  google::protobuf::RepeatedPtrField<std::string> r(values.begin(), values.end());
  return Lowered(r);
}

// Site values with a pasted URL ("https://www.courier.example/news/1")
// reduced to its host, which the site filter matches.
std::vector<std::string> Hosts(std::vector<std::string> sites) {
  for (std::string& site : sites) {
    size_t scheme = site.find("://");
    if (scheme == std::string::npos) continue;
    std::string host = site.substr(scheme + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    host = host.substr(host.find('@') + 1);  // user@ (npos + 1 is 0)
    host = host.substr(0, host.find(':'));   // :port
    if (!host.empty()) site = host;
  }
  return sites;
}

// Both lists restrict: a hit must satisfy each non-empty one.
std::vector<std::string> Combine(std::vector<std::string> a, std::vector<std::string> b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  std::set<std::string> in_b(b.begin(), b.end());
  std::vector<std::string> both;
  for (std::string& v : a) {
    if (in_b.count(v) > 0) both.push_back(std::move(v));
  }
  // Nothing satisfies both: a value no article has keeps the result empty.
  if (both.empty()) both.push_back(std::string("\x01none"));
  return both;
}

// Either list excludes: every value of both, each once.
std::vector<std::string> Union(std::vector<std::string> a, const std::vector<std::string>& b) {
  for (const std::string& v : b) {
    if (std::find(a.begin(), a.end(), v) == a.end()) a.push_back(v);
  }
  return a;
}

// Parses query text and filter into `out`; records violations. `ignored`
// gets the query's stopwords (ignored_words). Text without a searchable
// word (only stopwords, punctuation or an empty phrase) searches nothing;
// beside a filter (author:, site:, dates) it is dropped, so the filter
// alone applies instead of matching nothing.
void BuildQuery(const std::string& text, const v1::ArticleFilter& filter,
                bool include_duplicates, ArticleQuery* out, ParsedQuery* parsed,
                std::vector<std::string>* ignored, Violations* violations) {
  if (text.size() > kMaxQueryBytes) {
    violations->Add("QUERY_TOO_LONG", "query",
                    absl::StrCat("query is longer than ", kMaxQueryBytes, " bytes"));
  }
  *parsed = ParseSearchQuery(text);
  out->text = parsed->text;
  // Without a stopword list (no lexer) every word counts as searchable.
  EnglishTsVector* lexer = ThreadLexer();
  ignored->clear();
  bool searchable = true;
  if (lexer != nullptr) {
    *ignored = IgnoredWords(parsed->words, *lexer);
    searchable = HasSearchableWord(*parsed, *lexer);
  }
  out->authors = Combine(Lowered(parsed->authors), Lowered(filter.authors()));
  out->sites = Combine(Hosts(Lowered(parsed->sites)), Hosts(Lowered(filter.sites())));
  out->excluded_authors =
      Union(Lowered(parsed->excluded_authors), Lowered(filter.exclude_authors()));
  out->excluded_sites =
      Union(Hosts(Lowered(parsed->excluded_sites)), Hosts(Lowered(filter.exclude_sites())));
  CheckRange(filter.published(), "filter.published", &out->published_from, &out->published_to,
             violations);
  CheckRange(filter.fetched(), "filter.fetched", &out->fetched_from, &out->fetched_to, violations);
  out->language = absl::AsciiStrToLower(filter.language());
  if (out->language.size() > 35 ||
      !std::all_of(out->language.begin(), out->language.end(),
                   [](char c) { return absl::ascii_isalnum(c) || c == '-'; })) {
    violations->Add("INVALID_LANGUAGE", "filter.language",
                    "filter.language must be a BCP-47 code such as \"en\"");
  }
  out->include_duplicates = include_duplicates;
  if (!searchable && (out->HasFilters() || ignored->empty())) out->text.clear();
}

std::optional<PageCursor> CheckToken(const std::string& key, const std::string& binding,
                                     const std::string& token, const std::string& field,
                                     Violations* violations) {
  if (token.empty()) return std::nullopt;
  std::optional<PageCursor> cursor = DecodePageToken(key, binding, token);
  if (!cursor) {
    violations->Add("INVALID_PAGE_TOKEN", field,
                    field + " is malformed or belongs to another request");
  }
  return cursor;
}

}  // namespace

grpc::Status QueryServiceImpl::SearchArticles(grpc::ServerContext* context,
                                              const v1::SearchArticlesRequest* request,
                                              v1::SearchArticlesResponse* response) {
  Violations violations;
  ArticleQuery query;
  ParsedQuery parsed;
  std::vector<std::string> ignored;
  BuildQuery(request->query(), request->filter(), request->include_duplicates(), &query, &parsed,
             &ignored, &violations);
  int page_size = CheckPageSize(request->page_size(), "page_size", &violations);
  SearchOptions options;
  options.page_size = page_size;
  const std::string& order_by = absl::AsciiStrToLower(request->order_by());
  if (order_by.empty() || order_by == "relevance") {
    options.order = SearchOrder::kRelevance;
  } else if (order_by == "newest" || order_by == "published_at desc") {
    options.order = SearchOrder::kNewest;
  } else {
    violations.Add("INVALID_ORDER_BY", "order_by",
                   "order_by must be \"relevance\" or \"newest\"");
  }
  if (query.text.empty()) {
    if (!query.HasFilters() && violations.empty()) {
      return InvalidArgumentWithDetails("EMPTY_QUERY", "query",
                                        "query must not be empty unless a filter is given");
    }
    options.order = SearchOrder::kNewest;  // nothing to rank by
  }
  std::string binding = absl::StrCat(
      "search\x1f", options.order == SearchOrder::kNewest ? "newest" : "relevance", "\x1f",
      query.Binding());
  options.after = CheckToken(options_.page_token_key, binding, request->page_token(),
                             "page_token", &violations);
  if (!violations.empty()) return violations.ToStatus();
  options.spell_words = parsed.words;
  options.relevance_window = options_.relevance_window;

  auto page = reader_->Search(query, options, TimeLeft(context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::SearchHit& hit : page->hits) *response->add_hits() = std::move(hit);
  if (page->next) {
    response->set_next_page_token(EncodePageToken(options_.page_token_key, binding, *page->next));
  }
  response->set_total_size(page->total_size);
  response->set_total_size_exact(page->total_size_exact);
  if (response->hits().empty() && !options.after) {  // no first page: surely no match
    response->set_total_size(0);
    response->set_total_size_exact(true);
    page->facets.set_facets_exact(true);
  }
  response->set_ranked_window(page->ranked_window);
  *response->mutable_facets() = std::move(page->facets);
  for (std::string& word : ignored) response->add_ignored_words(std::move(word));
  if (!page->corrections.empty()) {
    std::vector<std::string> from, to;
    for (auto& [word, suggestion] : page->corrections) {
      from.push_back(word);
      to.push_back(suggestion);
    }
    response->set_suggested_query(ReplaceWords(request->query(), from, to));
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetArticle(grpc::CallbackServerContext* context,
                                                       const v1::GetArticleRequest* request,
                                                       v1::Article* response) {
  // gRPC's default reactor runs its completion inline; a reactor of our own
  // (to finish on cancellation) cost a hop to gRPC's executor per call:
  // 8-10% fewer gets/s. A cancelled call's lookup is dropped at its deadline
  // anyway, and a shutdown cancels the queued ones (CancelQueuedGets).
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->id().empty()) {
    reactor->Finish(InvalidArgumentWithDetails("MISSING_ID", "id", "id must not be empty"));
    return reactor;
  }
  // `response` and `reactor` live until Finish.
  reader_->GetAsync(request->id(), TimeLeft(context),
                    [reactor, response](absl::StatusOr<v1::Article> article) {
                      if (!article.ok()) {
                        reactor->Finish(ToGrpcStatus(article.status()));
                        return;
                      }
                      *response = std::move(*article);
                      reactor->Finish(grpc::Status::OK);
                    });
  return reactor;
}

grpc::Status QueryServiceImpl::BatchGetArticles(grpc::ServerContext* context,
                                                const v1::BatchGetArticlesRequest* request,
                                                v1::BatchGetArticlesResponse* response) {
  Violations violations;
  if (request->ids_size() == 0 || request->ids_size() > kMaxBatchGet) {
    violations.Add("BATCH_SIZE_OUT_OF_RANGE", "ids",
                   absl::StrCat("ids must hold 1 to ", kMaxBatchGet, " ids"));
  }
  for (int i = 0; i < request->ids_size(); ++i) {
    if (request->ids(i).empty()) {
      violations.Add("MISSING_ID", absl::StrCat("ids[", i, "]"), "ids must not be empty");
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  std::vector<std::string> ids(request->ids().begin(), request->ids().end());
  auto articles = reader_->BatchGet(ids, TimeLeft(context));
  if (!articles.ok()) return ToGrpcStatus(articles.status());
  for (v1::Article& a : *articles) *response->add_articles() = std::move(a);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ListArticles(grpc::ServerContext* context,
                                            const v1::ListArticlesRequest* request,
                                            v1::ListArticlesResponse* response) {
  Violations violations;
  ArticleQuery query;
  ParsedQuery parsed;
  std::vector<std::string> ignored;
  BuildQuery("", request->filter(), request->include_duplicates(), &query, &parsed, &ignored,
             &violations);
  SearchOptions options;
  options.page_size = CheckPageSize(request->page_size(), "page_size", &violations);
  options.order = SearchOrder::kNewest;
  options.facets = false;
  options.snippets = false;
  std::string binding = absl::StrCat("list\x1f", query.Binding());
  options.after = CheckToken(options_.page_token_key, binding, request->page_token(),
                             "page_token", &violations);
  if (!violations.empty()) return violations.ToStatus();
  auto page = reader_->Search(query, options, TimeLeft(context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::SearchHit& hit : page->hits) *response->add_articles() = std::move(*hit.mutable_article());
  if (page->next) {
    response->set_next_page_token(EncodePageToken(options_.page_token_key, binding, *page->next));
  }
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ListAuthors(grpc::ServerContext* context,
                                           const v1::ListAuthorsRequest* request,
                                           v1::ListAuthorsResponse* response) {
  Violations violations;
  int page_size = CheckPageSize(request->page_size(), "page_size", &violations);
  auto after = CheckToken(options_.page_token_key, "authors", request->page_token(),
                          "page_token", &violations);
  if (!violations.empty()) return violations.ToStatus();
  auto page = reader_->ListAuthors(page_size, after, TimeLeft(context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::AuthorProfile& a : page->authors) *response->add_authors() = std::move(a);
  if (page->next) {
    response->set_next_page_token(EncodePageToken(options_.page_token_key, "authors", *page->next));
  }
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetAuthor(grpc::ServerContext* context,
                                         const v1::GetAuthorRequest* request,
                                         v1::AuthorProfile* response) {
  absl::string_view name = absl::StripAsciiWhitespace(request->name());
  if (name.empty()) {
    return InvalidArgumentWithDetails("MISSING_NAME", "name", "name must not be empty");
  }
  auto author = reader_->GetAuthor(std::string(name), TimeLeft(context));
  if (!author.ok()) return ToGrpcStatus(author.status());
  *response = std::move(*author);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::FindSimilarArticles(grpc::ServerContext* context,
                                                   const v1::FindSimilarArticlesRequest* request,
                                                   v1::FindSimilarArticlesResponse* response) {
  Violations violations;
  if (request->id().empty()) violations.Add("MISSING_ID", "id", "id must not be empty");
  int page_size = CheckPageSize(request->page_size(), "page_size", &violations);
  if (!violations.empty()) return violations.ToStatus();
  auto similar = reader_->FindSimilar(request->id(), page_size, TimeLeft(context));
  if (!similar.ok()) return ToGrpcStatus(similar.status());
  for (v1::SimilarArticle& s : *similar) *response->add_articles() = std::move(s);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ListComments(grpc::ServerContext* context,
                                            const v1::ListCommentsRequest* request,
                                            v1::ListCommentsResponse* response) {
  Violations violations;
  if (request->article_id().empty()) {
    violations.Add("MISSING_ID", "article_id", "article_id must not be empty");
  }
  int page_size = CheckPageSize(request->page_size(), "page_size", &violations);
  // Bound to the article: another article's token would skip its comments.
  std::string binding = absl::StrCat("comments\x1f", request->article_id());
  auto after = CheckToken(options_.page_token_key, binding, request->page_token(), "page_token",
                          &violations);
  if (!violations.empty()) return violations.ToStatus();
  auto page = reader_->ListComments(request->article_id(), page_size, after, TimeLeft(context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::Comment& c : page->comments) *response->add_comments() = std::move(c);
  if (page->next) {
    response->set_next_page_token(EncodePageToken(options_.page_token_key, binding, *page->next));
  }
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::WatchArticles(
    grpc::ServerContext* context, const v1::WatchArticlesRequest* request,
    grpc::ServerWriter<v1::WatchArticlesResponse>* writer) {
  // Counted before anything else, released on every return.
  struct Slot {
    std::atomic<int>* n;
    prometheus::Gauge* gauge;
    ~Slot() {
      const int left = --*n;
      if (gauge != nullptr) gauge->Set(left);
    }
  } slot{&active_watches_, options_.active_watches_gauge};
  const int open = ++active_watches_;
  if (slot.gauge != nullptr) slot.gauge->Set(open);
  if (open > options_.max_watches) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        absl::StrCat("this server already serves ", options_.max_watches,
                                     " watches (BROADSHEET_MAX_WATCHES)"));
  }
  Violations violations;
  ArticleQuery query;
  ParsedQuery parsed;
  std::vector<std::string> ignored;
  BuildQuery(request->query(), request->filter(), request->include_duplicates(), &query, &parsed,
             &ignored, &violations);
  // Text without a searchable word watches nothing; alone it is no query at
  // all (an empty one would watch every article).
  if (!parsed.text.empty() && query.text.empty() && !query.HasFilters()) {
    return InvalidArgumentWithDetails("EMPTY_QUERY", "query",
                                      "query has no searchable word and no filter is given");
  }
  // "watch2": resume tokens hold a feed position (older ones a timestamp).
  std::string binding = absl::StrCat("watch2\x1f", query.Binding());
  std::optional<PageCursor> cursor = CheckToken(options_.page_token_key, binding,
                                                request->resume_token(), "resume_token",
                                                &violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!cursor) {
    auto latest = reader_->LatestCursor(std::chrono::seconds(10));
    if (!latest.ok()) return ToGrpcStatus(latest.status());
    cursor = *latest;
  }
  // Initial metadata tells the client the watch's starting point is fixed:
  // everything indexed from now on will be sent.
  writer->SendInitialMetadata();
  constexpr int kBatch = 100;
  uint64_t generation = notifier_->generation();
  while (!context->IsCancelled() && !stopping_) {
    auto batch = reader_->IndexedAfter(query, *cursor, kBatch, std::chrono::seconds(10));
    if (!batch.ok()) {
      // A restarting database, or every search connection busy for the
      // whole poll (the watch's own deadline is not at stake): try again.
      const absl::StatusCode code = batch.status().code();
      if (code != absl::StatusCode::kUnavailable && code != absl::StatusCode::kDeadlineExceeded) {
        return ToGrpcStatus(batch.status());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    for (IndexedArticle& item : *batch) {
      v1::WatchArticlesResponse message;
      *message.mutable_article() = std::move(item.article);
      message.set_resume_token(EncodePageToken(options_.page_token_key, binding, item.cursor));
      if (!writer->Write(message)) return grpc::Status::OK;  // client gone
      cursor = item.cursor;
    }
    if (static_cast<int>(batch->size()) == kBatch) continue;
    generation = notifier_->WaitForChange(generation, options_.watch_poll);
  }
  if (stopping_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down");
  return grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
}

}  // namespace broadsheet
