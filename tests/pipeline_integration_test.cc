// End-to-end: pages go in through gRPC and through the raw-pages topic, pass
// the real Kafka broker and the indexer, and come out of PostgreSQL through
// the query service. Every test makes its own words (a per-run nonce) so runs
// against a database that already holds data stay independent.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "broadsheet/v1/ingest_service.grpc.pb.h"
#include "broadsheet/v1/query_service.grpc.pb.h"
#include "common/env.h"
#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "stack_test_util.h"

namespace broadsheet {
namespace {

using std::chrono::seconds;

std::string Nonce() {
  static std::mt19937_64 rng(std::random_device{}());
  std::string word = "qz";
  for (int i = 0; i < 10; ++i) word.push_back(static_cast<char>('a' + rng() % 26));
  return word;
}

// A page in the style crawls store: caption lines, title, standfirst, body,
// author line; `articles` of them, each made unique by `nonce` and its index.
std::string MakePage(const std::string& nonce, int articles) {
  std::string page;
  for (int i = 0; i < articles; ++i) {
    std::string n = std::to_string(i + 1);
    if (i > 0) page += "Photo: Getty\nShow Hide image\n\n";
    absl::StrAppend(&page, "The ", nonce, " inquiry reaches its ", n,
                    " verdict on river pollution\n\n");
    absl::StrAppend(&page, "Campaigners say the findings on the ", nonce,
                    " case came years too late.\n\n");
    absl::StrAppend(&page, "The inquiry into the ", nonce,
                    " spill heard evidence from anglers, farmers and water company engineers over ",
                    n, " long weeks of public sessions in the county hall.\n\n");
    page += "Its report, published on Tuesday, found that monitoring equipment had been switched "
            "off for months while untreated sewage flowed into the river after heavy rain.\n\n";
    page += "Residents who gave evidence said they had reported the smell and the dead fish many "
            "times, and that nobody had answered their letters until the local paper took up the story.\n\n";
    page += "The water company said it accepted the findings and would publish a plan within "
            "ninety days, though campaigners doubted that any fine would change its behaviour.\n\n";
    static const char* const kAuthors[] = {"Alex Marlow", "Ruth Penhale", "Sam Oduya"};
    page += std::string(kAuthors[i % 3]) + " is environment correspondent of the County Courier.\n\n";
  }
  return page;
}

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    settings_ = LoadCommonSettings();
  }

  void SetUp() override {
    std::shared_ptr<grpc::Channel> ingest_channel, query_channel;
    BROADSHEET_REQUIRE_STACK(testing::ConnectServices(&ingest_channel, &query_channel),
                             "stack unreachable: " + testing::ServicesDescription());
    ingest_ = v1::IngestService::NewStub(ingest_channel);
    query_ = v1::QueryService::NewStub(query_channel);
  }

