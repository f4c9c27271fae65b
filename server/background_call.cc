#include "server/background_call.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/call_metrics.h"

namespace identitygraph {
namespace {

// Deletes itself when gRPC is done with the call; the work's last act is
// Finish, so nothing touches the reactor after it may be gone.
class BackgroundReactor final : public grpc::ServerUnaryReactor {
 public:
  // Made on the handler's thread: the call to count is in scope.
  BackgroundReactor() : call_(TakeCountedCall()) {}
  void OnCancel() override { cancelled_ = true; }
  void OnDone() override { delete this; }
  const std::atomic<bool>& cancelled() const { return cancelled_; }
  void FinishCounted(const grpc::Status& status) {
    call_.Finished(status);
    Finish(status);
  }

 private:
  std::atomic<bool> cancelled_{false};
  CountedCall call_;
};

}  // namespace

grpc::ServerUnaryReactor* RunInBackground(WorkerPool& pool,
                                          BackgroundWork work) {
  auto* reactor = new BackgroundReactor();
  const bool queued = pool.TrySubmit([reactor, work = std::move(work)] {
    reactor->FinishCounted(work(reactor->cancelled()));
  });
  if (!queued) {
    reactor->FinishCounted(grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("the server is already running ", pool.threads(),
                     " such calls with ", pool.queue_limit(), " more waiting (",
                     pool.name(), "); try again when they have finished")));
  }
  return reactor;
}

}  // namespace identitygraph
