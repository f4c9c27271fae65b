#include "server/not_yet_available.h"

#include "absl/strings/str_cat.h"
#include "server/grpc_status.h"

namespace identitygraph {

grpc::Status NotYetAvailable(const Authorizer& authorizer,
                             const grpc::ServerContextBase& context,
                             Role required, absl::string_view rpc,
                             absl::string_view needs) {
  absl::Status allowed = authorizer.Authorize(context, required);
  if (!allowed.ok()) return ToGrpcStatus(allowed);
  return grpc::Status(
      grpc::StatusCode::UNIMPLEMENTED,
      absl::StrCat(rpc, " is not available in this build: it needs ", needs,
                   ", which is not part of the server yet"));
}

}  // namespace identitygraph
