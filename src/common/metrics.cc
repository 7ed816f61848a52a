#include "common/metrics.h"

#include "absl/strings/str_cat.h"

namespace broadsheet {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& address) {
  std::unique_ptr<MetricsServer> self(new MetricsServer());
  self->registry_ = std::make_shared<prometheus::Registry>();
  if (!address.empty() && address.substr(address.rfind(':') + 1) != "0") {
    try {
      self->exposer_ = std::make_unique<prometheus::Exposer>(address);
      self->exposer_->RegisterCollectable(self->registry_);
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat("metrics endpoint ", address, ": ", e.what()));
    }
  }
  return self;
}

prometheus::Counter& MetricsServer::Counter(const std::string& name, const std::string& help,
                                            const prometheus::Labels& labels) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*registry_).Add(labels);
}

prometheus::Gauge& MetricsServer::Gauge(const std::string& name, const std::string& help,
                                        const prometheus::Labels& labels) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(*registry_).Add(labels);
}

prometheus::Histogram& MetricsServer::Seconds(const std::string& name, const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_).Add(
      {}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                  1, 2.5, 5, 10});
}

}  // namespace broadsheet
