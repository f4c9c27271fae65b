// ConfigService: GetConfig and UpdateConfig over the ConfigStore;
// TestConnection and ListConnections run the importer's checks
// (importer/diagnostics.h) on the saved configuration, or on candidate values
// laid over it as UpdateConfig would (nothing is saved). They call Auth0, so
// they run on the server's admin WorkerPool (background_call.h), and stop when
// the caller goes away. Every RPC requires the admin token.
#ifndef IDENTITYGRAPH_SERVER_CONFIG_SERVICE_H_
#define IDENTITYGRAPH_SERVER_CONFIG_SERVICE_H_

#include <atomic>
#include <functional>
#include <utility>

#include "absl/status/statusor.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "importer/http_client.h"
#include "importer/import.h"
#include "importer/tenant_limiters.h"
#include "server/auth.h"
#include "server/config_store.h"
#include "server/parsing_service.h"
#include "server/worker_pool.h"

namespace identitygraph {

class ConfigServiceImpl final
    : public ParsingService<v1::ConfigService::CallbackService> {
 public:
  // All must outlive the service. Calls are counted in `rpcs` when it is not
  // null.
  ConfigServiceImpl(const Authorizer& authorizer, ConfigStore& store,
                    importer::HttpClientOptions auth0_http, WorkerPool& workers,
                    importer::TenantLimiters& limiters,
                    RpcMetrics* rpcs = nullptr);

  grpc::ServerUnaryReactor* GetConfig(grpc::CallbackServerContext* context,
                                      const v1::GetConfigRequest* request,
                                      v1::GetConfigResponse* response) override;
  grpc::ServerUnaryReactor* UpdateConfig(
      grpc::CallbackServerContext* context,
      const v1::UpdateConfigRequest* request,
      v1::UpdateConfigResponse* response) override;
  grpc::ServerUnaryReactor* TestConnection(
      grpc::CallbackServerContext* context,
      const v1::TestConnectionRequest* request,
      v1::TestConnectionResponse* response) override;
  grpc::ServerUnaryReactor* ListConnections(
      grpc::CallbackServerContext* context,
      const v1::ListConnectionsRequest* request,
      v1::ListConnectionsResponse* response) override;

 private:
  // Checks the admin token, then lays `patch` over the saved configuration as
  // UpdateConfig would (nothing is saved) into `config`: INVALID_ARGUMENT with
  // field violations, or FAILED_PRECONDITION when it is incomplete.
  grpc::Status AdmitCandidate(const grpc::CallbackServerContext& context,
                              const v1::Config& patch,
                              const google::protobuf::FieldMask& mask,
                              importer::TenantConfig* config) const;
  // Admits the candidate, then runs `work` (which calls Auth0) on the worker
  // pool and finishes the call with its status. `work` fills the response and
  // stops when `cancelled` rises.
  using CandidateWork =
      std::function<grpc::Status(const importer::TenantConfig& config,
                                 const importer::HttpClientOptions& auth0_http,
                                 const std::atomic<bool>& cancelled)>;
  grpc::ServerUnaryReactor* RunOnCandidate(
      grpc::CallbackServerContext* context, const v1::Config& patch,
      const google::protobuf::FieldMask& mask, CandidateWork work) const;

  const Authorizer& authorizer_;
  ConfigStore& store_;
  const importer::HttpClientOptions auth0_http_;
  WorkerPool& workers_;
  importer::TenantLimiters& limiters_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_CONFIG_SERVICE_H_
