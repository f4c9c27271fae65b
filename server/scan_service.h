// ScanService: starting, watching and cancelling imports. Every RPC requires
// the admin token. The importer is not built yet, so each RPC answers
// UNIMPLEMENTED, after authorisation, with a message naming what is missing.
#ifndef IDENTITYGRAPH_SERVER_SCAN_SERVICE_H_
#define IDENTITYGRAPH_SERVER_SCAN_SERVICE_H_

#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "server/auth.h"

namespace identitygraph {

class ScanServiceImpl final : public v1::ScanService::CallbackService {
 public:
  // `authorizer` must outlive the service.
  explicit ScanServiceImpl(const Authorizer& authorizer)
      : authorizer_(authorizer) {}

  grpc::ServerUnaryReactor* StartRescan(
      grpc::CallbackServerContext* context,
      const v1::StartRescanRequest* request,
      v1::StartRescanResponse* response) override;
  grpc::ServerUnaryReactor* GetScan(grpc::CallbackServerContext* context,
                                    const v1::GetScanRequest* request,
                                    v1::GetScanResponse* response) override;
  grpc::ServerUnaryReactor* ListScans(grpc::CallbackServerContext* context,
                                      const v1::ListScansRequest* request,
                                      v1::ListScansResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchScanResponse>* WatchScan(
      grpc::CallbackServerContext* context,
      const v1::WatchScanRequest* request) override;
  grpc::ServerUnaryReactor* CancelScan(
      grpc::CallbackServerContext* context,
      const v1::CancelScanRequest* request,
      v1::CancelScanResponse* response) override;

 private:
  grpc::Status NotYet(grpc::CallbackServerContext* context,
                      absl::string_view rpc) const;

  const Authorizer& authorizer_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SCAN_SERVICE_H_
