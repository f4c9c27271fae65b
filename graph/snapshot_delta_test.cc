// ApplyDelta: hand-made cases for each part of a delta, then random graphs
// and random sequences of deltas checked against a snapshot GraphBuilder
// builds from scratch with the same vertices and edges (lookups, counts,
// edges and every query, compared by external ids since a delta keeps vertex
// ids where a build renumbers), with trips through the snapshot file.
#include "graph/snapshot_delta.h"

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "graph/permissions.h"
#include "graph/queries.h"
#include "graph/snapshot_file.h"
#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using VertexKey = std::pair<VertexKind, std::string>;
using EdgeKey = std::tuple<EdgeKind, VertexKind, std::string, VertexKind,
                           std::string, std::string>;

EdgeKey KeyOf(const DeltaEdge& e) {
  return {e.kind,    e.from_kind, e.from_id,
          e.to_kind, e.to_id,     e.organization_id};
}

// The tenant as plain sets, and what a delta means for them, written
// without any of snapshot_delta.cc.
struct Model {
  std::map<VertexKey, DeltaVertex> vertices;
  std::set<EdgeKey> edges;

  bool Has(VertexKind kind, const std::string& id) const {
    return vertices.count({kind, id}) > 0;
  }

  void Apply(const SnapshotDelta& delta) {
    for (const DeltaVertexRef& ref : delta.removed_vertices) {
      if (!vertices.erase({ref.kind, ref.id})) continue;
      for (auto it = edges.begin(); it != edges.end();) {
        const auto& [kind, fk, fid, tk, tid, org] = *it;
        const bool touches =
            (fk == ref.kind && fid == ref.id) ||
            (tk == ref.kind && tid == ref.id) ||
            (ref.kind == VertexKind::kOrganization && org == ref.id);
        it = touches ? edges.erase(it) : std::next(it);
      }
    }
    for (const DeltaVertex& v : delta.upserted_vertices) {
      vertices[{v.kind, v.id}] = v;
    }
    for (const DeltaEdge& e : delta.removed_edges) edges.erase(KeyOf(e));
    for (const DeltaEdge& e : delta.added_edges) {
      if (!Has(e.from_kind, e.from_id) || !Has(e.to_kind, e.to_id) ||
          (!e.organization_id.empty() &&
           !Has(VertexKind::kOrganization, e.organization_id)) ||
          !EdgeFits(e.kind, e.from_kind, e.to_kind)) {
        continue;
      }
      edges.insert(KeyOf(e));
    }
  }

  std::shared_ptr<const Snapshot> Build(int64_t version) const {
    GraphBuilder builder;
    for (const auto& [key, v] : vertices) {
      const VertexId id = builder.AddEntity(v.kind, v.id, v.name, v.email);
      builder.SetSource(id, v.source);
      if (v.blocked) builder.SetBlocked(id);
      for (const auto& [k, value] : v.attributes) {
        builder.SetAttribute(id, k, value);
      }
    }
    for (const auto& [kind, fk, fid, tk, tid, org] : edges) {
      EXPECT_TRUE(builder.AddEdge(
          kind, builder.Find(fk, fid), builder.Find(tk, tid),
          org.empty() ? kNoVertex
                      : builder.Find(VertexKind::kOrganization, org)));
    }
    return std::move(builder).Build(version, absl::UnixEpoch());
  }
};

// External ids of vertices, in the order given.
std::vector<std::string> Ids(const Snapshot& s,
                             const std::vector<VertexId>& vertices) {
  std::vector<std::string> out;
  for (VertexId v : vertices) {
    out.push_back(absl::StrCat(VertexKindName(s.kind(v)), ":", s.id(v)));
  }
  return out;
}

std::set<std::string> IdSet(const Snapshot& s,
                            const std::vector<VertexId>& vertices) {
  std::vector<std::string> ids = Ids(s, vertices);
  return {ids.begin(), ids.end()};
}

std::set<EdgeKey> EdgesOf(const Snapshot& s) {
  std::set<EdgeKey> out;
  s.ForEachEdge(
      [&](EdgeKind kind, VertexId from, VertexId to, VertexId organization) {
        EXPECT_FALSE(s.removed(from) || s.removed(to));
        out.emplace(
            kind, s.kind(from), std::string(s.id(from)), s.kind(to),
            std::string(s.id(to)),
            organization == kNoVertex ? "" : std::string(s.id(organization)));
      });
  return out;
}

