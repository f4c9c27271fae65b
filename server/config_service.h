// ConfigService: GetConfig and UpdateConfig over the ConfigStore;
// TestConnection and ListConnections need the importer and answer UNIMPLEMENTED
// until it exists. Every RPC requires the admin token.
#ifndef IDENTITYGRAPH_SERVER_CONFIG_SERVICE_H_
#define IDENTITYGRAPH_SERVER_CONFIG_SERVICE_H_

#include "identitygraph/v1/config_service.grpc.pb.h"
#include "server/auth.h"
#include "server/config_store.h"

namespace identitygraph {

class ConfigServiceImpl final : public v1::ConfigService::CallbackService {
 public:
  // Both must outlive the service.
  ConfigServiceImpl(const Authorizer& authorizer, ConfigStore& store)
      : authorizer_(authorizer), store_(store) {}

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
  const Authorizer& authorizer_;
  ConfigStore& store_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_CONFIG_SERVICE_H_
