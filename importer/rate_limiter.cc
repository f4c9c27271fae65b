#include "importer/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "importer/cancellation.h"
#include "importer/http_client.h"
#include "importer/rate_limited.h"
#include "importer/remediation.h"

namespace identitygraph::importer {
namespace {

// How often a request waiting behind a probe looks again.
constexpr absl::Duration kProbeWait = absl::Milliseconds(10);
constexpr absl::Duration kMinWait = absl::Milliseconds(1);
// Anchors for measuring the rate: one per half second, for half a minute.
constexpr absl::Duration kAnchorSpacing = absl::Milliseconds(500);
constexpr absl::Duration kMaxWindow = absl::Seconds(30);
// No real bucket holds more: Auth0's largest are thousands of requests. A
// figure beyond it (or below zero) is a broken header, read as absent, so the
// arithmetic on it cannot overflow.
constexpr int64_t kMaxBucketFigure = 1'000'000'000;

std::optional<int64_t> BucketFigure(
    const std::map<std::string, std::string>& headers,
    const std::string& name) {
  std::optional<int64_t> value = HeaderNumber(headers, name);
  if (value && (*value < 0 || *value > kMaxBucketFigure)) return std::nullopt;
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

int64_t RateLimiter::Admit(absl::Time now) {
  const int64_t id = next_id_++;
  pending_[id] = {now, answers_};
  return id;
}

absl::Duration RateLimiter::TakeOrWait(absl::Time now, int64_t* id,
                                       const char** dictated_by) {
  *dictated_by = nullptr;
  if (now < blocked_until_) {
    *dictated_by = blocked_by_;
    return blocked_until_ - now;
  }
  if (mode_ == Mode::kTracked) {
    Refill(now);
    const bool shared = share_ < 1;
    if (shared && rate_ > 0 && now > share_refilled_) {
      share_tokens_ = std::min(
          std::max(1.0, share_ * static_cast<double>(limit_)),
          share_tokens_ +
              share_ * rate_ * absl::ToDoubleSeconds(now - share_refilled_));
    }
    share_refilled_ = std::max(share_refilled_, now);
    const bool own_token = !shared || share_tokens_ >= 1;
    if (tokens_ >= 1 && own_token) {
      tokens_ -= 1;
      if (shared) share_tokens_ -= 1;
      *id = Admit(now);
      return absl::ZeroDuration();
    }
    // The rate is learnt from x-ratelimit-reset: its waits are the header's,
    // and capped as such (a reset a day ahead proves a rate of nearly
    // nothing).
    *dictated_by = "x-ratelimit-reset";
    if (tokens_ >= 1 && rate_ > 0) {
      return std::max(kMinWait,
                      absl::Seconds((1 - share_tokens_) / (share_ * rate_)));
    }
    if (rate_ > 0) {
      const absl::Duration wait =
          std::max(kMinWait, absl::Seconds((1 - tokens_) / rate_));
      // The rate is a lower bound, and may be far below the truth (after a
      // 429 storm): Auth0's reset says when the bucket is full, whatever the
      // rate.
      if (!trust_reset_ || reset_ == absl::InfinitePast() ||
          now + wait <= reset_) {
        return wait;
      }
    }
    if (now < reset_) return reset_ - now;
    *dictated_by = nullptr;
    mode_ = Mode::kUnknown;  // full again by Auth0's word; ask how full
  }
  // Unknown: one probe at a time until an answer tells the budget.
  if (mode_ == Mode::kUnlimited || pending_.empty()) {
    *id = Admit(now);
    return absl::ZeroDuration();
  }
  return kProbeWait;
}

absl::Status RateLimiter::WaitTooLong(absl::Duration wait,
                                      absl::string_view asked_by) {
  return MarkRateLimited(
      WithRemediation(
          absl::UnavailableError(absl::StrCat(
              "Auth0 (or a proxy in front of it) asks to wait ",
              absl::FormatDuration(absl::Trunc(wait, absl::Seconds(1))), " (",
              asked_by, "), longer than the ",
              absl::FormatDuration(kMaxHeaderWait),
              " this server waits for a rate limit")),
          "Another client may be using the tenant's whole rate limit, or a "
          "proxy answers for Auth0: check the tenant's logs (Monitoring > "
          "Logs, rate-limit events) and the outbound proxy, then try again"),
      absl::Now() + wait);
}

void RateLimiter::set_share(double share) {
  std::lock_guard<std::mutex> lock(mutex_);
  share = std::clamp(share, 0.01, 1.0);
  if (share != share_) {
    share_ = share;
    share_tokens_ =
        std::min(share_tokens_, share_ * static_cast<double>(limit_));
  }
}

absl::StatusOr<RateLimiter::Turn> RateLimiter::AwaitTurn(
    const std::atomic<bool>& cancelled, WaitMeter* meter) {
  absl::Duration total, dictated_total;
  bool waiting = false;
  auto stop_waiting = [&] {
    if (!waiting) return;
    const absl::Time now = now_();
    waits_.End(now);
    if (meter != nullptr) meter->End(now);
  };
  while (true) {
    if (cancelled.load()) {
      stop_waiting();
      return Cancelled();
    }
    absl::Duration wait;
    const char* dictated_by = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      int64_t id = -1;
      wait = TakeOrWait(now_(), &id, &dictated_by);
      if (wait <= absl::ZeroDuration()) {
        stop_waiting();
        return Turn{id, total};
      }
      if (dictated_by != nullptr && dictated_total + wait > kMaxHeaderWait) {
        stop_waiting();
        return WaitTooLong(wait, dictated_by);
      }
    }
    if (!waiting) {
      waiting = true;
      waits_begun_.fetch_add(1, std::memory_order_relaxed);
      const absl::Time now = now_();
      waits_.Begin(now);
      if (meter != nullptr) meter->Begin(now);
    }
    if (dictated_by != nullptr) {
      dictated_total += std::min(wait, kCancelCheckInterval);
    }
    const absl::Duration slice = std::min(wait, kCancelCheckInterval);
    sleep_(slice);
    total += slice;
  }
}

int64_t RateLimiter::RanBetween(const Anchor& anchor, absl::Time sent) const {
  auto by_arrival = [](const Answered& a, absl::Time t) {
    return a.arrived < t;
  };
  auto after = std::upper_bound(
      answered_.begin(), answered_.end(), anchor.arrived,
      [](absl::Time t, const Answered& a) { return t < a.arrived; });
  auto before =
      std::lower_bound(answered_.begin(), answered_.end(), sent, by_arrival);
  int64_t count = std::max<int64_t>(0, before - after);
  // Less those that were already out when the anchor came back: they may
  // have run before it.
  for (int64_t id : anchor.in_flight) {
    auto it = arrived_.find(id);
    if (it != arrived_.end() && it->second > anchor.arrived &&
        it->second < sent) {
      --count;
    }
  }
  return count;
}

void RateLimiter::LearnRate(const Pending& request, int64_t remaining,
                            absl::Time now) {
  // The bucket is full by the reset, so at least (limit - remaining - 1)
  // tokens (remaining is whole tokens) come back between the request leaving
  // and then.
  if (trust_reset_ && reset_ > request.sent) {
    rate_ = std::max(rate_, static_cast<double>(limit_ - remaining - 1) /
                                absl::ToDoubleSeconds(reset_ - request.sent));
  }
  // What came back since each anchor: Auth0 counted the anchor after it left
  // and this answer before now. A full bucket wastes refills, which only
  // makes these lower.
  for (const Anchor& anchor : anchors_) {
    if (anchor.arrived >= request.sent) break;
    const double seconds = absl::ToDoubleSeconds(now - anchor.sent);
    // Tokens back = change in remaining + requests that ran in between and
    // this one, less one because remaining is whole tokens.
    const double returned = static_cast<double>(
        remaining - anchor.remaining + RanBetween(anchor, request.sent));
    rate_ = std::max(rate_, returned / seconds);
  }
  if (anchors_.empty() || now - anchors_.back().arrived >= kAnchorSpacing) {
    Anchor anchor{request.sent, now, remaining, {}};
    for (const auto& [id, pending] : pending_) anchor.in_flight.push_back(id);
    anchors_.push_back(std::move(anchor));
  }
  while (!anchors_.empty() && now - anchors_.front().arrived > kMaxWindow)
    anchors_.pop_front();
}

void RateLimiter::Observe(const Turn& turn, long status,
                          const std::map<std::string, std::string>& headers) {
  const absl::Time now = now_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = pending_.find(turn.id);
  if (found == pending_.end()) return;  // not ours, or answered twice
  const Pending request = found->second;
  pending_.erase(found);
  const std::optional<int64_t> remaining =
      BucketFigure(headers, "x-ratelimit-remaining");
  const std::optional<int64_t> reset =
      HeaderNumber(headers, "x-ratelimit-reset");
  const std::optional<int64_t> limit =
      BucketFigure(headers, "x-ratelimit-limit");
  if (remaining.has_value()) {
    const bool first = mode_ != Mode::kTracked;
    Refill(now);
    mode_ = Mode::kTracked;
    limit_ = std::max(limit.value_or(0), *remaining + 1);
    if (reset.has_value()) reset_ = absl::FromUnixSeconds(*reset);
    // Requests Auth0 may have counted after this one: those still out, and
    // those answered since this one left.
    const int64_t later = static_cast<int64_t>(pending_.size()) + answers_ -
                          request.answers_before;
    if (status != 429) {
      LearnRate(request, *remaining, now);
      ++answers_;
      answered_.push_back({request.sent, now, turn.id});
      arrived_[turn.id] = now;
      while (now - answered_.front().arrived > kMaxWindow) {
        arrived_.erase(answered_.front().id);
        answered_.pop_front();
      }
    }
    const double told = static_cast<double>(*remaining - later);
    if (first || tokens_ < told || tokens_ > *remaining + 1) tokens_ = told;
    if (first) {
      share_tokens_ = std::max(1.0, share_ * static_cast<double>(limit_));
      share_refilled_ = now;
    }
  } else if (status != 429 && mode_ == Mode::kUnknown) {
    mode_ = Mode::kUnlimited;  // no figures: nothing to pace by
  }
  if (status == 429) {
    absl::Time until =
        now + (rate_ > 0 ? absl::Seconds(1 / rate_) : absl::Seconds(1));
    if (rate_ <= 0 && reset_ > now) until = std::max(until, reset_);
    // The rate was learnt from x-ratelimit-reset, so a pause of one token's
    // time is the header's as much as a wait for the reset is, and capped as
    // such: a reset hours ahead teaches a rate of one request in minutes (the
    // fuzzer found this pause waiting 730 s). Only the bare 1 s is our own.
    const char* by = rate_ > 0 || reset_ > now ? "x-ratelimit-reset" : nullptr;
    // Retry-After (seconds) is the server's own word; it wins when longer.
    if (auto after = HeaderNumber(headers, "retry-after")) {
      if (now + absl::Seconds(*after) > until) by = "Retry-After";
      until = std::max(until, now + absl::Seconds(*after));
    }
    if (until > blocked_until_) {
      blocked_until_ = until;
      blocked_by_ = by;
    }
    if (mode_ == Mode::kTracked && rate_ > 0) {
      // The mirror said there was a token: the rate was too high (or others
      // share the bucket).
      trust_reset_ = false;
      rate_ *= 0.8;
      anchors_.clear();
    }
    if (mode_ == Mode::kUnlimited) mode_ = Mode::kUnknown;
    tokens_ = std::min(tokens_, 0.0);
  }
}

void RateLimiter::Abandon(const Turn& turn) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.erase(turn.id);
}

absl::Duration RateLimiter::waited() const { return waits_.Total(now_()); }

double RateLimiter::rate() const {
  std::lock_guard<std::mutex> lock(mutex_);
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