std::set<std::tuple<int, std::string, std::string, std::string, int,
                    std::vector<std::pair<std::string, std::string>>>>
VerticesOf(const Snapshot& s) {
  std::set<std::tuple<int, std::string, std::string, std::string, int,
                      std::vector<std::pair<std::string, std::string>>>>
      out;
  for (VertexId v = 0; v < s.vertex_count(); ++v) {
    if (s.removed(v)) continue;
    std::vector<std::pair<std::string, std::string>> attributes;
    for (const auto& [k, value] : s.attributes(v)) {
      attributes.emplace_back(k, value);
    }
    out.emplace(static_cast<int>(s.kind(v)), s.id(v), s.name(v), s.email(v),
                static_cast<int>(s.source(v)) | (s.blocked(v) ? 8 : 0),
                attributes);
  }
  return out;
}

const std::vector<std::string> kNames = {
    "Ada", "ada", "Bob", "Payroll", "payroll admins", "Zed", ""};

// Every answer of `got` (made by deltas) equals that of `want` (built), for
// every vertex the model has and the ids it once had.
void ExpectSameAnswers(const Snapshot& got, const Snapshot& want,
                       const Model& model, const std::set<VertexKey>& ever) {
  EXPECT_EQ(VerticesOf(got), VerticesOf(want));
  EXPECT_EQ(EdgesOf(got), EdgesOf(want));
  EXPECT_EQ(got.vertex_counts(), want.vertex_counts());
  EXPECT_EQ(got.edge_counts(), want.edge_counts());
  EXPECT_EQ(got.blocked_user_count(), want.blocked_user_count());
  for (const auto& [kind, id] : ever) {
    const VertexId g = got.FindById(kind, id);
    const VertexId w = want.FindById(kind, id);
    ASSERT_EQ(g == kNoVertex, w == kNoVertex) << id;
    ASSERT_EQ(g == kNoVertex, !model.Has(kind, id)) << id;
    if (g == kNoVertex) continue;
    EXPECT_EQ(got.name(g), want.name(w));
    const std::string email(want.email(w));
    if (!email.empty()) {
      EXPECT_EQ(got.FindByEmail(email), g) << email;
    }
    if (kind == VertexKind::kUser) {
      EXPECT_EQ(IdSet(got, ComputeReachableTargets(got, g)),
                IdSet(want, ComputeReachableTargets(want, w)));
      EXPECT_EQ(IdSet(got, ComputeUserPermissions(got, g)),
                IdSet(want, ComputeUserPermissions(want, w)));
      for (bool effective : {false, true}) {
        EXPECT_EQ(Ids(got, *RolesOfUser(got, g, effective)),
                  Ids(want, *RolesOfUser(want, w, effective)));
        EXPECT_EQ(Ids(got, *GroupsOfUser(got, g, effective)),
                  Ids(want, *GroupsOfUser(want, w, effective)));
      }
      for (const auto& [app_key, app] : model.vertices) {
        if (app_key.first != VertexKind::kApplication) continue;
        const VertexId ga = got.FindById(app_key.first, app_key.second);
        const VertexId wa = want.FindById(app_key.first, app_key.second);
        for (Reachability mode :
             {Reachability::kAuthorization, Reachability::kLogin}) {
          absl::StatusOr<CheckResult> a = CheckAccess(got, g, ga, mode, 3);
          absl::StatusOr<CheckResult> b = CheckAccess(want, w, wa, mode, 3);
          ASSERT_TRUE(a.ok() && b.ok());
          EXPECT_EQ(a->allowed, b->allowed);
          ASSERT_EQ(a->paths.size(), b->paths.size());
          for (size_t p = 0; p < a->paths.size(); ++p) {
            EXPECT_EQ(a->paths[p].size(), b->paths[p].size());
          }
        }
      }
    }
    if (kind == VertexKind::kApplication) {
      EXPECT_EQ(IdSet(got, **UsersOfApplication(got, g,
                                                Reachability::kAuthorization)),
                IdSet(want, **UsersOfApplication(
                                want, w, Reachability::kAuthorization)));
    }
    if (kind == VertexKind::kGroup) {
      EXPECT_EQ(IdSet(got, *MembersOfGroup(got, g, true)),
                IdSet(want, *MembersOfGroup(want, w, true)));
    }
  }
  for (const std::string& name : kNames) {
    for (int k = 0; k < kVertexKindCount; ++k) {
      const auto kind = static_cast<VertexKind>(k);
      EXPECT_EQ(Ids(got, got.FindByName(kind, name)),
                Ids(want, want.FindByName(kind, name)));
    }
    for (const std::string& prefix : {name, name.substr(0, 1), std::string()}) {
      bool got_more = false, want_more = false;
      EXPECT_EQ(Ids(got, got.FindByNamePrefix(prefix, {}, 5, &got_more)),
                Ids(want, want.FindByNamePrefix(prefix, {}, 5, &want_more)))
          << prefix;
      EXPECT_EQ(got_more, want_more);
    }
  }
}