  // Waits until SearchArticles(query) reports `expected` hits in total.
  v1::SearchArticlesResponse SearchUntil(const std::string& query, int64_t expected,
                                         int page_size = 10) {
    v1::SearchArticlesResponse response;
    auto until = std::chrono::steady_clock::now() + seconds(90);
    while (std::chrono::steady_clock::now() < until) {
      response.Clear();
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
      v1::SearchArticlesRequest request;
      request.set_query(query);
      request.set_page_size(page_size);
      // MakePage's articles differ in a word or two, so they are
      // near-duplicates of each other, which search collapses by default.
      request.set_include_duplicates(true);
      grpc::Status status = query_->SearchArticles(&ctx, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (response.total_size() >= expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    EXPECT_EQ(response.total_size(), expected) << "for query " << query;
    return response;
  }

  grpc::Status Get(const std::string& id, v1::Article* article) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::GetArticleRequest request;
    request.set_id(id);
    return query_->GetArticle(&ctx, request, article);
  }

  grpc::Status IngestText(const std::string& text, v1::IngestPageResponse* response,
                          const std::string& url = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(60));
    v1::IngestPageRequest request;
    request.mutable_page()->set_data(text);  // bytes: may be invalid UTF-8 on purpose
    request.mutable_page()->set_url(url);
    return ingest_->IngestPage(&ctx, request, response);
  }

  // Reads the dead-letter topic from the start until a record keyed `key`
  // shows up; returns its headers (empty when none came).
  std::map<std::string, std::string> AwaitDeadLetter(const std::string& key) {
    ConsumerOptions options;
    options.brokers = settings_.kafka_brokers;
    options.group_id = "integration-test-" + Nonce();
    options.topics = {settings_.dlq_topic};
    auto consumer = KafkaConsumer::Create(options);
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    if (!consumer.ok()) return {};
    auto until = std::chrono::steady_clock::now() + seconds(90);
    while (std::chrono::steady_clock::now() < until) {
      auto batch = (*consumer)->Poll(500, std::chrono::milliseconds(500));
      if (!batch.ok()) break;
      for (const InRecord& r : *batch) {
        if (r.key == key) return {r.headers.begin(), r.headers.end()};
      }
    }
    return {};
  }

  static CommonSettings settings_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::QueryService::Stub> query_;
};

CommonSettings PipelineTest::settings_;

std::string ErrorInfoReason(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

TEST_F(PipelineTest, PageIngestedThroughGrpcIsFoundBySearchAndGet) {
  std::string nonce = Nonce();
  v1::IngestPageResponse ingested;
  grpc::Status status = IngestText(MakePage(nonce, 2), &ingested, "https://courier.example/" + nonce);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(ingested.article_ids_size(), 2);

  v1::SearchArticlesResponse found = SearchUntil(nonce, 2);
  std::set<std::string> ids;
  for (const auto& hit : found.hits()) {
    ids.insert(hit.article().id());
    EXPECT_NE(hit.snippet().find("\xee\x80\x80"), std::string::npos) << "no highlight: " << hit.snippet();
    EXPECT_NE(hit.article().title().find(nonce), std::string::npos);
  }
  EXPECT_EQ(ids, std::set<std::string>(ingested.article_ids().begin(), ingested.article_ids().end()));

  for (const std::string& id : ingested.article_ids()) {
    v1::Article article;
    ASSERT_TRUE(Get(id, &article).ok());
    EXPECT_EQ(article.id(), id);
    EXPECT_GE(article.paragraphs_size(), 4);
    EXPECT_TRUE(article.author().name() == "Alex Marlow" || article.author().name() == "Ruth Penhale")
        << article.author().name();
    ASSERT_EQ(article.sources_size(), 1);
    EXPECT_EQ(article.sources(0).url(), "https://courier.example/" + nonce);
    EXPECT_EQ(article.sources(0).page_id(), ingested.page_id());
  }
}

// A page's date line becomes the article's publication time, which the
// published filter then bounds.
TEST_F(PipelineTest, DateLineBecomesThePublicationTime) {
  std::string nonce = Nonce();
  std::string page = MakePage(nonce, 1);
  const size_t after_standfirst = page.find("\n\n", page.find("\n\n") + 2) + 2;
  page.insert(after_standfirst, "Published 14 March 2024, 06:30 GMT\n\n");
  v1::IngestPageResponse ingested;
  grpc::Status status = IngestText(page, &ingested);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(ingested.article_ids_size(), 1);
  v1::SearchArticlesResponse found = SearchUntil(nonce, 1);
  ASSERT_EQ(found.hits_size(), 1);
  EXPECT_EQ(found.hits(0).article().published_at().seconds(), 1710397800);
  auto count_published = [&](int64_t from, int64_t to) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::SearchArticlesRequest request;
    request.set_query(nonce);
    request.mutable_filter()->mutable_published()->mutable_start_time()->set_seconds(from);
    request.mutable_filter()->mutable_published()->mutable_end_time()->set_seconds(to);
    v1::SearchArticlesResponse response;
    grpc::Status s = query_->SearchArticles(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.hits_size();
  };
  EXPECT_EQ(count_published(1710374400, 1710460800), 1);  // 14 March 2024
  EXPECT_EQ(count_published(1735689600, 1767225600), 0);  // 2025
}

TEST_F(PipelineTest, SamePageTwiceIsStoredOnce) {
  std::string nonce = Nonce();
  v1::IngestPageResponse first, second;
  ASSERT_TRUE(IngestText(MakePage(nonce, 1), &first).ok());
  ASSERT_TRUE(IngestText(MakePage(nonce, 1), &second).ok());
  EXPECT_EQ(first.article_ids(0), second.article_ids(0));
  SearchUntil(nonce, 1);
}

// An article record larger than a broker's default limit (1 MB, after
// compression) still goes through: the stack's broker takes what the
// producers send (16 MiB), so a long page is not refused at publish time.
TEST_F(PipelineTest, ArticleLargerThanAMegabyteIsPublishedAndStored) {
  std::string nonce = Nonce();
  std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>()(nonce)));
  // 20,000 made-up words: little for lz4 to compress, few enough lexemes
  // for one tsvector.
  std::vector<std::string> words(20000);
  for (std::string& w : words) {
    for (int k = 5 + static_cast<int>(rng() % 6); k > 0; --k) {
      w.push_back(static_cast<char>('a' + rng() % 26));
    }
  }
  std::string page = "The " + nonce + " ledger runs to thousands of paragraphs\n\n" +
                     "A record of the valley's rivers kept since the first survey.\n\n";
  int paragraphs = 0;
  while (page.size() < (2300u << 10)) {
    for (int k = 0; k < 40; ++k) {
      page += (k == 0 ? "The " : k % 2 ? " " : " of the ");
      page += words[rng() % words.size()];
    }
    page += ".\n\n";
    ++paragraphs;
  }
  page += "Alex Marlow is the archivist of the County Courier.\n";
  v1::IngestPageResponse ingested;
  grpc::Status status = IngestText(page, &ingested, "https://courier.example/long/" + nonce);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(ingested.article_ids_size(), 1);
  SearchUntil(nonce, 1);
  v1::Article article;
  ASSERT_TRUE(Get(ingested.article_ids(0), &article).ok());
  EXPECT_EQ(article.paragraphs_size(), paragraphs);
  EXPECT_GT(article.ByteSizeLong(), 2u << 20);
}

