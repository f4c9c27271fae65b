// Hand-made cases: one per edge kind and per semantic rule, paths included.
#include "graph/queries.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// A small tenant:
//   ada    -member-> engineering -nested-> all-staff -role-> wiki-reader ->
//   Wiki ada    -user role-> payroll-admin -> Payroll, and -> Payroll API grace
//   -member-> finance -role-> payroll-user -> Payroll linus  -member-> platform
//   <-nested-> oncall (a cycle), platform -nested-> engineering ken    -org
//   role (in Partners)-> console-op -> Console eve    has a connection enabled
//   for Payroll but no role: login alone grants nothing ada's connection google
//   is enabled for Wiki and Payroll; grace has none.
class QueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GraphBuilder b;
    for (const char* user : {"ada", "grace", "linus", "ken", "eve", "loner"}) {
      b.AddEntity(VertexKind::kUser, user, user,
                  std::string(user) + "@acme.com");
    }
    for (const char* group : {"engineering", "all-staff", "finance", "platform",
                              "oncall", "empty"}) {
      b.AddEntity(VertexKind::kGroup, group, group);
    }
    for (const char* role :
         {"wiki-reader", "payroll-admin", "payroll-user", "console-op"}) {
      b.AddEntity(VertexKind::kRole, role, role);
    }
    for (const char* app : {"Wiki", "Payroll", "Console"}) {
      b.AddEntity(VertexKind::kApplication, app, app);
    }
    b.AddEntity(VertexKind::kApi, "payroll-api", "Payroll API");
    b.AddEntity(VertexKind::kConnection, "google", "google");
    b.AddEntity(VertexKind::kOrganization, "partners", "Partners");
    using E = EdgeKind;
    using V = VertexKind;
    auto edge = [&b](E kind, V fk, const char* from, V tk, const char* to) {
      ASSERT_TRUE(b.AddEdge(kind, fk, from, tk, to)) << from << " -> " << to;
    };
    edge(E::kGroupMember, V::kUser, "ada", V::kGroup, "engineering");
    edge(E::kNestedGroup, V::kGroup, "engineering", V::kGroup, "all-staff");
    edge(E::kGroupRole, V::kGroup, "all-staff", V::kRole, "wiki-reader");
    edge(E::kRoleApplication, V::kRole, "wiki-reader", V::kApplication, "Wiki");
    edge(E::kUserRole, V::kUser, "ada", V::kRole, "payroll-admin");
    edge(E::kRoleApplication, V::kRole, "payroll-admin", V::kApplication,
         "Payroll");
    edge(E::kRoleApi, V::kRole, "payroll-admin", V::kApi, "payroll-api");
    edge(E::kGroupMember, V::kUser, "grace", V::kGroup, "finance");
    edge(E::kGroupRole, V::kGroup, "finance", V::kRole, "payroll-user");
    edge(E::kRoleApplication, V::kRole, "payroll-user", V::kApplication,
         "Payroll");
    edge(E::kGroupMember, V::kUser, "linus", V::kGroup, "platform");
    edge(E::kNestedGroup, V::kGroup, "platform", V::kGroup, "oncall");
    edge(E::kNestedGroup, V::kGroup, "oncall", V::kGroup, "platform");
    edge(E::kNestedGroup, V::kGroup, "platform", V::kGroup, "engineering");
    edge(E::kOrganizationMember, V::kUser, "ken", V::kOrganization, "partners");
    ASSERT_TRUE(b.AddEdge(E::kOrganizationRole, b.Find(V::kUser, "ken"),
                          b.Find(V::kRole, "console-op"),
                          b.Find(V::kOrganization, "partners")));
    edge(E::kRoleApplication, V::kRole, "console-op", V::kApplication,
         "Console");
    edge(E::kUserConnection, V::kUser, "ada", V::kConnection, "google");
    edge(E::kUserConnection, V::kUser, "eve", V::kConnection, "google");
    edge(E::kConnectionApplication, V::kConnection, "google", V::kApplication,
         "Wiki");
    edge(E::kConnectionApplication, V::kConnection, "google", V::kApplication,
         "Payroll");
    snapshot_ = std::move(b).Build(1, absl::Now());
  }

  VertexId User(const char* id) const {
    return snapshot_->FindById(VertexKind::kUser, id);
  }
  VertexId App(const char* id) const {
    return snapshot_->FindById(VertexKind::kApplication, id);
  }
  VertexId Group(const char* id) const {
    return snapshot_->FindById(VertexKind::kGroup, id);
  }

  // "ada -group_member-> engineering -nested_group-> ..." for readable
  // expectations.
  std::string Describe(const Path& path) const {
    std::vector<std::string> parts;
    for (size_t i = 0; i < path.size(); ++i) {
      std::string part(snapshot_->id(path[i].vertex));
      if (i > 0)
        part = std::string("-") + EdgeKindName(path[i].via) + "-> " + part;
      if (path[i].organization != kNoVertex) {
        part +=
            " (in " + std::string(snapshot_->id(path[i].organization)) + ")";
      }
      parts.push_back(part);
    }
    return absl::StrJoin(parts, " ");
  }

  std::vector<std::string> Ids(const std::vector<VertexId>& vertices) const {
    std::vector<std::string> ids;
    for (VertexId v : vertices) ids.emplace_back(snapshot_->id(v));
    return ids;
  }

  CheckResult Check(const char* user, const char* app,
                    Reachability mode = Reachability::kAuthorization,
                    int max_paths = 3) const {
    auto result =
        CheckAccess(*snapshot_, User(user), App(app), mode, max_paths);
    EXPECT_TRUE(result.ok()) << result.status();
    return *result;
  }

  std::shared_ptr<const Snapshot> snapshot_;
};

