// Conversions from the server's absl::Status errors and validation problems to
// gRPC status, and the checks every handler makes before doing work.
#ifndef IDENTITYGRAPH_SERVER_GRPC_STATUS_H_
#define IDENTITYGRAPH_SERVER_GRPC_STATUS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/call_metrics.h"
#include "server/config_validator.h"

namespace identitygraph {

// Bounds on what an error carries, so that it fits in gRPC's trailing
// metadata (8 KiB by default in the C++ and Python clients; past that the
// caller sees RESOURCE_EXHAUSTED instead of the error): caller input echoed in
// a message, a whole message, and the serialized google.rpc.Status details
// (which repeat the message beside the BadRequest).
inline constexpr size_t kMaxEchoedBytes = 100;
inline constexpr size_t kMaxErrorMessageBytes = 2048;
inline constexpr size_t kMaxErrorDetailsBytes = 3072;

// `text` (caller input) as an error message may quote it: at most
// kMaxEchoedBytes, cut at a character boundary and marked when cut.
std::string Echo(absl::string_view text);
// `text` cut to `max_bytes` at a character boundary, marked when cut.
std::string Truncated(absl::string_view text, size_t max_bytes);

// Same code; the message, with the remediation (importer/remediation.h)
// joined to it when the status carries one, at most kMaxErrorMessageBytes.
grpc::Status ToGrpcStatus(const absl::Status& status);

// INVALID_ARGUMENT whose message lists the violations (so grpcurl users read
// them) and whose details carry a google.rpc.BadRequest with one FieldViolation
// each (so programs can), as many as fit the bounds above; the message says
// how many more there were.
grpc::Status InvalidArgumentWithViolations(
    absl::string_view summary, const std::vector<FieldViolation>& violations);

// CANCELLED when the caller has gone away, DEADLINE_EXCEEDED when its deadline
// has passed, OK otherwise. Handlers call it before work the caller can no
// longer use.
grpc::Status CheckCallIsLive(grpc::CallbackServerContext& context);

// A reactor for a unary callback RPC that finishes at once with `status`
// (counted as the handler's call, call_metrics.h). While a CapturedFinish
// lives on the thread, it only records `status` and returns null.
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const grpc::Status& status);

// Lets a handler that answers with FinishNow run again later on another
// thread (a read waiting for min_change_time, background_call.h), where its
// reactor is already made: the status it finished with is kept here.
class CapturedFinish {
 public:
  CapturedFinish();
  ~CapturedFinish();
  CapturedFinish(const CapturedFinish&) = delete;
  CapturedFinish& operator=(const CapturedFinish&) = delete;
  const grpc::Status& status() const { return status_; }

 private:
  friend grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext*,
                                             const grpc::Status&);
  grpc::Status status_ = grpc::Status(grpc::StatusCode::INTERNAL,
                                      "the handler did not finish the call");
  CapturedFinish* previous_;
};

// A server-streaming reactor that writes nothing and finishes at once with
// `status` (counted as the handler's call). Made on the handler's thread.
template <typename Response>
class FinishedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit FinishedWriteReactor(const grpc::Status& status) {
    TakeCountedCall().Finished(status);
    this->Finish(status);
  }
  void OnDone() override { delete this; }
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_GRPC_STATUS_H_
