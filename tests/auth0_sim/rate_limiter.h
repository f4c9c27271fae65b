// Auth0's rate limit as a token bucket: `burst` requests at once, refilled at
// `per_second`. Every answer carries the x-ratelimit-limit / -remaining /
// -reset figures (reset in UTC epoch seconds, when the bucket will be full
// again). Thread-safe.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_RATE_LIMITER_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_RATE_LIMITER_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace identitygraph::sim {

class RateLimiter {
 public:
  // `burst` >= 1, `per_second` > 0.
  RateLimiter(double burst, double per_second, absl::Time now)
      : burst_(burst), per_second_(per_second), tokens_(burst), last_(now) {}

  struct Decision {
    bool allowed;
    int64_t limit;      // x-ratelimit-limit
    int64_t remaining;  // x-ratelimit-remaining
    int64_t reset;      // x-ratelimit-reset, epoch seconds
  };
  // Takes one request from the bucket if it can.
  Decision Take(absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  const double burst_;
  const double per_second_;
  absl::Mutex mutex_;
  double tokens_ ABSL_GUARDED_BY(mutex_);
  absl::Time last_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_RATE_LIMITER_H_