TEST_F(QueriesTest, RoleHeldDirectly) {
  CheckResult result = Check("ada", "Payroll");
  EXPECT_TRUE(result.allowed);
  ASSERT_EQ(result.paths.size(), 1u);
  EXPECT_EQ(Describe(result.paths[0]),
            "ada -user_role-> payroll-admin -role_application-> Payroll");
}

TEST_F(QueriesTest, RoleThroughANestedGroup) {
  CheckResult result = Check("ada", "Wiki");
  EXPECT_TRUE(result.allowed);
  ASSERT_EQ(result.paths.size(), 1u);
  EXPECT_EQ(
      Describe(result.paths[0]),
      "ada -group_member-> engineering -nested_group-> all-staff -group_role-> "
      "wiki-reader -role_application-> Wiki");
}

TEST_F(QueriesTest, NestingCyclesEndAndStillGrant) {
  CheckResult result = Check("linus", "Wiki");
  EXPECT_TRUE(result.allowed);
  ASSERT_EQ(result.paths.size(), 1u);
  EXPECT_EQ(Describe(result.paths[0]),
            "linus -group_member-> platform -nested_group-> engineering "
            "-nested_group-> "
            "all-staff -group_role-> wiki-reader -role_application-> Wiki");
  EXPECT_FALSE(Check("linus", "Payroll").allowed);
}

TEST_F(QueriesTest, RoleWithinAnOrganizationNamesIt) {
  CheckResult result = Check("ken", "Console");
  EXPECT_TRUE(result.allowed);
  ASSERT_EQ(result.paths.size(), 1u);
  EXPECT_EQ(Describe(result.paths[0]),
            "ken -organization_role-> console-op (in partners) "
            "-role_application-> Console");
}

TEST_F(QueriesTest, ConnectionsAloneGrantNothingAndLoginNeedsOne) {
  EXPECT_FALSE(Check("eve", "Payroll").allowed);
  EXPECT_FALSE(Check("eve", "Payroll", Reachability::kLogin).allowed);
  // grace is authorised for Payroll but has no connection enabled for it.
  CheckResult grace = Check("grace", "Payroll", Reachability::kLogin);
  EXPECT_TRUE(grace.authorized);
  EXPECT_FALSE(grace.allowed);
  EXPECT_TRUE(grace.login_path.empty());
  CheckResult ada = Check("ada", "Payroll", Reachability::kLogin);
  EXPECT_TRUE(ada.allowed);
  EXPECT_EQ(Describe(ada.login_path),
            "ada -user_connection-> google -connection_application-> Payroll");
}

