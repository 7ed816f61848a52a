// KafkaConsumer: a consumer-group member that hands out batches of records
// and commits offsets only when told, after the caller has made the records
// durable elsewhere (at-least-once; consumers make writes idempotent).
//
// Not thread-safe: one thread polls and commits.
#ifndef BROADSHEET_COMMON_KAFKA_CONSUMER_H_
#define BROADSHEET_COMMON_KAFKA_CONSUMER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace broadsheet {

struct InRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;

  // The value of the first header named `name`, or "".
  std::string Header(const std::string& name) const;
};

struct ConsumerOptions {
  std::string brokers;
  std::string group_id;
  std::vector<std::string> topics;
  // Where a group with no committed offset starts: "earliest" or "latest".
  std::string auto_offset_reset = "earliest";
  std::map<std::string, std::string> extra;  // passed to librdkafka as-is
  // Start every partition this consumer is assigned, the first time it is
  // assigned in this process, from the earliest offset (replay).
  bool reset_to_earliest = false;
};

// Consumer lag of one assigned partition.
struct PartitionLag {
  std::string topic;
  int32_t partition = 0;
  int64_t lag = 0;
};

class KafkaConsumer {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaConsumer>> Create(const ConsumerOptions& options);
  ~KafkaConsumer();

  // Returns up to `max_records`, waiting at most `max_wait` in all. Fatal
  // consumer errors are returned; transient ones are logged and skipped.
  absl::StatusOr<std::vector<InRecord>> Poll(size_t max_records, std::chrono::milliseconds max_wait);

  // Synchronously commits, per partition, the offset after the highest one in
  // `records`.
  absl::Status Commit(const std::vector<InRecord>& records);

  // Leaves the group cleanly (triggers a rebalance at once for the others).
  void Close();

  // Lag (high watermark minus position) of every assigned partition, from
  // locally cached watermarks. A partition not read from yet counts from the
  // group's committed offset, asked of the broker once and then cached.
  std::vector<PartitionLag> Lag();

 private:
  class Rebalancer;
  KafkaConsumer() = default;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::string auto_offset_reset_;
  // Committed offsets of partitions without a position yet (Lag()).
  std::map<std::pair<std::string, int32_t>, int64_t> committed_;
  bool closed_ = false;
};

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_KAFKA_CONSUMER_H_
