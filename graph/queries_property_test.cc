// Property tests: on many random graphs, every query equals a naive oracle.
//
// The oracle shares no code with queries.cc: it keeps the raw edge list and
// answers with set fixpoints (a user's groups grow through nesting until
// nothing changes), the way the semantics are written down, and measures
// shortest paths with a plain BFS over the list.
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/graph_builder.h"
#include "graph/permissions.h"
#include "graph/queries.h"
#include "graph/snapshot_file.h"
#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

struct RawEdge {
  VertexId from, to;
  EdgeKind kind;
  VertexId via;
};

class Oracle {
 public:
  std::vector<VertexKind> kinds;
  std::vector<RawEdge> edges;
  std::set<VertexId> blocked;

  std::set<VertexId> Targets(VertexId from, EdgeKind kind) const {
    std::set<VertexId> out;
    for (const RawEdge& e : edges) {
      if (e.from == from && e.kind == kind) out.insert(e.to);
    }
    return out;
  }

  std::set<VertexId> DirectGroups(VertexId user) const {
    return Targets(user, EdgeKind::kGroupMember);
  }

  std::set<VertexId> EffectiveGroups(VertexId user) const {
    std::set<VertexId> groups = DirectGroups(user);
    for (bool grew = true; grew;) {
      grew = false;
      for (const RawEdge& e : edges) {
        if (e.kind == EdgeKind::kNestedGroup && groups.count(e.from) &&
            !groups.count(e.to)) {
          groups.insert(e.to);
          grew = true;
        }
      }
    }
    return groups;
  }

  std::set<VertexId> DirectRoles(VertexId user) const {
    std::set<VertexId> roles = Targets(user, EdgeKind::kUserRole);
    for (VertexId r : Targets(user, EdgeKind::kOrganizationRole))
      roles.insert(r);
    return roles;
  }

  std::set<VertexId> EffectiveRoles(VertexId user) const {
    std::set<VertexId> roles = DirectRoles(user);
    for (VertexId g : EffectiveGroups(user)) {
      for (VertexId r : Targets(g, EdgeKind::kGroupRole)) roles.insert(r);
    }
    return roles;
  }

  std::set<VertexId> Applications(VertexId user, bool login,
                                  bool include_apis) const {
    std::set<VertexId> apps;
    for (VertexId r : EffectiveRoles(user)) {
      for (VertexId a : Targets(r, EdgeKind::kRoleApplication)) apps.insert(a);
      if (include_apis) {
        for (VertexId a : Targets(r, EdgeKind::kRoleApi)) apps.insert(a);
      }
    }
    // Permissions assigned directly reach their API (or application).
    for (VertexId p : Targets(user, EdgeKind::kUserPermission)) {
      for (VertexId t : Targets(p, EdgeKind::kPermissionOn)) {
        if (include_apis || kinds[t] == VertexKind::kApplication)
          apps.insert(t);
      }
    }
    if (!login) return apps;
    std::set<VertexId> loginable;
    for (VertexId c : Targets(user, EdgeKind::kUserConnection)) {
      for (VertexId a : Targets(c, EdgeKind::kConnectionApplication))
        loginable.insert(a);
    }
    std::set<VertexId> both;
    for (VertexId a : apps) {
      if (loginable.count(a)) both.insert(a);
    }
    return both;
  }

  // What a token carries: permissions of the roles held directly or through
  // groups, and within `organization` when set, and those assigned directly.
  std::set<VertexId> Permissions(VertexId user, VertexId organization) const {
    std::set<VertexId> roles = Targets(user, EdgeKind::kUserRole);
    for (VertexId g : EffectiveGroups(user)) {
      for (VertexId r : Targets(g, EdgeKind::kGroupRole)) roles.insert(r);
    }
    for (const RawEdge& e : edges) {
      if (e.from == user && e.kind == EdgeKind::kOrganizationRole &&
          organization != kNoVertex && e.via == organization) {
        roles.insert(e.to);
      }
    }
    std::set<VertexId> permissions = Targets(user, EdgeKind::kUserPermission);
    for (VertexId r : roles) {
      for (VertexId p : Targets(r, EdgeKind::kRolePermission))
        permissions.insert(p);
    }
    return permissions;
  }

