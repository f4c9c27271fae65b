// Paces requests to Auth0 by what Auth0 says about its budget, shared by every
// fetcher of an import, so an import runs at the limit without provoking 429s.
//
// Auth0 limits with a token bucket and answers each request with
// x-ratelimit-limit (the bucket), -remaining (whole tokens left) and -reset
// (epoch seconds when the bucket is full again). The limiter keeps a mirror of
// that bucket: it spends a token per request, refills at a rate it has
// measured, and trusts each answer's `remaining` over its own count.
// The refill rate is a lower bound, never a guess, and the best of many:
// each answer bounds it by its reset ((limit - remaining - 1) tokens come
// back before the reset, counted from when the request left), and each pair
// of answers up to a minute apart by what came back between them (the change
// in `remaining` plus the requests answered, less one for whole tokens and
// less those in flight, whose order Auth0 may have seen otherwise). A rate
// too low costs a little time; one too high would cost 429s.
// Until an answer has told it the budget (or after the bucket should be
// full again without a known rate), one request goes at a time, so a crowd of
// fetchers does not empty the bucket into 429s. Answers without the headers
// mean no limit is known: requests are not paced until a 429.
//
//   RateLimiter limiter;                       // real clock and sleep
//   absl::StatusOr<absl::Duration> waited = limiter.AwaitTurn(cancelled);
//   ... send; then exactly one of:
//   limiter.Observe(response.status, response.headers);
//   limiter.Abandon();                         // no answer came
//
// Thread-safe. Waiting checks `cancelled` at least every 100 ms.
#ifndef IDENTITYGRAPH_IMPORTER_RATE_LIMITER_H_
#define IDENTITYGRAPH_IMPORTER_RATE_LIMITER_H_

#include <atomic>
#include <cstdint>
#include <deque>
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

  // Learns from an answer to a request AwaitTurn let go: its HTTP status and
  // lowercased headers.
  void Observe(long status, const std::map<std::string, std::string>& headers)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // A request AwaitTurn let go got no answer (the network failed).
  void Abandon() ABSL_LOCKS_EXCLUDED(mutex_);

  // Total time callers have waited.
  absl::Duration waited() const ABSL_LOCKS_EXCLUDED(mutex_);
  // The refill rate it paces to (requests per second); 0 while unknown.
  double rate() const ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  enum class Mode { kUnknown, kUnlimited, kTracked };

  // How long the next request must wait, or zero; counts the request when it
  // may go.
  absl::Duration TakeOrWait(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Refill(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void LearnRate(int64_t remaining, absl::Time sent, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const Clock now_;
  const Sleeper sleep_;
  mutable absl::Mutex mutex_;
  Mode mode_ ABSL_GUARDED_BY(mutex_) = Mode::kUnknown;
  int in_flight_ ABSL_GUARDED_BY(mutex_) = 0;
  double tokens_ ABSL_GUARDED_BY(mutex_) = 0;  // the mirror
  absl::Time refilled_ ABSL_GUARDED_BY(mutex_);
  int64_t limit_ ABSL_GUARDED_BY(mutex_) = 0;
  double rate_ ABSL_GUARDED_BY(mutex_) = 0;  // a lower bound; 0 = unknown
  absl::Time reset_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  absl::Time blocked_until_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  // When requests still unanswered were let go, oldest first.
  std::deque<absl::Time> sent_ ABSL_GUARDED_BY(mutex_);
  // Recent answers, as anchors for measuring what came back since.
  struct Anchor {
    absl::Time time;
    int64_t remaining;
    int64_t answers;  // answers_ when it came
    int in_flight;
  };
  std::deque<Anchor> anchors_ ABSL_GUARDED_BY(mutex_);
  int64_t answers_ ABSL_GUARDED_BY(mutex_) = 0;  // counted ones (not 429s)
  // Whether the reset time may bound the rate; a 429 that should not have
  // happened says this tenant's reset means something else.
  bool trust_reset_ ABSL_GUARDED_BY(mutex_) = true;
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
