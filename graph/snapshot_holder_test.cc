// Readers query while snapshots are swapped under them; every answer must be
// the answer of the snapshot the reader holds. Run under ThreadSanitizer in CI
// (scripts/test.sh).
#include "graph/snapshot_holder.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/graph_builder.h"
#include "graph/queries.h"
#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

// In snapshot `version`, user u<i> reaches the application exactly when (i +
// version) is even, through a group and a role; the graph also grows with the
// version, so readers' workspaces must grow with it.
std::shared_ptr<const Snapshot> MakeSnapshot(int version) {
  GraphBuilder builder;
  const int users = 50 + version;
  builder.AddEntity(VertexKind::kApplication, "app", "App");
  builder.AddEntity(VertexKind::kRole, "role", "Role");
  builder.AddEntity(VertexKind::kGroup, "group", "Group");
  builder.AddEdge(EdgeKind::kGroupRole, VertexKind::kGroup, "group",
                  VertexKind::kRole, "role");
  builder.AddEdge(EdgeKind::kRoleApplication, VertexKind::kRole, "role",
                  VertexKind::kApplication, "app");
  for (int i = 0; i < users; ++i) {
    const std::string id = absl::StrCat("u", i);
    builder.AddEntity(VertexKind::kUser, id, id);
    if ((i + version) % 2 == 0) {
      builder.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser, id,
                      VertexKind::kGroup, "group");
    }
  }
  return std::move(builder).Build(version, absl::Now());
}

TEST(SnapshotHolderTest, EmptyUntilPublishedThenSwapsWhole) {
  SnapshotHolder holder;
  EXPECT_EQ(holder.Get(), nullptr);
  EXPECT_EQ(holder.Publish(MakeSnapshot(1)), nullptr);
  std::shared_ptr<const Snapshot> held = holder.Get();
  std::shared_ptr<const Snapshot> previous = holder.Publish(MakeSnapshot(2));
  EXPECT_EQ(previous, held);
  EXPECT_EQ(held->version(), 1);  // a reader keeps its snapshot after the swap
  EXPECT_EQ(holder.Get()->version(), 2);
}

TEST(SnapshotHolderTest, ReadersQueryWhileSnapshotsSwap) {
  SnapshotHolder holder;
  holder.Publish(MakeSnapshot(0));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> answers{0}, wrong{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      for (int n = 0; !stop.load() || n < 50; ++n) {
        std::shared_ptr<const Snapshot> snapshot = holder.Get();
        const int64_t version = snapshot->version();
        const int i = (n * 7 + r) % 50;
        VertexId user =
            snapshot->FindById(VertexKind::kUser, absl::StrCat("u", i));
        VertexId app = snapshot->FindById(VertexKind::kApplication, "app");
        auto check =
            CheckAccess(*snapshot, user, app, Reachability::kAuthorization, 1);
        auto users =
            UsersOfApplication(*snapshot, app, Reachability::kAuthorization);
        if (!check.ok() || !users.ok() ||
            check->allowed != ((i + version) % 2 == 0) ||
            static_cast<int64_t>((*users)->size()) !=
                (50 + version + 1 - version % 2) / 2) {
          wrong.fetch_add(1);
        }
        answers.fetch_add(1);
      }
    });
  }
  for (int version = 1; version <= 40; ++version)
    holder.Publish(MakeSnapshot(version));
  stop.store(true);
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(answers.load(), 200);
}

}  // namespace
}  // namespace identitygraph::graph
