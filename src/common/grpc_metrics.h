// Prometheus metrics for every RPC a gRPC server handles, as a server
// interceptor: calls by method and status code
// (broadsheet_grpc_server_handled_total) and the latency of unary calls
// (broadsheet_grpc_server_handling_seconds, by method). Streams are counted
// when they end; their duration is not a latency, so it is not observed.
//
// Thread-safe: one factory serves all of a server's threads.
#ifndef BROADSHEET_COMMON_GRPC_METRICS_H_
#define BROADSHEET_COMMON_GRPC_METRICS_H_

#include <array>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace broadsheet {

class GrpcMetrics {
 public:
  // Registers the metric families in `registry`, which must outlive this.
  explicit GrpcMetrics(prometheus::Registry& registry);

  // Counts one finished call; `seconds` < 0 for streams (not observed).
  // `method` is "/package.Service/Method".
  void Record(const char* method, grpc::StatusCode code, double seconds);

  // A factory for ServerBuilder::experimental().SetInterceptorCreators();
  // `this` must outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

 private:
  static constexpr size_t kCodes = 17;  // grpc::StatusCode OK..UNAUTHENTICATED
  struct MethodMetrics {
    std::array<prometheus::Counter*, kCodes> handled{};
    prometheus::Histogram* seconds = nullptr;
  };
  MethodMetrics& For(const char* method);

  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::mutex mu_;
  // Keyed by the method name's address: gRPC passes the registered method's
  // own string, stable for the server's life (another address with the same
  // name gets the same series: Family::Add returns the existing metric).
  std::unordered_map<const char*, MethodMetrics> by_method_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_GRPC_METRICS_H_
