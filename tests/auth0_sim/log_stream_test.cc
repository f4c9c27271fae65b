#include "tests/auth0_sim/log_stream.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

const absl::Time kStart = absl::FromUnixSeconds(1790000000);

Json Event(int n) { return {{"type", "sapi"}, {"n", n}}; }

std::vector<int> Numbers(const std::vector<Json>& events) {
  std::vector<int> out;
  for (const Json& e : events) out.push_back(e["n"]);
  return out;
}

TEST(LogStreamTest, CheckpointsPageInLogIdOrder) {
  LogStream logs({});
  for (int i = 0; i < 5; ++i) logs.Write(Event(i), kStart + absl::Seconds(i));
  std::vector<Json> first = logs.After("", 2, kStart + absl::Seconds(10));
  EXPECT_EQ(Numbers(first), (std::vector<int>{0, 1}));
  ASSERT_TRUE(LogStream::IsLogId(first[1]["log_id"]));
  EXPECT_EQ(first[0]["date"], "2026-09-21T14:13:20.000Z");
  std::vector<Json> rest =
      logs.After(first[1]["log_id"], 100, kStart + absl::Seconds(10));
  EXPECT_EQ(Numbers(rest), (std::vector<int>{2, 3, 4}));
  EXPECT_TRUE(logs.After(rest.back()["log_id"], 100, kStart + absl::Seconds(10))
                  .empty());
  EXPECT_EQ(
      logs.Find(rest[0]["log_id"], kStart + absl::Seconds(10)).value()["n"], 2);
}

TEST(LogStreamTest, DelayedEventsArriveLaterWithLaterIdsAndOlderDates) {
  LogStreamOptions options;
  options.max_delivery_delay = absl::Seconds(10);
  LogStream logs(options);
  for (int i = 0; i < 50; ++i) logs.Write(Event(i), kStart + absl::Seconds(i));
  // Nothing written at the last second can be readable before it.
  EXPECT_LT(logs.After("", 100, kStart + absl::Seconds(49)).size(), 50u);
  std::vector<Json> all = logs.After("", 100, kStart + absl::Seconds(60));
  ASSERT_EQ(all.size(), 50u);
  bool out_of_date_order = false;
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1]["log_id"], all[i]["log_id"]);
    out_of_date_order |= all[i - 1]["date"] > all[i]["date"];
  }
  EXPECT_TRUE(out_of_date_order);
}

TEST(LogStreamTest, RetentionPurgesOldEventsAndAnOldCheckpointSkipsSilently) {
  LogStreamOptions options;
  options.retention = absl::Hours(24);
  LogStream logs(options);
  logs.Write(Event(0), kStart);
  const std::string old_id = logs.After("", 1, kStart)[0]["log_id"];
  logs.Write(Event(1), kStart + absl::Hours(30));
  const absl::Time later = kStart + absl::Hours(30);
  EXPECT_FALSE(logs.Find(old_id, later).has_value());
  // The answer alone does not show the gap: Find does.
  EXPECT_EQ(Numbers(logs.After(old_id, 100, later)), (std::vector<int>{1}));
  EXPECT_EQ(logs.PurgeReadable(later), 1u);
  EXPECT_TRUE(logs.After("", 100, later).empty());
  EXPECT_EQ(logs.Stats(later)["purged"], 2);
}

TEST(LogStreamTest, SearchSortsByDate) {
  LogStream logs({});
  logs.Write(Event(0), kStart + absl::Seconds(5));
  logs.Write(Event(1), kStart);
  EXPECT_EQ(
      Numbers(logs.ByDate(/*newest_first=*/true, kStart + absl::Hours(1))),
      (std::vector<int>{0, 1}));
  EXPECT_EQ(
      Numbers(logs.ByDate(/*newest_first=*/false, kStart + absl::Hours(1))),
      (std::vector<int>{1, 0}));
}

}  // namespace
}  // namespace identitygraph::sim