TEST_F(QueriesTest, ZeroPathsAskedGivesNone) {
  CheckResult result = Check("ada", "Wiki", Reachability::kAuthorization, 0);
  EXPECT_TRUE(result.allowed);
  EXPECT_THAT(result.paths, IsEmpty());
}

TEST_F(QueriesTest, ApplicationsOfAUserWithPaths) {
  auto apps =
      ApplicationsOfUser(*snapshot_, User("ada"), Reachability::kAuthorization,
                         /*include_apis=*/true);
  ASSERT_TRUE(apps.ok());
  std::vector<std::string> names;
  for (const ReachedTarget& t : *apps)
    names.emplace_back(snapshot_->name(t.target));
  EXPECT_THAT(names, ElementsAre("Payroll", "Payroll API", "Wiki"));
  EXPECT_EQ(Describe((*apps)[1].path),
            "ada -user_role-> payroll-admin -role_api-> payroll-api");
  auto without_apis =
      ApplicationsOfUser(*snapshot_, User("ada"), Reachability::kAuthorization,
                         /*include_apis=*/false);
  EXPECT_EQ(without_apis->size(), 2u);
  auto login = ApplicationsOfUser(*snapshot_, User("linus"),
                                  Reachability::kLogin, false);
  EXPECT_THAT(*login, IsEmpty());  // linus has no connection
  auto nothing = ApplicationsOfUser(*snapshot_, User("loner"),
                                    Reachability::kAuthorization, true);
  EXPECT_THAT(*nothing, IsEmpty());
}

TEST_F(QueriesTest, UsersOfAnApplication) {
  EXPECT_THAT(Ids(**UsersOfApplication(*snapshot_, App("Payroll"),
                                       Reachability::kAuthorization)),
              ElementsAre("ada", "grace"));
  EXPECT_THAT(Ids(**UsersOfApplication(*snapshot_, App("Payroll"),
                                       Reachability::kLogin)),
              ElementsAre("ada"));
  EXPECT_THAT(Ids(**UsersOfApplication(*snapshot_, App("Wiki"),
                                       Reachability::kAuthorization)),
              ElementsAre("ada", "linus"));
}

// Tokens are the server's (server/page_token_test.cc); the engine pages by
// position.
TEST_F(QueriesTest, PagesOfUsersContinueFromTheirPosition) {
  auto first = PageUsersOfApplication(*snapshot_, App("Payroll"),
                                      Reachability::kAuthorization, 0, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Ids(first->users), ElementsAre("ada"));
  EXPECT_EQ(first->total, 2u);
  ASSERT_LT(first->next, first->total);
  auto second = PageUsersOfApplication(
      *snapshot_, App("Payroll"), Reachability::kAuthorization, first->next, 1);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(Ids(second->users), ElementsAre("grace"));
  EXPECT_EQ(second->next, second->total);

  // Past the end, and an empty page, are refused.
  auto past = PageUsersOfApplication(*snapshot_, App("Payroll"),
                                     Reachability::kAuthorization, 3, 1);
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument);
  auto empty = PageUsersOfApplication(*snapshot_, App("Payroll"),
                                      Reachability::kAuthorization, 0, 0);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(QueriesTest, BatchChecksFailPairByPair) {
  auto results = BatchCheckAccess(*snapshot_,
                                  {{User("ada"), App("Payroll")},
                                   {User("ada"), User("ada")},
                                   {User("grace"), App("Wiki")}},
                                  Reachability::kAuthorization, 0);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].ok());
  EXPECT_TRUE(results[0]->allowed);
  EXPECT_EQ(results[1].status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(results[2].ok());
  EXPECT_FALSE(results[2]->allowed);
}

