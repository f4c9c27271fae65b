// Conversions from the server's absl::Status errors and validation problems to
// gRPC status, and the checks every handler makes before doing work.
#ifndef IDENTITYGRAPH_SERVER_GRPC_STATUS_H_
#define IDENTITYGRAPH_SERVER_GRPC_STATUS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/config_validator.h"

namespace identitygraph {

// Same code; the message, with the remediation (importer/remediation.h)
// joined to it when the status carries one.
grpc::Status ToGrpcStatus(const absl::Status& status);

// INVALID_ARGUMENT whose message lists every violation (so grpcurl users read
// them) and whose details carry a google.rpc.BadRequest with one FieldViolation
// each (so programs can).
grpc::Status InvalidArgumentWithViolations(
    absl::string_view summary, const std::vector<FieldViolation>& violations);

// CANCELLED when the caller has gone away, DEADLINE_EXCEEDED when its deadline
// has passed, OK otherwise. Handlers call it before work the caller can no
// longer use.
grpc::Status CheckCallIsLive(grpc::CallbackServerContext& context);

// A reactor for a unary callback RPC that finishes at once with `status`.
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const grpc::Status& status);

// A server-streaming reactor that writes nothing and finishes at once with
// `status`.
template <typename Response>
class FinishedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit FinishedWriteReactor(const grpc::Status& status) {
    this->Finish(status);
  }
  void OnDone() override { delete this; }
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_GRPC_STATUS_H_
