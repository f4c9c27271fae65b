#include "importer/graph_mapping.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "graph/snapshot_delta.h"
#include "gtest/gtest.h"
#include "tests/edge_lines.h"

namespace identitygraph::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// A small tenant touching every kind of record.
TenantData Tenant() {
  TenantData data;
  data.connections = {{"con_1", "google", "Google", "google-apps"}};
  data.users = {{"g|ada", "Ada", "ada@x", {"con_1"}},
                {"g|alan", "Alan", "alan@x", {"con_1"}}};
  data.applications = {{"APP1", "Payroll", "regular_web"}};
  data.apis = {{"https://api/payroll", "Payroll API", "rs_1"}};
  data.roles = {{"rol_1", "Admin", ""}};
  data.role_members = {{"rol_1", "g|ada"}, {"rol_1", "auth0|customer"}};
  data.role_permissions = {{"rol_1", "https://api/payroll", "payroll:approve"},
                           {"rol_1", "https://api/unlisted", "read"}};
  data.user_permissions = {{"g|alan", "https://api/payroll", "payroll:approve"},
                           {"g|alan", "https://api/direct", "write"},
                           {"auth0|customer", "https://api/payroll", "x"}};
  data.groups = {{"grp_1", "eng", "con_1"}, {"grp_2", "oncall", "con_1"}};
  data.group_user_members = {{"grp_1", "g|alan"}, {"grp_2", "auth0|x"}};
  data.group_group_members = {{"grp_1", "grp_2"}};
  data.group_roles = {{"grp_1", "rol_1"}};
  data.organizations = {{"org_1", "partners", "Partners"}};
  data.organization_members = {{"org_1", "g|ada"}};
  data.organization_roles = {{"org_1", "g|ada", "rol_1"},
                             {"org_1", "auth0|c", "rol_1"}};
  data.connection_clients = {{"con_1", "APP1"}, {"con_1", "DELETED"}};
  ExtensionData& ext = data.extension;
  ext.present = true;
  ext.groups = {{"eg_parent", "All", ""}, {"eg_child", "Eng", ""}};
  ext.roles = {{"er_1", "Reader", "client"},
               {"er_2", "Api", "resource_server"}};
  ext.role_applications = {{"er_1", "APP1"}, {"er_2", "rs_1"}};
  ext.group_members = {{"eg_child", "g|alan"}, {"eg_child", "auth0|c"}};
  ext.nested_groups = {{"eg_parent", "eg_child"}};
  ext.group_roles = {{"eg_parent", "er_1"}};
  ext.role_users = {{"er_2", "g|ada"}};
  ext.permissions = {{"ep_1", "reports:read", "APP1"},
                     {"ep_2", "audit", "rs_1"},
                     {"ep_3", "gone", "DELETED"}};
  ext.role_permissions = {
      {"er_1", "ep_1"}, {"er_2", "ep_2"}, {"er_2", "ep_3"}, {"er_1", "ep_9"}};
  return data;
}

TEST(MapToGraphTest, MapsEveryRecordOntoItsEdge) {
  graph::GraphBuilder builder;
  DroppedMemberships dropped = MapToGraph(Tenant(), &builder);
  auto snapshot = std::move(builder).Build(1, absl::Now());
  EXPECT_THAT(
      graph::EdgeLines(*snapshot),
      UnorderedElementsAre(
          "user_connection g|ada -> con_1", "user_connection g|alan -> con_1",
          "user_role g|ada -> rol_1", "role_api rol_1 -> https://api/payroll",
          "role_api rol_1 -> https://api/unlisted",
          "group_member g|alan -> grp_1",
          // grp_2 is a member of grp_1: its members are grp_1's.
          "nested_group grp_2 -> grp_1", "group_role grp_1 -> rol_1",
          "organization_member g|ada -> org_1",
          "organization_role g|ada -> rol_1 in org_1",
          "connection_application con_1 -> APP1",
          "role_application er_1 -> APP1",
          "role_permission rol_1 -> https://api/payroll payroll:approve",
          "role_permission rol_1 -> https://api/unlisted read",
          "permission_on https://api/payroll payroll:approve -> "
          "https://api/payroll",
          "permission_on https://api/unlisted read -> https://api/unlisted",
          // Direct ones: the role's permission vertex, and one of its own
          // (on an API only it names); a customer's is left out.
          "user_permission g|alan -> https://api/payroll payroll:approve",
          "user_permission g|alan -> https://api/direct write",
          "permission_on https://api/direct write -> https://api/direct",
          // Extension permissions, on an application and on an API by its
          // resource server id; one on a deleted application and one no
          // role's list defines are left out.
          "role_permission er_1 -> APP1 reports:read",
          "permission_on APP1 reports:read -> APP1",
          "role_permission er_2 -> https://api/payroll audit",
          "permission_on https://api/payroll audit -> https://api/payroll",
          // An extension role on a resource server, named by its id.
          "role_api er_2 -> https://api/payroll",
          "group_member g|alan -> eg_child",
          // eg_child is nested in eg_parent.
          "nested_group eg_child -> eg_parent", "group_role eg_parent -> er_1",
          "user_role g|ada -> er_2"));
  EXPECT_THAT(dropped,
              UnorderedElementsAre(
                  Pair("role_members", 1), Pair("group_members", 1),
                  Pair("organization_roles", 1), Pair("user_permissions", 1),
                  Pair("extension_group_members", 1)));
}

