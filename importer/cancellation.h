// Waiting that a cancelled import interrupts. Every wait in the importer
// (backoff between attempts, rate-limit turns, export-job polls) goes through
// here, so a cancelled scan stops within kCancelCheckInterval wherever it is
// waiting; HTTP requests in flight are cut by libcurl's progress callback
// (http_client.h) at the same rate.
#ifndef IDENTITYGRAPH_IMPORTER_CANCELLATION_H_
#define IDENTITYGRAPH_IMPORTER_CANCELLATION_H_

#include <algorithm>
#include <atomic>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace identitygraph::importer {

// How often a wait looks at its cancel flag: a cancel takes at most this long
// to be noticed (the scan's contract is 100 ms).
inline constexpr absl::Duration kCancelCheckInterval = absl::Milliseconds(20);

inline absl::Status Cancelled() {
  return absl::CancelledError("the import was cancelled");
}

// Waits `duration` in slices of at most kCancelCheckInterval through `sleep`
// (tests pass fakes that advance their own clock); CANCELLED as soon as
// `cancelled` is raised, OK once the whole duration has passed.
inline absl::Status SleepUnlessCancelled(
    absl::Duration duration, const std::atomic<bool>& cancelled,
    const std::function<void(absl::Duration)>& sleep = absl::SleepFor) {
  while (true) {
    if (cancelled.load()) return Cancelled();
    if (duration <= absl::ZeroDuration()) return absl::OkStatus();
    const absl::Duration slice = std::min(duration, kCancelCheckInterval);
    sleep(slice);
    duration -= slice;
  }
}

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_CANCELLATION_H_
