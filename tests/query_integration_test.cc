// QueryService against the real stack: pages go in through the ingest
// service, pass Kafka and the indexer, and every QueryService RPC reads them
// back. Each test makes its own words (a per-run nonce), so runs against a
// database that already holds data stay independent.
//
// Collapsing near-duplicates (SearchHit.duplicate_count) relies on the
// indexer filling articles.canonical_id; every other check relies only on
// columns the indexer has always written. Apart from the collapse test,
// requests set include_duplicates: generated articles may, rarely, fall
// within SimHash distance 3 of an article of another run and be collapsed
// into it.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "broadsheet/v1/ingest_service.grpc.pb.h"
#include "broadsheet/v1/query_service.grpc.pb.h"
#include "common/env.h"
#include "query/article_reader.h"
#include "query/pg_pool.h"
#include "stack_test_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace broadsheet {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Nonce() {
  static std::mt19937_64 rng(std::random_device{}());
  std::string word = "qz";
  for (int i = 0; i < 10; ++i) word.push_back(static_cast<char>('a' + rng() % 26));
  return word;
}

std::string Capitalised(std::string s) {
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

struct TestArticle {
  std::string title;
  std::string standfirst;
  std::string body;  // paragraphs separated by blank lines
  std::string author;
};

// A body about `word` whose other words depend on `variant`, so bodies of
// different variants are far apart in SimHash (never near-duplicates).
std::string Body(const std::string& word, int variant) {
  static const char* const kWords[] = {
      "anglers",  "farmers",  "engineers", "council",   "sewage",    "monitoring", "equipment",
      "heavy",    "rain",     "residents", "letters",   "paper",     "company",    "fine",
      "behaviour", "plan",    "ninety",    "days",      "county",    "hall",       "evidence",
      "weeks",    "public",   "sessions",  "report",    "tuesday",   "months",     "untreated",
      "smell",    "dead",     "fish",      "answered",  "accepted",  "findings",   "publish",
      "doubted",  "regulator", "meadow",   "bridge",    "harbour",   "school",     "budget",
      "railway",  "station",  "hospital",  "library",   "market",    "festival",   "orchestra",
      "museum",   "stadium",  "airport",   "election",  "minister",  "tax",        "housing",
      "rent",     "wages",    "strike",    "union",     "factory",   "orchard",    "vineyard",
      "glacier",  "volcano",  "desert",    "forest",    "canal",     "lighthouse", "ferry"};
  std::mt19937 rng(static_cast<unsigned>(variant) * 7919u + 17u);
  std::string body;
  for (int p = 0; p < 4; ++p) {
    if (p > 0) body += "\n\n";
    body += "The " + word + " story";
    for (int i = 0; i < 40; ++i) {
      body += ' ';
      body += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
    }
    body += '.';
  }
  return body;
}

// A page in the style crawls store: caption lines between articles, then
// title, standfirst, body and the author line of each.
std::string MakePage(const std::vector<TestArticle>& articles) {
  std::string page;
  for (size_t i = 0; i < articles.size(); ++i) {
    const TestArticle& a = articles[i];
    if (i > 0) page += "Photo: Getty\nShow Hide image\n\n";
    page += a.title + "\n\n" + a.standfirst + "\n\n" + a.body + "\n\n";
    page += a.author + " is environment correspondent of the County Courier.\n\n";
  }
  return page;
}

// `n` distinct articles that all hold `word`, by the given authors in turn.
std::vector<TestArticle> Articles(const std::string& word, int n,
                                  const std::vector<std::string>& authors,
                                  const std::string& salt = "") {
  std::vector<TestArticle> out;
  for (int i = 0; i < n; ++i) {
    std::string k = salt + std::to_string(i + 1);
    out.push_back({absl::StrCat("The ", word, " inquiry reaches verdict number ", k,
                                " on the river"),
                   absl::StrCat("Campaigners say the findings on the ", word, " case ", k,
                                " came years too late."),
                   absl::StrCat(Body(word, static_cast<int>(
                                               std::hash<std::string>()(word + k) % 1000000)),
                                "\n\nThis is report ", k, " of the series."),
                   authors[i % authors.size()]});
  }
  return out;
}

std::string ErrorReason(const grpc::Status& status, std::vector<std::string>* fields = nullptr) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  std::string reason;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) reason = info.reason();
    if (fields != nullptr && any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) fields->push_back(v.field());
    }
  }
  return reason;
}

std::vector<std::string> Ids(const v1::SearchArticlesResponse& r) {
  std::vector<std::string> ids;
  for (const auto& hit : r.hits()) ids.push_back(hit.article().id());
  return ids;
}

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::shared_ptr<grpc::Channel> ingest_channel;
    BROADSHEET_REQUIRE_STACK(testing::ConnectServices(&ingest_channel, &query_channel_),
                             "stack unreachable: " + testing::ServicesDescription());
    ingest_ = v1::IngestService::NewStub(ingest_channel);
    query_ = v1::QueryService::NewStub(query_channel_);
  }

  // `after` is appended to the page (say, its reader comments).
  std::vector<std::string> Ingest(const std::vector<TestArticle>& articles,
                                  const std::string& url = "", const std::string& after = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(60));
    v1::IngestPageRequest request;
    request.mutable_page()->set_text(MakePage(articles) + after);
    request.mutable_page()->set_url(url);
    v1::IngestPageResponse response;
    grpc::Status status = ingest_->IngestPage(&ctx, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.article_ids_size(), static_cast<int>(articles.size()));
    return {response.article_ids().begin(), response.article_ids().end()};
  }

  grpc::Status Search(const v1::SearchArticlesRequest& request, v1::SearchArticlesResponse* out) {
    out->Clear();
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    return query_->SearchArticles(&ctx, request, out);
  }

  v1::SearchArticlesResponse Search(const std::string& query, int page_size = 10) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_page_size(page_size);
    request.set_include_duplicates(true);
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Waits until `request` reports `expected` hits in total.
  v1::SearchArticlesResponse SearchUntil(const v1::SearchArticlesRequest& request,
                                         int64_t expected) {
    v1::SearchArticlesResponse response;
    auto until = std::chrono::steady_clock::now() + seconds(90);
    while (std::chrono::steady_clock::now() < until) {
      grpc::Status status = Search(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (response.total_size() >= expected) break;
      std::this_thread::sleep_for(milliseconds(250));
    }
    EXPECT_EQ(response.total_size(), expected) << "for query " << request.query();
    return response;
  }

  v1::SearchArticlesResponse SearchUntil(const std::string& query, int64_t expected) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_include_duplicates(true);
    return SearchUntil(request, expected);
  }

  // Every id of every page of `request`, in order.
  std::vector<std::string> AllPages(v1::SearchArticlesRequest request,
                                    const std::function<void()>& between_pages = nullptr) {
    std::vector<std::string> seen;
    do {
      v1::SearchArticlesResponse response;
      grpc::Status status = Search(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const std::string& id : Ids(response)) seen.push_back(id);
      request.set_page_token(response.next_page_token());
      if (between_pages) between_pages();
    } while (!request.page_token().empty() && seen.size() < 1000);
    return seen;
  }

  std::shared_ptr<grpc::Channel> query_channel_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::QueryService::Stub> query_;
};

