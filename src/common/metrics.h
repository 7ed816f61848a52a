// A Prometheus registry served over HTTP at /metrics (prometheus-cpp).
// Thread-safe: prometheus-cpp metrics are safe to update from any thread.
#ifndef BROADSHEET_COMMON_METRICS_H_
#define BROADSHEET_COMMON_METRICS_H_

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/status/statusor.h"

namespace broadsheet {

class MetricsServer {
 public:
  // Serves on `address` ("host:port"; port 0 disables serving but metrics
  // still work, for tests).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& address);

  prometheus::Registry& registry() { return *registry_; }

  prometheus::Counter& Counter(const std::string& name, const std::string& help,
                               const prometheus::Labels& labels = {});
  prometheus::Gauge& Gauge(const std::string& name, const std::string& help,
                           const prometheus::Labels& labels = {});
  // Latency in seconds, buckets from 1 ms to 10 s.
  prometheus::Histogram& Seconds(const std::string& name, const std::string& help);

 private:
  MetricsServer() = default;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_METRICS_H_