TEST_F(QueriesTest, GroupsRolesAndMembersDirectAndEffective) {
  EXPECT_THAT(Ids(*GroupsOfUser(*snapshot_, User("linus"), false)),
              ElementsAre("platform"));
  EXPECT_THAT(Ids(*GroupsOfUser(*snapshot_, User("linus"), true)),
              ElementsAre("all-staff", "engineering", "oncall", "platform"));
  EXPECT_THAT(Ids(*RolesOfUser(*snapshot_, User("ada"), false)),
              ElementsAre("payroll-admin"));
  EXPECT_THAT(Ids(*RolesOfUser(*snapshot_, User("ada"), true)),
              ElementsAre("payroll-admin", "wiki-reader"));
  EXPECT_THAT(Ids(*RolesOfUser(*snapshot_, User("ken"), false)),
              ElementsAre("console-op"));
  EXPECT_THAT(Ids(*MembersOfGroup(*snapshot_, Group("all-staff"), false)),
              IsEmpty());
  EXPECT_THAT(Ids(*MembersOfGroup(*snapshot_, Group("all-staff"), true)),
              ElementsAre("ada", "linus"));
  EXPECT_THAT(Ids(*MembersOfGroup(*snapshot_, Group("empty"), true)),
              IsEmpty());
}

TEST_F(QueriesTest, NeighboursByOneEdgeKindEitherWay) {
  EXPECT_THAT(Ids(Neighbours(*snapshot_, App("Payroll"),
                             EdgeKind::kRoleApplication, /*incoming=*/true)),
              UnorderedElementsAre("payroll-admin", "payroll-user"));
  EXPECT_THAT(Ids(Neighbours(*snapshot_, User("ada"), EdgeKind::kUserConnection,
                             /*incoming=*/false)),
              ElementsAre("google"));
  // Only edges of the kind asked for: grace has a group edge, no connection.
  EXPECT_THAT(Ids(Neighbours(*snapshot_, User("grace"),
                             EdgeKind::kUserConnection, /*incoming=*/false)),
              IsEmpty());
  EXPECT_THAT(
      Ids(Neighbours(*snapshot_, App("Wiki"), EdgeKind::kConnectionApplication,
                     /*incoming=*/true)),
      ElementsAre("google"));
}

TEST_F(QueriesTest, SeveralShortestPathsUpToTheLimit) {
  GraphBuilder b;
  b.AddEntity(VertexKind::kUser, "u");
  b.AddEntity(VertexKind::kApplication, "app");
  for (const char* role : {"r1", "r2", "r3"}) {
    b.AddEntity(VertexKind::kRole, role);
    b.AddEdge(EdgeKind::kUserRole, VertexKind::kUser, "u", VertexKind::kRole,
              role);
    b.AddEdge(EdgeKind::kRoleApplication, VertexKind::kRole, role,
              VertexKind::kApplication, "app");
  }
  auto snapshot = std::move(b).Build(1, absl::Now());
  VertexId u = snapshot->FindById(VertexKind::kUser, "u");
  VertexId app = snapshot->FindById(VertexKind::kApplication, "app");
  EXPECT_EQ(CheckAccess(*snapshot, u, app, Reachability::kAuthorization, 2)
                ->paths.size(),
            2u);
  EXPECT_EQ(CheckAccess(*snapshot, u, app, Reachability::kAuthorization, 10)
                ->paths.size(),
            3u);
}

TEST_F(QueriesTest, WrongKindsAndTheWorkLimitGiveErrors) {
  EXPECT_EQ(CheckAccess(*snapshot_, App("Wiki"), App("Wiki"),
                        Reachability::kAuthorization, 1)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      UsersOfApplication(*snapshot_, User("ada"), Reachability::kAuthorization)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GroupsOfUser(*snapshot_, 999999, true).status().code(),
            absl::StatusCode::kInvalidArgument);
  QueryLimits tiny;
  tiny.max_visited = 2;
  auto limited = CheckAccess(*snapshot_, User("ada"), App("Wiki"),
                             Reachability::kAuthorization, 1, tiny);
  EXPECT_EQ(limited.status().code(), absl::StatusCode::kResourceExhausted);
  // The next query on this thread starts clean.
  EXPECT_TRUE(Check("ada", "Wiki").allowed);
}

}  // namespace
}  // namespace identitygraph::graph