class Randomizer {
 public:
  explicit Randomizer(uint64_t seed) : random_(seed) {}

  int Int(int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random_);
  }

  DeltaVertex NewVertex(VertexKind kind, int serial) {
    static constexpr const char* kPrefix[] = {"u",   "g", "r", "a",
                                              "api", "c", "o", "p"};
    static_assert(sizeof(kPrefix) / sizeof(kPrefix[0]) == kVertexKindCount);
    DeltaVertex v;
    v.kind = kind;
    v.id = absl::StrCat(kPrefix[static_cast<int>(kind)], serial);
    Rename(v);
    if (kind == VertexKind::kConnection) v.attributes = {{"strategy", "samlp"}};
    if (Int(0, 4) == 0) v.source = VertexSource::kExtension;
    v.blocked = kind == VertexKind::kUser && Int(0, 4) == 0;
    return v;
  }

  // A new name and (for users) a new email, unique and mixed in case.
  void Rename(DeltaVertex& v) {
    v.name = kNames[Int(0, static_cast<int>(kNames.size()) - 1)];
    if (v.kind == VertexKind::kUser) {
      v.email = Int(0, 3) == 0
                    ? ""
                    : absl::StrCat(Int(0, 1) ? "Mail." : "mail.", v.id, ".",
                                   serial_++, "@Acme.com");
    }
  }

  DeltaEdge Edge(const std::set<VertexKey>& ever) {
    std::vector<VertexKey> keys(ever.begin(), ever.end());
    const VertexKey& from = keys[Int(0, static_cast<int>(keys.size()) - 1)];
    const VertexKey& to = keys[Int(0, static_cast<int>(keys.size()) - 1)];
    DeltaEdge e;
    e.kind = static_cast<EdgeKind>(Int(0, kEdgeKindCount - 1));
    // Mostly edges that fit, so that graphs are connected.
    for (int tries = 0; tries < 20 && !EdgeFits(e.kind, from.first, to.first);
         ++tries) {
      e.kind = static_cast<EdgeKind>(Int(0, kEdgeKindCount - 1));
    }
    e.from_kind = from.first;
    e.from_id = from.second;
    e.to_kind = to.first;
    e.to_id = to.second;
    if (e.kind == EdgeKind::kOrganizationRole) {
      for (const VertexKey& key : keys) {
        if (key.first == VertexKind::kOrganization && Int(0, 1)) {
          e.organization_id = key.second;
        }
      }
      if (e.organization_id.empty()) e.organization_id = "o-missing";
    }
    return e;
  }

  SnapshotDelta Delta(const Model& model, std::set<VertexKey>& ever,
                      int& serial) {
    SnapshotDelta delta;
    std::vector<VertexKey> live;
    for (const auto& [key, v] : model.vertices) live.push_back(key);
    for (int i = Int(0, 2); i > 0 && !live.empty(); --i) {
      const VertexKey& key = live[Int(0, static_cast<int>(live.size()) - 1)];
      delta.removed_vertices.push_back({key.first, key.second});
    }
    if (Int(0, 3) == 0)
      delta.removed_vertices.push_back({VertexKind::kUser, "u-never"});
    for (int i = Int(0, 4); i > 0; --i) {
      const int what = Int(0, 3);
      if (what == 0 || live.empty()) {
        DeltaVertex v = NewVertex(
            static_cast<VertexKind>(Int(0, kVertexKindCount - 1)), serial++);
        ever.insert({v.kind, v.id});
        delta.upserted_vertices.push_back(v);
      } else if (what == 1) {
        // Revive (or re-add) any id the graph ever had.
        std::vector<VertexKey> keys(ever.begin(), ever.end());
        const VertexKey& key = keys[Int(0, static_cast<int>(keys.size()) - 1)];
        DeltaVertex v = NewVertex(key.first, 0);
        v.id = key.second;
        delta.upserted_vertices.push_back(v);
      } else {
        DeltaVertex v =
            model.vertices.at(live[Int(0, static_cast<int>(live.size()) - 1)]);
        if (what == 2) Rename(v);
        // Blocked and unblocked in place (a changed user re-read).
        if (v.kind == VertexKind::kUser && Int(0, 2) == 0)
          v.blocked = !v.blocked;
        delta.upserted_vertices.push_back(v);
      }
    }
    std::vector<EdgeKey> edges(model.edges.begin(), model.edges.end());
    for (int i = Int(0, 4); i > 0 && !edges.empty(); --i) {
      const auto& [kind, fk, fid, tk, tid, org] =
          edges[Int(0, static_cast<int>(edges.size()) - 1)];
      delta.removed_edges.push_back({kind, fk, fid, tk, tid, org});
    }
    for (int i = Int(0, 8); i > 0; --i) {
      delta.added_edges.push_back(Edge(ever));
    }
    return delta;
  }

 private:
  std::mt19937_64 random_;
  int serial_ = 0;
};

