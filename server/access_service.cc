#include "server/access_service.h"

#include "absl/strings/str_cat.h"
#include "server/grpc_status.h"

namespace identitygraph {
namespace {

grpc::ServerUnaryReactor* NotYetAvailable(grpc::CallbackServerContext* context,
                                          const Authorizer& authorizer,
                                          absl::string_view rpc) {
  absl::Status allowed = authorizer.Authorize(*context, Role::kReader);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  return FinishNow(
      context, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            absl::StrCat(rpc,
                                         " is not available in this build: it "
                                         "needs the graph engine and the "
                                         "importer, which are not part of the "
                                         "server yet")));
}

}  // namespace

#define IDENTITYGRAPH_ACCESS_RPC(Name)                                \
  grpc::ServerUnaryReactor* AccessServiceImpl::Name(                  \
      grpc::CallbackServerContext* context, const v1::Name##Request*, \
      v1::Name##Response*) {                                          \
    return NotYetAvailable(context, authorizer_, #Name);              \
  }
IDENTITYGRAPH_ACCESS_RPC(CheckAccess)
IDENTITYGRAPH_ACCESS_RPC(BatchCheckAccess)
IDENTITYGRAPH_ACCESS_RPC(ListUserApplications)
IDENTITYGRAPH_ACCESS_RPC(ListApplicationUsers)
IDENTITYGRAPH_ACCESS_RPC(ExplainAccess)
IDENTITYGRAPH_ACCESS_RPC(ListUserGroups)
IDENTITYGRAPH_ACCESS_RPC(ListUserRoles)
IDENTITYGRAPH_ACCESS_RPC(ListGroupMembers)
IDENTITYGRAPH_ACCESS_RPC(LookupEntities)
IDENTITYGRAPH_ACCESS_RPC(GetGraphStats)
#undef IDENTITYGRAPH_ACCESS_RPC

}  // namespace identitygraph
