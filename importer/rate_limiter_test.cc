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
#include "importer/tenant_limiters.h"
#include "importer/wait_meter.h"

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

// rate_limiter_fuzz found the signed overflow (remaining + 1) in CI: a
// figure no bucket can hold is a broken header and paces nothing.
TEST(RateLimiterTest, FiguresNoBucketCanHoldAreReadAsAbsent) {
  for (const char* figure :
       {"9223372036854775807", "-9223372036854775808", "-1", "1000000001"}) {
    SCOPED_TRACE(figure);
    FakeTime time;
    RateLimiter limiter = time.Limiter();
    Answer(time, limiter, 200,
           {{"x-ratelimit-limit", figure},
            {"x-ratelimit-remaining", figure},
            {"x-ratelimit-reset", "1790000010"}});
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(limiter.AwaitTurn(time.cancelled)->waited,
                absl::ZeroDuration());
    }
    EXPECT_EQ(time.sleeps, 0);
  }
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

// Found by rate_limiter_fuzz: a reset hours ahead teaches a rate of one
// request in 12 minutes; a bare 429 then paused for one token's time, which
// was not counted as the header's and so was waited out in full.
TEST(RateLimiterTest, A429AfterAFarResetFailsInsteadOfPausingMinutes) {
  FakeTime time;
  RateLimiter limiter = time.Limiter();
  Answer(time, limiter, 200, Figures(10, time.now + absl::Hours(8)));
  ASSERT_GT(limiter.rate(), 0);
  ASSERT_LT(limiter.rate(), 1.0 / 60);
  absl::StatusOr<RateLimiter::Turn> turn = limiter.AwaitTurn(time.cancelled);
  ASSERT_TRUE(turn.ok());
  limiter.Observe(*turn, 429, {});
  turn = limiter.AwaitTurn(time.cancelled);
  ASSERT_FALSE(turn.ok());
  EXPECT_EQ(turn.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(turn.status().message(),
              ::testing::HasSubstr("x-ratelimit-reset"));
  EXPECT_EQ(time.sleeps, 0) << "refused before waiting";
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

// Auth0's token bucket for one tenant, answering with its real figures.
class TenantBucket {
 public:
  TenantBucket(int limit, double rate, absl::Time now)
      : limit_(limit), rate_(rate), tokens_(limit), refilled_(now) {}
  // A request at `now`: its status and headers.
  std::pair<long, std::map<std::string, std::string>> Take(absl::Time now) {
    Refill(now);
    const bool admitted = tokens_ >= 1;
    if (admitted) tokens_ -= 1;
    lowest_ = std::min(lowest_, tokens_);
    const double to_full = (limit_ - tokens_) / rate_;
    return {
        admitted ? 200 : 429,
        {{"x-ratelimit-limit", std::to_string(limit_)},
         {"x-ratelimit-remaining",
          std::to_string(static_cast<int64_t>(std::floor(tokens_)))},
         // Epoch seconds, rounded up: the bucket is surely full then.
         {"x-ratelimit-reset",
          std::to_string(static_cast<int64_t>(std::ceil(
              absl::ToDoubleSeconds(now - absl::UnixEpoch()) + to_full)))}}};
  }
  double lowest() const { return lowest_; }

 private:
  void Refill(absl::Time now) {
    tokens_ = std::min<double>(
        limit_, tokens_ + rate_ * absl::ToDoubleSeconds(now - refilled_));
    refilled_ = now;
  }
  const int limit_;
  const double rate_;
  double tokens_;
  absl::Time refilled_;
  double lowest_ = 1e9;
};

TEST(RateLimiterTest, AShareKeepsToItsPartOfTheRateAndTheBurst) {
  for (const double share : {1.0, 0.5, 0.2}) {
    SCOPED_TRACE(share);
    absl::Time now = absl::FromUnixSeconds(1790000000);
    const absl::Time start = now;
    TenantBucket tenant(50, 10, now);
    // Another client of the tenant, once a second, must never see a 429.
    int other_429s = 0;
    absl::Time other_next = now;
    auto other_client = [&] {
      while (other_next <= now) {
        if (tenant.Take(other_next).first == 429) ++other_429s;
        other_next += absl::Seconds(1);
      }
    };
    std::atomic<bool> cancelled{false};
    RateLimiter limiter([&] { return now; },
                        [&](absl::Duration d) {
                          now += d;
                          other_client();
                        });
    limiter.set_share(share);
    int sent = 0, ours_429 = 0;
    while (now - start < absl::Seconds(60)) {
      absl::StatusOr<RateLimiter::Turn> turn = limiter.AwaitTurn(cancelled);
      ASSERT_TRUE(turn.ok()) << turn.status();
      auto [status, headers] = tenant.Take(now);
      if (status == 429) ++ours_429;
      limiter.Observe(*turn, status, headers);
      ++sent;
      now += absl::Milliseconds(20);  // the request's round trip
      other_client();
    }
    // At most its share of the burst and of 60 s of refill (the other client
    // takes 60 of the 650 the tenant allows in that time).
    EXPECT_LE(sent, share * (50 + 10 * 60) + 5);
    EXPECT_GE(sent, 0.8 * share * (50 + 9 * 60));
    if (share < 1) {
      EXPECT_EQ(other_429s, 0);
      EXPECT_EQ(ours_429, 0);
      // Its burst took its share of the bucket, no more.
      EXPECT_GE(tenant.lowest(), (1 - share) * 50 - 2);
    }
  }
}

TEST(WaitMeterTest, OverlappingWaitsCountOnce) {
  const absl::Time t0 = absl::FromUnixSeconds(1790000000);
  WaitMeter meter;
  meter.Begin(t0);
  meter.Begin(t0 + absl::Seconds(1));
  EXPECT_EQ(meter.Total(t0 + absl::Seconds(2)), absl::Seconds(2));
  meter.End(t0 + absl::Seconds(2));
  meter.End(t0 + absl::Seconds(3));
  meter.Begin(t0 + absl::Seconds(10));
  meter.End(t0 + absl::Seconds(11));
  // Four thread-seconds of waiting in 0..3 and one in 10..11: 4 s of time.
  EXPECT_EQ(meter.Total(t0 + absl::Seconds(20)), absl::Seconds(4));
}

TEST(TenantLimitersTest, OneLimiterPerHostWhatEverAsksForIt) {
  TenantLimiters limiters;
  RateLimiter& scan = limiters.For("acme.us.auth0.com", 0.5);
  RateLimiter& check = limiters.For("ACME.us.auth0.com", 0.5);
  EXPECT_EQ(&scan, &check);
  EXPECT_NE(&scan, &limiters.For("acme.us12.webtask.io", 0.5));
  EXPECT_EQ(UrlHost("https://acme.us12.webtask.io/adf6/api"),
            "acme.us12.webtask.io");
  EXPECT_EQ(UrlHost("https://acme.us.auth0.com:443/x"), "acme.us.auth0.com");
  EXPECT_EQ(UrlHost("hTtps://acme.us12.webtask.io/a"), "acme.us12.webtask.io");
}

}  // namespace
}  // namespace identitygraph::importer