TEST_F(QueryTest, SearchAppliesOperatorsFiltersAndFacets) {
  std::string w = Nonce();
  std::vector<std::string> authors = {"Alex Marlow", "Ruth Penhale", "Sam Oduya"};
  std::vector<std::string> ids = Ingest(Articles(w, 5, authors), "https://www.courier.example/" + w);
  v1::SearchArticlesResponse all = SearchUntil(w, 5);
  EXPECT_TRUE(all.total_size_exact());
  ASSERT_EQ(all.hits_size(), 5);
  for (const auto& hit : all.hits()) {
    EXPECT_NE(hit.snippet().find("\xee\x80\x80"), std::string::npos) << hit.snippet();
    EXPECT_GT(hit.score(), 0);
    EXPECT_EQ(hit.article().paragraphs_size(), 0);  // hits carry no full text
  }
  std::map<std::string, int64_t> facet;
  for (const auto& f : all.facets().authors()) facet[f.value()] = f.count();
  EXPECT_EQ(facet, (std::map<std::string, int64_t>{
                       {"Alex Marlow", 2}, {"Ruth Penhale", 2}, {"Sam Oduya", 1}}));
  ASSERT_EQ(all.facets().languages_size(), 1);
  EXPECT_EQ(all.facets().languages(0).value(), "en");
  EXPECT_EQ(all.facets().languages(0).count(), 5);
  EXPECT_TRUE(all.facets().facets_exact());

  v1::SearchArticlesResponse by_author = Search(w + " author:\"ruth PENHALE\"");
  EXPECT_EQ(by_author.total_size(), 2);
  for (const auto& hit : by_author.hits()) EXPECT_EQ(hit.article().author().name(), "Ruth Penhale");

  v1::SearchArticlesRequest filtered;
  filtered.set_query(w);
  filtered.set_include_duplicates(true);
  filtered.mutable_filter()->add_authors("Sam Oduya");
  filtered.mutable_filter()->add_authors("Alex Marlow");
  v1::SearchArticlesResponse response;
  ASSERT_TRUE(Search(filtered, &response).ok());
  EXPECT_EQ(response.total_size(), 3);

  // Operator and filter both restrict.
  filtered.set_query(w + " author:\"Ruth Penhale\"");
  ASSERT_TRUE(Search(filtered, &response).ok());
  EXPECT_EQ(response.total_size(), 0);

  EXPECT_EQ(Search(w + " site:courier.example").total_size(), 5);  // host suffix
  // A pasted URL stands for its host.
  EXPECT_EQ(Search(w + " site:https://www.courier.example/news/today?x=1").total_size(), 5);
  EXPECT_EQ(Search(w + " site:elsewhere.example").total_size(), 0);
  EXPECT_EQ(Search(w + " -verdict").total_size(), 0);
  EXPECT_EQ(Search("\"" + w + " inquiry reaches\" OR nothingmatchesthisqz").total_size(), 5);
  EXPECT_EQ(Search(w + " \"report 3 of the series\"").total_size(), 1);

  filtered.Clear();
  filtered.set_query(w);
  filtered.set_include_duplicates(true);
  filtered.mutable_filter()->set_language("fr");
  ASSERT_TRUE(Search(filtered, &response).ok());
  EXPECT_EQ(response.total_size(), 0);
  filtered.mutable_filter()->set_language("en");
  auto* fetched = filtered.mutable_filter()->mutable_fetched();
  fetched->mutable_start_time()->set_seconds(1);
  fetched->mutable_end_time()->set_seconds(2);
  ASSERT_TRUE(Search(filtered, &response).ok());
  EXPECT_EQ(response.total_size(), 0);

  // Operators alone (no words) list the matches newest first. Duplicates
  // included: this run's articles are near-duplicates of each other, and the
  // canonical one of a cluster may have another author.
  filtered.Clear();
  filtered.set_query("author:\"Sam Oduya\" site:www.courier.example");
  filtered.set_include_duplicates(true);
  ASSERT_TRUE(Search(filtered, &response).ok());
  EXPECT_GE(response.total_size(), 1);
}

TEST_F(QueryTest, NewestOrderSortsByDateAndPagesCleanly) {
  std::string w = Nonce();
  Ingest(Articles(w, 3, {"Alex Marlow"}, "a"));
  Ingest(Articles(w, 3, {"Alex Marlow"}, "b"));
  SearchUntil(w, 6);
  v1::SearchArticlesRequest request;
  request.set_query(w);
  request.set_include_duplicates(true);
  request.set_order_by("newest");
  request.set_page_size(4);
  v1::SearchArticlesResponse page;
  ASSERT_TRUE(Search(request, &page).ok());
  ASSERT_EQ(page.hits_size(), 4);
  // An article's date: published, else fetched, else indexed.
  auto date = [](const v1::Article& a) {
    const auto& ts = a.has_published_at() ? a.published_at()
                     : a.has_fetched_at() ? a.fetched_at()
                                          : a.indexed_at();
    return ts.seconds() * 1000000000LL + ts.nanos();
  };
  for (int i = 1; i < page.hits_size(); ++i) {
    EXPECT_GE(date(page.hits(i - 1).article()), date(page.hits(i).article()));
  }
  request.set_page_size(1);
  std::vector<std::string> ids = AllPages(request);
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 6u);
}

