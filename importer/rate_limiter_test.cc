#include "importer/rate_limiter.h"

#include <atomic>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph::importer {
namespace {

// A clock that only moves when the limiter sleeps.
class FakeTime {
 public:
  RateLimiter Limiter() {
    return RateLimiter(
        [this] { return now; },
        [this](absl::Duration d) {
          now += d;
          ++sleeps;
          if (cancel_after_sleeps > 0 && sleeps >= cancel_after_sleeps) {
            cancelled = true;
          }
        });
  }
  absl::Time now = absl::FromUnixSeconds(1790000000);
  int sleeps = 0;
  int cancel_after_sleeps = 0;
  std::atomic<bool> cancelled{false};
};

std::map<std::string, std::string> Figures(int64_t remaining,
                                           absl::Time reset) {
  return {{"x-ratelimit-limit", "50"},
          {"x-ratelimit-remaining", std::to_string(remaining)},
          {"x-ratelimit-reset", std::to_string(absl::ToUnixSeconds(reset))}};
}

TEST(RateLimiterTest, UnknownBudgetDoesNotWait) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::ZeroDuration());
  EXPECT_EQ(time.sleeps, 0);
}

TEST(RateLimiterTest, SpendsTheRemainingBudgetThenWaitsForTheReset) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  limiter.Observe(200, Figures(2, time.now + absl::Seconds(10)));
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::ZeroDuration());
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::ZeroDuration());
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::Seconds(10));
  EXPECT_EQ(limiter.waited(), absl::Seconds(10));
  // Past the reset the budget is unknown again until the next answer.
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::ZeroDuration());
}

TEST(RateLimiterTest, A429WaitsForRetryAfterOrTheReset) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  limiter.Observe(429, {{"retry-after", "5"}});
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::Seconds(5));
  limiter.Observe(429, Figures(0, time.now + absl::Seconds(3)));
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::Seconds(3));
  // Retry-After longer than the reset wins.
  auto both = Figures(0, time.now + absl::Seconds(2));
  both["retry-after"] = "7";
  limiter.Observe(429, both);
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::Seconds(7));
  // A bare 429 still waits a second rather than hammering.
  limiter.Observe(429, {});
  EXPECT_EQ(*limiter.AwaitTurn(time.cancelled), absl::Seconds(1));
}

TEST(RateLimiterTest, CancellationStopsAWait) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  limiter.Observe(429, {{"retry-after", "60"}});
  time.cancel_after_sleeps = 3;
  auto waited = limiter.AwaitTurn(time.cancelled);
  EXPECT_EQ(waited.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(time.sleeps, 3);  // noticed within one 100 ms slice
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled).status().code(),
            absl::StatusCode::kCancelled);
}

TEST(RetryPolicyTest, RetriesOnlyWhatMayHelp) {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_TRUE(RetryPolicy::IsRetryableStatus(status)) << status;
  }
  for (long status : {200L, 400L, 401L, 403L, 404L}) {
    EXPECT_FALSE(RetryPolicy::IsRetryableStatus(status)) << status;
  }
}

TEST(RetryPolicyTest, BackoffGrowsIsCappedAndJittered) {
  RetryPolicy policy;
  EXPECT_EQ(policy.Backoff(1, 1.0), absl::Milliseconds(500));
  EXPECT_EQ(policy.Backoff(2, 1.0), absl::Seconds(1));
  EXPECT_EQ(policy.Backoff(4, 1.0), absl::Seconds(4));
  EXPECT_EQ(policy.Backoff(20, 1.0), absl::Seconds(30));
  EXPECT_EQ(policy.Backoff(4, 0.5), absl::Seconds(2));
  EXPECT_EQ(policy.Backoff(4, 0.0), absl::ZeroDuration());
}

}  // namespace
}  // namespace identitygraph::importer
