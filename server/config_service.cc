#include "server/config_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "importer/diagnostics.h"
#include "server/api_mapping.h"
#include "server/background_call.h"
#include "server/config_update.h"
#include "server/grpc_status.h"
#include "server/log.h"
#include "server/proto_time.h"
#include "server/tenant_config.h"

namespace identitygraph {

ConfigServiceImpl::ConfigServiceImpl(const Authorizer& authorizer,
                                     ConfigStore& store,
                                     importer::HttpClientOptions auth0_http,
                                     WorkerPool& workers,
                                     importer::TenantLimiters& limiters,
                                     RpcMetrics* rpcs)
    : ParsingService(authorizer, Role::kAdmin, rpcs),
      authorizer_(authorizer),
      store_(store),
      auth0_http_(std::move(auth0_http)),
      workers_(workers),
      limiters_(limiters) {
  constexpr absl::string_view kService = "identitygraph.v1.ConfigService.";
  ParseRequestsOf(absl::StrCat(kService, "GetConfig"),
                  &ConfigServiceImpl::GetConfig);
  ParseRequestsOf(absl::StrCat(kService, "UpdateConfig"),
                  &ConfigServiceImpl::UpdateConfig);
  ParseRequestsOf(absl::StrCat(kService, "TestConnection"),
                  &ConfigServiceImpl::TestConnection);
  ParseRequestsOf(absl::StrCat(kService, "ListConnections"),
                  &ConfigServiceImpl::ListConnections);
}

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

grpc::Status ConfigServiceImpl::AdmitCandidate(
    const grpc::CallbackServerContext& context, const v1::Config& patch,
    const google::protobuf::FieldMask& mask,
    importer::TenantConfig* config) const {
  absl::Status allowed = authorizer_.Authorize(context, Role::kAdmin);
  if (!allowed.ok()) return ToGrpcStatus(allowed);
  const v1::Config saved = store_.GetWithSecret();
  ConfigUpdateResult update =
      ApplyConfigUpdate(saved, patch, mask, store_.validator_options());
  // Among the violations: a candidate that points at another tenant or
  // application without its own secret (the saved one is never sent there).
  if (!update.violations.empty()) {
    return InvalidArgumentWithViolations(
        "the candidate configuration is not valid; fix these fields:",
        update.violations);
  }
  absl::StatusOr<importer::TenantConfig> complete =
      ToTenantConfig(update.merged, store_.validator_options());
  if (!complete.ok()) return ToGrpcStatus(complete.status());
  *config = *std::move(complete);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* ConfigServiceImpl::RunOnCandidate(
    grpc::CallbackServerContext* context, const v1::Config& patch,
    const google::protobuf::FieldMask& mask, CandidateWork work) const {
  importer::TenantConfig config;
  grpc::Status admitted = AdmitCandidate(*context, patch, mask, &config);
  if (!admitted.ok()) return FinishNow(context, admitted);
  return RunInBackground(
      workers_, [config = std::move(config), http = auth0_http_,
                 work = std::move(work)](const std::atomic<bool>& cancelled) {
        return work(config, http, cancelled);
      });
}

grpc::ServerUnaryReactor* ConfigServiceImpl::TestConnection(
    grpc::CallbackServerContext* context,
    const v1::TestConnectionRequest* request,
    v1::TestConnectionResponse* response) {
  // Checks ask Auth0 for fresh tokens every time, so force_token_refresh
  // holds whatever the request says.
  return RunOnCandidate(
      context, request->config(), request->update_mask(),
      [this, response](const importer::TenantConfig& config,
                       const importer::HttpClientOptions& http,
                       const std::atomic<bool>& cancelled) {
        const importer::Diagnosis diagnosis =
            importer::Diagnose(config, http, &cancelled, &limiters_);
        for (const importer::Check& check : diagnosis.checks) {
          v1::ConnectionCheck* out = response->add_checks();
          out->set_name(check.name);
          out->set_status(ToApi(check.status));
          out->set_message(check.message);
          out->set_remediation(check.remediation);
          for (const std::string& scope : check.missing_scopes)
            out->add_missing_scopes(scope);
          if (check.rate_limit_reset.has_value()) {
            *out->mutable_rate_limit_reset() =
                ToProtoTimestamp(*check.rate_limit_reset);
          }
        }
        response->set_ok(diagnosis.ok);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* ConfigServiceImpl::ListConnections(
    grpc::CallbackServerContext* context,
    const v1::ListConnectionsRequest* request,
    v1::ListConnectionsResponse* response) {
  return RunOnCandidate(
      context, request->config(), request->update_mask(),
      [this, response](const importer::TenantConfig& config,
                       const importer::HttpClientOptions& http,
                       const std::atomic<bool>& cancelled) {
        absl::StatusOr<std::vector<importer::TenantConnection>> connections =
            importer::ListTenantConnections(config, http, &cancelled,
                                            importer::kConnectionsCounted,
                                            &limiters_);
        if (!connections.ok()) return ToGrpcStatus(connections.status());
        for (const importer::TenantConnection& c : *connections) {
          v1::TenantConnection* out = response->add_connections();
          out->set_id(c.connection.id);
          out->set_name(c.connection.name);
          out->set_display_name(c.connection.display_name);
          out->set_strategy(c.connection.strategy);
          out->set_selected(c.selected);
          out->set_user_count(c.user_count);
          out->set_audience(ToApi(c.audience));
          out->set_audience_reason(c.audience_reason);
        }
        return grpc::Status::OK;
      });
}

}  // namespace identitygraph
