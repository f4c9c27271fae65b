#include "graph/snapshot_file.h"

#include <cstring>
#include <memory>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "graph/queries.h"
#include "gtest/gtest.h"
#include "tests/test_temp_dir.h"

namespace identitygraph::graph {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const Snapshot> SmallSnapshot() {
  GraphBuilder b;
  b.AddEntity(VertexKind::kUser, "google-apps|ada", "Ada", "Ada@Acme.com");
  b.AddEntity(VertexKind::kUser, "samlp|ken", "Ken", "ken@acme.com");
  b.AddEntity(VertexKind::kGroup, "eng", "Engineering");
  b.AddEntity(VertexKind::kRole, "admin", "Admin");
  b.AddEntity(VertexKind::kApplication, "app", "Payroll");
  b.AddEntity(VertexKind::kOrganization, "partners", "Partners");
  VertexId connection = b.AddEntity(VertexKind::kConnection, "con_1", "okta");
  b.SetAttribute(connection, "strategy", "samlp");
  b.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser, "google-apps|ada",
            VertexKind::kGroup, "eng");
  b.AddEdge(EdgeKind::kGroupRole, VertexKind::kGroup, "eng", VertexKind::kRole,
            "admin");
  b.AddEdge(EdgeKind::kRoleApplication, VertexKind::kRole, "admin",
            VertexKind::kApplication, "app");
  b.AddEdge(EdgeKind::kOrganizationRole, b.Find(VertexKind::kUser, "samlp|ken"),
            b.Find(VertexKind::kRole, "admin"),
            b.Find(VertexKind::kOrganization, "partners"));
  return std::move(b).Build(42, absl::FromUnixSeconds(1790000000));
}

// The checksum the format uses, recomputed here to forge well-checksummed bad
// files.
uint64_t Fnv1a64(const std::string& data) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

void Reseal(std::string& file) {
  const uint64_t checksum = Fnv1a64(file.substr(32));
  std::memcpy(&file[24], &checksum, sizeof(checksum));
}

TEST(SnapshotFileTest, RoundTripKeepsEverything) {
  auto original = SmallSnapshot();
  auto loaded = ParseSnapshot(SerializeSnapshot(*original));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Snapshot& s = **loaded;
  EXPECT_EQ(s.version(), 42);
  EXPECT_EQ(s.create_time(), absl::FromUnixSeconds(1790000000));
  EXPECT_EQ(s.vertex_count(), original->vertex_count());
  EXPECT_EQ(s.edge_counts(), original->edge_counts());
  VertexId ada = s.FindByEmail("ada@acme.com");
  ASSERT_NE(ada, kNoVertex);
  EXPECT_EQ(s.email(ada), "Ada@Acme.com");
  VertexId connection = s.FindById(VertexKind::kConnection, "con_1");
  ASSERT_EQ(s.attributes(connection).size(), 1u);
  EXPECT_EQ(s.attributes(connection)[0].second, "samlp");
  EXPECT_EQ(s.FindByName(VertexKind::kApplication, "Payroll").size(), 1u);
  // The organization of an organization role survives.
  auto check = CheckAccess(s, s.FindById(VertexKind::kUser, "samlp|ken"),
                           s.FindById(VertexKind::kApplication, "app"),
                           Reachability::kAuthorization, 1);
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(check->allowed);
  EXPECT_EQ(check->paths[0][1].organization,
            s.FindById(VertexKind::kOrganization, "partners"));
}

