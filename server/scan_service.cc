#include "server/scan_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/background_call.h"
#include "server/grpc_status.h"
#include "server/page_token.h"

namespace identitygraph {

ScanServiceImpl::ScanServiceImpl(const Authorizer& authorizer,
                                 ScanManager& scans, WorkerPool& workers,
                                 RpcMetrics* rpcs)
    : ParsingService(authorizer, Role::kAdmin, rpcs),
      authorizer_(authorizer),
      scans_(scans),
      workers_(workers),
      watchers_(scans) {
  constexpr absl::string_view kService = "identitygraph.v1.ScanService.";
  ParseRequestsOf(absl::StrCat(kService, "StartRescan"),
                  &ScanServiceImpl::StartRescan);
  ParseRequestsOf(absl::StrCat(kService, "GetScan"), &ScanServiceImpl::GetScan);
  ParseRequestsOf(absl::StrCat(kService, "ListScans"),
                  &ScanServiceImpl::ListScans);
  ParseRequestsOf(absl::StrCat(kService, "WatchScan"),
                  &ScanServiceImpl::WatchScan);
  ParseRequestsOf(absl::StrCat(kService, "CancelScan"),
                  &ScanServiceImpl::CancelScan);
  ParseRequestsOf(absl::StrCat(kService, "ListChangeBatches"),
                  &ScanServiceImpl::ListChangeBatches);
}

grpc::ServerUnaryReactor* ScanServiceImpl::StartRescan(
    grpc::CallbackServerContext* context, const v1::StartRescanRequest*,
    v1::StartRescanResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  absl::StatusOr<ScanManager::Started> started =
      scans_.Start(v1::SCAN_TRIGGER_MANUAL);
  if (!started.ok()) return FinishNow(context, ToGrpcStatus(started.status()));
  *response->mutable_scan() = std::move(started->scan);
  response->set_already_running(started->already_running);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* ScanServiceImpl::GetScan(
    grpc::CallbackServerContext* context, const v1::GetScanRequest* request,
    v1::GetScanResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  absl::StatusOr<v1::Scan> scan = scans_.Get(request->name());
  if (!scan.ok()) return FinishNow(context, ToGrpcStatus(scan.status()));
  *response->mutable_scan() = *std::move(scan);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* ScanServiceImpl::ListScans(
    grpc::CallbackServerContext* context, const v1::ListScansRequest* request,
    v1::ListScansResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kScanPageSizes);
  if (!page_size.ok())
    return FinishNow(context, ToGrpcStatus(page_size.status()));
  // The position is the number of the scan the previous page ended after, so
  // new scans do not shift the pages.
  absl::StatusOr<uint64_t> position = DecodePageToken(
      request->page_token(), Listing::kListScans, /*snapshot_version=*/0, "");
  if (!position.ok())
    return FinishNow(context, ToGrpcStatus(position.status()));
  const int64_t before =
      *position == 0 ? INT64_MAX : static_cast<int64_t>(*position);
  for (const v1::Scan& scan : scans_.List()) {
    if (ScanNumber(scan.name()) >= before) continue;
    if (response->scans_size() == *page_size) {
      response->set_next_page_token(EncodePageToken(
          Listing::kListScans, /*snapshot_version=*/0, "",
          static_cast<uint64_t>(
              ScanNumber(response->scans().rbegin()[0].name()))));
      break;
    }
    *response->add_scans() = scan;
  }
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerWriteReactor<v1::WatchScanResponse>* ScanServiceImpl::WatchScan(
    grpc::CallbackServerContext* context, const v1::WatchScanRequest* request) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) {
    return new FinishedWriteReactor<v1::WatchScanResponse>(
        ToGrpcStatus(allowed));
  }
  return watchers_.Watch(request->name());
}

grpc::ServerUnaryReactor* ScanServiceImpl::CancelScan(
    grpc::CallbackServerContext* context, const v1::CancelScanRequest* request,
    v1::CancelScanResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  // Waiting for the scan to stop (within 100 ms of the cancel) happens on the
  // worker pool, not on gRPC's callback threads.
  return RunInBackground(workers_, [this, response, name = request->name()](
                                       const std::atomic<bool>&) {
    absl::StatusOr<v1::Scan> scan = scans_.Cancel(name);
    if (!scan.ok()) return ToGrpcStatus(scan.status());
    *response->mutable_scan() = *std::move(scan);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ScanServiceImpl::ListChangeBatches(
    grpc::CallbackServerContext* context,
    const v1::ListChangeBatchesRequest* request,
    v1::ListChangeBatchesResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kScanPageSizes);
  if (!page_size.ok())
    return FinishNow(context, ToGrpcStatus(page_size.status()));
  // As ListScans: the position is the number the previous page ended after.
  absl::StatusOr<uint64_t> position =
      DecodePageToken(request->page_token(), Listing::kListChangeBatches,
                      /*snapshot_version=*/0, "");
  if (!position.ok())
    return FinishNow(context, ToGrpcStatus(position.status()));
  const int64_t before =
      *position == 0 ? INT64_MAX : static_cast<int64_t>(*position);
  for (const v1::ChangeBatch& batch : scans_.ListChangeBatches()) {
    if (ChangeBatchNumber(batch.name()) >= before) continue;
    if (response->change_batches_size() == *page_size) {
      response->set_next_page_token(EncodePageToken(
          Listing::kListChangeBatches, /*snapshot_version=*/0, "",
          static_cast<uint64_t>(ChangeBatchNumber(
              response->change_batches().rbegin()[0].name()))));
      break;
    }
    *response->add_change_batches() = batch;
  }
  return FinishNow(context, grpc::Status::OK);
}

}  // namespace identitygraph
