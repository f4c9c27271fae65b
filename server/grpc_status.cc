#include "server/grpc_status.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "importer/remediation.h"

namespace identitygraph {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // A gRPC error is one line for a person: the remediation joins it.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      importer::WithFix(status));
}

grpc::Status InvalidArgumentWithViolations(
    absl::string_view summary, const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::string message(summary);
  for (const FieldViolation& violation : violations) {
    auto* field = bad_request.add_field_violations();
    field->set_field(violation.field);
    field->set_description(violation.description);
    field->set_reason(violation.reason);
    absl::StrAppend(&message, "\n- ", violation.field, ": ",
                    violation.description);
  }
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message,
                      details.SerializeAsString());
}

grpc::Status CheckCallIsLive(grpc::CallbackServerContext& context) {
  if (context.IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED,
                        "the caller cancelled the call");
  }
  if (context.deadline() < std::chrono::system_clock::now()) {
    return grpc::Status(
        grpc::StatusCode::DEADLINE_EXCEEDED,
        "the call's deadline passed before the server could start on it");
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace identitygraph
