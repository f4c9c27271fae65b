// The time during which at least one of several threads was waiting: what a
// scan reports as its rate-limit wait. A sum over threads would count one
// second in which four fetchers waited as four (a scan of 8.9 s once reported
// 18 s of waiting). Thread-safe; times come from the caller's clock.
//
//   meter.Begin(now);  ... wait ...  meter.End(now);
//   absl::Duration waited = meter.Total(now);
#ifndef IDENTITYGRAPH_IMPORTER_WAIT_METER_H_
#define IDENTITYGRAPH_IMPORTER_WAIT_METER_H_

#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace identitygraph::importer {

class WaitMeter {
 public:
  void Begin(absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiting_++ == 0) since_ = now;
  }
  // Once per Begin.
  void End(absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--waiting_ == 0 && now > since_) total_ += now - since_;
  }
  // Including a wait still going on.
  absl::Duration Total(absl::Time now) const ABSL_LOCKS_EXCLUDED(mutex_) {
    std::lock_guard<std::mutex> lock(mutex_);
    absl::Duration total = total_;
    if (waiting_ > 0 && now > since_) total += now - since_;
    return total;
  }

 private:
  mutable std::mutex mutex_;
  int waiting_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Time since_ ABSL_GUARDED_BY(mutex_);
  absl::Duration total_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_WAIT_METER_H_
