#include "server/parsed_request.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/base/call_once.h"
#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "re2/re2.h"
#include "server/log.h"

namespace identitygraph {
namespace {

// Where protobuf's log goes while this thread parses a request.
thread_local std::string* captured_log = nullptr;

constexpr absl::Duration kProtobufLogInterval = absl::Minutes(1);

absl::Mutex protobuf_log_mutex;
absl::Time last_protobuf_line ABSL_GUARDED_BY(protobuf_log_mutex) =
    absl::InfinitePast();
int64_t protobuf_lines_left_out ABSL_GUARDED_BY(protobuf_log_mutex) = 0;

void HandleProtobufLog(google::protobuf::LogLevel level, const char* filename,
                       int line, const std::string& message) {
  if (level == google::protobuf::LOGLEVEL_FATAL) {
    // Protobuf aborts after this; the reason must reach the log.
    LogError(absl::StrCat("protobuf (", filename, ":", line, "): ", message));
    return;
  }
  if (captured_log != nullptr) {
    if (captured_log->empty()) *captured_log = message;
    return;
  }
  int64_t left_out;
  {
    absl::MutexLock lock(&protobuf_log_mutex);
    const absl::Time now = absl::Now();
    if (now - last_protobuf_line < kProtobufLogInterval) {
      ++protobuf_lines_left_out;
      return;
    }
    last_protobuf_line = now;
    left_out = protobuf_lines_left_out;
    protobuf_lines_left_out = 0;
  }
  std::string text = absl::StrCat("protobuf: ", message);
  if (left_out > 0) {
    absl::StrAppend(&text, " (", left_out,
                    " more protobuf lines left out in the last interval)");
  }
  Log(level == google::protobuf::LOGLEVEL_INFO ? LogSeverity::kInfo
                                               : LogSeverity::kWarning,
      text);
}

// What a failed parse told protobuf's log, in the caller's terms.
std::string ParseFailureReason(const std::string& logged) {
  static const LazyRE2 kInvalidUtf8 = {
      R"re(String field '([^']*)' contains invalid UTF-8)re"};
  std::string field;
  if (RE2::PartialMatch(logged, *kInvalidUtf8, &field)) {
    return absl::StrCat("the string field ", field,
                        " is not valid UTF-8; send text as UTF-8");
  }
  return "its bytes are not that protobuf message (truncated, corrupt, or "
         "another message); send the message the .proto defines, as a "
         "generated client or grpcurl builds it";
}

}  // namespace

void RateLimitProtobufLog() {
  static absl::once_flag once;
  absl::call_once(once,
                  [] { google::protobuf::SetLogHandler(&HandleProtobufLog); });
}

absl::Status ParseRequestBytes(grpc::ByteBuffer* buffer,
                               google::protobuf::MessageLite* message) {
  RateLimitProtobufLog();
  const std::string type = message->GetTypeName();
  if (buffer == nullptr || !buffer->Valid()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the call carried no ", type, " message; send exactly one"));
  }
  std::string logged;
  bool parsed;
  {
    grpc::ProtoBufferReader reader(buffer);
    if (!reader.status().ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the request could not be read as a ", type, ": ",
                       reader.status().error_message()));
    }
    captured_log = &logged;
    parsed = message->ParseFromZeroCopyStream(&reader);
    captured_log = nullptr;
  }
  buffer->Clear();
  if (parsed) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "the request is not a valid ", type, ": ", ParseFailureReason(logged)));
}

int MethodIndex(absl::string_view full_method_name,
                absl::string_view request_type) {
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          std::string(full_method_name));
  if (method == nullptr || method->input_type()->full_name() != request_type) {
    LogError(absl::StrCat("no RPC method named ", full_method_name, " taking ",
                          request_type, " is linked into the server"));
    std::abort();
  }
  return method->index();
}

}  // namespace identitygraph
