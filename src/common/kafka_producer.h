// KafkaProducer: an idempotent (acks=all) librdkafka producer whose Send()
// returns only after the broker acknowledged every record, or failed.
//
// Thread-safe: Send() may be called from many threads at once; one internal
// thread serves delivery reports.
#ifndef BROADSHEET_COMMON_KAFKA_PRODUCER_H_
#define BROADSHEET_COMMON_KAFKA_PRODUCER_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/record_sink.h"

namespace broadsheet {

class KafkaProducer : public RecordSink {
 public:
  // `extra` is passed to librdkafka as-is (e.g. security.protocol).
  static absl::StatusOr<std::unique_ptr<KafkaProducer>> Create(
      const std::string& brokers, const std::map<std::string, std::string>& extra = {});
  ~KafkaProducer() override;

  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Produces every record and waits for all acknowledgements. Fails with the
  // first delivery error; records may then be partly delivered, which is safe
  // because consumers upsert by key.
  absl::Status Send(const std::vector<OutRecord>& records) override;

 private:
  class DeliveryReporter;
  KafkaProducer() = default;

  std::unique_ptr<DeliveryReporter> reporter_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_KAFKA_PRODUCER_H_
