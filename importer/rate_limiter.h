// Paces requests to Auth0 by what Auth0 says about its budget, shared by every
// fetcher of an import, so an import runs at the limit without provoking 429s.
//
// Auth0 limits with a token bucket and answers each request with
// x-ratelimit-limit (the bucket), -remaining (whole tokens left) and -reset
// (epoch seconds when the bucket is full again). The limiter keeps a mirror of
// that bucket: it spends a token per request, refills at a rate it has
// measured, and raises its count to what an answer proves Auth0 still has.
// Both are lower bounds, never guesses, however answers are delayed or
// reordered on the way: a rate too low costs a little time, one too high
// would cost 429s.
//  - The rate: each answer bounds it by its reset ((limit - remaining - 1)
//    tokens come back between the request leaving and the reset), and each
//    earlier answer up to half a minute back by what came back since (the
//    change in `remaining` plus the requests that surely ran in between, over
//    the longest time that can have passed between the two countings).
//  - The count: `remaining`, less every request that may have been counted
//    after this one (those still in flight, and those answered since it left).
// Until an answer has told the budget (or after the bucket should be full
// again without a known rate), one request goes at a time, so a crowd of
// fetchers does not empty the bucket into 429s. Answers without the headers
// mean no limit is known: requests are not paced until a 429.
//
//   RateLimiter limiter;                       // real clock and sleep
//   absl::StatusOr<RateLimiter::Turn> turn = limiter.AwaitTurn(cancelled);
//   ... send; then exactly one of:
//   limiter.Observe(*turn, response.status, response.headers);
//   limiter.Abandon(*turn);                    // no answer came
//
// Thread-safe. Waiting checks `cancelled` every kCancelCheckInterval
// (cancellation.h). The importer's locks are std::mutex, not absl::Mutex:
// Debian's Abseil is not built for ThreadSanitizer, which then cannot see
// absl::Mutex and reports false races, and the importer's concurrency runs
// under TSan in CI.
#ifndef IDENTITYGRAPH_IMPORTER_RATE_LIMITER_H_
#define IDENTITYGRAPH_IMPORTER_RATE_LIMITER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "importer/wait_meter.h"

namespace identitygraph::importer {

class RateLimiter {
 public:
  using Clock = std::function<absl::Time()>;
  using Sleeper = std::function<void(absl::Duration)>;

  // A request let go: hand it back to Observe or Abandon.
  struct Turn {
    int64_t id = -1;
    absl::Duration waited;
  };

  explicit RateLimiter(Clock now = absl::Now, Sleeper sleep = absl::SleepFor);

  // The longest wait an answer's headers may impose on one request
  // (Retry-After, x-ratelimit-reset). Auth0's own waits are seconds; a longer
  // one comes from a proxy or a misbehaving front end, and waiting it out
  // would hold a scan RUNNING (and TestConnection unanswered) for as long as
  // it says.
  static constexpr absl::Duration kMaxHeaderWait = absl::Seconds(60);
  // The error for a `wait` past kMaxHeaderWait that `asked_by` (a header, or
  // the answer carrying it) asks for: UNAVAILABLE, with what to do.
  static absl::Status WaitTooLong(absl::Duration wait,
                                  absl::string_view asked_by);

  // Waits until a request may go out; UNAVAILABLE, naming the header, when the
  // headers ask for more than kMaxHeaderWait; CANCELLED as soon as `cancelled`
  // is seen true. A wait is also counted on `meter` when one is given (one
  // import's share of a limiter other callers use too).
  absl::StatusOr<Turn> AwaitTurn(const std::atomic<bool>& cancelled,
                                 WaitMeter* meter = nullptr)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // The part of the tenant's limit its callers may use, in (0, 1]: they keep
  // to `share` of the refill rate and of the bucket (a bucket of their own,
  // that size, refilled at that part of the measured rate), and leave the
  // rest to the tenant's other clients. 1 uses all of it.
  void set_share(double share) ABSL_LOCKS_EXCLUDED(mutex_);

  // Learns from the answer to `turn`'s request: its HTTP status and
  // lowercased headers.
  void Observe(const Turn& turn, long status,
               const std::map<std::string, std::string>& headers)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // `turn`'s request got no answer (the network failed, or it never left).
  void Abandon(const Turn& turn) ABSL_LOCKS_EXCLUDED(mutex_);

  // The time during which at least one caller was waiting.
  absl::Duration waited() const ABSL_LOCKS_EXCLUDED(mutex_);
  // How many turns had to wait (each counted once, however long it waited).
  int64_t waits() const { return waits_begun_.load(std::memory_order_relaxed); }
  // The refill rate it paces to (requests per second); 0 while unknown.
  double rate() const ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  enum class Mode { kUnknown, kUnlimited, kTracked };
  struct Pending {
    absl::Time sent;
    int64_t answers_before;  // answers_ when it left
  };
  struct Answered {
    absl::Time sent, arrived;
    int64_t id;
  };
  struct Anchor {
    absl::Time sent, arrived;
    int64_t remaining;
    std::vector<int64_t> in_flight;  // requests out when it came back
  };

  // How long the next request must wait, or zero with `*id` set when it may
  // go.
  // `*dictated_by` names the header the wait comes from, or is null when it
  // is the limiter's own (waiting for a probe's answer).
  absl::Duration TakeOrWait(absl::Time now, int64_t* id,
                            const char** dictated_by)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  int64_t Admit(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Refill(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void LearnRate(const Pending& request, int64_t remaining, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Answered requests that surely ran between an anchor and a request that
  // left at `sent`: they left after the anchor came back, and came back before
  // `sent`.
  int64_t RanBetween(const Anchor& anchor, absl::Time sent) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const Clock now_;
  const Sleeper sleep_;
  mutable std::mutex mutex_;
  Mode mode_ ABSL_GUARDED_BY(mutex_) = Mode::kUnknown;
  double tokens_ ABSL_GUARDED_BY(mutex_) = 0;  // the mirror
  absl::Time refilled_ ABSL_GUARDED_BY(mutex_);
  int64_t limit_ ABSL_GUARDED_BY(mutex_) = 0;
  double rate_ ABSL_GUARDED_BY(mutex_) = 0;  // a lower bound; 0 = unknown
  absl::Time reset_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  absl::Time blocked_until_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  // The header that set blocked_until_ ("Retry-After", "x-ratelimit-reset"),
  // or null for the limiter's own pause after a bare 429.
  const char* blocked_by_ ABSL_GUARDED_BY(mutex_) = nullptr;
  int64_t next_id_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::flat_hash_map<int64_t, Pending> pending_ ABSL_GUARDED_BY(mutex_);
  int64_t answers_ ABSL_GUARDED_BY(mutex_) = 0;  // counted (not 429)
  // Counted answers of the last half minute, in the order they came back.
  std::deque<Answered> answered_ ABSL_GUARDED_BY(mutex_);
  absl::flat_hash_map<int64_t, absl::Time> arrived_ ABSL_GUARDED_BY(mutex_);
  std::deque<Anchor> anchors_ ABSL_GUARDED_BY(mutex_);
  // Whether the reset time may bound the rate; a 429 that should not have
  // happened says this tenant's reset means something else.
  bool trust_reset_ ABSL_GUARDED_BY(mutex_) = true;
  double share_ ABSL_GUARDED_BY(mutex_) = 1;
  std::atomic<int64_t> waits_begun_{0};
  // Callers' own bucket when share_ < 1: share_ of the limit, refilled at
  // share_ of the rate.
  double share_tokens_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Time share_refilled_ ABSL_GUARDED_BY(mutex_);
  WaitMeter waits_;
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