TEST_F(PipelineTest, PagesFromRawTopicAreIndexedAndBadOnesDeadLettered) {
  std::string json_nonce = Nonce(), proto_nonce = Nonce(), bad_key = "bad-" + Nonce();
  auto producer = KafkaProducer::Create(settings_.kafka_brokers);
  ASSERT_TRUE(producer.ok()) << producer.status();
  nlohmann::json json_page = {{"url", "https://courier.example/" + json_nonce},
                              {"text", MakePage(json_nonce, 1)},
                              {"fetchedAt", "2024-03-01T09:30:00Z"}};
  v1::RawPage proto_page;
  proto_page.set_text(MakePage(proto_nonce, 2));
  std::string proto_value;
  proto_page.SerializeToString(&proto_value);
  v1::RawPage empty_page;
  empty_page.set_text(" \n \n");
  std::string empty_value;
  empty_page.SerializeToString(&empty_value);
  absl::Status sent = (*producer)->Send({
      {settings_.raw_pages_topic, json_nonce, json_page.dump(), {{"content-type", "application/json"}}},
      {settings_.raw_pages_topic, proto_nonce, proto_value, {}},
      {settings_.raw_pages_topic, bad_key, empty_value, {}},
  });
  ASSERT_TRUE(sent.ok()) << sent;

  v1::SearchArticlesResponse json_hits = SearchUntil(json_nonce, 1);
  ASSERT_EQ(json_hits.hits_size(), 1);
  v1::Article article;
  ASSERT_TRUE(Get(json_hits.hits(0).article().id(), &article).ok());
  ASSERT_EQ(article.sources_size(), 1);
  EXPECT_EQ(article.sources(0).url(), "https://courier.example/" + json_nonce);
  EXPECT_EQ(article.sources(0).fetched_at().seconds(), 1709285400);
  SearchUntil(proto_nonce, 2);

  auto headers = AwaitDeadLetter(bad_key);
  EXPECT_EQ(headers["broadsheet.error.reason"], "EMPTY_PAGE");
  EXPECT_EQ(headers["broadsheet.source.topic"], settings_.raw_pages_topic);
  EXPECT_FALSE(headers["broadsheet.source.offset"].empty());
}

