#include "server/scan_service.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/grpc_status.h"
#include "server/page_token.h"

namespace identitygraph {
namespace {

// One watcher: a thread that waits for changes and writes them, one write at
// a time as the callback API requires.
class WatchReactor final
    : public grpc::ServerWriteReactor<v1::WatchScanResponse> {
 public:
  WatchReactor(const ScanManager& scans, std::string name)
      : scans_(scans), name_(std::move(name)) {
    // Detached: its last act is Finish, after which OnDone deletes this.
    std::thread([this] { Loop(); }).detach();
  }
  void OnWriteDone(bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writing_ = false;
      if (!ok) gone_ = true;
    }
    changed_.notify_all();
  }
  void OnCancel() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      gone_ = true;
    }
    changed_.notify_all();
  }
  void OnDone() override { delete this; }

 private:
  bool Gone() {
    std::lock_guard<std::mutex> lock(mutex_);
    return gone_;
  }

  void Loop() {
    int64_t seen = 0;
    while (!Gone()) {
      const int64_t before = seen;
      absl::StatusOr<v1::Scan> scan =
          scans_.WaitForChange(name_, &seen, absl::Now() + absl::Seconds(1));
      if (!scan.ok()) {
        Finish(ToGrpcStatus(scan.status()));
        return;
      }
      if (seen == before) continue;  // nothing new: look at the watcher
      *response_.mutable_scan() = *scan;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        writing_ = true;
      }
      // Not under the lock: gRPC may run OnWriteDone on this very thread.
      StartWrite(&response_);
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return !writing_ || gone_; });
        if (gone_) break;
      }
      if (ScanEnded(*scan)) {
        Finish(grpc::Status::OK);
        return;
      }
    }
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away"));
  }

  const ScanManager& scans_;
  const std::string name_;
  v1::WatchScanResponse response_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool writing_ = false;
  bool gone_ = false;
};

}  // namespace

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
  if (absl::StatusOr<v1::Scan> scan = scans_.Get(request->name()); !scan.ok()) {
    return new FinishedWriteReactor<v1::WatchScanResponse>(
        ToGrpcStatus(scan.status()));
  }
  return new WatchReactor(scans_, request->name());
}

grpc::ServerUnaryReactor* ScanServiceImpl::CancelScan(
    grpc::CallbackServerContext* context, const v1::CancelScanRequest* request,
    v1::CancelScanResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kAdmin);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  // Waiting for the scan to stop takes up to a second or so: off gRPC's
  // threads.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::thread([this, reactor, response, name = request->name()] {
    absl::StatusOr<v1::Scan> scan = scans_.Cancel(name);
    if (!scan.ok()) {
      reactor->Finish(ToGrpcStatus(scan.status()));
      return;
    }
    *response->mutable_scan() = *std::move(scan);
    reactor->Finish(grpc::Status::OK);
  }).detach();
  return reactor;
}

}  // namespace identitygraph
