#include "common/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/env.h"
#include "common/grpc_metrics.h"
#include "common/log.h"
#include "common/security.h"

namespace broadsheet {
namespace {

// Health-only plaintext servers; they live as long as the process.
std::mutex g_health_mu;
std::vector<grpc::Server*>* g_health_servers = nullptr;

absl::StatusOr<std::unique_ptr<grpc::Server>> BuildAndStart(
    const std::string& address, const std::shared_ptr<grpc::ServerCredentials>& creds,
    const std::vector<grpc::Service*>& services, GrpcMetrics* metrics) {
  grpc::ServerBuilder builder;
  if (metrics != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(metrics->InterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  // gRPC sets SO_REUSEPORT by default: a second copy of a service (a stale
  // one still draining, or one started twice) then binds the same port and
  // the kernel splits new connections between the two. A port in use must
  // fail to bind instead, with a clear error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int bound_port = 0;
  builder.AddListeningPort(address, creds, &bound_port);
  builder.SetMaxReceiveMessageSize(64 << 20);
  // The sync server keeps at most MAX_POLLERS idle threads; by default 2, so
  // under concurrent calls it started a thread for nearly every call and
  // ended it afterwards (clone, exit and munmap were a third of the query
  // service's CPU at 16 clients). Threads now stay for the next call.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " (in use by another process?)"));
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  return server;
}

}  // namespace

absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const std::string& address, const std::vector<grpc::Service*>& services,
    const ServerSecurityOptions& security, const std::string& health_address,
    GrpcMetrics* metrics) {
  // Debian builds Abseil without NDEBUG, so every absl::Mutex (gRPC takes
  // several per call) tracked lock order in a global graph for deadlock
  // detection: ~2% of the query service's CPU under GetArticle load.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto creds = MakeServerCredentials(security);
  if (!creds.ok()) return creds.status();
  auto server = BuildAndStart(address, *creds, services, metrics);
  if (!server.ok()) return server.status();
  LogInfo("gRPC server security",
          {{"address", address},
           {"tls", !security.cert_file.empty()},
           {"client_certificates", !security.client_ca_file.empty()},
           {"ingest_token", !security.ingest_token_file.empty()}});
  if (!health_address.empty()) {
    auto health =
        BuildAndStart(health_address, grpc::InsecureServerCredentials(), {}, /*metrics=*/nullptr);
    if (!health.ok()) return health.status();
    std::lock_guard<std::mutex> lock(g_health_mu);
    if (g_health_servers == nullptr) g_health_servers = new std::vector<grpc::Server*>();
    g_health_servers->push_back(health->release());  // lives until exit
    LogInfo("health-only port listening", {{"address", health_address}});
  }
  return server;
}

absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const std::string& address, const std::vector<grpc::Service*>& services,
    GrpcMetrics* metrics) {
  return StartGrpcServer(address, services, ServerSecurityFromEnv(),
                         EnvOr("BROADSHEET_HEALTH_LISTEN", ""), metrics);
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  std::lock_guard<std::mutex> lock(g_health_mu);
  if (g_health_servers != nullptr) {
    for (grpc::Server* s : *g_health_servers) s->GetHealthCheckService()->SetServingStatus(false);
  }
  return sig;
}

}  // namespace broadsheet
