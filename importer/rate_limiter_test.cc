#include "importer/rate_limiter.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

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

TEST(RateLimiterTest, UntilToldTheBudgetOneRequestGoesAtATime) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited, absl::ZeroDuration());
  // The probe has not been answered: the next one waits (until cancelled).
  time.cancel_after_sleeps = 5;
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled).status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(time.sleeps, 5);
}

// Lets one request go and hands it its answer.
void Answer(FakeTime& time, RateLimiter& limiter, long status,
            const std::map<std::string, std::string>& headers) {
  absl::StatusOr<RateLimiter::Turn> turn = limiter.AwaitTurn(time.cancelled);
  ASSERT_TRUE(turn.ok());
  limiter.Observe(*turn, status, headers);
}

TEST(RateLimiterTest, AnswersWithoutFiguresMeanNoPacing) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Answer(time, limiter, 200, {});
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited, absl::ZeroDuration());
  EXPECT_EQ(time.sleeps, 0);
}

TEST(RateLimiterTest, AnAbandonedProbeLetsTheNextOneGo) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  auto probe = limiter.AwaitTurn(time.cancelled);
  ASSERT_TRUE(probe.ok());
  limiter.Abandon(*probe);
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited, absl::ZeroDuration());
}

TEST(RateLimiterTest, SpendsTheRemainingBudgetThenPacesByTheReset) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Answer(time, limiter, 200, Figures(2, time.now + absl::Seconds(10)));
  // 47 tokens come back before the reset, 10 s away.
  EXPECT_NEAR(limiter.rate(), 4.7, 1e-9);
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited, absl::ZeroDuration());
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited, absl::ZeroDuration());
  const absl::Duration waited = limiter.AwaitTurn(time.cancelled)->waited;
  EXPECT_NEAR(absl::ToDoubleSeconds(waited), 1 / 4.7, 0.01);
}

TEST(RateLimiterTest, A429WaitsForRetryAfterOrTheReset) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Answer(time, limiter, 429, {{"retry-after", "5"}});
  auto turn = limiter.AwaitTurn(time.cancelled);
  EXPECT_EQ(turn->waited, absl::Seconds(5));
  limiter.Observe(*turn, 429, Figures(0, time.now + absl::Seconds(3)));
  turn = limiter.AwaitTurn(time.cancelled);
  EXPECT_EQ(turn->waited, absl::Seconds(3));
  // Retry-After longer than the reset wins.
  auto both = Figures(0, time.now + absl::Seconds(2));
  both["retry-after"] = "7";
  limiter.Observe(*turn, 429, both);
  EXPECT_GE(limiter.AwaitTurn(time.cancelled)->waited, absl::Seconds(7));
}

// A proxy (or a broken front end) asking for a day: the limiter refuses at
// once, naming the header, instead of holding the scan for that long.
TEST(RateLimiterTest, AWaitPastTheCapFailsNamingTheHeader) {
  struct Case {
    long status;
    std::map<std::string, std::string> headers;
    std::string header;
  };
  FakeTime clock;
  for (const Case& c : std::vector<Case>{
           {429, {{"retry-after", "86400"}}, "Retry-After"},
           {429, {{"retry-after", "9223372036854775807"}}, "Retry-After"},
           {429, Figures(0, clock.now + absl::Hours(24)), "x-ratelimit-reset"},
           {200, Figures(0, clock.now + absl::Hours(24)),
            "x-ratelimit-reset"}}) {
    FakeTime time;
    RateLimiter limiter = time.Limiter();
    Answer(time, limiter, c.status, c.headers);
    auto turn = limiter.AwaitTurn(time.cancelled);
    ASSERT_FALSE(turn.ok()) << c.header;
    EXPECT_EQ(turn.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(turn.status().message(), ::testing::HasSubstr(c.header));
    EXPECT_THAT(turn.status().message(), ::testing::HasSubstr("1m"));
    EXPECT_EQ(time.sleeps, 0) << "refused before waiting";
  }
  // Waits within the cap are waited.
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Answer(time, limiter, 429, {{"retry-after", "59"}});
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited, absl::Seconds(59));
}