TEST(SnapshotDeltaPropertyTest, RandomDeltasAnswerAsAFreshBuild) {
  for (uint64_t seed = 1; seed <= 80; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Randomizer random(seed);
    Model model;
    std::set<VertexKey> ever;
    int serial = 0;
    for (int k = 0; k < kVertexKindCount; ++k) {
      for (int i = random.Int(1, 6); i > 0; --i) {
        DeltaVertex v = random.NewVertex(static_cast<VertexKind>(k), serial++);
        ever.insert({v.kind, v.id});
        model.vertices[{v.kind, v.id}] = v;
      }
    }
    for (int i = 0; i < 40; ++i) {
      const DeltaEdge e = random.Edge(ever);
      SnapshotDelta add;
      add.added_edges.push_back(e);
      model.Apply(add);
    }
    std::shared_ptr<const Snapshot> current = model.Build(1);
    for (int step = 0; step < 10; ++step) {
      SCOPED_TRACE(::testing::Message() << "step " << step);
      const SnapshotDelta delta = random.Delta(model, ever, serial);
      model.Apply(delta);
      absl::StatusOr<AppliedDelta> applied =
          ApplyDelta(*current, delta, step + 2, absl::UnixEpoch());
      ASSERT_TRUE(applied.ok()) << applied.status();
      current = applied->snapshot;
      EXPECT_EQ(current->version(), step + 2);
      ExpectSameAnswers(*current, *model.Build(step + 2), model, ever);
      if (step % 4 == 3) {
        // Through the file: removed vertices and the overlay survive.
        absl::StatusOr<std::shared_ptr<const Snapshot>> loaded =
            ParseSnapshot(SerializeSnapshot(*current));
        ASSERT_TRUE(loaded.ok()) << loaded.status();
        EXPECT_EQ(SerializeSnapshot(**loaded), SerializeSnapshot(*current));
        current = *loaded;
        ExpectSameAnswers(*current, *model.Build(step + 2), model, ever);
      }
    }
  }
}

DeltaVertex Vertex(VertexKind kind, std::string id, std::string name,
                   std::string email = "") {
  DeltaVertex v;
  v.kind = kind;
  v.id = std::move(id);
  v.name = std::move(name);
  v.email = std::move(email);
  return v;
}

DeltaEdge Edge(EdgeKind kind, VertexKind from_kind, std::string from_id,
               VertexKind to_kind, std::string to_id) {
  DeltaEdge e;
  e.kind = kind;
  e.from_kind = from_kind;
  e.from_id = std::move(from_id);
  e.to_kind = to_kind;
  e.to_id = std::move(to_id);
  return e;
}