TEST(MapToGraphTest, KeepsNamesAndAttributes) {
  graph::GraphBuilder builder;
  MapToGraph(Tenant(), &builder);
  auto snapshot = std::move(builder).Build(1, absl::Now());
  const graph::VertexId connection =
      snapshot->FindById(graph::VertexKind::kConnection, "con_1");
  ASSERT_NE(connection, graph::kNoVertex);
  EXPECT_EQ(snapshot->name(connection), "Google");
  EXPECT_THAT(snapshot->attributes(connection),
              ::testing::Contains(Pair("strategy", "google-apps")));
  const graph::VertexId role =
      snapshot->FindById(graph::VertexKind::kRole, "er_1");
  EXPECT_EQ(snapshot->source(role), graph::VertexSource::kExtension);
  EXPECT_THAT(snapshot->attributes(role), ::testing::IsEmpty());
  EXPECT_EQ(snapshot->source(connection), graph::VertexSource::kDirectory);
  EXPECT_EQ(snapshot->FindByEmail("ada@x"),
            snapshot->FindById(graph::VertexKind::kUser, "g|ada"));
}

TEST(MapToGraphTest, AnEmptyTenantIsAnEmptyGraph) {
  graph::GraphBuilder builder;
  EXPECT_TRUE(MapToGraph(TenantData(), &builder).empty());
  EXPECT_EQ(std::move(builder).Build(1, absl::Now())->vertex_count(), 0u);
}

// MapChangesToDelta: random tenants and random changes, each declaring the
// entity it touched as the follower would (a pair by either end); the
// current graph with the delta applied must equal the graph mapped afresh.

// Entities and edges by external ids, removed vertices left out.
std::set<std::string> Lines(const graph::Snapshot& s) {
  std::set<std::string> lines = graph::EdgeLines(s);
  for (graph::VertexId v = 0; v < s.vertex_count(); ++v) {
    if (s.removed(v)) continue;
    std::string line = absl::StrCat(
        "vertex ", graph::VertexKindName(s.kind(v)), " ", s.id(v), " '",
        s.name(v), "' ", s.email(v), " ", graph::VertexSourceName(s.source(v)),
        s.blocked(v) ? " blocked" : "");
    for (const auto& [key, value] : s.attributes(v)) {
      absl::StrAppend(&line, " ", key, "=", value);
    }
    lines.insert(line);
  }
  return lines;
}

std::shared_ptr<const graph::Snapshot> Mapped(const TenantData& data) {
  graph::GraphBuilder builder;
  MapToGraph(data, &builder);
  return std::move(builder).Build(1, absl::UnixEpoch());
}

class TenantChanger {
 public:
  // `indexed`: the big collections are changed as following changes them
  // (tenant_index.h's edits, or in place, or appended to directly).
  TenantChanger(uint64_t seed, bool indexed)
      : random_(seed), indexed_(indexed) {}

  int Int(int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(random_);
  }
  std::string Id(const char* prefix, int n = 6) {
    return absl::StrCat(prefix, Int(n));
  }
  std::string Name() {
    static const char* kNames[] = {"Ada", "ada", "Eng", "Payroll", ""};
    return kNames[Int(5)];
  }