  // Length of the shortest path user -> ... -> permission, or -1.
  int PermissionDistance(VertexId from, VertexId to,
                         VertexId organization) const {
    return Distance(from, to, [&](const RawEdge& e) {
      switch (e.kind) {
        case EdgeKind::kGroupMember:
        case EdgeKind::kNestedGroup:
        case EdgeKind::kGroupRole:
        case EdgeKind::kUserRole:
        case EdgeKind::kRolePermission:
        case EdgeKind::kUserPermission:
          return true;
        case EdgeKind::kOrganizationRole:
          return organization != kNoVertex && e.via == organization;
        default:
          return false;
      }
    });
  }

  bool HasEdge(VertexId from, VertexId to, EdgeKind kind, VertexId via) const {
    for (const RawEdge& e : edges) {
      if (e.from == from && e.to == to && e.kind == kind && e.via == via)
        return true;
    }
    return false;
  }

  // Length of the shortest authorization path, or -1.
  int Distance(VertexId from, VertexId to) const {
    return Distance(from, to, [](const RawEdge& e) {
      return CarriesAuthorization(e.kind);
    });
  }

  // Length of the shortest path along edges `carries` accepts, or -1.
  template <typename Carries>
  int Distance(VertexId from, VertexId to, Carries carries) const {
    std::map<VertexId, int> distance = {{from, 0}};
    std::queue<VertexId> queue;
    queue.push(from);
    while (!queue.empty()) {
      VertexId v = queue.front();
      queue.pop();
      if (v == to) return distance[v];
      for (const RawEdge& e : edges) {
        if (e.from == v && carries(e) && !distance.count(e.to)) {
          distance[e.to] = distance[v] + 1;
          queue.push(e.to);
        }
      }
    }
    return -1;
  }
};

struct RandomGraph {
  std::shared_ptr<const Snapshot> snapshot;
  Oracle oracle;
  std::vector<VertexId> users, groups, apps;  // apps: applications and APIs
  std::vector<VertexId> permissions, organizations;
};