// A small tenant: Ada in Engineering, which holds Payroll Admin for Payroll.
std::shared_ptr<const Snapshot> Tenant() {
  GraphBuilder b;
  b.AddEntity(VertexKind::kUser, "ada", "Ada", "Ada@Acme.com");
  b.AddEntity(VertexKind::kUser, "bob", "Bob", "bob@acme.com");
  b.AddEntity(VertexKind::kGroup, "eng", "Engineering");
  b.AddEntity(VertexKind::kRole, "payroll-admin", "Payroll Admin");
  b.AddEntity(VertexKind::kApplication, "payroll", "Payroll");
  b.AddEntity(VertexKind::kOrganization, "acme", "Acme");
  b.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser, "ada",
            VertexKind::kGroup, "eng");
  b.AddEdge(EdgeKind::kGroupRole, VertexKind::kGroup, "eng", VertexKind::kRole,
            "payroll-admin");
  b.AddEdge(EdgeKind::kRoleApplication, VertexKind::kRole, "payroll-admin",
            VertexKind::kApplication, "payroll");
  b.AddEdge(EdgeKind::kOrganizationRole, b.Find(VertexKind::kUser, "bob"),
            b.Find(VertexKind::kRole, "payroll-admin"),
            b.Find(VertexKind::kOrganization, "acme"));
  return std::move(b).Build(1, absl::UnixEpoch());
}

bool Reaches(const Snapshot& s, const std::string& user,
             const std::string& app) {
  absl::StatusOr<CheckResult> result =
      CheckAccess(s, s.FindById(VertexKind::kUser, user),
                  s.FindById(VertexKind::kApplication, app),
                  Reachability::kAuthorization, 0);
  return result.ok() && result->allowed;
}

TEST(SnapshotDeltaTest, RemovingAUserTakesItsEdgesAndLookups) {
  auto base = Tenant();
  SnapshotDelta delta;
  delta.removed_vertices.push_back({VertexKind::kUser, "ada"});
  auto applied = ApplyDelta(*base, delta, 2, absl::UnixEpoch());
  ASSERT_TRUE(applied.ok());
  const Snapshot& s = *applied->snapshot;
  EXPECT_EQ(applied->vertices_removed, 1);
  EXPECT_EQ(applied->edges_removed, 1);
  EXPECT_EQ(s.FindById(VertexKind::kUser, "ada"), kNoVertex);
  EXPECT_EQ(s.FindByEmail("ada@acme.com"), kNoVertex);
  EXPECT_THAT(s.FindByName(VertexKind::kUser, "Ada"), IsEmpty());
  EXPECT_EQ(s.vertex_counts()[static_cast<int>(VertexKind::kUser)], 1);
  // The base is unchanged: readers of it see what they saw.
  EXPECT_TRUE(Reaches(*base, "ada", "payroll"));
  // Removing it again, or something never there, changes nothing.
  auto again = ApplyDelta(s, delta, 3, absl::UnixEpoch());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->vertices_removed, 0);
}

TEST(SnapshotDeltaTest, ReAddingARemovedVertexRevivesItsIdWithoutItsEdges) {
  auto base = Tenant();
  const VertexId ada = base->FindById(VertexKind::kUser, "ada");
  SnapshotDelta remove;
  remove.removed_vertices.push_back({VertexKind::kUser, "ada"});
  auto removed = ApplyDelta(*base, remove, 2, absl::UnixEpoch());
  ASSERT_TRUE(removed.ok());
  SnapshotDelta add;
  add.upserted_vertices.push_back(
      Vertex(VertexKind::kUser, "ada", "Ada L.", "ada@acme.com"));
  auto added = ApplyDelta(*removed->snapshot, add, 3, absl::UnixEpoch());
  ASSERT_TRUE(added.ok());
  const Snapshot& s = *added->snapshot;
  EXPECT_EQ(s.FindById(VertexKind::kUser, "ada"), ada);
  EXPECT_EQ(s.FindByEmail("ADA@acme.com"), ada);
  EXPECT_EQ(s.name(ada), "Ada L.");
  EXPECT_FALSE(Reaches(s, "ada", "payroll"));
}

TEST(SnapshotDeltaTest, RenamesMoveNameAndEmailLookups) {
  auto base = Tenant();
  SnapshotDelta delta;
  delta.upserted_vertices.push_back(
      Vertex(VertexKind::kUser, "ada", "Augusta", "augusta@acme.com"));
  auto applied = ApplyDelta(*base, delta, 2, absl::UnixEpoch());
  ASSERT_TRUE(applied.ok());
  const Snapshot& s = *applied->snapshot;
  const VertexId ada = s.FindById(VertexKind::kUser, "ada");
  EXPECT_EQ(applied->vertices_changed, 1);
  EXPECT_EQ(s.FindByEmail("Ada@Acme.com"), kNoVertex);
  EXPECT_EQ(s.FindByEmail("augusta@acme.com"), ada);
  EXPECT_THAT(s.FindByName(VertexKind::kUser, "Ada"), IsEmpty());
  EXPECT_THAT(s.FindByName(VertexKind::kUser, "Augusta"), ElementsAre(ada));
  bool more = false;
  EXPECT_THAT(Ids(s, s.FindByNamePrefix("", {VertexKind::kUser}, 10, &more)),
              ElementsAre("user:ada", "user:bob"));
  // Her access is untouched.
  EXPECT_TRUE(Reaches(s, "ada", "payroll"));
  EXPECT_EQ(s.overlaid_vertex_count(), 1);
}

