// A fixed set of threads the server owns for calls that must not run on
// gRPC's callback threads because they wait (TestConnection and
// ListConnections call Auth0; CancelScan waits for the scan to stop). Bounded
// twice: `threads` run at once and at most `queue_limit` more wait, so a burst
// of slow calls gets RESOURCE_EXHAUSTED instead of a thread each.
//
//   WorkerPool pool("admin", 4, 16);
//   if (!pool.TrySubmit([] { ... })) ...  // full: refuse the call
//
// The destructor runs what is queued, then joins every thread: nothing
// outlives the pool. Thread-safe.
#ifndef IDENTITYGRAPH_SERVER_WORKER_POOL_H_
#define IDENTITYGRAPH_SERVER_WORKER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace identitygraph {

class WorkerPool {
 public:
  // REQUIRES: threads >= 1.
  WorkerPool(std::string name, int threads, size_t queue_limit);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  // Queues `task`; false (and `task` dropped) when every thread is busy and
  // the queue is full, or the pool is stopping.
  bool TrySubmit(std::function<void()> task);

  const std::string& name() const { return name_; }
  size_t queue_limit() const { return queue_limit_; }
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();

  const std::string name_;
  const size_t queue_limit_;
  // std::mutex for the reason given in graph/snapshot_holder.h (TSan sees it).
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  int idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_WORKER_POOL_H_
