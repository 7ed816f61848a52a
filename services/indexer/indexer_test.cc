#include "indexer/indexer.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

class MemoryStore : public ArticleStore {
 public:
  absl::Status WriteBatch(const std::vector<v1::Article>& articles, WriteStats* stats) override {
    if (!next_status.ok()) return next_status;
    for (const auto& a : articles) {
      if (stored.emplace(a.id(), a).second) ++stats->new_articles;
    }
    return absl::OkStatus();
  }
  std::map<std::string, v1::Article> stored;
  absl::Status next_status;
};

class MemorySink : public RecordSink {
 public:
  absl::Status Send(const std::vector<OutRecord>& records) override {
    sent.insert(sent.end(), records.begin(), records.end());
    return absl::OkStatus();
  }
  std::vector<OutRecord> sent;
};

InRecord ArticleRecord(const std::string& id, int64_t offset) {
  v1::Article a;
  a.set_id(id);
  a.set_title("A title");
  a.add_paragraphs("A paragraph.");
  InRecord r;
  r.topic = "broadsheet.articles";
  r.partition = 2;
  r.offset = offset;
  r.key = id;
  a.SerializeToString(&r.value);
  return r;
}

TEST(IndexerTest, WritesGoodRecordsAndDeadLettersBadOnes) {
  MemoryStore store;
  MemorySink dlq;
  Indexer indexer(&store, &dlq, "broadsheet.dlq");
  InRecord garbage;
  garbage.topic = "broadsheet.articles";
  garbage.partition = 2;
  garbage.offset = 11;
  garbage.value = "\xff\xff\xff not a protobuf";
  BatchResult result;
  ASSERT_TRUE(indexer.Consume({ArticleRecord("aaaa", 10), garbage, ArticleRecord("bbbb", 12)},
                              &result).ok());
  EXPECT_EQ(store.stored.size(), 2u);
  EXPECT_EQ(result.new_articles, 2);
  ASSERT_EQ(dlq.sent.size(), 1u);
  const OutRecord& dead = dlq.sent[0];
  EXPECT_EQ(dead.topic, "broadsheet.dlq");
  EXPECT_EQ(dead.value, garbage.value);
  std::map<std::string, std::string> headers(dead.headers.begin(), dead.headers.end());
  EXPECT_EQ(headers[kHeaderErrorReason], "UNDECODABLE_RECORD");
  EXPECT_EQ(headers[kHeaderSourceTopic], "broadsheet.articles");
  EXPECT_EQ(headers[kHeaderSourcePartition], "2");
  EXPECT_EQ(headers[kHeaderSourceOffset], "11");
}

TEST(IndexerTest, ReplayedBatchAddsNothing) {
  MemoryStore store;
  MemorySink dlq;
  Indexer indexer(&store, &dlq, "broadsheet.dlq");
  BatchResult first, second;
  ASSERT_TRUE(indexer.Consume({ArticleRecord("aaaa", 1)}, &first).ok());
  ASSERT_TRUE(indexer.Consume({ArticleRecord("aaaa", 1)}, &second).ok());
  EXPECT_EQ(first.new_articles, 1);
  EXPECT_EQ(second.new_articles, 0);
}

TEST(IndexerTest, DatabaseOutageIsAnErrorNotADeadLetter) {
  MemoryStore store;
  store.next_status = absl::UnavailableError("database down");
  MemorySink dlq;
  Indexer indexer(&store, &dlq, "broadsheet.dlq");
  BatchResult result;
  absl::Status status = indexer.Consume({ArticleRecord("aaaa", 1)}, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(dlq.sent.empty());
}

TEST(DecodeArticleTest, FlagsSchemaViolations) {
  std::string message;
  v1::Article article;
  InRecord no_id = ArticleRecord("", 1);
  EXPECT_EQ(DecodeArticle(no_id, &article, &message).value_or(""), "SCHEMA_VIOLATION");
  InRecord wrong_key = ArticleRecord("aaaa", 1);
  wrong_key.key = "bbbb";
  EXPECT_EQ(DecodeArticle(wrong_key, &article, &message).value_or(""), "SCHEMA_VIOLATION");
  EXPECT_FALSE(DecodeArticle(ArticleRecord("aaaa", 1), &article, &message).has_value());
}

TEST(DecodeArticleTest, NulInTextIsASchemaViolation) {
  // Valid protobuf and UTF-8, but PostgreSQL text cannot store it.
  v1::Article a;
  a.set_id("cccc");
  a.set_title("fine");
  a.add_paragraphs(std::string("bad\0byte", 8));
  InRecord record{"broadsheet.articles", 0, 7, "cccc", a.SerializeAsString(), {}};
  std::string message;
  v1::Article article;
  EXPECT_EQ(DecodeArticle(record, &article, &message).value_or(""), "SCHEMA_VIOLATION");
  EXPECT_EQ(message, "paragraphs contains a NUL byte");
  a.mutable_paragraphs(0)->assign("fine too");
  a.add_sources()->set_url(std::string("u\0", 2));
  record.value = a.SerializeAsString();
  EXPECT_EQ(DecodeArticle(record, &article, &message).value_or(""), "SCHEMA_VIOLATION");
  EXPECT_EQ(message, "sources contains a NUL byte");
  a.mutable_sources(0)->set_url("https://a.example/");
  a.mutable_sources(0)->add_comments()->set_text(std::string("a\0comment", 9));
  record.value = a.SerializeAsString();
  EXPECT_EQ(DecodeArticle(record, &article, &message).value_or(""), "SCHEMA_VIOLATION");
  EXPECT_EQ(message, "sources.comments contains a NUL byte");
  a.mutable_sources(0)->mutable_comments(0)->set_text("a comment");
  record.value = a.SerializeAsString();
  EXPECT_FALSE(DecodeArticle(record, &article, &message).has_value()) << message;
}

}  // namespace
}  // namespace broadsheet
