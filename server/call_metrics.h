// Counts identitygraph's calls in grpc_server_* (rpc_metrics.h) from the
// services themselves. ParsingService opens a CallScope around every handler;
// what sends a call's status (FinishNow, FinishedWriteReactor,
// RunInBackground, WatchScan's stream) takes the scope's call with
// TakeCountedCall on the handler's thread and reports the status when it
// sends it:
//
//   CountedCall call(method);          // ParsingService: started now
//   { CallScope scope(call); handler(...); }
//   ...
//   CountedCall mine = TakeCountedCall();   // in the handler
//   mine.Finished(status);                   // whenever the status goes out
//
// Why not a gRPC interceptor, which would see every call on its own: with one,
// gRPC 1.51 sends each batch of a call's operations around the completion
// queue once more, and loadgen measured 1.7 µs more server CPU per
// CheckAccess (95.8% of the throughput without, against a target of 97%);
// the counting itself took under 0.2 µs.
#ifndef IDENTITYGRAPH_SERVER_CALL_METRICS_H_
#define IDENTITYGRAPH_SERVER_CALL_METRICS_H_

#include <chrono>

#include "grpcpp/support/status.h"
#include "server/rpc_metrics.h"

namespace identitygraph {

class CountedCall {
 public:
  // Counts nothing (metrics are off, or the call was taken).
  CountedCall() = default;
  // Started now; `method` null counts nothing.
  explicit CountedCall(RpcMetrics::Method* method);
  CountedCall(CountedCall&& other) noexcept;
  // Not assignable: one that holds a call would drop it uncounted.
  CountedCall& operator=(CountedCall&& other) = delete;

  // Reports how the call ended; only the first report counts.
  void Finished(const grpc::Status& status);

 private:
  RpcMetrics::Method* method_ = nullptr;
  std::chrono::steady_clock::time_point start_;
};

// Makes `call` the one TakeCountedCall hands out on this thread until the
// scope closes.
class CallScope {
 public:
  explicit CallScope(CountedCall& call);
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;
  ~CallScope();

 private:
  CountedCall* const previous_;
};

// The call of the handler running on this thread, moved out of its scope (a
// second take gets an empty one), or an empty one outside any scope.
CountedCall TakeCountedCall();

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_CALL_METRICS_H_
