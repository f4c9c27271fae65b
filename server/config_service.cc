#include "server/config_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "server/grpc_status.h"
#include "server/log.h"
#include "server/not_yet_available.h"

namespace identitygraph {

grpc::ServerUnaryReactor* ConfigServiceImpl::GetConfig(
    grpc::CallbackServerContext* context, const v1::GetConfigRequest*,
    v1::GetConfigResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  *response->mutable_config() = store_.Get();
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* ConfigServiceImpl::UpdateConfig(
    grpc::CallbackServerContext* context,
    const v1::UpdateConfigRequest* request,
    v1::UpdateConfigResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  grpc::Status live = CheckCallIsLive(*context);
  if (!live.ok()) return FinishNow(context, live);

  absl::StatusOr<ConfigStore::UpdateOutcome> outcome =
      store_.Update(request->config(), request->update_mask(),
                    request->validate_only(), absl::Now());
  if (!outcome.ok()) {
    LogError(absl::StrCat("UpdateConfig could not save: ",
                          outcome.status().message()));
    return FinishNow(context, ToGrpcStatus(outcome.status()));
  }
  if (!outcome->violations.empty()) {
    return FinishNow(context, InvalidArgumentWithViolations(
                                  "the configuration was not saved; fix these "
                                  "fields and send it again:",
                                  outcome->violations));
  }
  if (!request->validate_only()) {
    // An audit line naming the fields, never their values.
    LogInfo(absl::StrCat(
        "configuration saved as revision ", outcome->config.revision(),
        "; fields: ", absl::StrJoin(outcome->updated_paths, ",")));
  }
  *response->mutable_config() = std::move(outcome->config);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* ConfigServiceImpl::TestConnection(
    grpc::CallbackServerContext* context, const v1::TestConnectionRequest*,
    v1::TestConnectionResponse*) {
  return FinishNow(context,
                   NotYetAvailable(authorizer_, *context, Role::kAdmin,
                                   "TestConnection", "the Auth0 importer"));
}

grpc::ServerUnaryReactor* ConfigServiceImpl::ListConnections(
    grpc::CallbackServerContext* context, const v1::ListConnectionsRequest*,
    v1::ListConnectionsResponse*) {
  return FinishNow(context,
                   NotYetAvailable(authorizer_, *context, Role::kAdmin,
                                   "ListConnections", "the Auth0 importer"));
}

}  // namespace identitygraph
