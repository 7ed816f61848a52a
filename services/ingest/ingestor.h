// Ingestor: the ingest service's work, free of gRPC and Kafka consumer
// plumbing. It parses a raw page and publishes each article to the articles
// topic, keyed by article id, returning only after every record is
// acknowledged by the sink.
//
// Thread-safe: IngestPage() may run on many threads at once (the parser is
// immutable and the sink is thread-safe).
#ifndef BROADSHEET_SERVICES_INGEST_INGESTOR_H_
#define BROADSHEET_SERVICES_INGEST_INGESTOR_H_

#include <optional>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include "absl/status/status.h"
#include "broadsheet/v1/article.pb.h"
#include "common/kafka_consumer.h"
#include "common/page_convert.h"
#include "common/record_sink.h"
#include "core/page_parser.h"

namespace broadsheet {

struct IngestOutcome {
  std::string page_id;
  std::vector<std::string> article_ids;
  // Set when the page itself is bad; nothing was published.
  std::optional<ParseError> rejection;
  // Not OK when publishing failed (e.g. Kafka down): the page is not ingested
  // and the caller should retry or report UNAVAILABLE.
  absl::Status publish_status;
};

// Counters the ingestor keeps when given them (Prometheus, in the service).
struct IngestCounters {
  prometheus::Counter* pages_accepted = nullptr;
  prometheus::Family<prometheus::Counter>* pages_rejected = nullptr;  // label: reason
  prometheus::Counter* articles_published = nullptr;
  prometheus::Counter* dead_letters = nullptr;
};

class Ingestor {
 public:
  Ingestor(const PageParser* parser, RecordSink* sink, std::string articles_topic,
           std::string dlq_topic, IngestCounters counters = {});

  IngestOutcome IngestPage(const std::string& text, const PageMeta& meta) const;

  // The queue path: handles one batch of `broadsheet.pages.raw` records. Each
  // record becomes articles or, when it cannot be decoded or parsed, a
  // dead-letter record carrying the reason. Returns OK only when every output
  // was acknowledged, so the caller may then commit the batch's offsets.
  absl::Status Consume(const std::vector<InRecord>& batch) const;

 private:
  // Parses `text` into `outcome` and appends its article records.
  void Prepare(const std::string& text, const PageMeta& meta, IngestOutcome* outcome,
               std::vector<OutRecord>* records) const;

  void CountRejected(std::string_view reason) const;

  const PageParser* parser_;
  RecordSink* sink_;
  IngestCounters counters_;
  std::string articles_topic_;
  std::string dlq_topic_;
};

// Decodes a raw-page record value: protobuf RawPage, or its proto3 JSON form
// when the `content-type` header says application/json or the value starts
// with '{'. Returns an error message on failure.
std::optional<std::string> DecodeRawPage(const InRecord& record, v1::RawPage* page);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INGEST_INGESTOR_H_
