// gRPC error statuses with google.rpc details, built the same way by every
// service. Only handlers call these: inside, errors are absl::Status.
#ifndef BROADSHEET_COMMON_GRPC_ERRORS_H_
#define BROADSHEET_COMMON_GRPC_ERRORS_H_

#include <string>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace broadsheet {

// INVALID_ARGUMENT carrying google.rpc.ErrorInfo{reason, domain
// "broadsheet.v1"} and google.rpc.BadRequest{field_violations[field]}.
grpc::Status InvalidArgumentWithDetails(const std::string& reason, const std::string& field,
                                        const std::string& message);

// One bad request field: its path (e.g. "filter.published") and what is wrong.
struct FieldViolation {
  std::string field;
  std::string description;
};

// INVALID_ARGUMENT carrying google.rpc.ErrorInfo{reason} and one
// google.rpc.BadRequest field violation per entry of `violations` (which
// must not be empty); the message joins their descriptions.
grpc::Status InvalidArgumentWithViolations(const std::string& reason,
                                           const std::vector<FieldViolation>& violations);

// Maps an internal absl::Status to a grpc::Status with the same code.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_GRPC_ERRORS_H_
