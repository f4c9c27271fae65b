#include "server/call_metrics.h"

#include <utility>

namespace identitygraph {
namespace {

thread_local CountedCall* current_call = nullptr;

}  // namespace

CountedCall::CountedCall(RpcMetrics::Method* method) : method_(method) {
  if (method_ == nullptr) return;
  start_ = std::chrono::steady_clock::now();
  method_->Started();
}

CountedCall::CountedCall(CountedCall&& other) noexcept
    : method_(std::exchange(other.method_, nullptr)), start_(other.start_) {}

void CountedCall::Finished(const grpc::Status& status) {
  if (method_ == nullptr) return;
  const std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start_;
  std::exchange(method_, nullptr)
      ->Handled(status.error_code(), elapsed.count());
}

CallScope::CallScope(CountedCall& call) : previous_(current_call) {
  current_call = &call;
}

CallScope::~CallScope() { current_call = previous_; }

CountedCall TakeCountedCall() {
  return current_call == nullptr ? CountedCall() : std::move(*current_call);
}

}  // namespace identitygraph
