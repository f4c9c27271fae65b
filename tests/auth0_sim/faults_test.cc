#include "tests/auth0_sim/faults.h"

#include <algorithm>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph::sim {
namespace {

using ::testing::HasSubstr;

TEST(ParseFaultPlanTest, ReadsKindsAndOptions) {
  auto plan = ParseFaultPlan(
      "503:nth=3; slow:fraction=0.25,delay=500ms,seed=9 "
      ";truncate:path=/__sim_exports/;"
      "expire;429:fraction=0.5");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 5u);
  EXPECT_EQ((*plan)[0].kind, FaultKind::kStatus503);
  EXPECT_EQ((*plan)[0].nth, 3);
  EXPECT_EQ((*plan)[1].kind, FaultKind::kSlow);
  EXPECT_EQ((*plan)[1].fraction, 0.25);
  EXPECT_EQ((*plan)[1].delay, absl::Milliseconds(500));
  EXPECT_EQ((*plan)[1].seed, 9u);
  EXPECT_EQ((*plan)[2].path_prefix, "/__sim_exports/");
  EXPECT_EQ((*plan)[3].kind, FaultKind::kExpire);
  EXPECT_EQ((*plan)[3].nth, 1);
  EXPECT_EQ((*plan)[4].kind, FaultKind::kStatus429);
  EXPECT_TRUE(ParseFaultPlan("")->empty());
}

TEST(ParseFaultPlanTest, RefusesBadRulesSayingWhy) {
  for (const auto& [text, hint] : std::map<std::string, std::string>{
           {"404", "unknown kind"},
           {"503:nth=0", "nth must be"},
           {"503:nth=x", "nth must be"},
           {"503:fraction=1.5", "fraction must be"},
           {"503:fraction=0", "fraction must be"},
           {"slow:delay=10m", "delay must be"},
           {"slow:delay=soon", "delay must be"},
           {"503:when=now", "unknown option 'when'"},
           {"503:nth", "not key=value"}}) {
    auto plan = ParseFaultPlan(text);
    ASSERT_FALSE(plan.ok()) << text;
    EXPECT_THAT(plan.status().message(), HasSubstr(hint)) << text;
  }
}

TEST(FaultInjectorTest, NthFiresOnceAndPathsFilter) {
  FaultInjector injector;
  injector.SetPlan(*ParseFaultPlan("500:nth=2,path=/api/v2/users"));
  EXPECT_FALSE(injector.Next("/api/v2/users").has_value());
  EXPECT_FALSE(injector.Next("/api/v2/roles").has_value());
  EXPECT_TRUE(injector.Next("/api/v2/users").has_value());
  EXPECT_FALSE(injector.Next("/api/v2/users").has_value());
  EXPECT_EQ(injector.injected(), 1);
}

TEST(FaultInjectorTest, EveryRuleCountsEveryRequestItMatches) {
  FaultInjector injector;
  injector.SetPlan(*ParseFaultPlan("503:nth=1;500:nth=2;truncate:nth=3"));
  EXPECT_EQ(injector.Next("/x")->kind, FaultKind::kStatus503);
  EXPECT_EQ(injector.Next("/x")->kind, FaultKind::kStatus500);
  EXPECT_EQ(injector.Next("/x")->kind, FaultKind::kTruncate);
  EXPECT_FALSE(injector.Next("/x").has_value());
}

TEST(FaultInjectorTest, FractionRepeatsForTheSameSeed) {
  auto pattern = [](uint64_t seed) {
    FaultInjector injector;
    injector.SetPlan(
        *ParseFaultPlan("503:fraction=0.5,seed=" + std::to_string(seed)));
    std::string fired;
    for (int i = 0; i < 64; ++i)
      fired += injector.Next("/x").has_value() ? '1' : '0';
    return fired;
  };
  EXPECT_EQ(pattern(4), pattern(4));
  EXPECT_NE(pattern(4), pattern(5));
  const std::string fired = pattern(4);
  const auto ones = std::count(fired.begin(), fired.end(), '1');
  EXPECT_GT(ones, 16);
  EXPECT_LT(ones, 48);
}

}  // namespace
}  // namespace identitygraph::sim
