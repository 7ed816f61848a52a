// Indexer: the indexer service's work on one batch of `broadsheet.articles`
// records, free of Kafka consumer plumbing. Good records are written to the
// ArticleStore in one transaction; records that cannot be decoded or break
// the schema go to the dead-letter topic with the reason and their origin
// (topic, partition, offset) in headers.
//
// Consume() returns OK only when both are durable, so the caller may then
// commit the batch's offsets. Not thread-safe (the store is not).
#ifndef BROADSHEET_SERVICES_INDEXER_INDEXER_H_
#define BROADSHEET_SERVICES_INDEXER_INDEXER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/kafka_consumer.h"
#include "common/record_sink.h"
#include "indexer/article_store.h"

namespace broadsheet {

struct BatchResult {
  int articles = 0;       // decoded and written (new or already stored)
  int new_articles = 0;   // not stored before this batch
  int near_duplicate_links = 0;
  int new_comments = 0;  // reader comments not stored before this batch
  int dead_letters = 0;
  PhaseMillis phases;
};

class Indexer {
 public:
  Indexer(ArticleStore* store, RecordSink* dead_letters, std::string dlq_topic);

  absl::Status Consume(const std::vector<InRecord>& batch, BatchResult* result);

 private:
  ArticleStore* store_;
  RecordSink* dead_letters_;
  std::string dlq_topic_;
};

// Decodes and checks one article record. On failure returns the reason code
// ("UNDECODABLE_RECORD" or "SCHEMA_VIOLATION") and sets `message`.
std::optional<std::string> DecodeArticle(const InRecord& record, v1::Article* article,
                                         std::string* message);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INDEXER_INDEXER_H_
