// The snapshot on disk: journaled batches survive a restart, compaction folds
// them into the file, and every crash window (a journal left behind by a
// newer file, a torn last record, a damaged record) loads the newest whole
// version without losing a file.
#include "server/snapshot_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "graph/graph_builder.h"
#include "graph/snapshot_file.h"
#include "gtest/gtest.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

std::shared_ptr<const graph::Snapshot> Base() {
  graph::GraphBuilder b;
  b.AddEntity(graph::VertexKind::kUser, "ada", "Ada", "ada@acme.com");
  b.AddEntity(graph::VertexKind::kRole, "admin", "Admin");
  b.AddEntity(graph::VertexKind::kApplication, "payroll", "Payroll");
  b.AddEdge(graph::EdgeKind::kRoleApplication, graph::VertexKind::kRole,
            "admin", graph::VertexKind::kApplication, "payroll");
  return std::move(b).Build(7, absl::FromUnixSeconds(1000));
}

bool HasUser(const graph::Snapshot& snapshot, const std::string& id) {
  return snapshot.FindById(graph::VertexKind::kUser, id) != graph::kNoVertex;
}

// A delta adding user `id` with the admin role.
graph::SnapshotDelta AddUser(const std::string& id) {
  graph::SnapshotDelta delta;
  graph::DeltaVertex user;
  user.kind = graph::VertexKind::kUser;
  user.id = id;
  user.name = id;
  user.email = id + "@acme.com";
  delta.upserted_vertices.push_back(user);
  graph::DeltaEdge held;
  held.kind = graph::EdgeKind::kUserRole;
  held.from_id = id;
  held.to_kind = graph::VertexKind::kRole;
  held.to_id = "admin";
  delta.added_edges.push_back(held);
  return delta;
}

class SnapshotFilesTest : public ::testing::Test {
 protected:
  // Applies `delta` to the last snapshot as the next version and makes it
  // durable through `files`.
  void Publish(SnapshotFiles& files, const graph::SnapshotDelta& delta) {
    const int64_t version = served_->version() + 1;
    absl::StatusOr<graph::AppliedDelta> applied = graph::ApplyDelta(
        *served_, delta, version, absl::FromUnixSeconds(1000 + version));
    ASSERT_TRUE(applied.ok()) << applied.status();
    ASSERT_TRUE(
        files.Append(served_->version(), *applied->snapshot, delta).ok());
    served_ = applied->snapshot;
  }

  SnapshotFiles::Loaded Load(size_t compact_after = 64) {
    SnapshotFiles files(dir_.path(), 1 << 20, compact_after);
    absl::StatusOr<SnapshotFiles::Loaded> loaded = files.Load();
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.value_or(SnapshotFiles::Loaded());
  }

  std::vector<int64_t> Versions(const SnapshotFiles::Loaded& loaded) {
    std::vector<int64_t> versions;
    for (const auto& journaled : loaded.journaled) {
      versions.push_back(journaled.version);
    }
    return versions;
  }

  // Files of the data directory whose name starts with `prefix`.
  int FilesStartingWith(const std::string& prefix) {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      if (entry.path().filename().string().rfind(prefix, 0) == 0) ++n;
    }
    return n;
  }

  TestTempDir dir_;
  std::shared_ptr<const graph::Snapshot> served_ = Base();
};

TEST_F(SnapshotFilesTest, NothingOnDiskLoadsNothing) {
  const SnapshotFiles::Loaded loaded = Load();
  EXPECT_EQ(loaded.snapshot, nullptr);
  EXPECT_EQ(loaded.file_version, 0);
  EXPECT_TRUE(loaded.journaled.empty());
}

TEST_F(SnapshotFilesTest, JournaledBatchesSurviveARestartPrivately) {
  SnapshotFiles files(dir_.path(), 1 << 20, 64);
  ASSERT_TRUE(files.Load().ok());
  ASSERT_TRUE(files.Write(*served_).ok());
  Publish(files, AddUser("grace"));
  Publish(files, AddUser("linus"));
  EXPECT_FALSE(files.CompactionDue());

  const SnapshotFiles::Loaded loaded = Load();
  ASSERT_NE(loaded.snapshot, nullptr);
  EXPECT_EQ(loaded.file_version, 7);
  EXPECT_EQ(Versions(loaded), (std::vector<int64_t>{8, 9}));
  EXPECT_EQ(loaded.journaled[1].create_time, absl::FromUnixSeconds(1009));
  EXPECT_EQ(loaded.snapshot->version(), 9);
  EXPECT_EQ(loaded.snapshot->vertex_count(), served_->vertex_count());
  EXPECT_EQ(loaded.snapshot->edge_count(), served_->edge_count());
  EXPECT_TRUE(HasUser(*loaded.snapshot, "linus"));
  for (const std::string& path :
       {files.snapshot_path(), files.journal_path()}) {
    struct stat info;
    ASSERT_EQ(::stat(path.c_str(), &info), 0) << path;
    EXPECT_EQ(info.st_mode & 0777, 0600) << path;
  }
}