  // One random change to `data`; what it touched goes into `touched`.
  void Change(TenantData& data, TouchedEntities& touched) {
    using K = graph::VertexKind;
    ExtensionData& ext = data.extension;
    switch (Int(14)) {
      case 0: {  // a user created, renamed or moved
        const std::string id = Id("u|");
        TenantUser user{
            id, Name(), Int(3) ? id + "@x" : "", {Id("con_", 2)}, Int(4) == 0};
        if (indexed_) {
          EraseUser(data, id);
          AddUser(data, std::move(user));
        } else {
          EraseIf(data.users, [&](const TenantUser& u) { return u.id == id; });
          data.users.push_back(std::move(user));
        }
        touched.Add(K::kUser, id);
        break;
      }
      case 1: {  // a user deleted, with every membership
        const std::string id = Id("u|");
        touched.Add(K::kUser, id);
        EraseIf(data.user_permissions,
                [&](const Permission& p) { return p.holder == id; });
        if (indexed_) {
          EraseUser(data, id);
          for (Collection c :
               {Collection::kRoleMembers, Collection::kGroupUserMembers,
                Collection::kOrganizationMembers,
                Collection::kOrganizationRoles,
                Collection::kExtensionGroupMembers,
                Collection::kExtensionRoleUsers}) {
            EraseRecords(data, c, K::kUser, id);
          }
          break;
        }
        EraseIf(data.users, [&](const TenantUser& u) { return u.id == id; });
        for (auto* pairs : {&data.role_members, &data.group_user_members,
                            &data.organization_members, &ext.group_members,
                            &ext.role_users}) {
          EraseIf(*pairs, [&](const IdPair& p) { return p.second == id; });
        }
        EraseIf(data.organization_roles,
                [&](const OrganizationRole& r) { return r.user == id; });
        break;
      }
      case 2:  // a record renamed, created or deleted
      case 3: {
        struct Kind {
          K kind;
          std::vector<TenantRecord>* records;
          const char* prefix;
        };
        const Kind kinds[] = {{K::kApplication, &data.applications, "app_"},
                              {K::kApi, &data.apis, "https://api/"},
                              {K::kRole, &data.roles, "rol_"},
                              {K::kGroup, &data.groups, "grp_"},
                              {K::kOrganization, &data.organizations, "org_"},
                              {K::kGroup, &ext.groups, "eg_"},
                              {K::kRole, &ext.roles, "er_"}};
        const Kind& k = kinds[Int(7)];
        const std::string id = Id(k.prefix, 4);
        EraseIf(*k.records, [&](const TenantRecord& r) { return r.id == id; });
        if (Int(3)) {
          // An API's resource server id is its own, as in Auth0 (an
          // extension role or permission may name it).
          std::string detail = Int(2) ? "" : Id("rs_", 3);
          if (k.kind == K::kApi && !detail.empty())
            detail = absl::StrCat("rs_", id.substr(id.size() - 1));
          k.records->push_back({id, Name(), std::move(detail)});
        }
        touched.Add(k.kind, id);
        break;
      }
      case 5: {  // a role's (or a user's direct) permission granted or
                 // revoked
        const bool user = Int(2);
        const Permission granted{user ? Id("u|") : Id("rol_", 4),
                                 Id("https://api/", 3), Id("do:", 2)};
        std::vector<Permission>& held =
            user ? data.user_permissions : data.role_permissions;
        const size_t before = held.size();
        EraseIf(held, [&](const Permission& p) { return p == granted; });
        if (before == held.size()) held.push_back(granted);
        touched.Add(user ? K::kUser : K::kRole, granted.holder);
        break;
      }
      case 6: {  // an extension permission defined, redefined or deleted
        const std::string id = Id("ep_", 3);
        EraseIf(ext.permissions,
                [&](const TenantRecord& r) { return r.id == id; });
        if (Int(3)) {
          ext.permissions.push_back(
              {id, Id("do:", 2), Int(2) ? Id("app_", 4) : Id("rs_", 3)});
        }
        // A refresh of the extension touches every extension role.
        for (const TenantRecord& role : ext.roles)
          touched.Add(K::kRole, role.id);
        for (const IdPair& held : ext.role_permissions)
          touched.Add(K::kRole, held.first);
        break;
      }
      case 4: {  // a connection renamed
        const std::string id = Id("con_", 2);
        EraseIf(data.connections,
                [&](const Connection& c) { return c.id == id; });
        data.connections.push_back({id, Name(), Name(), "samlp"});
        touched.Add(K::kConnection, id);
        break;
      }
      default: {  // a membership made or undone, touched by either end
        struct Pairs {
          std::vector<IdPair>* pairs;
          K first_kind;
          const char* first;
          K second_kind;
          const char* second;
          std::optional<Collection> collection = std::nullopt;
        };
        const Pairs kinds[] = {
            {&data.role_members, K::kRole, "rol_", K::kUser, "u|",
             Collection::kRoleMembers},
            {&data.group_user_members, K::kGroup, "grp_", K::kUser, "u|",
             Collection::kGroupUserMembers},
            {&data.group_group_members, K::kGroup, "grp_", K::kGroup, "grp_"},
            {&data.group_roles, K::kGroup, "grp_", K::kRole, "rol_"},
            {&data.organization_members, K::kOrganization, "org_", K::kUser,
             "u|", Collection::kOrganizationMembers},
            {&data.connection_clients, K::kConnection, "con_", K::kApplication,
             "app_"},
            {&ext.group_members, K::kGroup, "eg_", K::kUser, "u|",
             Collection::kExtensionGroupMembers},
            {&ext.role_users, K::kRole, "er_", K::kUser, "u|",
             Collection::kExtensionRoleUsers},
            {&ext.group_roles, K::kGroup, "eg_", K::kRole, "er_"},
            {&ext.nested_groups, K::kGroup, "eg_", K::kGroup, "eg_"},
            {&ext.role_applications, K::kRole, "er_", K::kApplication, "app_"},
            {&ext.role_permissions, K::kRole, "er_", K::kRole, "er_"}};
        const Pairs& k = kinds[Int(12)];
        IdPair pair{Id(k.first, 4), Id(k.second, 4)};
        if (k.pairs == &ext.role_permissions) pair.second = Id("ep_", 3);
        auto& pairs = *k.pairs;
        const bool edit = indexed_ && k.collection.has_value();
        if (Int(2)) {
          // Appended directly now and then: the index covers it again
          // once EnsureIndexed has run.
          if (edit && Int(4)) {
            AddPair(data, *k.collection, pair.first, pair.second);
          } else {
            pairs.push_back(pair);
          }
        } else if (edit) {
          for (IdPair& p : pairs) {
            if (p == pair) p = IdPair();  // in place, as erasing does
          }
        } else {
          EraseIf(pairs, [&](const IdPair& p) { return p == pair; });
        }
        // An extension role's permission ids name no entity: the role is
        // touched.
        if (Int(2) || k.pairs == &ext.role_permissions) {
          touched.Add(k.first_kind, pair.first);
        } else {
          touched.Add(k.second_kind, pair.second);
        }
        if (Int(6) == 0) {
          const std::string org = Id("org_", 4), user = Id("u|");
          if (indexed_) {
            AddOrganizationRole(data, org, user, Id("rol_", 4));
          } else {
            data.organization_roles.push_back({org, user, Id("rol_", 4)});
          }
          touched.Add(Int(2) ? K::kOrganization : K::kUser,
                      touched.Contains(K::kOrganization, org) ? org : user);
          touched.Add(K::kUser, user);
        }
        break;
      }
    }
  }

