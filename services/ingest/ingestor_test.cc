#include "ingest/ingestor.h"

#include <gtest/gtest.h>

#include <prometheus/registry.h>

#include "core/profile.h"

namespace broadsheet {
namespace {

class MemorySink : public RecordSink {
 public:
  absl::Status Send(const std::vector<OutRecord>& records) override {
    if (!next_status.ok()) return next_status;
    sent.insert(sent.end(), records.begin(), records.end());
    return absl::OkStatus();
  }
  std::vector<OutRecord> sent;
  absl::Status next_status;
};

constexpr char kPage[] =
    "Harbour towns count the cost of a wet summer\n\n"
    "Bookings fell by a fifth as the rain kept visitors away from the coast.\n\n"
    "Guest houses along the estuary reported their quietest August in a decade, with many rooms "
    "left empty even at weekends when the town usually fills with day trippers.\n\n"
    "The harbour master said fishing boats fared better than the cafes, because the catch was "
    "steady while the footfall on the promenade collapsed after the second storm.\n\n"
    "Councillors will meet next month to discuss a fund for the businesses worst affected by the "
    "season, which many owners say came too late for them.\n\n"
    "Jane Holloway is the coast correspondent of the Western Ledger.\n";

struct Fixture {
  Fixture() : parser(ProfileSet::Builtin(), ParseOptions{}), ingestor(&parser, &sink, "arts", "dlq") {}
  PageParser parser;
  MemorySink sink;
  Ingestor ingestor;
};

TEST(IngestorTest, PublishesEachArticleKeyedById) {
  Fixture f;
  IngestOutcome outcome = f.ingestor.IngestPage(kPage, {"test", "https://example.org/a", "", ""});
  ASSERT_FALSE(outcome.rejection.has_value());
  ASSERT_TRUE(outcome.publish_status.ok());
  ASSERT_EQ(outcome.article_ids.size(), 1u);
  ASSERT_EQ(f.sink.sent.size(), 1u);
  EXPECT_EQ(f.sink.sent[0].topic, "arts");
  EXPECT_EQ(f.sink.sent[0].key, outcome.article_ids[0]);
  v1::Article article;
  ASSERT_TRUE(article.ParseFromString(f.sink.sent[0].value));
  EXPECT_EQ(article.id(), outcome.article_ids[0]);
  EXPECT_EQ(article.title(), "Harbour towns count the cost of a wet summer");
  EXPECT_EQ(article.url(), "https://example.org/a");
  ASSERT_EQ(article.sources_size(), 1);
  EXPECT_EQ(article.sources(0).page_id(), outcome.page_id);
}

TEST(IngestorTest, CommentsTravelOnceWithThePagesFirstArticle) {
  const std::string page = std::string(kPage) +
                           "\nPhoto: Getty\nShow Hide image\n\n"
                           "Ferry timetable cut back for the winter months\n\n"
                           "The operator blames falling passenger numbers and the price of fuel "
                           "for the change.\n\n"
                           "From November the last sailing of the day will leave the pier an hour "
                           "earlier, leaving commuters who work late with no way home across the "
                           "water.\n\n"
                           "Islanders have started a petition asking the council to subsidise an "
                           "evening crossing until the spring, when the summer timetable "
                           "returns.\n\n"
                           "Rhys Tallon is the transport reporter of the Western Ledger.\n\n"
                           "2 comments\n\n"
                           "Morag Fyfe \u00b7 3 hours ago\n\n"
                           "The late boat is the only way home for half the village.\n\n"
                           "Reply \u00b7 Share\n\n"
                           "Dan Pettigrew \u00b7 1 hour ago\n\n"
                           "They said the same about the bus and it never came back.\n";
  Fixture f;
  IngestOutcome outcome =
      f.ingestor.IngestPage(page, {"test", "https://example.org/p", "", "2026-05-20T12:00:00Z"});
  ASSERT_FALSE(outcome.rejection.has_value());
  ASSERT_EQ(f.sink.sent.size(), 2u);
  v1::Article first, second;
  ASSERT_TRUE(first.ParseFromString(f.sink.sent[0].value));
  ASSERT_TRUE(second.ParseFromString(f.sink.sent[1].value));
  ASSERT_EQ(first.sources_size(), 1);
  ASSERT_EQ(first.sources(0).comments_size(), 2);
  EXPECT_EQ(first.sources(0).comments(0).author(), "Morag Fyfe");
  EXPECT_EQ(first.sources(0).comments(0).text(),
            "The late boat is the only way home for half the village.");
  EXPECT_EQ(first.sources(0).comments(0).posted_at().seconds(), 1779278400 - 3 * 3600);
  EXPECT_EQ(first.sources(0).comments(1).author(), "Dan Pettigrew");
  ASSERT_EQ(second.sources_size(), 1);
  EXPECT_EQ(second.sources(0).comments_size(), 0);  // once per page is enough
}

TEST(IngestorTest, RejectsEmptyPageWithoutPublishing) {
  Fixture f;
  IngestOutcome outcome = f.ingestor.IngestPage("  \n\n ", {});
  ASSERT_TRUE(outcome.rejection.has_value());
  EXPECT_EQ(RejectReasonName(outcome.rejection->reason), "EMPTY_PAGE");
  EXPECT_TRUE(f.sink.sent.empty());
}

TEST(IngestorTest, ReportsPublishFailure) {
  Fixture f;
  f.sink.next_status = absl::UnavailableError("broker down");
  IngestOutcome outcome = f.ingestor.IngestPage(kPage, {});
  EXPECT_EQ(outcome.publish_status.code(), absl::StatusCode::kUnavailable);
}

TEST(IngestorTest, QueuePathDeadLettersBadRecordsWithReason) {
  Fixture f;
  InRecord good;
  good.topic = "raw";
  good.offset = 5;
  v1::RawPage raw;
  raw.set_text(kPage);
  raw.SerializeToString(&good.value);
  InRecord json;
  json.topic = "raw";
  json.offset = 6;
  json.value = R"({"url": "https://example.org/j", "text": "only\u0000nul"})";
  InRecord garbage;
  garbage.topic = "raw";
  garbage.offset = 7;
  garbage.value = "{not json";
  ASSERT_TRUE(f.ingestor.Consume({good, json, garbage}).ok());
  std::vector<std::string> reasons;
  int articles = 0;
  for (const OutRecord& r : f.sink.sent) {
    if (r.topic == "arts") ++articles;
    if (r.topic != "dlq") continue;
    std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
    reasons.push_back(h[kHeaderErrorReason]);
    EXPECT_EQ(h[kHeaderSourceTopic], "raw");
  }
  EXPECT_EQ(articles, 1);
  EXPECT_EQ(reasons, (std::vector<std::string>{"BINARY_DATA", "UNDECODABLE_RECORD"}));
}

}  // namespace
}  // namespace broadsheet

namespace broadsheet {
namespace {

TEST(IngestorCountersTest, CountsAcceptedRejectedAndPublished) {
  prometheus::Registry registry;
  IngestCounters counters;
  counters.pages_accepted = &prometheus::BuildCounter().Name("a").Register(registry).Add({});
  counters.pages_rejected = &prometheus::BuildCounter().Name("r").Register(registry);
  counters.articles_published = &prometheus::BuildCounter().Name("p").Register(registry).Add({});
  counters.dead_letters = &prometheus::BuildCounter().Name("d").Register(registry).Add({});
  PageParser parser(ProfileSet::Builtin(), ParseOptions{});
  MemorySink sink;
  Ingestor ingestor(&parser, &sink, "arts", "dlq", counters);
  ingestor.IngestPage(kPage, {});
  ingestor.IngestPage("", {});
  EXPECT_EQ(counters.pages_accepted->Value(), 1);
  EXPECT_EQ(counters.articles_published->Value(), 1);
  EXPECT_EQ(counters.pages_rejected->Add({{"reason", "EMPTY_PAGE"}}).Value(), 1);
}

}  // namespace
}  // namespace broadsheet