RandomGraph MakeRandomGraph(uint32_t seed) {
  std::mt19937 random(seed);
  auto below = [&random](int n) {
    return static_cast<int>(random() % static_cast<uint32_t>(n));
  };
  auto chance = [&random](double p) { return (random() % 10000) < p * 10000; };
  RandomGraph g;
  GraphBuilder builder;
  std::map<VertexKind, std::vector<VertexId>> of;
  std::vector<std::string> ids;  // by vertex
  auto add = [&](VertexKind kind, int count, const char* prefix) {
    for (int i = 0; i < count; ++i) {
      ids.push_back(absl::StrCat(prefix, i));
      VertexId v =
          builder.AddEntity(kind, ids.back(), absl::StrCat(prefix, " ", i));
      of[kind].push_back(v);
      g.oracle.kinds.push_back(kind);
    }
  };
  add(VertexKind::kUser, 1 + below(25), "user");
  add(VertexKind::kGroup, below(16), "group");
  add(VertexKind::kRole, below(11), "role");
  add(VertexKind::kApplication, 1 + below(6), "app");
  add(VertexKind::kApi, below(4), "api");
  add(VertexKind::kConnection, below(4), "connection");
  add(VertexKind::kOrganization, below(3), "org");
  // Permissions, each of one API or (as the extension's are) application.
  const int permission_count = below(7);
  for (int i = 0; i < permission_count; ++i) {
    const auto& apis = of[VertexKind::kApi];
    const auto& apps = of[VertexKind::kApplication];
    const VertexId target = !apis.empty() && chance(0.7)
                                ? apis[below(static_cast<int>(apis.size()))]
                                : apps[below(static_cast<int>(apps.size()))];
    // Two names on different targets may be equal: ids keep them apart.
    const std::string name = absl::StrCat("do:", below(3));
    const VertexId v = builder.AddEntity(
        VertexKind::kPermission, PermissionVertexId(ids[target], name), name);
    if (builder.vertex_count() == g.oracle.kinds.size()) continue;  // again
    ids.push_back(PermissionVertexId(ids[target], name));
    of[VertexKind::kPermission].push_back(v);
    g.oracle.kinds.push_back(VertexKind::kPermission);
    EXPECT_TRUE(builder.AddEdge(EdgeKind::kPermissionOn, v, target));
    g.oracle.edges.push_back(
        RawEdge{v, target, EdgeKind::kPermissionOn, kNoVertex});
  }
  auto edge = [&](EdgeKind kind, VertexId from, VertexId to,
                  VertexId via = kNoVertex) {
    EXPECT_TRUE(builder.AddEdge(kind, from, to, via));
    g.oracle.edges.push_back(RawEdge{from, to, kind, via});
  };
  auto all = [&](VertexKind from_kind, VertexKind to_kind, EdgeKind kind,
                 double p) {
    for (VertexId from : of[from_kind]) {
      for (VertexId to : of[to_kind]) {
        if (chance(p)) edge(kind, from, to);
      }
    }
  };
  const double density = 0.05 + 0.25 * (random() % 100) / 100.0;
  all(VertexKind::kUser, VertexKind::kGroup, EdgeKind::kGroupMember, density);
  all(VertexKind::kGroup, VertexKind::kGroup, EdgeKind::kNestedGroup,
      density / 2);  // loops too
  all(VertexKind::kGroup, VertexKind::kRole, EdgeKind::kGroupRole, density);
  all(VertexKind::kUser, VertexKind::kRole, EdgeKind::kUserRole, density / 3);
  all(VertexKind::kRole, VertexKind::kApplication, EdgeKind::kRoleApplication,
      2 * density);
  all(VertexKind::kRole, VertexKind::kApi, EdgeKind::kRoleApi, density);
  all(VertexKind::kUser, VertexKind::kConnection, EdgeKind::kUserConnection,
      2 * density);
  all(VertexKind::kConnection, VertexKind::kApplication,
      EdgeKind::kConnectionApplication, 2 * density);
  all(VertexKind::kUser, VertexKind::kOrganization,
      EdgeKind::kOrganizationMember, density);
  all(VertexKind::kRole, VertexKind::kPermission, EdgeKind::kRolePermission,
      2 * density);
  all(VertexKind::kUser, VertexKind::kPermission, EdgeKind::kUserPermission,
      density / 4);
  for (VertexId user : of[VertexKind::kUser]) {
    if (chance(0.2)) {
      builder.SetBlocked(user);
      g.oracle.blocked.insert(user);
    }
  }
  for (VertexId user : of[VertexKind::kUser]) {
    for (VertexId role : of[VertexKind::kRole]) {
      if (!of[VertexKind::kOrganization].empty() && chance(density / 4)) {
        const auto& orgs = of[VertexKind::kOrganization];
        edge(EdgeKind::kOrganizationRole, user, role,
             orgs[below(static_cast<int>(orgs.size()))]);
      }
    }
  }
  // A deep chain of nesting, sometimes closed into a cycle.
  const auto& groups = of[VertexKind::kGroup];
  if (groups.size() > 2) {
    for (size_t i = 0; i + 1 < groups.size(); ++i) {
      if (chance(0.5)) edge(EdgeKind::kNestedGroup, groups[i], groups[i + 1]);
    }
    if (chance(0.5))
      edge(EdgeKind::kNestedGroup, groups.back(), groups.front());
  }
  // Duplicates and edges the builder must refuse (the oracle never sees the
  // refused ones).
  if (!g.oracle.edges.empty()) {
    RawEdge again =
        g.oracle.edges[below(static_cast<int>(g.oracle.edges.size()))];
    edge(again.kind, again.from, again.to, again.via);
  }
  if (!of[VertexKind::kRole].empty()) {
    EXPECT_FALSE(builder.AddEdge(EdgeKind::kGroupMember,
                                 of[VertexKind::kRole][0],
                                 of[VertexKind::kApplication][0]));
  }
  g.users = of[VertexKind::kUser];
  g.groups = of[VertexKind::kGroup];
  g.apps = of[VertexKind::kApplication];
  g.permissions = of[VertexKind::kPermission];
  g.organizations = of[VertexKind::kOrganization];
  for (VertexId api : of[VertexKind::kApi]) g.apps.push_back(api);
  g.snapshot = std::move(builder).Build(seed, absl::Now());
  return g;
}

std::set<VertexId> AsSet(const std::vector<VertexId>& v) {
  return {v.begin(), v.end()};
}

