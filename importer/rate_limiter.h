// Paces requests to Auth0 by what Auth0 says about its budget, shared by every
// fetcher of an import. Auth0 answers each request with x-ratelimit-limit,
// -remaining and -reset (epoch seconds when the bucket is full again), and a
// 429 when the bucket is empty (sometimes with Retry-After). The limiter keeps
// the last figures, counts its own requests down between answers (several
// fetchers may be in flight), and makes callers wait when the budget is spent,
// so an import runs at the limit without provoking 429s.
//
//   RateLimiter limiter;                       // real clock and sleep
//   absl::StatusOr<absl::Duration> waited = limiter.AwaitTurn(cancelled);
//   ... send ...
//   limiter.Observe(response.status, response.headers);
//
// Thread-safe. Waiting checks `cancelled` at least every 100 ms.
#ifndef IDENTITYGRAPH_IMPORTER_RATE_LIMITER_H_
#define IDENTITYGRAPH_IMPORTER_RATE_LIMITER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace identitygraph::importer {

class RateLimiter {
 public:
  using Clock = std::function<absl::Time()>;
  using Sleeper = std::function<void(absl::Duration)>;

  explicit RateLimiter(Clock now = absl::Now, Sleeper sleep = absl::SleepFor);

  // Waits until a request may go out and returns how long it waited; CANCELLED
  // as soon as `cancelled` is seen true.
  absl::StatusOr<absl::Duration> AwaitTurn(const std::atomic<bool>& cancelled)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Learns from an answer: its HTTP status and lowercased headers.
  void Observe(long status, const std::map<std::string, std::string>& headers)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Total time callers have waited.
  absl::Duration waited() const ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  // How long the next request must wait, or zero; counts the request when it
  // may go.
  absl::Duration TakeOrWait() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const Clock now_;
  const Sleeper sleep_;
  mutable absl::Mutex mutex_;
  std::optional<int64_t> remaining_
      ABSL_GUARDED_BY(mutex_);  // unknown until told
  absl::Time reset_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  absl::Duration waited_ ABSL_GUARDED_BY(mutex_);
};

// When to try a failed request again.
struct RetryPolicy {
  int max_attempts = 6;
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);

  // Whether another attempt may help: 408, 429 and 5xx answers.
  static bool IsRetryableStatus(long http_status);
  // The wait before attempt `attempt` (1 = the first retry): exponential from
  // initial_backoff, capped at max_backoff, with full jitter from `unit_random`
  // in [0, 1).
  absl::Duration Backoff(int attempt, double unit_random) const;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_RATE_LIMITER_H_
