// AccessService: reachability queries on the published snapshot. Every RPC
// requires the reader (or admin) token when reader tokens are configured.
// Every response names the snapshot that answered; before the first scan the
// RPCs answer UNAVAILABLE. CheckAccess and GetGraphStats live in
// access_service.cc, the listings, batch, explanation and lookup in
// access_lists.cc.
#ifndef IDENTITYGRAPH_SERVER_ACCESS_SERVICE_H_
#define IDENTITYGRAPH_SERVER_ACCESS_SERVICE_H_

#include "graph/snapshot_holder.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "server/auth.h"
#include "server/scan_manager.h"

namespace identitygraph {

class AccessServiceImpl final : public v1::AccessService::CallbackService {
 public:
  // `authorizer` must outlive the service.
  // All must outlive the service.
  AccessServiceImpl(const Authorizer& authorizer,
                    const graph::SnapshotHolder& holder,
                    const ScanManager& scans)
      : authorizer_(authorizer), holder_(holder), scans_(scans) {}

#define IDENTITYGRAPH_ACCESS_RPC(Name)                                 \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context, \
                                 const v1::Name##Request* request,     \
                                 v1::Name##Response* response) override;
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

 private:
  const Authorizer& authorizer_;
  const graph::SnapshotHolder& holder_;
  const ScanManager& scans_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_ACCESS_SERVICE_H_
