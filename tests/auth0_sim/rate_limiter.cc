#include "tests/auth0_sim/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace identitygraph::sim {

RateLimiter::Decision RateLimiter::Take(absl::Time now) {
  absl::MutexLock lock(&mutex_);
  if (now > last_) {
    tokens_ = std::min(
        burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * per_second_);
    last_ = now;
  }
  Decision decision;
  decision.allowed = tokens_ >= 1.0;
  if (decision.allowed) tokens_ -= 1.0;
  decision.limit = static_cast<int64_t>(burst_);
  decision.remaining = static_cast<int64_t>(std::floor(tokens_));
  const double seconds_to_full = (burst_ - tokens_) / per_second_;
  // The first whole second at which the bucket is full: rounded up, so the
  // bucket really is full by then.
  decision.reset = static_cast<int64_t>(std::ceil(
      absl::ToDoubleSeconds(now - absl::UnixEpoch()) + seconds_to_full));
  return decision;
}

}  // namespace identitygraph::sim