TEST_F(PipelineTest, IndexerDeadLettersUndecodableArticleRecords) {
  std::string key = "garbage-" + Nonce();
  auto producer = KafkaProducer::Create(settings_.kafka_brokers);
  ASSERT_TRUE(producer.ok());
  ASSERT_TRUE((*producer)->Send({{settings_.articles_topic, key, "\xff\xfe not an article", {}}}).ok());
  auto headers = AwaitDeadLetter(key);
  EXPECT_EQ(headers["broadsheet.error.reason"], "UNDECODABLE_RECORD");
  EXPECT_EQ(headers["broadsheet.source.topic"], settings_.articles_topic);
}

TEST_F(PipelineTest, BadPagesGetInvalidArgumentWithReason) {
  struct Case {
    std::string text, reason;
  } cases[] = {
      {"", "EMPTY_PAGE"},
      {"   \n\n\t ", "EMPTY_PAGE"},
      {"A title\n\nBroken \xc3\x28 byte in the middle of a sentence.\n", "INVALID_UTF8"},
      {std::string("\x00\x01\x02\x03 binary \x00\x00", 14), "BINARY_DATA"},
  };
  for (const Case& c : cases) {
    v1::IngestPageResponse response;
    grpc::Status status = IngestText(c.text, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.reason;
    EXPECT_EQ(ErrorInfoReason(status), c.reason) << status.error_message();
    EXPECT_FALSE(status.error_message().empty());
  }
}

TEST_F(PipelineTest, StreamReportsEachPage) {
  std::string nonce = Nonce();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(60));
  v1::IngestPagesResponse response;
  auto writer = ingest_->IngestPages(&ctx, &response);
  for (const std::string& text : {MakePage(nonce, 1), std::string(""), MakePage(Nonce(), 1)}) {
    v1::IngestPageRequest request;
    request.mutable_page()->set_text(text);
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_TRUE(response.results(0).accepted());
  EXPECT_FALSE(response.results(1).accepted());
  EXPECT_EQ(response.results(1).reject_reason(), "EMPTY_PAGE");
  EXPECT_TRUE(response.results(2).accepted());
  EXPECT_EQ(response.accepted_pages(), 2);
  EXPECT_EQ(response.rejected_pages(), 1);
  SearchUntil(nonce, 1);
}

TEST_F(PipelineTest, PagingReturnsEveryHitOnceAndRejectsForgedTokens) {
  std::string nonce = Nonce();
  v1::IngestPageResponse ingested;
  ASSERT_TRUE(IngestText(MakePage(nonce, 3), &ingested).ok());
  ASSERT_EQ(ingested.article_ids_size(), 3);
  SearchUntil(nonce, 3);

  std::vector<std::string> seen;
  std::string token;
  std::string first_token;
  do {
    grpc::ClientContext ctx;
    v1::SearchArticlesRequest request;
    request.set_query(nonce);
    request.set_page_size(1);
    request.set_include_duplicates(true);
    request.set_page_token(token);
    v1::SearchArticlesResponse response;
    ASSERT_TRUE(query_->SearchArticles(&ctx, request, &response).ok());
    for (const auto& hit : response.hits()) seen.push_back(hit.article().id());
    token = response.next_page_token();
    if (first_token.empty()) first_token = token;
  } while (!token.empty() && seen.size() < 10);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 3u);

  grpc::ClientContext ctx;
  v1::SearchArticlesRequest forged;
  forged.set_query("another query");
  forged.set_page_token(first_token);
  v1::SearchArticlesResponse response;
  grpc::Status status = query_->SearchArticles(&ctx, forged, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorInfoReason(status), "INVALID_PAGE_TOKEN");
}

TEST_F(PipelineTest, UnknownIdIsNotFoundAndBadRequestsAreInvalid) {
  v1::Article article;
  EXPECT_EQ(Get("0000000000000000", &article).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext ctx;
  v1::SearchArticlesRequest request;
  request.set_query("river");
  request.set_page_size(1000);
  v1::SearchArticlesResponse response;
  grpc::Status status = query_->SearchArticles(&ctx, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorInfoReason(status), "PAGE_SIZE_OUT_OF_RANGE");
}

}  // namespace
}  // namespace broadsheet
