#include "server/scan_service.h"

#include "absl/strings/str_cat.h"
#include "server/grpc_status.h"

namespace identitygraph {

grpc::Status ScanServiceImpl::NotYetAvailable(
    grpc::CallbackServerContext* context, absl::string_view rpc) const {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return ToGrpcStatus(allowed);
  return grpc::Status(
      grpc::StatusCode::UNIMPLEMENTED,
      absl::StrCat(rpc,
                   " is not available in this build: scans need the Auth0 "
                   "importer and the graph engine, which are not part of the "
                   "server yet"));
}

grpc::ServerUnaryReactor* ScanServiceImpl::StartRescan(
    grpc::CallbackServerContext* context, const v1::StartRescanRequest*,
    v1::StartRescanResponse*) {
  return FinishNow(context, NotYetAvailable(context, "StartRescan"));
}

grpc::ServerUnaryReactor* ScanServiceImpl::GetScan(
    grpc::CallbackServerContext* context, const v1::GetScanRequest*,
    v1::GetScanResponse*) {
  return FinishNow(context, NotYetAvailable(context, "GetScan"));
}

grpc::ServerUnaryReactor* ScanServiceImpl::ListScans(
    grpc::CallbackServerContext* context, const v1::ListScansRequest*,
    v1::ListScansResponse*) {
  return FinishNow(context, NotYetAvailable(context, "ListScans"));
}

grpc::ServerWriteReactor<v1::WatchScanResponse>* ScanServiceImpl::WatchScan(
    grpc::CallbackServerContext* context, const v1::WatchScanRequest*) {
  return new FinishedWriteReactor<v1::WatchScanResponse>(
      NotYetAvailable(context, "WatchScan"));
}

grpc::ServerUnaryReactor* ScanServiceImpl::CancelScan(
    grpc::CallbackServerContext* context, const v1::CancelScanRequest*,
    v1::CancelScanResponse*) {
  return FinishNow(context, NotYetAvailable(context, "CancelScan"));
}

}  // namespace identitygraph
