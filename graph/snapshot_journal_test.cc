// The snapshot journal: entries round-trip, replaying them gives the
// snapshot the deltas gave, a crash while appending (every cut of the last
// record, a zero-filled tail) is a torn tail the next append replaces, and
// any other damage is refused with where it is.
#include "graph/snapshot_journal.h"

#include <string>
#include <vector>

#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "graph/snapshot_file.h"
#include "gtest/gtest.h"
#include "tests/test_temp_dir.h"

namespace identitygraph::graph {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const Snapshot> Base() {
  GraphBuilder b;
  b.AddEntity(VertexKind::kUser, "ada", "Ada", "ada@acme.com");
  b.AddEntity(VertexKind::kRole, "admin", "Admin");
  b.AddEntity(VertexKind::kApplication, "payroll", "Payroll");
  b.AddEntity(VertexKind::kOrganization, "acme", "Acme");
  b.AddEdge(EdgeKind::kRoleApplication, VertexKind::kRole, "admin",
            VertexKind::kApplication, "payroll");
  return std::move(b).Build(7, absl::FromUnixSeconds(1000));
}

// Three batches touching every part of a delta.
std::vector<JournalEntry> Entries() {
  std::vector<JournalEntry> entries(3);
  entries[0].version = 8;
  entries[0].create_time = absl::FromUnixSeconds(1001);
  DeltaVertex grace;
  grace.id = "grace";
  grace.name = "Grace";
  grace.email = "grace@acme.com";
  grace.source = VertexSource::kExtension;
  grace.attributes = {{"team", "compilers"}};
  grace.blocked = true;
  entries[0].delta.upserted_vertices.push_back(grace);
  DeltaEdge held;
  held.kind = EdgeKind::kOrganizationRole;
  held.from_id = "grace";
  held.to_kind = VertexKind::kRole;
  held.to_id = "admin";
  held.organization_id = "acme";
  entries[0].delta.added_edges.push_back(held);
  entries[1].version = 9;
  entries[1].create_time = absl::FromUnixSeconds(1002);
  entries[1].delta.removed_edges.push_back(held);
  entries[2].version = 11;
  entries[2].create_time = absl::FromUnixSeconds(1003);
  entries[2].delta.removed_vertices.push_back({VertexKind::kUser, "ada"});
  return entries;
}

// Writes a journal of `entries` after Base(); returns the end of each record.
std::vector<uint64_t> WriteJournal(const std::string& path,
                                   const std::vector<JournalEntry>& entries) {
  std::vector<uint64_t> ends;
  uint64_t end = 0;
  EXPECT_TRUE(StartJournal(path, 7, &end).ok());
  ends.push_back(end);
  for (const JournalEntry& entry : entries) {
    EXPECT_TRUE(AppendToJournal(path, end, entry, &end).ok());
    ends.push_back(end);
  }
  return ends;
}

// The snapshot the entries' deltas make, applied one by one.
std::string Replayed(const std::vector<JournalEntry>& entries) {
  std::shared_ptr<const Snapshot> s = Base();
  for (const JournalEntry& e : entries) {
    s = ApplyDelta(*s, e.delta, e.version, e.create_time)->snapshot;
  }
  return SerializeSnapshot(*s);
}

TEST(SnapshotJournalTest, ReplayingTheJournalGivesTheLastSnapshot) {
  TestTempDir dir;
  const std::string path = dir.File("snapshot.journal");
  const std::vector<uint64_t> ends = WriteJournal(path, Entries());
  absl::StatusOr<Journal> journal = ReadJournal(path);
  ASSERT_TRUE(journal.ok()) << journal.status();
  EXPECT_EQ(journal->base_version, 7);
  ASSERT_EQ(journal->entries.size(), 3u);
  EXPECT_EQ(journal->end, ends.back());
  EXPECT_EQ(journal->torn_tail_bytes, 0u);
  const DeltaVertex& grace = journal->entries[0].delta.upserted_vertices[0];
  EXPECT_EQ(grace.email, "grace@acme.com");
  EXPECT_EQ(grace.source, VertexSource::kExtension);
  EXPECT_EQ(grace.attributes[0].second, "compilers");
  EXPECT_TRUE(grace.blocked);
  EXPECT_EQ(journal->format, kJournalFormatVersion);
  EXPECT_EQ(journal->entries[0].delta.added_edges[0].organization_id, "acme");
  EXPECT_EQ(journal->entries[2].create_time, absl::FromUnixSeconds(1003));
  int applied = 0;
  absl::StatusOr<std::shared_ptr<const Snapshot>> last =
      ApplyJournal(Base(), *journal, &applied);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(applied, 3);
  EXPECT_EQ((*last)->version(), 11);
  EXPECT_EQ(SerializeSnapshot(**last), Replayed(Entries()));
}

TEST(SnapshotJournalTest, FormatOneIsStillReadButMarkedForRewriting) {
  TestTempDir dir;
  const std::string path = dir.File("snapshot.journal");
  // Entries without upserted vertices are the same bytes in both formats.
  std::vector<JournalEntry> entries = Entries();
  entries.erase(entries.begin());
  WriteJournal(path, entries);
  absl::StatusOr<std::string> bytes = ReadFile(path, 1 << 20);
  ASSERT_TRUE(bytes.ok());
  (*bytes)[8] = 1;
  absl::StatusOr<Journal> journal = ParseJournal(*bytes);
  ASSERT_TRUE(journal.ok()) << journal.status();
  EXPECT_EQ(journal->format, 1u);
  EXPECT_EQ(journal->entries.size(), 2u);
}

TEST(SnapshotJournalTest, EveryTornTailIsDroppedAndOverwritten) {
  TestTempDir dir;
  const std::string path = dir.File("snapshot.journal");
  const std::vector<uint64_t> ends = WriteJournal(path, Entries());
  const std::string whole = *ReadFile(path, 1 << 20);
  std::vector<std::string> tails;
  for (uint64_t cut = ends[2] + 1; cut < ends[3]; ++cut) {
    tails.push_back(whole.substr(0, cut));
  }
  // A file system may extend the file before the data lands: zeros.
  tails.push_back(whole.substr(0, ends[2]) +
                  std::string(ends[3] - ends[2], '\0'));
  for (const std::string& torn : tails) {
    SCOPED_TRACE(torn.size());
    ASSERT_TRUE(WriteFileAtomically(path, torn, 0600).ok());
    absl::StatusOr<Journal> journal = ReadJournal(path);
    ASSERT_TRUE(journal.ok()) << journal.status();
    EXPECT_EQ(journal->entries.size(), 2u);
    EXPECT_EQ(journal->end, ends[2]);
    EXPECT_EQ(journal->torn_tail_bytes, torn.size() - ends[2]);
    uint64_t end = 0;
    ASSERT_TRUE(AppendToJournal(path, journal->end, Entries()[2], &end).ok());
    EXPECT_EQ(*ReadFile(path, 1 << 20), whole);
  }
}

TEST(SnapshotJournalTest, DamageIsRefusedSayingWhere) {
  TestTempDir dir;
  const std::string path = dir.File("snapshot.journal");
  const std::vector<uint64_t> ends = WriteJournal(path, Entries());
  const std::string whole = *ReadFile(path, 1 << 20);

  std::string flipped = whole;
  flipped[ends[1] + 20] ^= 0x40;  // inside the second record's payload
  absl::StatusOr<Journal> journal = ParseJournal(flipped);
  EXPECT_EQ(journal.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(journal.status().message(),
              HasSubstr(absl::StrCat("record at byte ", ends[1])));

  // Versions must grow: the second record again after the third.
  std::string repeated = whole + whole.substr(ends[1], ends[2] - ends[1]);
  EXPECT_THAT(ParseJournal(repeated).status().message(),
              HasSubstr("not after 11"));

  EXPECT_EQ(ParseJournal("IGSNAPSH").status().code(),
            absl::StatusCode::kDataLoss);
  std::string other_format = whole;
  other_format[8] = 9;
  EXPECT_EQ(ParseJournal(other_format).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::IsNotFound(ReadJournal(dir.File("none")).status()));
  ASSERT_TRUE(WriteFileAtomically(path, flipped, 0600).ok());
  EXPECT_THAT(ReadJournal(path).status().message(), HasSubstr(path));
}

TEST(SnapshotJournalTest, AJournalOfAnotherSnapshotIsStaleAndIgnored) {
  TestTempDir dir;
  const std::string path = dir.File("snapshot.journal");
  uint64_t end = 0;
  ASSERT_TRUE(StartJournal(path, 6, &end).ok());
  ASSERT_TRUE(AppendToJournal(path, end, Entries()[0], &end).ok());
  absl::StatusOr<Journal> journal = ReadJournal(path);
  ASSERT_TRUE(journal.ok());
  int applied = -1;
  std::shared_ptr<const Snapshot> base = Base();
  absl::StatusOr<std::shared_ptr<const Snapshot>> kept =
      ApplyJournal(base, *journal, &applied);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(applied, 0);
  EXPECT_EQ(kept->get(), base.get());
}

}  // namespace
}  // namespace identitygraph::graph
