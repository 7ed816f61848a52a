// RecordSink: where services send Kafka records. Send() returns once every
// record is durably acknowledged, or fails. Implementations are thread-safe.
// KafkaProducer is the real one; unit tests use an in-memory sink.
#ifndef BROADSHEET_COMMON_RECORD_SINK_H_
#define BROADSHEET_COMMON_RECORD_SINK_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace broadsheet {

struct OutRecord {
  std::string topic;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual absl::Status Send(const std::vector<OutRecord>& records) = 0;
};

// Header names on dead-letter records.
inline constexpr char kHeaderErrorReason[] = "broadsheet.error.reason";
inline constexpr char kHeaderErrorMessage[] = "broadsheet.error.message";
inline constexpr char kHeaderSourceTopic[] = "broadsheet.source.topic";
inline constexpr char kHeaderSourcePartition[] = "broadsheet.source.partition";
inline constexpr char kHeaderSourceOffset[] = "broadsheet.source.offset";

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_RECORD_SINK_H_
