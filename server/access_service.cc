#include "server/access_service.h"

#include "server/grpc_status.h"
#include "server/not_yet_available.h"

namespace identitygraph {

#define IDENTITYGRAPH_ACCESS_RPC(Name)                                        \
  grpc::ServerUnaryReactor* AccessServiceImpl::Name(                          \
      grpc::CallbackServerContext* context, const v1::Name##Request*,         \
      v1::Name##Response*) {                                                  \
    return FinishNow(                                                         \
        context, NotYetAvailable(authorizer_, *context, Role::kReader, #Name, \
                                 "the graph engine and the importer"));       \
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
