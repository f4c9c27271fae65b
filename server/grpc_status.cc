#include "server/grpc_status.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "importer/remediation.h"

namespace identitygraph {

std::string Truncated(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Not inside a UTF-8 sequence: continuation bytes are 10xxxxxx.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return absl::StrCat(text.substr(0, cut), "... (", text.size() - cut,
                      " more bytes)");
}

std::string Echo(absl::string_view text) {
  return Truncated(text, kMaxEchoedBytes);
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // A gRPC error is one line for a person: the remediation joins it.
  return grpc::Status(
      static_cast<grpc::StatusCode>(status.code()),
      Truncated(importer::WithFix(status), kMaxErrorMessageBytes));
}

grpc::Status InvalidArgumentWithViolations(
    absl::string_view summary, const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::string message(summary);
  size_t shown = 0;
  for (const FieldViolation& violation : violations) {
    const std::string field = Truncated(violation.field, kMaxEchoedBytes);
    const std::string description =
        Truncated(violation.description, kMaxErrorMessageBytes / 4);
    const std::string line = absl::StrCat("\n- ", field, ": ", description);
    if (message.size() + line.size() > kMaxErrorMessageBytes - 64 ||
        message.size() + line.size() + bad_request.ByteSizeLong() +
                line.size() + violation.reason.size() >
            kMaxErrorDetailsBytes) {
      break;
    }
    auto* out = bad_request.add_field_violations();
    out->set_field(field);
    out->set_description(description);
    out->set_reason(violation.reason);
    message += line;
    ++shown;
  }
  if (shown < violations.size()) {
    absl::StrAppend(&message, "\n- and ", violations.size() - shown,
                    " more; fix these first");
  }
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  // Clients such as buf curl show this message rather than grpc-message: the
  // same text, counted once more against the bound above.
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

namespace {
thread_local CapturedFinish* captured_finish = nullptr;
}  // namespace

CapturedFinish::CapturedFinish() : previous_(captured_finish) {
  captured_finish = this;
}

CapturedFinish::~CapturedFinish() { captured_finish = previous_; }

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const grpc::Status& status) {
  if (captured_finish != nullptr) {
    captured_finish->status_ = status;
    return nullptr;
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  TakeCountedCall().Finished(status);
  reactor->Finish(status);
  return reactor;
}

}  // namespace identitygraph
