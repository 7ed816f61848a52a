#include "common/grpc_metrics.h"

#include <chrono>
#include <string>

namespace broadsheet {
namespace {

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",           "CANCELLED",        "UNKNOWN",          "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",   "ALREADY_EXISTS",   "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",        "UNAVAILABLE",      "DATA_LOSS",
      "UNAUTHENTICATED"};
  const auto i = static_cast<size_t>(code);
  return i < std::size(kNames) ? kNames[i] : "UNKNOWN";
}

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcMetrics* metrics, grpc::experimental::ServerRpcInfo* info)
      : metrics_(metrics),
        method_(info->method()),
        unary_(info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const double seconds =
          unary_ ? std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()
                 : -1.0;
      metrics_->Record(method_, methods->GetSendStatus().error_code(), seconds);
    }
    methods->Proceed();
  }

 private:
  GrpcMetrics* const metrics_;
  const char* const method_;
  const bool unary_;
  const std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info);
  }

 private:
  GrpcMetrics* const metrics_;
};

}  // namespace

GrpcMetrics::GrpcMetrics(prometheus::Registry& registry)
    : handled_(prometheus::BuildCounter()
                   .Name("broadsheet_grpc_server_handled_total")
                   .Help("gRPC calls completed, by method and status code")
                   .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("broadsheet_grpc_server_handling_seconds")
                   .Help("Latency of unary gRPC calls, by method")
                   .Register(registry)) {}

GrpcMetrics::MethodMetrics& GrpcMetrics::For(const char* method) {
  auto it = by_method_.find(method);
  if (it != by_method_.end()) return it->second;
  // A name seen at another address (a second server) maps to the same
  // series: Family::Add returns the existing metric for equal labels.
  MethodMetrics& m = by_method_[method];
  m.seconds = &seconds_.Add(
      {{"method", method}},
      prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25, 0.5, 1, 2.5, 5, 10});
  return m;
}

void GrpcMetrics::Record(const char* method, grpc::StatusCode code, double seconds) {
  prometheus::Histogram* histogram = nullptr;
  prometheus::Counter* counter = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MethodMetrics& m = For(method);
    const auto i = static_cast<size_t>(code) < kCodes ? static_cast<size_t>(code)
                                                      : static_cast<size_t>(grpc::UNKNOWN);
    if (m.handled[i] == nullptr) {
      m.handled[i] = &handled_.Add({{"method", method}, {"code", CodeName(code)}});
    }
    counter = m.handled[i];
    histogram = m.seconds;
  }
  counter->Increment();
  if (seconds >= 0) histogram->Observe(seconds);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcMetrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

}  // namespace broadsheet
