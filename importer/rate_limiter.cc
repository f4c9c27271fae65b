#include "importer/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"

namespace identitygraph::importer {
namespace {

constexpr absl::Duration kCancelCheckInterval = absl::Milliseconds(100);

std::optional<int64_t> Number(const std::map<std::string, std::string>& headers,
                              const std::string& name) {
  auto it = headers.find(name);
  int64_t value = 0;
  if (it == headers.end() || !absl::SimpleAtoi(it->second, &value))
    return std::nullopt;
  return value;
}

}  // namespace

RateLimiter::RateLimiter(Clock now, Sleeper sleep)
    : now_(std::move(now)), sleep_(std::move(sleep)) {}

absl::Duration RateLimiter::TakeOrWait() {
  const absl::Time now = now_();
  if (now >= reset_) {
    // The bucket has refilled since the last figures; the next answer says by
    // how much.
    remaining_.reset();
  }
  if (remaining_.has_value() && *remaining_ <= 0) return reset_ - now;
  if (remaining_.has_value()) --*remaining_;
  return absl::ZeroDuration();
}

absl::StatusOr<absl::Duration> RateLimiter::AwaitTurn(
    const std::atomic<bool>& cancelled) {
  absl::Duration total;
  while (true) {
    if (cancelled.load())
      return absl::CancelledError("the import was cancelled");
    absl::Duration wait;
    {
      absl::MutexLock lock(&mutex_);
      wait = TakeOrWait();
      if (wait <= absl::ZeroDuration()) {
        waited_ += total;
        return total;
      }
    }
    const absl::Duration slice = std::min(wait, kCancelCheckInterval);
    sleep_(slice);
    total += slice;
  }
}

void RateLimiter::Observe(long status,
                          const std::map<std::string, std::string>& headers) {
  const absl::Time now = now_();
  absl::MutexLock lock(&mutex_);
  if (auto reset = Number(headers, "x-ratelimit-reset")) {
    reset_ = absl::FromUnixSeconds(*reset);
  }
  if (auto remaining = Number(headers, "x-ratelimit-remaining"))
    remaining_ = *remaining;
  if (status == 429) {
    remaining_ = 0;
    // Retry-After (seconds) is the server's own word; it wins when it says
    // longer.
    if (auto after = Number(headers, "retry-after")) {
      reset_ = std::max(reset_, now + absl::Seconds(*after));
    }
    // A 429 without any figure: wait a second rather than hammer.
    if (reset_ <= now) reset_ = now + absl::Seconds(1);
  }
}

absl::Duration RateLimiter::waited() const {
  absl::MutexLock lock(&mutex_);
  return waited_;
}

bool RetryPolicy::IsRetryableStatus(long http_status) {
  return http_status == 408 || http_status == 429 || http_status >= 500;
}

absl::Duration RetryPolicy::Backoff(int attempt, double unit_random) const {
  const double factor = std::pow(2.0, std::max(0, attempt - 1));
  const absl::Duration ceiling =
      std::min(max_backoff, initial_backoff * factor);
  return ceiling * std::clamp(unit_random, 0.0, 1.0);
}

}  // namespace identitygraph::importer
