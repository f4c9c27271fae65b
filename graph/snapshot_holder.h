// The current snapshot, swapped as a whole. Readers take a reference-counted
// pointer and keep answering from it however long they need, while a writer
// publishes the next snapshot; the old one is freed when its last reader lets
// go.
//
//   SnapshotHolder holder;
//   holder.Publish(std::move(builder).Build(version, absl::Now()));
//   std::shared_ptr<const Snapshot> snapshot = holder.Get();  // null before
//   the first
//
// Thread-safe; readers never block each other, and Publish blocks readers only
// for the pointer copy.
#ifndef IDENTITYGRAPH_GRAPH_SNAPSHOT_HOLDER_H_
#define IDENTITYGRAPH_GRAPH_SNAPSHOT_HOLDER_H_

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "graph/snapshot.h"

namespace identitygraph::graph {

class SnapshotHolder {
 public:
  std::shared_ptr<const Snapshot> Get() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return current_;
  }

  // Makes `next` current and returns the previous snapshot (null the first
  // time).
  std::shared_ptr<const Snapshot> Publish(
      std::shared_ptr<const Snapshot> next) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    std::swap(current_, next);
    return next;
  }

 private:
  // std::shared_mutex rather than absl::Mutex: Debian's Abseil is built without
  // ThreadSanitizer, which then cannot see absl::Mutex's ordering and would
  // report the pointer copy as a race; pthread-based locks are intercepted, so
  // the TSan test checks what matters here.
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_SNAPSHOT_HOLDER_H_
