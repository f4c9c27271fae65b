#include "server/scan_service.h"

#include "server/grpc_status.h"
#include "server/not_yet_available.h"

namespace identitygraph {

grpc::Status ScanServiceImpl::NotYet(grpc::CallbackServerContext* context,
                                     absl::string_view rpc) const {
  return NotYetAvailable(authorizer_, *context, Role::kAdmin, rpc,
                         "the Auth0 importer and the graph engine");
}

grpc::ServerUnaryReactor* ScanServiceImpl::StartRescan(
    grpc::CallbackServerContext* context, const v1::StartRescanRequest*,
    v1::StartRescanResponse*) {
  return FinishNow(context, NotYet(context, "StartRescan"));
}

grpc::ServerUnaryReactor* ScanServiceImpl::GetScan(
    grpc::CallbackServerContext* context, const v1::GetScanRequest*,
    v1::GetScanResponse*) {
  return FinishNow(context, NotYet(context, "GetScan"));
}

grpc::ServerUnaryReactor* ScanServiceImpl::ListScans(
    grpc::CallbackServerContext* context, const v1::ListScansRequest*,
    v1::ListScansResponse*) {
  return FinishNow(context, NotYet(context, "ListScans"));
}

grpc::ServerWriteReactor<v1::WatchScanResponse>* ScanServiceImpl::WatchScan(
    grpc::CallbackServerContext* context, const v1::WatchScanRequest*) {
  return new FinishedWriteReactor<v1::WatchScanResponse>(
      NotYet(context, "WatchScan"));
}

grpc::ServerUnaryReactor* ScanServiceImpl::CancelScan(
    grpc::CallbackServerContext* context, const v1::CancelScanRequest*,
    v1::CancelScanResponse*) {
  return FinishNow(context, NotYet(context, "CancelScan"));
}

}  // namespace identitygraph
