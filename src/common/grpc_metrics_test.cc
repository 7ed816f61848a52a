#include "common/grpc_metrics.h"

#include <gtest/gtest.h>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <future>
#include <string>

namespace broadsheet {
namespace {

// Value of the counter or histogram sample count with these labels, or -1.
double Sample(prometheus::Registry& registry, const std::string& family,
              const prometheus::Labels& labels) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      prometheus::Labels got;
      for (const auto& l : m.label) got[l.name] = l.value;
      if (got != labels) continue;
      return f.type == prometheus::MetricType::Histogram
                 ? static_cast<double>(m.histogram.sample_count)
                 : m.counter.value;
    }
  }
  return -1;
}

// grpc.health.v1.Health/Check for `service` through the generic stub (Debian
// ships no health.proto); returns the status code.
grpc::StatusCode HealthCheck(grpc::GenericStub& stub, const std::string& service) {
  // HealthCheckRequest{service}: field 1, length-delimited (short names).
  std::string bytes;
  if (!service.empty()) {
    bytes.push_back('\x0a');
    bytes.push_back(static_cast<char>(service.size()));
    bytes += service;
  }
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext context;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get().error_code();
}

TEST(GrpcMetricsTest, CountsCallsByMethodAndCodeAndTimesUnaryCalls) {
  prometheus::Registry registry;
  GrpcMetrics metrics(registry);
  grpc::EnableDefaultHealthCheckService(true);
  // A synchronous service (reflection) makes the server poll its queues.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(metrics.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(creators));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  server->GetHealthCheckService()->SetServingStatus(true);
  grpc::GenericStub stub(server->InProcessChannel({}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(HealthCheck(stub, ""), grpc::OK);
  EXPECT_EQ(HealthCheck(stub, "no.such.Service"), grpc::NOT_FOUND);
  server->Shutdown();

  const std::string method = "/grpc.health.v1.Health/Check";
  EXPECT_EQ(Sample(registry, "broadsheet_grpc_server_handled_total",
                   {{"method", method}, {"code", "OK"}}),
            3);
  EXPECT_EQ(Sample(registry, "broadsheet_grpc_server_handled_total",
                   {{"method", method}, {"code", "NOT_FOUND"}}),
            1);
  EXPECT_EQ(Sample(registry, "broadsheet_grpc_server_handling_seconds", {{"method", method}}), 4);
}

}  // namespace
}  // namespace broadsheet