TEST(SnapshotFileTest, CorruptFilesGiveDataLossSayingWhat) {
  const std::string good = SerializeSnapshot(*SmallSnapshot());
  struct Case {
    std::string name;
    std::string bytes;
    absl::StatusCode code;
    std::string hint;
  };
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  std::string other_version = good;
  other_version[8] = kSnapshotFormatVersion + 1;
  std::string bad_edge = good;
  // The last edge's target (edges precede the 4-byte organization count...
  // found by searching is fragile; instead corrupt the vertex count, which
  // every section checks).
  const uint32_t huge = 0x7fffffff;
  std::memcpy(&bad_edge[32 + 16], &huge, sizeof(huge));
  Reseal(bad_edge);
  std::string bad_kind = good;
  bad_kind[32 + 20] = 99;  // the first vertex's kind
  Reseal(bad_kind);
  std::string bad_source = good;
  uint32_t vertices = 0;
  std::memcpy(&vertices, &good[32 + 16], sizeof(vertices));
  bad_source[32 + 20 + vertices] = 7;  // the first vertex's source
  Reseal(bad_source);
  for (const Case& c : std::vector<Case>{
           {"empty", "", absl::StatusCode::kDataLoss, "truncated"},
           {"header only", good.substr(0, 20), absl::StatusCode::kDataLoss,
            "truncated"},
           {"half", good.substr(0, good.size() / 2),
            absl::StatusCode::kDataLoss, "truncated"},
           {"longer", good + "x", absl::StatusCode::kDataLoss, "too long"},
           {"flipped bit", flipped, absl::StatusCode::kDataLoss, "checksum"},
           {"bad magic", bad_magic, absl::StatusCode::kDataLoss,
            "not an identitygraph"},
           {"other version", other_version,
            absl::StatusCode::kFailedPrecondition,
            absl::StrCat("format version ", kSnapshotFormatVersion + 1)},
           {"vertex count too big", bad_edge, absl::StatusCode::kDataLoss,
            "cut short"},
           {"unknown kind", bad_kind, absl::StatusCode::kDataLoss,
            "unknown kind"},
           {"unknown source", bad_source, absl::StatusCode::kDataLoss,
            "unknown source"}}) {
    auto parsed = ParseSnapshot(c.bytes);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().code(), c.code)
        << c.name << ": " << parsed.status();
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.hint)) << c.name;
  }
}

TEST(SnapshotFileTest, SourcesRoundTripAndFormatOneIsStillRead) {
  GraphBuilder b;
  const VertexId group = b.AddEntity(VertexKind::kGroup, "g1", "Eng");
  b.SetSource(group, VertexSource::kExtension);
  b.AddEntity(VertexKind::kRole, "r1", "Admin");
  const std::string v2 = SerializeSnapshot(*std::move(b).Build(3, absl::Now()));
  auto loaded = ParseSnapshot(v2);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->source((*loaded)->FindById(VertexKind::kGroup, "g1")),
            VertexSource::kExtension);
  EXPECT_EQ((*loaded)->source((*loaded)->FindById(VertexKind::kRole, "r1")),
            VertexSource::kDirectory);

  // Format 1 had no source section and kept the source as an attribute.
  GraphBuilder old;
  const VertexId v = old.AddEntity(VertexKind::kGroup, "g1", "Eng");
  old.SetAttribute(v, "source", "authorization_extension");
  old.SetAttribute(v, "kind", "team");
  std::string v1 = SerializeSnapshot(*std::move(old).Build(3, absl::Now()));
  const uint32_t one = 1;
  std::memcpy(&v1[8], &one, sizeof(one));
  v1.erase(32 + 20 + 1, 2);  // the one vertex's source and removed bytes
  const uint64_t size = v1.size() - 32;
  std::memcpy(&v1[16], &size, sizeof(size));
  Reseal(v1);
  auto upgraded = ParseSnapshot(v1);
  ASSERT_TRUE(upgraded.ok()) << upgraded.status();
  const VertexId g = (*upgraded)->FindById(VertexKind::kGroup, "g1");
  EXPECT_EQ((*upgraded)->source(g), VertexSource::kExtension);
  ASSERT_EQ((*upgraded)->attributes(g).size(), 1u);
  EXPECT_EQ((*upgraded)->attributes(g)[0].first, "kind");
}

