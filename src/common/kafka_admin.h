// Topic administration through librdkafka's admin API. Thread-safe (each call
// uses its own client).
#ifndef BROADSHEET_COMMON_KAFKA_ADMIN_H_
#define BROADSHEET_COMMON_KAFKA_ADMIN_H_

#include <string>

#include "absl/status/status.h"

namespace broadsheet {

// Creates `topic` with `partitions` partitions and replication factor
// `replication`. ALREADY_EXISTS when it exists.
absl::Status CreateTopic(const std::string& brokers, const std::string& topic, int partitions,
                         int replication = 1);

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_KAFKA_ADMIN_H_
