// Builds and runs a gRPC server with health checking (grpc.health.v1) and
// server reflection enabled, as every Broadsheet server has, and stops it
// cleanly on SIGTERM or SIGINT.
#ifndef BROADSHEET_COMMON_GRPC_SERVER_H_
#define BROADSHEET_COMMON_GRPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace broadsheet {

// Starts a server on `address` ("host:port") with `services`. Each service's
// health is SERVING once started.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const std::string& address, const std::vector<grpc::Service*>& services);

// Blocks the calling thread until SIGTERM or SIGINT arrives. Call once, from
// main, after starting the work threads (it blocks those signals process-wide
// so that only this thread receives them).
int WaitForShutdownSignal();

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards. Call first thing in main.
void BlockShutdownSignals();

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_GRPC_SERVER_H_
