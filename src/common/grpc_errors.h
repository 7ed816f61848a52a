// gRPC error statuses with google.rpc details, built the same way by every
// service. Only handlers call these: inside, errors are absl::Status.
#ifndef BROADSHEET_COMMON_GRPC_ERRORS_H_
#define BROADSHEET_COMMON_GRPC_ERRORS_H_

#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace broadsheet {

// INVALID_ARGUMENT carrying google.rpc.ErrorInfo{reason, domain
// "broadsheet.v1"} and google.rpc.BadRequest{field_violations[field]}.
grpc::Status InvalidArgumentWithDetails(const std::string& reason, const std::string& field,
                                        const std::string& message);

// Maps an internal absl::Status to a grpc::Status with the same code.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_GRPC_ERRORS_H_