 private:
  template <typename T, typename Pred>
  static void EraseIf(std::vector<T>& items, Pred pred) {
    items.erase(std::remove_if(items.begin(), items.end(), pred), items.end());
  }

  std::mt19937_64 random_;
  const bool indexed_;
};

// Each seed twice: the collections walked, and found through the index as
// following keeps it (sometimes not covering a collection appended to).
TEST(MapChangesToDeltaTest, RandomChangesGiveTheGraphMappedAfresh) {
  for (uint64_t seed = 1; seed <= 600; ++seed) {
    const bool indexed = seed % 2 == 0;
    SCOPED_TRACE(::testing::Message()
                 << "seed " << seed / 2 << (indexed ? " indexed" : ""));
    TenantChanger changer(seed / 2, indexed);
    TenantData data;
    data.extension.present = true;
    TouchedEntities ignored;
    for (int i = 0; i < 60; ++i) changer.Change(data, ignored);
    std::shared_ptr<const graph::Snapshot> current = Mapped(data);
    if (indexed) EnsureIndexed(data);
    for (int step = 0; step < 8; ++step) {
      SCOPED_TRACE(::testing::Message() << "step " << step);
      if (indexed && changer.Int(2)) EnsureIndexed(data);
      TouchedEntities touched;
      for (int i = changer.Int(3) + 1; i > 0; --i)
        changer.Change(data, touched);
      absl::StatusOr<graph::AppliedDelta> applied = graph::ApplyDelta(
          *current, MapChangesToDelta(data, touched, *current), step + 2,
          absl::UnixEpoch());
      ASSERT_TRUE(applied.ok()) << applied.status();
      current = applied->snapshot;
      const std::set<std::string> want = Lines(*Mapped(data));
      const std::set<std::string> got = Lines(*current);
      ASSERT_EQ(got, want);
    }
  }
}

}  // namespace
}  // namespace identitygraph::importer