// Checks that `path` is a real authorization path from `user` to `target` of
// the shortest length.
void ExpectShortestValidPath(const RandomGraph& g, VertexId user,
                             VertexId target, const Path& path) {
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.front().vertex, user);
  EXPECT_EQ(path.back().vertex, target);
  for (size_t i = 1; i < path.size(); ++i) {
    EXPECT_TRUE(g.oracle.HasEdge(path[i - 1].vertex, path[i].vertex,
                                 path[i].via, path[i].organization))
        << "step " << i << " is not an edge of the graph";
    EXPECT_TRUE(CarriesAuthorization(path[i].via));
  }
  EXPECT_EQ(static_cast<int>(path.size()) - 1, g.oracle.Distance(user, target));
}

// Checks that `path` is a real path from `user` to `permission` within
// `organization` (kNoVertex: outside any) of the shortest length.
void ExpectShortestPermissionPath(const RandomGraph& g, VertexId user,
                                  VertexId permission, VertexId organization,
                                  const Path& path) {
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.front().vertex, user);
  EXPECT_EQ(path.back().vertex, permission);
  for (size_t i = 1; i < path.size(); ++i) {
    EXPECT_TRUE(g.oracle.HasEdge(path[i - 1].vertex, path[i].vertex,
                                 path[i].via, path[i].organization))
        << "step " << i << " is not an edge of the graph";
    if (path[i].via == EdgeKind::kOrganizationRole) {
      EXPECT_EQ(path[i].organization, organization);
    }
  }
  EXPECT_EQ(static_cast<int>(path.size()) - 1,
            g.oracle.PermissionDistance(user, permission, organization));
}

void ExpectPermissionsEqualTheOracle(const RandomGraph& g,
                                     const Snapshot& snapshot) {
  std::vector<VertexId> organizations = {kNoVertex};
  organizations.insert(organizations.end(), g.organizations.begin(),
                       g.organizations.end());
  for (VertexId permission : g.permissions) {
    const VertexId target = PermissionTarget(snapshot, permission);
    ASSERT_NE(target, kNoVertex);
    EXPECT_EQ(FindPermission(snapshot, target, snapshot.name(permission)),
              permission);
  }
  for (VertexId organization : organizations) {
    for (VertexId user : g.users) {
      const std::set<VertexId> expected =
          g.oracle.Permissions(user, organization);
      const bool blocked = g.oracle.blocked.count(user) > 0;
      if (organization == kNoVertex) {
        auto listed = UserPermissions(snapshot, user);
        ASSERT_TRUE(listed.ok());
        EXPECT_EQ(AsSet(*listed), expected);
      }
      for (VertexId permission : g.permissions) {
        // Without paths (twice: nothing is cached, so both compute), and with.
        for (int max_paths : {0, 0, 3}) {
          auto check = CheckPermission(snapshot, user, permission, organization,
                                       max_paths);
          ASSERT_TRUE(check.ok()) << check.status();
          const bool held = expected.count(permission) > 0;
          ASSERT_EQ(check->held, held)
              << "user " << snapshot.id(user) << " permission "
              << snapshot.id(permission) << " max_paths " << max_paths;
          EXPECT_EQ(check->allowed, held && !blocked);
          EXPECT_EQ(check->blocked, blocked);
          if (max_paths > 0 && held) {
            ASSERT_FALSE(check->paths.empty());
            for (const Path& path : check->paths) {
              ExpectShortestPermissionPath(g, user, permission, organization,
                                           path);
            }
          }
        }
      }
      auto listed = PermissionsOfUser(snapshot, user, organization);
      ASSERT_TRUE(listed.ok()) << listed.status();
      std::set<VertexId> got;
      for (const ReachedTarget& held : *listed) {
        got.insert(held.target);
        ExpectShortestPermissionPath(g, user, held.target, organization,
                                     held.path);
      }
      EXPECT_EQ(got, expected);
      EXPECT_EQ(got.size(), listed->size()) << "a permission is listed twice";
    }
    for (VertexId permission : g.permissions) {
      for (bool include_blocked : {true, false}) {
        std::set<VertexId> expected;
        for (VertexId user : g.users) {
          if (g.oracle.Permissions(user, organization).count(permission) &&
              (include_blocked || !g.oracle.blocked.count(user))) {
            expected.insert(user);
          }
        }
        std::vector<VertexId> paged;
        size_t position = 0;
        for (int pages = 0; pages < 100; ++pages) {
          auto page = PageHoldersOfPermission(
              snapshot, permission, organization, include_blocked, position, 3);
          ASSERT_TRUE(page.ok()) << page.status();
          paged.insert(paged.end(), page->users.begin(), page->users.end());
          position = page->next;
          if (position == page->total) break;
        }
        EXPECT_EQ(AsSet(paged), expected);
        EXPECT_EQ(paged.size(), expected.size());
        EXPECT_TRUE(std::is_sorted(paged.begin(), paged.end(),
                                   [&](VertexId a, VertexId b) {
                                     return snapshot.id(a) < snapshot.id(b);
                                   }));
      }
    }
  }
}

