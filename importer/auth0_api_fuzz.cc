// libFuzzer target: any body as each Auth0 JSON answer the importer parses
// (every message of importer/wire/auth0_wire.proto), and as an error answer
// with any status. Parsing must succeed or fail with an error; error mapping
// must always give a status with a message. scripts/fuzz.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "importer/auth0_api.h"
#include "importer/http_client.h"
#include "importer/wire/auth0_wire.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace importer = identitygraph::importer;
  if (size < 2) return 0;
  const google::protobuf::FileDescriptor* file =
      importer::wire::TokenResponse::descriptor()->file();
  const google::protobuf::Descriptor* type =
      file->message_type(data[0] % file->message_type_count());
  const absl::string_view body(reinterpret_cast<const char*>(data) + 2,
                               size - 2);
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(type)
          ->New());
  (void)importer::ParseJson(body, message.get(), "a fuzzed answer");

  importer::HttpResponse response;
  static constexpr long kStatuses[] = {400, 401, 403, 404, 409, 429,
                                       500, 502, 503, 504, 302, 200};
  response.status = kStatuses[data[1] % 12];
  response.body = std::string(body);
  const absl::Status error =
      importer::ErrorFromResponse(response, {"fuzzed records", "read:users"});
  if (error.ok() && response.status >= 400) std::abort();
  return 0;
}