// Relevance weighs where a word occurs: the title over the standfirst over
// the body (setweight A, B, D in the indexer), whatever the order of
// ingestion.
TEST_F(QueryTest, RelevanceWeighsTitleOverStandfirstOverBody) {
  std::string w = Nonce();
  auto article = [&](const std::string& title, const std::string& standfirst,
                     const std::string& extra, int variant) {
    return TestArticle{title, standfirst, Body(Nonce(), variant) + extra, "Ria Okafor"};
  };
  std::vector<TestArticle> articles = {
      article("Harbour dredging starts after years of delay",
              "Engineers say the channel will be ready by spring.",
              "\n\nThe " + w + " plan was mentioned once.", 11),
      article("Ferry timetable changes for the winter",
              "Operators say the " + w + " crossing moves to the evening.", "", 12),
      article("The " + w + " crossing gets a new ferry", "Operators expect more passengers.",
              "", 13)};
  std::vector<std::string> ids = Ingest(articles);  // body, standfirst, title
  ASSERT_EQ(ids.size(), 3u);
  v1::SearchArticlesResponse response = SearchUntil(w, 3);
  ASSERT_EQ(response.hits_size(), 3);
  EXPECT_EQ(Ids(response), (std::vector<std::string>{ids[2], ids[1], ids[0]}));
  EXPECT_GT(response.hits(0).score(), response.hits(1).score());
  EXPECT_GT(response.hits(1).score(), response.hits(2).score());
}

// Snippets mark a word beyond ASCII where PostgreSQL's stemmer gives it the
// query's lexeme: "cafés" and "CAFÉS" are 'café', "protégés" 'protégé'.
TEST_F(QueryTest, SnippetsMarkWordsBeyondAsciiThatStemToTheQuery) {
  std::string w = Nonce();
  std::vector<std::string> ids = Ingest({TestArticle{
      "Harbour " + w + " reopens", "Owners expect a busy summer.",
      Body(Nonce(), 21) + "\n\nThe CAF\u00c9S and their prot\u00e9g\u00e9s stayed open.",
      "Ria Okafor"}});
  ASSERT_EQ(ids.size(), 1u);
  v1::SearchArticlesResponse response = SearchUntil(w + " caf\u00e9s prot\u00e9g\u00e9", 1);
  ASSERT_EQ(response.hits_size(), 1);
  const std::string on = "\xee\x80\x80", off = "\xee\x80\x81";
  const std::string& snippet = response.hits(0).snippet();
  EXPECT_NE(snippet.find(on + "CAF\u00c9S" + off), std::string::npos) << snippet;
  EXPECT_NE(snippet.find(on + "prot\u00e9g\u00e9s" + off), std::string::npos) << snippet;
}

// A broad query ranks only its most recent matches (ArticleReader, in
// process, with the window forced: the test's few articles would never make
// a query broad enough). Every page ranks the same window, in score order,
// and an article indexed while paging never pushes one out of it.
TEST_F(QueryTest, RelevanceWindowRanksTheNewestMatchesOnEveryPage) {
  std::string w = Nonce();
  Ingest(Articles(w, 6, {"Ria Okafor"}, "a"));
  Ingest(Articles(w, 6, {"Ria Okafor"}, "b"));
  SearchUntil(w, 12);
  ArticleReader reader(LoadCommonSettings().database_url, 2);
  ArticleQuery query;
  query.text = w;
  query.include_duplicates = true;
  auto page_of = [&](const SearchOptions& options) {
    auto page = reader.Search(query, options, std::chrono::seconds(10));
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : SearchPage();
  };
  SearchOptions newest;
  newest.order = SearchOrder::kNewest;
  newest.page_size = 5;
  std::set<std::string> newest_five;
  for (const auto& hit : page_of(newest).hits) newest_five.insert(hit.article().id());
  ASSERT_EQ(newest_five.size(), 5u);

  SearchOptions windowed;
  windowed.relevance_window = 5;
  windowed.force_relevance_window = true;
  windowed.page_size = 2;
  std::vector<std::string> ids;
  std::vector<double> scores;
  bool first = true;
  do {
    SearchPage page = page_of(windowed);
    if (first) {
      EXPECT_EQ(page.ranked_window, 5);
      // Facets are counted over the window and scaled to the total, but
      // never beyond the author's stored articles (BoundEstimates).
      EXPECT_FALSE(page.total_size_exact);
      EXPECT_GE(page.total_size, 5);
      ASSERT_EQ(page.facets.authors_size(), 1);
      EXPECT_EQ(page.facets.authors(0).value(), "Ria Okafor");
      EXPECT_GE(page.facets.authors(0).count(), 5);
      EXPECT_LE(page.facets.authors(0).count(), page.total_size);
      Ingest(Articles(w, 1, {"Ria Okafor"}, "late"));  // newer than the window
      first = false;
    }
    for (const auto& hit : page.hits) {
      ids.push_back(hit.article().id());
      scores.push_back(hit.score());
    }
    windowed.after = page.next;
  } while (windowed.after && ids.size() < 50);
  std::set<std::string> seen(ids.begin(), ids.end());
  EXPECT_EQ(seen.size(), ids.size()) << "a page repeated an article";
  for (const std::string& id : newest_five) EXPECT_EQ(seen.count(id), 1u) << id;
  // The window holds the five newest, plus the late article if it was
  // indexed in time to rank below the cursor; nothing older.
  EXPECT_LE(ids.size(), 6u);
  for (size_t i = 1; i < scores.size(); ++i) EXPECT_GE(scores[i - 1], scores[i]);

  SearchOptions exact;
  exact.page_size = 20;
  SearchPage all = page_of(exact);
  EXPECT_EQ(all.ranked_window, 0);
  EXPECT_GE(all.hits.size(), 12u);
}