TEST_F(SnapshotFilesTest, CompactionFoldsTheJournalIntoTheFile) {
  SnapshotFiles files(dir_.path(), 1 << 20, 2);
  ASSERT_TRUE(files.Load().ok());
  ASSERT_TRUE(files.Write(*served_).ok());
  Publish(files, AddUser("grace"));
  EXPECT_FALSE(files.CompactionDue());
  Publish(files, AddUser("linus"));
  ASSERT_TRUE(files.CompactionDue());
  ASSERT_TRUE(files.Write(*served_).ok());
  EXPECT_FALSE(files.CompactionDue());
  Publish(files, AddUser("ken"));

  const SnapshotFiles::Loaded loaded = Load();
  EXPECT_EQ(loaded.file_version, 9);
  EXPECT_EQ(Versions(loaded), (std::vector<int64_t>{10}));
  ASSERT_NE(loaded.snapshot, nullptr);
  EXPECT_TRUE(HasUser(*loaded.snapshot, "ken"));
}

TEST_F(SnapshotFilesTest, AJournalOlderThanTheFileIsDropped) {
  SnapshotFiles files(dir_.path(), 1 << 20, 64);
  ASSERT_TRUE(files.Load().ok());
  ASSERT_TRUE(files.Write(*served_).ok());
  Publish(files, AddUser("grace"));
  // A scan's file written, and the server stopped before its new journal.
  graph::GraphBuilder b;
  b.AddEntity(graph::VertexKind::kUser, "ken", "Ken", "ken@acme.com");
  ASSERT_TRUE(graph::WriteSnapshotFile(
                  *std::move(b).Build(12, absl::FromUnixSeconds(2000)),
                  files.snapshot_path())
                  .ok());

  SnapshotFiles reopened(dir_.path(), 1 << 20, 64);
  absl::StatusOr<SnapshotFiles::Loaded> loaded = reopened.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->snapshot->version(), 12);
  EXPECT_TRUE(loaded->journaled.empty());
  // The journal started again after the file takes the next batch.
  served_ = loaded->snapshot;
  Publish(reopened, AddUser("linus"));
  EXPECT_EQ(Versions(Load()), (std::vector<int64_t>{13}));
}

TEST_F(SnapshotFilesTest, ADeltaOnAnotherVersionWritesTheWholeFile) {
  SnapshotFiles files(dir_.path(), 1 << 20, 64);
  ASSERT_TRUE(files.Load().ok());
  ASSERT_TRUE(files.Write(*served_).ok());
  const std::shared_ptr<const graph::Snapshot> published = served_;
  // A scan's snapshot written, then cancelled before it was published: the
  // next followed delta is on the published version, not the file's.
  graph::GraphBuilder b;
  b.AddEntity(graph::VertexKind::kUser, "ken", "Ken", "ken@acme.com");
  ASSERT_TRUE(
      files.Write(*std::move(b).Build(8, absl::FromUnixSeconds(2000))).ok());
  served_ = published;
  Publish(files, AddUser("grace"));
  const SnapshotFiles::Loaded loaded = Load();
  EXPECT_EQ(loaded.file_version, 8);
  EXPECT_TRUE(loaded.journaled.empty());
  ASSERT_NE(loaded.snapshot, nullptr);
  EXPECT_TRUE(HasUser(*loaded.snapshot, "grace"));
  EXPECT_TRUE(HasUser(*loaded.snapshot, "ada"));
  EXPECT_FALSE(HasUser(*loaded.snapshot, "ken"));
}

TEST_F(SnapshotFilesTest, ATornLastRecordIsDroppedAndOverwritten) {
  SnapshotFiles files(dir_.path(), 1 << 20, 64);
  ASSERT_TRUE(files.Load().ok());
  ASSERT_TRUE(files.Write(*served_).ok());
  Publish(files, AddUser("grace"));
  const std::shared_ptr<const graph::Snapshot> journaled = served_;
  Publish(files, AddUser("linus"));
  // The server stopped while appending version 9's record.
  std::filesystem::resize_file(
      files.journal_path(),
      std::filesystem::file_size(files.journal_path()) - 5);

  SnapshotFiles reopened(dir_.path(), 1 << 20, 64);
  absl::StatusOr<SnapshotFiles::Loaded> loaded = reopened.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->snapshot->version(), 8);
  served_ = journaled;
  Publish(reopened, AddUser("ken"));
  const SnapshotFiles::Loaded again = Load();
  EXPECT_EQ(Versions(again), (std::vector<int64_t>{8, 9}));
  EXPECT_TRUE(HasUser(*again.snapshot, "ken"));
  EXPECT_FALSE(HasUser(*again.snapshot, "linus"));
}

TEST_F(SnapshotFilesTest, ADamagedJournalIsKeptAsideAndTheFileServed) {
  SnapshotFiles files(dir_.path(), 1 << 20, 64);
  ASSERT_TRUE(files.Load().ok());
  ASSERT_TRUE(files.Write(*served_).ok());
  Publish(files, AddUser("grace"));
  Publish(files, AddUser("linus"));
  {
    // A flipped byte inside the first record (not a torn tail).
    std::fstream journal(files.journal_path(),
                         std::ios::in | std::ios::out | std::ios::binary);
    journal.seekp(40);
    journal.put('\x7f');
  }
  SnapshotFiles reopened(dir_.path(), 1 << 20, 64);
  absl::StatusOr<SnapshotFiles::Loaded> loaded = reopened.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->snapshot->version(), 7);
  EXPECT_TRUE(loaded->journaled.empty());
  EXPECT_EQ(FilesStartingWith("snapshot.journal.unreadable-"), 1);
  // A new journal after the file.
  served_ = loaded->snapshot;
  Publish(reopened, AddUser("ken"));
  EXPECT_EQ(Versions(Load()), (std::vector<int64_t>{8}));
}

}  // namespace
}  // namespace identitygraph