TEST(SnapshotDeltaTest, EdgesComeAndGoAndBadOnesAreCounted) {
  auto base = Tenant();
  SnapshotDelta delta;
  delta.removed_edges.push_back(Edge(EdgeKind::kGroupMember, VertexKind::kUser,
                                     "ada", VertexKind::kGroup, "eng"));
  delta.added_edges.push_back(Edge(EdgeKind::kGroupMember, VertexKind::kUser,
                                   "bob", VertexKind::kGroup, "eng"));
  delta.added_edges.push_back(Edge(EdgeKind::kGroupMember, VertexKind::kUser,
                                   "nobody", VertexKind::kGroup, "eng"));
  delta.added_edges.push_back(Edge(EdgeKind::kGroupMember, VertexKind::kRole,
                                   "payroll-admin", VertexKind::kGroup, "eng"));
  auto applied = ApplyDelta(*base, delta, 2, absl::UnixEpoch());
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->edges_added, 1);
  EXPECT_EQ(applied->edges_removed, 1);
  EXPECT_EQ(applied->edges_dropped, 2);
  EXPECT_FALSE(Reaches(*applied->snapshot, "ada", "payroll"));
  EXPECT_TRUE(Reaches(*applied->snapshot, "bob", "payroll"));
}

TEST(SnapshotDeltaTest, RemovingAnOrganizationTakesTheRolesHeldInIt) {
  auto base = Tenant();
  SnapshotDelta delta;
  delta.removed_vertices.push_back({VertexKind::kOrganization, "acme"});
  auto applied = ApplyDelta(*base, delta, 2, absl::UnixEpoch());
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->edges_removed, 1);
  EXPECT_EQ(applied->snapshot->edge_count(), base->edge_count() - 1);
}

TEST(SnapshotDeltaTest, AnUpsertWithoutAnIdIsRefused) {
  SnapshotDelta delta;
  delta.upserted_vertices.push_back(Vertex(VertexKind::kRole, "", "Nameless"));
  auto applied = ApplyDelta(*Tenant(), delta, 2, absl::UnixEpoch());
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(applied.status().message()),
              ::testing::HasSubstr("upserted_vertices[0] has no id"));
}

TEST(SnapshotDeltaTest, ABigOverlayIsFoldedIntoTheSharedText) {
  GraphBuilder b;
  const int users = static_cast<int>(kMinOverlayRebuild) + 10;
  for (int i = 0; i < users; ++i) {
    b.AddEntity(VertexKind::kUser, absl::StrCat("u", i), "Old");
  }
  std::shared_ptr<const Snapshot> current =
      std::move(b).Build(1, absl::UnixEpoch());
  bool rebuilt = false;
  for (int batch = 0; batch * 1000 < users; ++batch) {
    SnapshotDelta delta;
    for (int i = batch * 1000; i < std::min(users, batch * 1000 + 1000); ++i) {
      delta.upserted_vertices.push_back(Vertex(
          VertexKind::kUser, absl::StrCat("u", i), absl::StrCat("New ", i)));
    }
    auto applied = ApplyDelta(*current, delta, batch + 2, absl::UnixEpoch());
    ASSERT_TRUE(applied.ok());
    rebuilt = rebuilt || applied->text_rebuilt;
    current = applied->snapshot;
  }
  EXPECT_TRUE(rebuilt);
  EXPECT_LT(current->overlaid_vertex_count(), kMinOverlayRebuild);
  EXPECT_THAT(current->FindByName(VertexKind::kUser, "Old"), IsEmpty());
  EXPECT_THAT(Ids(*current, current->FindByName(VertexKind::kUser, "New 7")),
              ElementsAre("user:u7"));
}

}  // namespace
}  // namespace identitygraph::graph