TEST_F(QueryTest, PagingWhileIngestingReturnsEachArticleExactlyOnce) {
  std::string w = Nonce();
  std::set<std::string> before;
  for (int p = 0; p < 4; ++p) {
    for (const std::string& id : Ingest(Articles(w, 3, {"Ruth Penhale"}, std::to_string(p)))) {
      before.insert(id);
    }
  }
  SearchUntil(w, 12);
  for (const char* order : {"relevance", "newest"}) {
    v1::SearchArticlesRequest request;
    request.set_query(w);
    request.set_include_duplicates(true);
    request.set_order_by(order);
    request.set_page_size(2);
    int batch = 0;
    std::vector<std::string> seen = AllPages(request, [&] {
      // New articles for the same query arrive between pages.
      Ingest(Articles(w, 2, {"Sam Oduya"}, std::string(order) + std::to_string(batch++)));
    });
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << order << ": a page repeated an article";
    for (const std::string& id : before) {
      EXPECT_EQ(unique.count(id), 1u) << order << ": skipped " << id;
    }
  }
}

TEST_F(QueryTest, PageTokensAreBoundToQueryFilterAndOrder) {
  std::string w = Nonce();
  Ingest(Articles(w, 3, {"Alex Marlow"}));
  SearchUntil(w, 3);
  v1::SearchArticlesRequest request;
  request.set_query(w);
  request.set_include_duplicates(true);
  request.set_page_size(1);
  v1::SearchArticlesResponse first;
  ASSERT_TRUE(Search(request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());

  std::vector<v1::SearchArticlesRequest> others(5, request);
  others[0].set_query(w + " river");
  others[1].set_order_by("newest");
  others[2].mutable_filter()->add_authors("Alex Marlow");
  others[3].set_include_duplicates(false);
  others[4].mutable_filter()->set_language("en");
  for (v1::SearchArticlesRequest& other : others) {
    other.set_page_token(first.next_page_token());
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(other, &response);
    std::vector<std::string> fields;
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << other.DebugString();
    EXPECT_EQ(ErrorReason(status, &fields), "INVALID_PAGE_TOKEN");
    EXPECT_EQ(fields, std::vector<std::string>{"page_token"});
  }
  request.set_page_token(first.next_page_token());
  v1::SearchArticlesResponse second;
  ASSERT_TRUE(Search(request, &second).ok());
  EXPECT_NE(Ids(second), Ids(first));
}

TEST_F(QueryTest, BadRequestsNameEveryBadField) {
  struct Case {
    std::string name;
    v1::SearchArticlesRequest request;
    std::string reason;
    std::vector<std::string> fields;
  };
  std::vector<Case> cases;
  auto add = [&](std::string name, std::string reason, std::vector<std::string> fields,
                 const std::function<void(v1::SearchArticlesRequest*)>& set) {
    Case c{std::move(name), {}, std::move(reason), std::move(fields)};
    c.request.set_query("river");
    set(&c.request);
    cases.push_back(std::move(c));
  };
  add("page size too big", "PAGE_SIZE_OUT_OF_RANGE", {"page_size"},
      [](auto* r) { r->set_page_size(101); });
  add("negative page size", "PAGE_SIZE_OUT_OF_RANGE", {"page_size"},
      [](auto* r) { r->set_page_size(-1); });
  add("garbage token", "INVALID_PAGE_TOKEN", {"page_token"},
      [](auto* r) { r->set_page_token("bm90IGEgdG9rZW4"); });
  add("inverted range", "INVERTED_TIME_RANGE", {"filter.published"}, [](auto* r) {
    r->mutable_filter()->mutable_published()->mutable_start_time()->set_seconds(1700000000);
    r->mutable_filter()->mutable_published()->mutable_end_time()->set_seconds(1600000000);
  });
  add("long query", "QUERY_TOO_LONG", {"query"},
      [](auto* r) { r->set_query(std::string(1025, 'a')); });
  add("bad order", "INVALID_ORDER_BY", {"order_by"}, [](auto* r) { r->set_order_by("oldest"); });
  add("two at once", "INVERTED_TIME_RANGE", {"filter.fetched", "page_size"}, [](auto* r) {
    r->set_page_size(1000);
    r->mutable_filter()->mutable_fetched()->mutable_start_time()->set_seconds(5);
    r->mutable_filter()->mutable_fetched()->mutable_end_time()->set_seconds(5);
  });
  add("empty", "EMPTY_QUERY", {"query"}, [](auto* r) { r->set_query("  "); });
  for (const Case& c : cases) {
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(c.request, &response);
    std::vector<std::string> fields;
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(ErrorReason(status, &fields), c.reason) << c.name;
    EXPECT_EQ(fields, c.fields) << c.name;
  }

  grpc::ClientContext ctx;
  v1::ListArticlesRequest list;
  list.set_page_size(500);
  v1::ListArticlesResponse list_response;
  EXPECT_EQ(query_->ListArticles(&ctx, list, &list_response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(QueryTest, SqlInQueryTextIsOnlyText) {
  for (std::string q : {"'; DROP TABLE articles; --", "author:\"x'); DELETE FROM articles; --\"",
                        "site:\\\" OR 1=1", "\"unterminated", "a:b:c & | ! <->"}) {
    v1::SearchArticlesRequest request;
    request.set_query(q);
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(request, &response);
    EXPECT_TRUE(status.ok()) << q << ": " << status.error_message();
  }
  EXPECT_GE(Search("river").total_size(), 0);
}

TEST_F(QueryTest, DeadlineIsHonoured) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(1));
  v1::SearchArticlesRequest request;
  request.set_query("river");
  v1::SearchArticlesResponse response;
  grpc::Status status = query_->SearchArticles(&ctx, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
}

TEST_F(QueryTest, GetAndBatchGetReturnFullArticlesSourcesAndDuplicates) {
  std::string w = Nonce();
  // Same body under two titles: a near-duplicate pair (SimHash of the body).
  TestArticle original{"The " + w + " report lands on the minister's desk",
                       "Ministers face questions over the " + w + " findings.", Body(w, 7),
                       "Alex Marlow"};
  TestArticle copy = original;
  copy.title = "Minister receives the " + w + " report";
  std::string a = Ingest({original}, "https://courier.example/a/" + w).at(0);
  std::string b = Ingest({copy}, "https://mirror.example/b/" + w).at(0);
  ASSERT_NE(a, b);

  v1::SearchArticlesRequest everything;
  everything.set_query(w);
  everything.set_include_duplicates(true);
  SearchUntil(everything, 2);

  grpc::ClientContext ctx;
  v1::GetArticleRequest get;
  get.set_id(a);
  v1::Article article;
  ASSERT_TRUE(query_->GetArticle(&ctx, get, &article).ok());
  EXPECT_EQ(article.title(), original.title);
  EXPECT_EQ(article.paragraphs_size(), 4);  // the body's four paragraphs
  EXPECT_EQ(article.author().name(), "Alex Marlow");
  ASSERT_EQ(article.sources_size(), 1);
  EXPECT_EQ(article.sources(0).url(), "https://courier.example/a/" + w);
  EXPECT_EQ(std::vector<std::string>(article.near_duplicate_ids().begin(),
                                     article.near_duplicate_ids().end()),
            std::vector<std::string>{b});

  grpc::ClientContext batch_ctx;
  v1::BatchGetArticlesRequest batch;
  batch.add_ids(b);
  batch.add_ids(a);
  v1::BatchGetArticlesResponse batch_response;
  ASSERT_TRUE(query_->BatchGetArticles(&batch_ctx, batch, &batch_response).ok());
  ASSERT_EQ(batch_response.articles_size(), 2);
  EXPECT_EQ(batch_response.articles(0).id(), b);
  EXPECT_EQ(batch_response.articles(1).id(), a);
  EXPECT_EQ(batch_response.articles(0).sources(0).url(), "https://mirror.example/b/" + w);

  grpc::ClientContext missing_ctx;
  batch.add_ids("0000000000000000");
  grpc::Status missing = query_->BatchGetArticles(&missing_ctx, batch, &batch_response);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(missing.error_message().find("0000000000000000"), std::string::npos);

  grpc::ClientContext empty_ctx;
  EXPECT_EQ(query_->BatchGetArticles(&empty_ctx, {}, &batch_response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext unknown_ctx;
  get.set_id("0000000000000000");
  EXPECT_EQ(query_->GetArticle(&unknown_ctx, get, &article).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Similar: the near-duplicate first.
  grpc::ClientContext similar_ctx;
  v1::FindSimilarArticlesRequest similar;
  similar.set_id(a);
  similar.set_page_size(5);
  v1::FindSimilarArticlesResponse similar_response;
  ASSERT_TRUE(query_->FindSimilarArticles(&similar_ctx, similar, &similar_response).ok());
  ASSERT_GE(similar_response.articles_size(), 1);
  EXPECT_EQ(similar_response.articles(0).article().id(), b);
  EXPECT_TRUE(similar_response.articles(0).near_duplicate());
  EXPECT_EQ(similar_response.articles(0).distance(), 0);
  grpc::ClientContext similar_missing;
  similar.set_id("0000000000000000");
  EXPECT_EQ(query_->FindSimilarArticles(&similar_missing, similar, &similar_response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Needs the indexer to fill articles.canonical_id (collapse).
TEST_F(QueryTest, NearDuplicatesCollapseByDefault) {
  std::string w = Nonce();
  TestArticle original{"The " + w + " dam is to be removed soon",
                       "Engineers back the " + w + " plan.", Body(w, 3), "Ruth Penhale"};
  TestArticle copy = original;
  copy.title = "Removal of the " + w + " dam approved";
  std::vector<std::string> ids = Ingest({original});
  ids.push_back(Ingest({copy}).at(0));
  v1::SearchArticlesRequest everything;
  everything.set_query(w);
  everything.set_include_duplicates(true);
  SearchUntil(everything, 2);
  // The indexer links the pair when it stores the second article.
  v1::SearchArticlesRequest collapsing;  // include_duplicates unset: collapse
  collapsing.set_query(w);
  v1::SearchArticlesResponse collapsed = SearchUntil(collapsing, 1);
  ASSERT_EQ(collapsed.hits_size(), 1);
  EXPECT_EQ(collapsed.hits(0).article().id(), std::min(ids[0], ids[1]));
  EXPECT_EQ(collapsed.hits(0).duplicate_count(), 1);

  // A word only the non-canonical copy (the larger id) has still finds it:
  // the group is shown by its smallest matching article.
  const bool copy_is_later = ids[1] > ids[0];
  v1::SearchArticlesRequest later_only;
  later_only.set_query(w + (copy_is_later ? " approved" : " soon"));
  v1::SearchArticlesResponse found = SearchUntil(later_only, 1);
  ASSERT_EQ(found.hits_size(), 1);
  EXPECT_EQ(found.hits(0).article().id(), std::max(ids[0], ids[1]));
  EXPECT_EQ(found.hits(0).duplicate_count(), 1);
}

TEST_F(QueryTest, ListArticlesFiltersAndPagesNewestFirst) {
  std::string w = Nonce();
  std::string author = Capitalised(w) + " Reporter";
  std::vector<std::string> ids = Ingest(Articles(w, 3, {author}));
  SearchUntil(w, 3);
  v1::ListArticlesRequest request;
  request.mutable_filter()->add_authors(author);
  request.set_include_duplicates(true);
  request.set_page_size(2);
  std::vector<std::string> seen;
  std::string token;
  do {
    grpc::ClientContext ctx;
    request.set_page_token(token);
    v1::ListArticlesResponse response;
    ASSERT_TRUE(query_->ListArticles(&ctx, request, &response).ok());
    for (const auto& a : response.articles()) {
      seen.push_back(a.id());
      EXPECT_EQ(a.author().name(), author);
    }
    token = response.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(seen.size(), 3u);
}

// Comments go from the page through ingest, Kafka and the indexer to
// ListComments of every article of the page, and a recrawl of the url adds
// only the new one.
TEST_F(QueryTest, CommentsAreListedForEveryArticleOfTheirPage) {
  std::string w = Nonce();
  std::string url = "https://courier.example/comments/" + w;
  auto comments = [&](bool recrawl) {
    std::string out = "2 comments\n\nMorag " + Capitalised(w) +
                      " \u00b7 3 hours ago\n\nThe late boat is the only way home for half the "
                      "village.\n\nReply \u00b7 Share\n\nDan Pettigrew \u00b7 1 hour ago\n\n"
                      "They said the same about the bus and it never came back.\n";
    if (recrawl) {
      out +=
          "\nReply \u00b7 Share\n\nIslander \u00b7 just now\n\nSign the petition at "
          "the post office before Friday.\n";
    }
    return out;
  };
  std::vector<TestArticle> articles = Articles(w, 2, {"Alex Marlow"});
  std::vector<std::string> ids = Ingest(articles, url, comments(false));
  ASSERT_EQ(ids.size(), 2u);
  SearchUntil(w, 2);

  auto list = [&](const std::string& id, int page_size, const std::string& token,
                  v1::ListCommentsResponse* response) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::ListCommentsRequest request;
    request.set_article_id(id);
    request.set_page_size(page_size);
    request.set_page_token(token);
    response->Clear();
    return query_->ListComments(&ctx, request, response);
  };
  for (const std::string& id : ids) {
    v1::ListCommentsResponse response;
    ASSERT_TRUE(list(id, 0, "", &response).ok());
    ASSERT_EQ(response.comments_size(), 2) << "for " << id;
    EXPECT_EQ(response.comments(0).author(), "Morag " + Capitalised(w));
    EXPECT_EQ(response.comments(0).text(),
              "The late boat is the only way home for half the village.");
    EXPECT_EQ(response.comments(0).url(), url);
    EXPECT_EQ(response.comments(1).author(), "Dan Pettigrew");
    EXPECT_TRUE(response.next_page_token().empty());
  }

  // The recrawl is a different page (new bytes): same articles, one more
  // comment. It is listed once it is stored.
  Ingest(articles, url, comments(true));
  std::vector<std::string> texts;
  auto until = std::chrono::steady_clock::now() + seconds(60);
  while (texts.size() < 3 && std::chrono::steady_clock::now() < until) {
    texts.clear();
    std::string token;
    do {  // one at a time: pages neither repeat nor skip
      v1::ListCommentsResponse response;
      ASSERT_TRUE(list(ids[1], 1, token, &response).ok());
      for (const v1::Comment& c : response.comments()) texts.push_back(c.text());
      token = response.next_page_token();
    } while (!token.empty() && texts.size() < 10);
    if (texts.size() < 3) std::this_thread::sleep_for(milliseconds(250));
  }
  EXPECT_EQ(texts,
            (std::vector<std::string>{"The late boat is the only way home for half the village.",
                                      "They said the same about the bus and it never came back.",
                                      "Sign the petition at the post office before Friday."}));

  v1::ListCommentsResponse response;
  EXPECT_EQ(list("0000000000000000", 10, "", &response).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status bad = list("", 101, "forged", &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  ErrorReason(bad, &fields);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()),
            (std::set<std::string>{"article_id", "page_size", "page_token"}));
  // A token of one article's comments is refused for another's.
  ASSERT_TRUE(list(ids[0], 1, "", &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  EXPECT_EQ(list(ids[1], 1, response.next_page_token(), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(QueryTest, AuthorsHaveCountsAndLatestArticle) {
  std::string w = Nonce();
  std::string author = Capitalised(w) + " Writer";
  Ingest(Articles(w, 2, {author}, "x"));
  SearchUntil(w, 2);  // indexed before the next one, so that one is the latest
  std::vector<std::string> later = Ingest(Articles(w, 1, {author}, "y"));
  SearchUntil(w, 3);

  grpc::ClientContext ctx;
  v1::GetAuthorRequest get;
  get.set_name(author);
  v1::AuthorProfile profile;
  ASSERT_TRUE(query_->GetAuthor(&ctx, get, &profile).ok());
  EXPECT_EQ(profile.name(), author);
  EXPECT_EQ(profile.article_count(), 3);
  EXPECT_EQ(profile.latest_article().id(), later.at(0));
  EXPECT_NE(profile.bio().find("environment correspondent"), std::string::npos);

  // Any case and stray spaces find the same author, as the filters do.
  grpc::ClientContext any_case_ctx;
  get.set_name("  " + absl::AsciiStrToUpper(author) + " ");
  v1::AuthorProfile same;
  ASSERT_TRUE(query_->GetAuthor(&any_case_ctx, get, &same).ok());
  EXPECT_EQ(same.name(), author);
  EXPECT_EQ(same.article_count(), 3);

  grpc::ClientContext missing_ctx;
  get.set_name("Nobody " + w);
  EXPECT_EQ(query_->GetAuthor(&missing_ctx, get, &profile).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Page through every author; names come sorted and ours is among them once.
  std::vector<std::string> names;
  v1::ListAuthorsRequest list;
  list.set_page_size(100);
  std::string token;
  do {
    grpc::ClientContext list_ctx;
    list.set_page_token(token);
    v1::ListAuthorsResponse response;
    ASSERT_TRUE(query_->ListAuthors(&list_ctx, list, &response).ok());
    for (const auto& a : response.authors()) {
      names.push_back(a.name());
      if (a.name() == author) {
        EXPECT_EQ(a.article_count(), 3);
      }
    }
    token = response.next_page_token();
  } while (!token.empty() && names.size() < 100000);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::count(names.begin(), names.end(), author), 1);
}

TEST_F(QueryTest, MisspelledWordGetsASuggestion) {
  std::string w = Nonce();
  Ingest(Articles(w, 1, {"Sam Oduya"}));
  SearchUntil(w, 1);
  std::string typo = w.substr(0, w.size() - 1) + (w.back() == 'a' ? "b" : "a");
  // The vocabulary refreshes every few seconds.
  v1::SearchArticlesResponse response;
  auto until = std::chrono::steady_clock::now() + seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    response = Search(typo + " inquiry");
    if (!response.suggested_query().empty()) break;
    std::this_thread::sleep_for(milliseconds(500));
  }
  EXPECT_EQ(response.total_size(), 0);
  EXPECT_EQ(response.suggested_query(), w + " inquiry");
  EXPECT_TRUE(Search(w + " inquiry").suggested_query().empty());
}

TEST_F(QueryTest, AuthorFiltersIgnoreCaseBeyondAscii) {
  std::string w = Nonce();
  Ingest(Articles(w, 2, {"Émile Ørsted"}));
  SearchUntil(w, 2);
  v1::SearchArticlesRequest request;
  request.set_query(w);
  request.set_include_duplicates(true);
  request.mutable_filter()->add_authors("ÉMILE ØRSTED");
  v1::SearchArticlesResponse response;
  ASSERT_TRUE(Search(request, &response).ok());
  EXPECT_EQ(response.hits_size(), 2) << "filter in capitals";
  EXPECT_EQ(Search("author:\"ÉMILE ørsted\" " + w).hits_size(), 2) << "author: operator";
  // The operator and the filter name the same author in different cases.
  request.set_query("author:\"émile ØRSTED\" " + w);
  ASSERT_TRUE(Search(request, &response).ok());
  EXPECT_EQ(response.hits_size(), 2) << "operator and filter together";
}

TEST_F(QueryTest, NegatedAuthorAndSiteOperatorsExclude) {
  std::string w = Nonce();
  Ingest(Articles(w, 4, {"Alex Marlow", "Ruth Penhale"}), "https://www.courier.example/" + w);
  Ingest(Articles(w, 2, {"Alex Marlow", "Sam Oduya"}, "b"), "https://tabloid.example/" + w);
  SearchUntil(w, 6);
  auto authors_and_hosts = [&](const v1::SearchArticlesResponse& r) {
    std::multiset<std::string> out;
    for (const auto& hit : r.hits()) {
      const std::string& url = hit.article().url();
      out.insert(hit.article().author().name() + " @ " +
                 (url.find("tabloid") != std::string::npos ? "tabloid" : "courier"));
    }
    return out;
  };
  using Seen = std::multiset<std::string>;
  EXPECT_EQ(authors_and_hosts(Search(w + " -author:\"ruth penhale\"")),
            (Seen{"Alex Marlow @ courier", "Alex Marlow @ courier", "Alex Marlow @ tabloid",
                  "Sam Oduya @ tabloid"}));
  EXPECT_EQ(authors_and_hosts(Search(w + " -site:tabloid.example -author:\"Ruth Penhale\"")),
            (Seen{"Alex Marlow @ courier", "Alex Marlow @ courier"}));
  // A subdomain is excluded with its site, as site: includes it.
  EXPECT_EQ(Search(w + " -site:courier.example").total_size(), 2);
  // The same through the filter.
  v1::SearchArticlesRequest request;
  request.set_query("author:\"Alex Marlow\" " + w);
  request.set_include_duplicates(true);
  request.mutable_filter()->add_exclude_sites("https://tabloid.example/any/page");
  v1::SearchArticlesResponse response;
  ASSERT_TRUE(Search(request, &response).ok());
  EXPECT_EQ(authors_and_hosts(response), (Seen{"Alex Marlow @ courier", "Alex Marlow @ courier"}));
  request.set_query("site:tabloid.example " + w);
  request.mutable_filter()->Clear();
  request.mutable_filter()->add_exclude_authors("ALEX MARLOW");
  ASSERT_TRUE(Search(request, &response).ok());
  EXPECT_EQ(authors_and_hosts(response), (Seen{"Sam Oduya @ tabloid"}));
  // Exclusions from the query and from the filter add up.
  request.set_query(w + " -author:\"Sam Oduya\"");
  ASSERT_TRUE(Search(request, &response).ok());
  EXPECT_EQ(authors_and_hosts(response), (Seen{"Ruth Penhale @ courier", "Ruth Penhale @ courier"}));
  // An author no article has leaves every article in.
  EXPECT_EQ(Search(w + " -author:nobody").total_size(), 6);
}

TEST_F(QueryTest, TextWithoutAWordLeavesTheFilterAlone) {
  std::string w = Nonce();
  std::string author = Capitalised(w) + " Stringer";
  Ingest(Articles(w, 3, {author}));
  SearchUntil(w, 3);
  for (const std::string& text : {std::string("the"), std::string("\"\""), std::string("!!!")}) {
    v1::SearchArticlesResponse response = Search(absl::StrCat("author:\"", author, "\" ", text));
    EXPECT_EQ(response.hits_size(), 3) << text;
  }
  // Without a filter, text without a word is no query at all.
  v1::SearchArticlesRequest request;
  request.set_query("\"\"");
  v1::SearchArticlesResponse response;
  grpc::Status status = Search(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorReason(status), "EMPTY_QUERY");
}

TEST_F(QueryTest, PublishedRangeTakesTheFetchOrIndexTimeOfUndatedArticles) {
  // Pages that give no publication time still have a date (newest order's):
  // a published range must not leave them out.
  std::string w = Nonce();
  Ingest(Articles(w, 2, {"Sam Oduya"}));  // plain pages: no publication time
  SearchUntil(w, 2);
  auto count_in = [&](int64_t from, int64_t to) {
    v1::SearchArticlesRequest request;
    request.set_query(w);
    request.set_include_duplicates(true);
    request.mutable_filter()->mutable_published()->mutable_start_time()->set_seconds(from);
    request.mutable_filter()->mutable_published()->mutable_end_time()->set_seconds(to);
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.hits_size();
  };
  int64_t now = std::chrono::duration_cast<seconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_EQ(count_in(now - 3600, now + 3600), 2);
  EXPECT_EQ(count_in(978307200, 1009843200), 0);  // 2001
}

TEST_F(QueryTest, WatchWithoutASearchableWordOrFilterIsRefused) {
  // An empty query watches every article; text that searches nothing must
  // not quietly become one.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
  v1::WatchArticlesRequest request;
  request.set_query("!!! \"\"");
  auto reader = query_->WatchArticles(&ctx, request);
  v1::WatchArticlesResponse message;
  EXPECT_FALSE(reader->Read(&message));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorReason(status), "EMPTY_QUERY");
}

TEST_F(QueryTest, StopwordsAreReportedAsIgnored) {
  std::string w = Nonce();
  Ingest(Articles(w, 1, {"Sam Oduya"}));
  SearchUntil(w, 1);
  // A stopword neither narrows nor ranks: the same one match, and it says so.
  v1::SearchArticlesResponse response = Search("The " + w + " which the");
  EXPECT_EQ(response.hits_size(), 1);
  EXPECT_EQ(std::vector<std::string>(response.ignored_words().begin(),
                                     response.ignored_words().end()),
            (std::vector<std::string>{"the", "which"}));
  // Nothing but stopwords matches nothing, and the response tells why.
  response = Search("the which");
  EXPECT_EQ(response.hits_size(), 0);
  EXPECT_EQ(response.ignored_words_size(), 2);
  EXPECT_EQ(Search(w).ignored_words_size(), 0);
}

class Watch {
 public:
  Watch(v1::QueryService::Stub* stub, const v1::WatchArticlesRequest& request) {
    context_.set_deadline(std::chrono::system_clock::now() + seconds(120));
    reader_ = stub->WatchArticles(&context_, request);
  }
  ~Watch() {
    if (finished_) return;
    context_.TryCancel();
    reader_->Finish();
  }
  // Blocks until the server fixed the starting point.
  void WaitStarted() { reader_->WaitForInitialMetadata(); }
  // Reads until `n` messages arrived (or the stream ends).
  std::vector<v1::WatchArticlesResponse> Read(size_t n) {
    std::vector<v1::WatchArticlesResponse> out;
    v1::WatchArticlesResponse message;
    while (out.size() < n && reader_->Read(&message)) out.push_back(message);
    return out;
  }
  grpc::Status Finish() {
    finished_ = true;
    return reader_->Finish();
  }

 private:
  bool finished_ = false;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchArticlesResponse>> reader_;
};

TEST_F(QueryTest, WatchDeliversNewArticlesAndResumes) {
  std::string w = Nonce();
  v1::WatchArticlesRequest request;
  request.set_query(w);
  request.set_include_duplicates(true);
  std::string resume;
  std::set<std::string> first_ids;
  {
    Watch watch(query_.get(), request);
    watch.WaitStarted();
    for (const std::string& id : Ingest(Articles(w, 2, {"Alex Marlow"}, "w"))) first_ids.insert(id);
    Ingest(Articles(Nonce(), 1, {"Alex Marlow"}));  // not matching: never delivered
    std::vector<v1::WatchArticlesResponse> got = watch.Read(2);
    ASSERT_EQ(got.size(), 2u);
    std::set<std::string> got_ids;
    for (const auto& m : got) {
      got_ids.insert(m.article().id());
      EXPECT_FALSE(m.resume_token().empty());
    }
    EXPECT_EQ(got_ids, first_ids);
    resume = got.back().resume_token();
  }  // disconnected

  std::vector<std::string> missed = Ingest(Articles(w, 2, {"Ruth Penhale"}, "missed"));
  SearchUntil(w, 4);
  request.set_resume_token(resume);
  Watch again(query_.get(), request);
  std::vector<v1::WatchArticlesResponse> got = again.Read(2);
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> got_ids;
  for (const auto& m : got) got_ids.insert(m.article().id());
  EXPECT_EQ(got_ids, std::set<std::string>(missed.begin(), missed.end()));

  // A resume token of another query is refused.
  v1::WatchArticlesRequest other;
  other.set_query(w + " river");
  other.set_include_duplicates(true);
  other.set_resume_token(resume);
  Watch refused(query_.get(), other);
  EXPECT_TRUE(refused.Read(1).empty());
  grpc::Status status = refused.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorReason(status), "INVALID_PAGE_TOKEN");
}

TEST_F(QueryTest, TooManyWatchesAreResourceExhausted) {
  int max = static_cast<int>(EnvIntOr("BROADSHEET_MAX_WATCHES", 64));
  v1::WatchArticlesRequest request;
  request.set_query(Nonce());
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < max; ++i) {
    watches.push_back(std::make_unique<Watch>(query_.get(), request));
    watches.back()->WaitStarted();
  }
  Watch one_more(query_.get(), request);
  EXPECT_TRUE(one_more.Read(1).empty());
  EXPECT_EQ(one_more.Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  watches.clear();
  // Slots free up when watches end.
  auto until = std::chrono::steady_clock::now() + seconds(10);
  grpc::StatusCode code = grpc::StatusCode::RESOURCE_EXHAUSTED;
  while (code == grpc::StatusCode::RESOURCE_EXHAUSTED && std::chrono::steady_clock::now() < until) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(500));
    auto reader = query_->WatchArticles(&ctx, request);
    v1::WatchArticlesResponse message;
    reader->Read(&message);
    code = reader->Finish().error_code();
  }
  EXPECT_EQ(code, grpc::StatusCode::DEADLINE_EXCEEDED);
}

// The search pool is small on purpose (it caps concurrent searches), so a
// request may wait for a connection: only until its deadline, then
// DEADLINE_EXCEEDED, and a connection freed later is handed out again.
TEST(PgPoolTest, WaitsForAFreeConnectionOnlyUntilTheDeadline) {
  PgPool pool(LoadCommonSettings().database_url, 1, [](pqxx::connection&) {});
  std::optional<absl::StatusOr<PgPool::Lease>> held(pool.Acquire());
  BROADSHEET_REQUIRE_STACK(held->ok(), "database unreachable: " + held->status().ToString());
  auto start = std::chrono::steady_clock::now();
  auto waited = pool.Acquire(start + std::chrono::milliseconds(100));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(waited.status().code(), absl::StatusCode::kDeadlineExceeded) << waited.status();
  EXPECT_GE(elapsed, std::chrono::milliseconds(100));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    held.reset();  // the lease returns its connection
  });
  auto next = pool.Acquire(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  release.join();
  EXPECT_TRUE(next.ok()) << next.status();
}

}  // namespace
}  // namespace broadsheet
