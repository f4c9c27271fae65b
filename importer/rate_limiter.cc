#include "importer/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"

namespace identitygraph::importer {
namespace {

constexpr absl::Duration kCancelCheckInterval = absl::Milliseconds(100);
// How often a request waiting behind a probe looks again.
constexpr absl::Duration kProbeWait = absl::Milliseconds(10);
constexpr absl::Duration kMinWait = absl::Milliseconds(1);
// Pairs of answers closer than this say little (whole tokens).
constexpr double kMinWindow = 0.5;
constexpr absl::Duration kMaxWindow = absl::Seconds(60);
constexpr size_t kMaxAnchors = 256;

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

void RateLimiter::Refill(absl::Time now) {
  if (rate_ > 0 && now > refilled_) {
    tokens_ =
        std::min(static_cast<double>(limit_),
                 tokens_ + rate_ * absl::ToDoubleSeconds(now - refilled_));
  }
  refilled_ = std::max(refilled_, now);
}

absl::Duration RateLimiter::TakeOrWait(absl::Time now) {
  if (now < blocked_until_) return blocked_until_ - now;
  if (mode_ == Mode::kTracked) {
    Refill(now);
    if (tokens_ >= 1) {
      tokens_ -= 1;
      ++in_flight_;
      sent_.push_back(now);
      return absl::ZeroDuration();
    }
    if (rate_ > 0) {
      return std::max(kMinWait, absl::Seconds((1 - tokens_) / rate_));
    }
    if (now < reset_) return reset_ - now;
    mode_ = Mode::kUnknown;  // full again by Auth0's word; ask how full
  }
  if (mode_ == Mode::kUnlimited) {
    ++in_flight_;
    sent_.push_back(now);
    return absl::ZeroDuration();
  }
  // Unknown: one probe at a time until an answer tells the budget.
  if (in_flight_ == 0) {
    ++in_flight_;
    sent_.push_back(now);
    return absl::ZeroDuration();
  }
  return kProbeWait;
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
      wait = TakeOrWait(now_());
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

void RateLimiter::LearnRate(int64_t remaining, absl::Time sent,
                            absl::Time now) {
  // The bucket is full by the reset, so at least (limit - remaining - 1)
  // tokens (remaining is whole tokens) come back between sending and then.
  if (trust_reset_ && reset_ > sent) {
    rate_ = std::max(rate_, static_cast<double>(limit_ - remaining - 1) /
                                absl::ToDoubleSeconds(reset_ - sent));
  }
  // What came back since each recent answer. A full bucket wastes refills,
  // which only makes these lower.
  for (const Anchor& anchor : anchors_) {
    const double seconds = absl::ToDoubleSeconds(now - anchor.time);
    if (seconds < kMinWindow) break;  // later anchors are closer still
    const double returned = static_cast<double>(remaining - anchor.remaining +
                                                (answers_ - anchor.answers)) -
                            1.0 - in_flight_ - anchor.in_flight;
    rate_ = std::max(rate_, returned / seconds);
  }
  anchors_.push_back({now, remaining, answers_, in_flight_});
  while (anchors_.size() > kMaxAnchors ||
         now - anchors_.front().time > kMaxWindow) {
    anchors_.pop_front();
  }
}

void RateLimiter::Observe(long status,
                          const std::map<std::string, std::string>& headers) {
  const absl::Time now = now_();
  absl::MutexLock lock(&mutex_);
  // Answers may come in another order than requests left; the oldest send
  // time is the safe one to count from.
  absl::Time sent = now;
  if (!sent_.empty()) {
    sent = sent_.front();
    sent_.pop_front();
  }
  if (in_flight_ > 0) --in_flight_;
  const std::optional<int64_t> remaining =
      Number(headers, "x-ratelimit-remaining");
  const std::optional<int64_t> reset = Number(headers, "x-ratelimit-reset");
  const std::optional<int64_t> limit = Number(headers, "x-ratelimit-limit");
  if (remaining.has_value()) {
    const bool first = mode_ != Mode::kTracked;
    Refill(now);
    mode_ = Mode::kTracked;
    limit_ = std::max(limit.value_or(0), *remaining + 1);
    if (reset.has_value()) reset_ = absl::FromUnixSeconds(*reset);
    if (status != 429) {
      ++answers_;
      LearnRate(*remaining, sent, now);
    }
    // Auth0 has at least this many for the next requests; the mirror never
    // counts fewer, and never more than Auth0 could have.
    const double told = static_cast<double>(*remaining - in_flight_);
    if (first || tokens_ < told || tokens_ > *remaining + 1) tokens_ = told;
  } else if (status != 429 && mode_ == Mode::kUnknown) {
    mode_ = Mode::kUnlimited;  // no figures: nothing to pace by
  }
  if (status == 429) {
    absl::Time until =
        now + (rate_ > 0 ? absl::Seconds(1 / rate_) : absl::Seconds(1));
    if (rate_ <= 0 && reset_ > now) until = std::max(until, reset_);
    // Retry-After (seconds) is the server's own word; it wins when longer.
    if (auto after = Number(headers, "retry-after"))
      until = std::max(until, now + absl::Seconds(*after));
    blocked_until_ = std::max(blocked_until_, until);
    if (mode_ == Mode::kTracked && rate_ > 0) {
      // The mirror said there was a token: the rate was too high.
      trust_reset_ = false;
      rate_ *= 0.8;
      anchors_.clear();
    }
    if (mode_ == Mode::kUnlimited) mode_ = Mode::kUnknown;
    tokens_ = std::min(tokens_, 0.0);
  }
}

void RateLimiter::Abandon() {
  absl::MutexLock lock(&mutex_);
  if (in_flight_ > 0) --in_flight_;
  if (!sent_.empty()) sent_.pop_front();
}

absl::Duration RateLimiter::waited() const {
  absl::MutexLock lock(&mutex_);
  return waited_;
}

double RateLimiter::rate() const {
  absl::MutexLock lock(&mutex_);
  return rate_;
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
