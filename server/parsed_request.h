// Requests that reach the server's handlers still unparsed, so that one
// whose bytes do not parse can be answered INVALID_ARGUMENT with the reason,
// and logs nothing (parsing_service.h registers the handlers).
//
// Why: the callback API of Debian's gRPC (1.51) answers every request that
// fails to parse with UNIMPLEMENTED and an empty message (its callback
// handlers' RunHandler replaces any deserialization failure), and protobuf
// logs an ERROR line for each string field that is not UTF-8, before the
// caller is authenticated. With the SerializationTraits below gRPC hands the
// handler a ParsedRequest carrying the parse's outcome instead of failing the
// call, and the parse runs with protobuf's log captured into that outcome.
#ifndef IDENTITYGRAPH_SERVER_PARSED_REQUEST_H_
#define IDENTITYGRAPH_SERVER_PARSED_REQUEST_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/message_lite.h"
#include "grpcpp/impl/serialization_traits.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace identitygraph {

// Parses `buffer` into `message`, capturing what protobuf would log:
// INVALID_ARGUMENT saying what was wrong when the bytes are not a `message`.
absl::Status ParseRequestBytes(grpc::ByteBuffer* buffer,
                               google::protobuf::MessageLite* message);

// Routes protobuf's log lines that no parse captures (gRPC's reflection
// service parses untrusted requests too) to the server's log, at most one line
// a minute with a count of those left out. Called once at startup.
void RateLimitProtobufLog();

// The position of a method in its service, as the generated code numbers
// them (declaration order in the .proto). Aborts on a name the generated pool
// does not know or whose request is not `request_type`: a programming error,
// found at startup.
int MethodIndex(absl::string_view full_method_name,
                absl::string_view request_type);

// A request message and whether its bytes parsed. The message lives on
// `arena` when one is given.
template <typename Message>
class ParsedRequest {
 public:
  ParsedRequest()
      : owned_(std::make_unique<Message>()), message_(owned_.get()) {}
  explicit ParsedRequest(google::protobuf::Arena* arena)
      : message_(google::protobuf::Arena::CreateMessage<Message>(arena)) {}

  const Message& message() const { return *message_; }
  const absl::Status& parse_status() const { return parse_status_; }
  void Parse(grpc::ByteBuffer* buffer) {
    parse_status_ = ParseRequestBytes(buffer, message_);
  }

 private:
  std::unique_ptr<Message> owned_;
  Message* message_;
  absl::Status parse_status_;
};

}  // namespace identitygraph

namespace grpc {

// Hands gRPC's callback handlers a ParsedRequest whose parse may have failed,
// instead of failing the call before the handler runs.
template <typename Message>
class SerializationTraits<identitygraph::ParsedRequest<Message>, void> {
 public:
  static Status Deserialize(ByteBuffer* buffer,
                            identitygraph::ParsedRequest<Message>* request) {
    request->Parse(buffer);
    return Status::OK;
  }
};

}  // namespace grpc

#endif  // IDENTITYGRAPH_SERVER_PARSED_REQUEST_H_