class QueriesPropertyTest : public ::testing::TestWithParam<uint32_t> {};

// Parameters 0-299 query the built snapshot; 300-599 the same graphs after a
// trip through the snapshot file format.
TEST_P(QueriesPropertyTest, EveryQueryEqualsTheOracle) {
  const RandomGraph g = MakeRandomGraph(GetParam() % 300);
  std::shared_ptr<const Snapshot> reloaded;
  if (GetParam() >= 300) {
    auto parsed = ParseSnapshot(SerializeSnapshot(*g.snapshot));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    reloaded = *std::move(parsed);
    EXPECT_EQ(SerializeSnapshot(*reloaded), SerializeSnapshot(*g.snapshot));
  }
  const Snapshot& snapshot = reloaded ? *reloaded : *g.snapshot;
  for (Reachability mode :
       {Reachability::kAuthorization, Reachability::kLogin}) {
    const bool login = mode == Reachability::kLogin;
    for (VertexId user : g.users) {
      const std::set<VertexId> expected =
          g.oracle.Applications(user, login, true);
      const bool blocked = g.oracle.blocked.count(user) > 0;
      ASSERT_EQ(snapshot.blocked(user), blocked);
      for (VertexId app : g.apps) {
        auto check = CheckAccess(snapshot, user, app, mode, 5);
        ASSERT_TRUE(check.ok()) << check.status();
        ASSERT_EQ(check->blocked, blocked);
        ASSERT_EQ(check->allowed, expected.count(app) > 0 && !blocked)
            << "user " << snapshot.id(user) << " app " << snapshot.id(app);
        if (check->authorized) {
          ASSERT_FALSE(check->paths.empty());
          std::set<std::vector<std::tuple<VertexId, EdgeKind, VertexId>>>
              distinct;
          for (const Path& path : check->paths) {
            ExpectShortestValidPath(g, user, app, path);
            std::vector<std::tuple<VertexId, EdgeKind, VertexId>> key;
            for (const PathStep& s : path)
              key.emplace_back(s.vertex, s.via, s.organization);
            distinct.insert(key);
          }
          EXPECT_EQ(distinct.size(), check->paths.size()) << "paths repeat";
        }
      }
      // Without paths the answer comes from the precomputed roles and the
      // cache: ask twice, so both the miss and the hit are compared with the
      // oracle.
      for (int round = 0; round < 2; ++round) {
        for (VertexId app : g.apps) {
          auto quick = CheckAccess(snapshot, user, app, mode, 0);
          ASSERT_TRUE(quick.ok());
          ASSERT_EQ(quick->allowed, expected.count(app) > 0 && !blocked)
              << "round " << round << " user " << snapshot.id(user) << " app "
              << snapshot.id(app);
        }
      }
      auto targets = ReachableTargets(snapshot, user);
      ASSERT_TRUE(targets.ok());
      EXPECT_EQ(AsSet(**targets), g.oracle.Applications(user, false, true));
      auto apps =
          ApplicationsOfUser(snapshot, user, mode, /*include_apis=*/true);
      ASSERT_TRUE(apps.ok());
      std::set<VertexId> got;
      for (const ReachedTarget& t : *apps) {
        got.insert(t.target);
        ExpectShortestValidPath(g, user, t.target, t.path);
      }
      EXPECT_EQ(got, expected);

      EXPECT_EQ(AsSet(*GroupsOfUser(snapshot, user, false)),
                g.oracle.DirectGroups(user));
      EXPECT_EQ(AsSet(*GroupsOfUser(snapshot, user, true)),
                g.oracle.EffectiveGroups(user));
      EXPECT_EQ(AsSet(*RolesOfUser(snapshot, user, false)),
                g.oracle.DirectRoles(user));
      EXPECT_EQ(AsSet(*RolesOfUser(snapshot, user, true)),
                g.oracle.EffectiveRoles(user));
    }
    for (VertexId app : g.apps) {
      std::set<VertexId> expected;
      for (VertexId user : g.users) {
        if (g.oracle.Applications(user, login, true).count(app))
          expected.insert(user);
      }
      // Twice: the second answer comes from the cache.
      for (int round = 0; round < 2; ++round) {
        auto cached = UsersOfApplication(snapshot, app, mode);
        ASSERT_TRUE(cached.ok());
        EXPECT_EQ(AsSet(**cached), expected) << "round " << round;
      }
      // Paging by two reassembles the same list.
      std::vector<VertexId> paged;
      size_t position = 0;
      for (int pages = 0; pages < 100; ++pages) {
        auto page = PageUsersOfApplication(snapshot, app, mode, position, 2);
        ASSERT_TRUE(page.ok()) << page.status();
        EXPECT_EQ(page->total, expected.size());
        paged.insert(paged.end(), page->users.begin(), page->users.end());
        position = page->next;
        if (position == page->total) break;
      }
      auto users = UsersOfApplication(snapshot, app, mode);
      ASSERT_TRUE(users.ok());
      EXPECT_EQ(paged, **users);
      std::set<VertexId> unblocked;
      for (VertexId u : expected) {
        if (!g.oracle.blocked.count(u)) unblocked.insert(u);
      }
      for (int round = 0; round < 2; ++round) {
        auto without = UsersOfApplication(snapshot, app, mode, {},
                                          /*include_blocked=*/false);
        ASSERT_TRUE(without.ok());
        EXPECT_EQ(AsSet(**without), unblocked) << "round " << round;
      }
      EXPECT_EQ(AsSet(**users), expected) << "app " << snapshot.id(app);
      EXPECT_TRUE(std::is_sorted((*users)->begin(), (*users)->end(),
                                 [&](VertexId a, VertexId b) {
                                   return snapshot.id(a) < snapshot.id(b);
                                 }));
    }
  }
  // Each group's precomputed roles equal the oracle's roles through nesting.
  for (VertexId group : g.groups) {
    std::set<VertexId> reachable = {group}, roles;
    for (bool grew = true; grew;) {
      grew = false;
      for (const RawEdge& e : g.oracle.edges) {
        if (e.kind == EdgeKind::kNestedGroup && reachable.count(e.from) &&
            !reachable.count(e.to)) {
          reachable.insert(e.to);
          grew = true;
        }
      }
    }
    for (VertexId r : reachable) {
      for (VertexId role : g.oracle.Targets(r, EdgeKind::kGroupRole)) {
        roles.insert(role);
      }
    }
    absl::Span<const VertexId> held = snapshot.effective_roles_of_group(group);
    EXPECT_EQ(std::set<VertexId>(held.begin(), held.end()), roles);
  }
  ExpectPermissionsEqualTheOracle(g, snapshot);
  const std::vector<CacheStats> caches = snapshot.cache_stats();
  ASSERT_EQ(caches.size(), 3u);
  EXPECT_GT(caches[0].hits, 0);
  EXPECT_GT(caches[0].entries, 0);
  EXPECT_GT(caches[1].hits, 0);
  for (VertexId group : g.groups) {
    std::set<VertexId> direct, transitive;
    for (VertexId user : g.users) {
      if (g.oracle.DirectGroups(user).count(group)) direct.insert(user);
      if (g.oracle.EffectiveGroups(user).count(group)) transitive.insert(user);
    }
    EXPECT_EQ(AsSet(*MembersOfGroup(snapshot, group, false)), direct);
    EXPECT_EQ(AsSet(*MembersOfGroup(snapshot, group, true)), transitive);
  }
}

INSTANTIATE_TEST_SUITE_P(RandomGraphs, QueriesPropertyTest,
                         ::testing::Range(0u, 600u));

}  // namespace
}  // namespace identitygraph::graph
