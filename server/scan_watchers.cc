#include "server/scan_watchers.h"

#include <utility>
#include <vector>

#include "server/grpc_status.h"

namespace identitygraph {

// One WatchScan call. Writes go out one at a time, as the callback API
// requires; a change that comes while a write is in flight is picked up when
// it completes (the change counter says whether anything is new). No lock is
// held across StartWrite or Finish: gRPC may run OnWriteDone or OnDone on the
// calling thread.
class ScanWatchers::Stream final
    : public grpc::ServerWriteReactor<v1::WatchScanResponse> {
 public:
  // Made on the handler's thread: the call to count is in scope.
  Stream(ScanWatchers* watchers, std::string name)
      : watchers_(watchers), name_(std::move(name)), call_(TakeCountedCall()) {}

  const std::string& name() const { return name_; }

  // Writes the scan when it changed since the last write, or finishes the
  // stream when it has ended or must stop.
  void Pump() {
    grpc::Status finish;
    bool write = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (writing_ || finished_) return;
      if (stop_.has_value()) {
        finish = *stop_;
        finished_ = true;
      } else {
        absl::StatusOr<std::optional<v1::Scan>> scan =
            watchers_->scans_.GetIfChanged(name_, &seen_);
        if (!scan.ok()) {
          finish = ToGrpcStatus(scan.status());
          finished_ = true;
        } else if (!scan->has_value()) {
          return;  // nothing new
        } else {
          ended_ = ScanEnded(**scan);
          *response_.mutable_scan() = **std::move(scan);
          writing_ = write = true;
        }
      }
    }
    // Exactly one caller gets here per write, and one per stream to finish;
    // nothing of this is touched afterwards (OnDone may delete it inline).
    if (write) {
      StartWrite(&response_);
    } else {
      call_.Finished(finish);
      Finish(finish);
    }
  }

  // Ends the stream with `status` as soon as no write is in flight.
  void Stop(const grpc::Status& status) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!stop_.has_value()) stop_ = status;
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    grpc::Status finish;
    bool done = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writing_ = false;
      if (!ok) {
        finish =
            grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away");
        finished_ = done = true;
      } else if (ended_) {
        finish = grpc::Status::OK;
        finished_ = done = true;
      }
    }
    if (done) {
      call_.Finished(finish);
      Finish(finish);
      return;
    }
    Pump();  // a change may have come during the write
  }

  void OnCancel() override {
    Stop(grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away"));
  }

  // The registry's reference is the last: this is deleted on return.
  void OnDone() override { watchers_->Remove(this); }

 private:
  ScanWatchers* const watchers_;
  const std::string name_;
  CountedCall call_;
  std::mutex mutex_;
  v1::WatchScanResponse response_;
  int64_t seen_ = 0;
  bool writing_ = false;
  bool ended_ = false;
  bool finished_ = false;
  std::optional<grpc::Status> stop_;
};

ScanWatchers::ScanWatchers(ScanManager& scans) : scans_(scans) {
  scans_.SetChangeListener([this](const std::string& name) { Notify(name); });
}

ScanWatchers::~ScanWatchers() { scans_.SetChangeListener(nullptr); }

grpc::ServerWriteReactor<v1::WatchScanResponse>* ScanWatchers::Watch(
    const std::string& name) {
  if (absl::StatusOr<v1::Scan> scan = scans_.Get(name); !scan.ok()) {
    return new FinishedWriteReactor<v1::WatchScanResponse>(
        ToGrpcStatus(scan.status()));
  }
  std::shared_ptr<Stream> stream;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutting_down_) {
      return new FinishedWriteReactor<v1::WatchScanResponse>(
          grpc::Status(grpc::StatusCode::UNAVAILABLE,
                       "the server is shutting down; watch again once it is "
                       "back"));
    }
    // Only now: the stream takes the call to count from the handler's scope.
    stream = std::make_shared<Stream>(this, name);
    streams_.emplace(stream.get(), stream);
  }
  stream->Pump();  // the scan as it is now
  return stream.get();
}

void ScanWatchers::Shutdown() {
  std::vector<std::shared_ptr<Stream>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shutting_down_ = true;
    for (const auto& [raw, stream] : streams_) all.push_back(stream);
  }
  for (const std::shared_ptr<Stream>& stream : all) {
    stream->Stop(grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        "the server is shutting down; watch again once it is back"));
  }
}

size_t ScanWatchers::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return streams_.size();
}

void ScanWatchers::Notify(const std::string& name) {
  std::vector<std::shared_ptr<Stream>> watching;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [raw, stream] : streams_) {
      if (stream->name() == name) watching.push_back(stream);
    }
  }
  for (const std::shared_ptr<Stream>& stream : watching) stream->Pump();
}

void ScanWatchers::Remove(Stream* stream) {
  std::shared_ptr<Stream> last;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = streams_.find(stream);
    if (it == streams_.end()) return;
    last = std::move(it->second);
    streams_.erase(it);
  }
  // `last` may be the final reference: the stream is deleted here, after the
  // registry's lock is released.
}

}  // namespace identitygraph
