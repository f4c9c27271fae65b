// ScanService over the ScanManager: start a scan (or get the running one),
// read one or the history, watch one as a stream until it ends, cancel one;
// list the batches of followed changes.
// Every RPC requires the admin token. Watch streams cost no thread
// (scan_watchers.h); CancelScan waits for the scan to stop on the server's
// admin WorkerPool.
#ifndef IDENTITYGRAPH_SERVER_SCAN_SERVICE_H_
#define IDENTITYGRAPH_SERVER_SCAN_SERVICE_H_

#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "server/auth.h"
#include "server/parsing_service.h"
#include "server/scan_manager.h"
#include "server/scan_watchers.h"
#include "server/worker_pool.h"

namespace identitygraph {

class ScanServiceImpl final
    : public ParsingService<v1::ScanService::CallbackService> {
 public:
  // All must outlive the service. Calls are counted in `rpcs` when it is not
  // null.
  ScanServiceImpl(const Authorizer& authorizer, ScanManager& scans,
                  WorkerPool& workers, RpcMetrics* rpcs = nullptr);

  // Ends every WatchScan stream (UNAVAILABLE) so that shutdown need not wait
  // for scans to end; called before the gRPC server stops.
  void Shutdown() { watchers_.Shutdown(); }
  // WatchScan streams still open (for tests).
  size_t open_watches() const { return watchers_.size(); }

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
  // Sends the scan at once, then every change (progress at most every 250
  // ms), and ends when the scan does. A watcher that goes away is noticed at
  // once.
  grpc::ServerWriteReactor<v1::WatchScanResponse>* WatchScan(
      grpc::CallbackServerContext* context,
      const v1::WatchScanRequest* request) override;
  grpc::ServerUnaryReactor* CancelScan(
      grpc::CallbackServerContext* context,
      const v1::CancelScanRequest* request,
      v1::CancelScanResponse* response) override;
  grpc::ServerUnaryReactor* ListChangeBatches(
      grpc::CallbackServerContext* context,
      const v1::ListChangeBatchesRequest* request,
      v1::ListChangeBatchesResponse* response) override;

 private:
  const Authorizer& authorizer_;
  ScanManager& scans_;
  WorkerPool& workers_;
  ScanWatchers watchers_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SCAN_SERVICE_H_