TEST(RateLimiterTest, ABare429WaitsASecondRatherThanHammer) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Answer(time, limiter, 429, {});
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited, absl::Seconds(1));
}

TEST(RateLimiterTest, CancellationStopsAWait) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Answer(time, limiter, 429, {{"retry-after", "60"}});
  time.cancel_after_sleeps = 3;
  auto waited = limiter.AwaitTurn(time.cancelled);
  EXPECT_EQ(waited.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(time.sleeps, 3);  // noticed within one 100 ms slice
  EXPECT_EQ(limiter.AwaitTurn(time.cancelled).status().code(),
            absl::StatusCode::kCancelled);
}

// Auth0's bucket as the simulator keeps it: `burst` tokens, refilled at
// `per_second`; remaining is whole tokens, reset the first whole second at
// which the bucket is full.
class Bucket {
 public:
  Bucket(double burst, double per_second, absl::Time now)
      : burst_(burst), rate_(per_second), tokens_(burst), last_(now) {}
  // Takes a token at `now`; returns the status and headers of the answer.
  long Take(absl::Time now, std::map<std::string, std::string>* headers) {
    tokens_ =
        std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
    last_ = now;
    const bool allowed = tokens_ >= 1.0;
    if (allowed) tokens_ -= 1.0;
    const int64_t reset = static_cast<int64_t>(
        std::ceil(absl::ToDoubleSeconds(now - absl::UnixEpoch()) +
                  (burst_ - tokens_) / rate_));
    *headers = {
        {"x-ratelimit-limit", std::to_string(static_cast<int64_t>(burst_))},
        {"x-ratelimit-remaining",
         std::to_string(static_cast<int64_t>(std::floor(tokens_)))},
        {"x-ratelimit-reset", std::to_string(reset)}};
    return allowed ? 200 : 429;
  }

 private:
  const double burst_, rate_;
  double tokens_;
  absl::Time last_;
};

struct PlanCase {
  const char* name;
  double burst, per_second;
};

class RateLimiterPlanTest : public ::testing::TestWithParam<PlanCase> {};

// The property the importer's benchmark checks at full scale: with answers
// 20 ms apart, requests run within 10% of the bucket's own bound, and no
// request after the first answer meets a 429.
TEST_P(RateLimiterPlanTest, RunsAtTheLimitWithoutA429) {
  const PlanCase plan = GetParam();
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Bucket bucket(plan.burst, plan.per_second, time.now);
  const absl::Time start = time.now;
  const int requests = static_cast<int>(plan.burst + 40 * plan.per_second);
  int refused = 0;
  for (int i = 0; i < requests; ++i) {
    absl::StatusOr<RateLimiter::Turn> turn = limiter.AwaitTurn(time.cancelled);
    ASSERT_TRUE(turn.ok());
    std::map<std::string, std::string> headers;
    time.now += absl::Milliseconds(10);  // on the way
    const long status = bucket.Take(time.now, &headers);
    time.now += absl::Milliseconds(10);  // on the way back
    refused += status == 429;
    limiter.Observe(*turn, status, headers);
    if (status == 429) --i;  // asked again
  }
  const double seconds = absl::ToDoubleSeconds(time.now - start);
  const double bound = (requests - plan.burst) / plan.per_second;
  EXPECT_EQ(refused, 0);
  std::printf("%s: %.2f s for a bound of %.2f s (rate %.2f)\n", plan.name,
              seconds, bound, limiter.rate());
  EXPECT_LE(seconds, bound * 1.10) << "rate " << limiter.rate();
}

INSTANTIATE_TEST_SUITE_P(
    Plans, RateLimiterPlanTest,
    ::testing::Values(PlanCase{"EnterpriseProduction", 50, 16},
                      PlanCase{"EnterpriseNonProduction", 10, 2},
                      PlanCase{"Free", 2, 2}, PlanCase{"Tiny", 3, 40}),
    [](const ::testing::TestParamInfo<PlanCase>& info) {
      return std::string(info.param.name);
    });

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
