#include "common/grpc_errors.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace broadsheet {

grpc::Status InvalidArgumentWithDetails(const std::string& reason, const std::string& field,
                                        const std::string& message) {
  return InvalidArgumentWithViolations(reason, {FieldViolation{field, message}});
}

grpc::Status InvalidArgumentWithViolations(const std::string& reason,
                                           const std::vector<FieldViolation>& violations) {
  std::string message;
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : violations) {
    if (!message.empty()) message += "; ";
    message += v.description;
    auto* violation = bad_request.add_field_violations();
    violation->set_field(v.field);
    violation->set_description(v.description);
  }
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  status.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("broadsheet.v1");
  status.add_details()->PackFrom(info);
  status.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message, status.SerializeAsString());
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC share the canonical code numbers.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace broadsheet