TEST(SnapshotFileTest, FormatTwoIsStillReadAndRemovedMarksAreChecked) {
  GraphBuilder b;
  b.AddEntity(VertexKind::kUser, "u1", "Ada");
  b.AddEntity(VertexKind::kGroup, "g1", "Eng");
  b.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser, "u1", VertexKind::kGroup,
            "g1");
  const std::string v3 = SerializeSnapshot(*std::move(b).Build(3, absl::Now()));
  // Format 2: no removed marks (two vertices: kinds, sources, then marks).
  std::string v2 = v3;
  const uint32_t two = 2;
  std::memcpy(&v2[8], &two, sizeof(two));
  v2.erase(32 + 20 + 4, 2);
  uint64_t size = v2.size() - 32;
  std::memcpy(&v2[16], &size, sizeof(size));
  Reseal(v2);
  auto loaded = ParseSnapshot(v2);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_NE((*loaded)->FindById(VertexKind::kUser, "u1"), kNoVertex);
  EXPECT_EQ((*loaded)->edge_count(), 1u);

  // A removed vertex with an edge, an unknown mark, a blocked group, and (in
  // format 3, before blocked marks) a blocked user.
  for (const auto& [format, vertex, mark, error] :
       std::vector<std::tuple<uint32_t, int, char, std::string>>{
           {4, 0, 1, "joins vertices it cannot join"},
           {4, 0, 7, "unknown mark"},
           {4, 1, 2, "is blocked but not a user"},
           {3, 0, 2, "unknown mark"}}) {
    std::string bad = v3;
    std::memcpy(&bad[8], &format, sizeof(format));
    bad[32 + 20 + 4 + vertex] = mark;
    Reseal(bad);
    auto refused = ParseSnapshot(bad);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(refused.status().message(), HasSubstr(error));
  }
}

TEST(SnapshotFileTest, BlockedUsersAndPermissionsRoundTrip) {
  GraphBuilder b;
  const VertexId ada = b.AddEntity(VertexKind::kUser, "u1", "Ada");
  b.AddEntity(VertexKind::kUser, "u2", "Bob");
  b.AddEntity(VertexKind::kRole, "r1", "Payroll");
  b.AddEntity(VertexKind::kApi, "https://payroll", "Payroll API");
  b.AddEntity(VertexKind::kPermission,
              PermissionVertexId("https://payroll", "payroll:approve"),
              "payroll:approve");
  b.SetBlocked(ada);
  b.AddEdge(EdgeKind::kUserRole, VertexKind::kUser, "u1", VertexKind::kRole,
            "r1");
  b.AddEdge(EdgeKind::kRolePermission, VertexKind::kRole, "r1",
            VertexKind::kPermission, "https://payroll payroll:approve");
  b.AddEdge(EdgeKind::kPermissionOn, VertexKind::kPermission,
            "https://payroll payroll:approve", VertexKind::kApi,
            "https://payroll");
  auto built = std::move(b).Build(4, absl::Now());
  EXPECT_EQ(built->blocked_user_count(), 1);
  auto loaded = ParseSnapshot(SerializeSnapshot(*built));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE((*loaded)->blocked((*loaded)->FindById(VertexKind::kUser, "u1")));
  EXPECT_FALSE(
      (*loaded)->blocked((*loaded)->FindById(VertexKind::kUser, "u2")));
  EXPECT_EQ((*loaded)->blocked_user_count(), 1);
  EXPECT_EQ((*loaded)->edge_counts(), built->edge_counts());
  EXPECT_EQ(SerializeSnapshot(**loaded), SerializeSnapshot(*built));
}

TEST(SnapshotFileTest, WritesAndReadsFilesNamingThemInErrors) {
  TestTempDir dir;
  const std::string path = dir.File("snapshot.igs");
  EXPECT_TRUE(absl::IsNotFound(ReadSnapshotFile(path).status()));
  ASSERT_TRUE(WriteSnapshotFile(*SmallSnapshot(), path).ok());
  auto loaded = ReadSnapshotFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->version(), 42);
  ASSERT_TRUE(WriteFileAtomically(path, "not a snapshot", 0644).ok());
  auto corrupt = ReadSnapshotFile(path);
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(corrupt.status().message(), HasSubstr(path));
}

TEST(SnapshotFileTest, EveryTruncationIsRefused) {
  const std::string good = SerializeSnapshot(*SmallSnapshot());
  for (size_t length = 0; length < good.size(); ++length) {
    EXPECT_FALSE(ParseSnapshot(good.substr(0, length)).ok()) << length;
  }
}

}  // namespace
}  // namespace identitygraph::graph
