// Builds and runs a gRPC server with health checking (grpc.health.v1) and
// server reflection enabled, as every Broadsheet server has, and stops it
// cleanly on SIGTERM or SIGINT.
//
// Transport security comes from the environment (common/security.h):
// BROADSHEET_TLS_CERT / _KEY turn TLS on, BROADSHEET_TLS_CLIENT_CA requires
// client certificates, BROADSHEET_INGEST_TOKEN_FILE requires a bearer token on
// IngestService (health and reflection stay open). BROADSHEET_HEALTH_LISTEN
// adds a plaintext port that serves only grpc.health.v1 (for Kubernetes' gRPC
// probes, which cannot speak TLS).
#ifndef BROADSHEET_COMMON_GRPC_SERVER_H_
#define BROADSHEET_COMMON_GRPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace broadsheet {

class GrpcMetrics;

// Starts a server on `address` ("host:port") with `services`. Each service's
// health is SERVING once started. With `metrics` (which must outlive the
// server), every call is counted and timed (common/grpc_metrics.h).
absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const std::string& address, const std::vector<grpc::Service*>& services,
    GrpcMetrics* metrics = nullptr);

struct ServerSecurityOptions;

// Same, with explicit security settings and health-only address ("" for none)
// instead of the environment's.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const std::string& address, const std::vector<grpc::Service*>& services,
    const ServerSecurityOptions& security, const std::string& health_address,
    GrpcMetrics* metrics = nullptr);

// Blocks the calling thread until SIGTERM or SIGINT arrives. Call once, from
// main, after starting the work threads (it blocks those signals process-wide
// so that only this thread receives them). On return the health-only port
// (if any) reports NOT_SERVING, so probes stop routing during the drain.
int WaitForShutdownSignal();

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards. Call first thing in main.
void BlockShutdownSignals();

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_GRPC_SERVER_H_
