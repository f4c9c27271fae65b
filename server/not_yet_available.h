// The answer of an RPC whose implementation arrives with a later part of the
// server: the caller's authorisation error if there is one (so the auth
// contract holds for every RPC from the start), else UNIMPLEMENTED naming the
// RPC and what it waits for.
#ifndef IDENTITYGRAPH_SERVER_NOT_YET_AVAILABLE_H_
#define IDENTITYGRAPH_SERVER_NOT_YET_AVAILABLE_H_

#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/auth.h"

namespace identitygraph {

// `needs` completes "it needs ...", e.g. "the Auth0 importer".
grpc::Status NotYetAvailable(const Authorizer& authorizer,
                             const grpc::ServerContextBase& context,
                             Role required, absl::string_view rpc,
                             absl::string_view needs);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_NOT_YET_AVAILABLE_H_
