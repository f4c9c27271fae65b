// Hand-made cases of the permission rule (graph/permissions.h) that random
// graphs seldom reach: a permission many roles grant, an application and an
// API sharing an id, organizations, direct assignment, blocked holders.
#include "graph/permissions.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

using ::testing::ElementsAre;

constexpr char kApi[] = "https://api.acme.com/payroll";

class PermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    b_.AddEntity(VertexKind::kApi, kApi, "Payroll API");
    b_.AddEntity(VertexKind::kApplication, kApi,
                 "An app whose id is the API's");
    b_.AddEntity(VertexKind::kOrganization, "org_1", "Partners");
    b_.AddEntity(VertexKind::kOrganization, "org_2", "Others");
    Permission("run:payroll");
    for (const char* user : {"ada", "grace", "alan", "linus"})
      b_.AddEntity(VertexKind::kUser, user, user);
  }
  VertexId Permission(const std::string& name) {
    const std::string id = PermissionVertexId(kApi, name);
    const VertexId v = b_.AddEntity(VertexKind::kPermission, id, name);
    b_.AddEdge(EdgeKind::kPermissionOn, VertexKind::kPermission, id,
               VertexKind::kApi, kApi);
    return v;
  }
  void Grant(const std::string& role, const std::string& name) {
    b_.AddEntity(VertexKind::kRole, role, role);
    b_.AddEdge(EdgeKind::kRolePermission, VertexKind::kRole, role,
               VertexKind::kPermission, PermissionVertexId(kApi, name));
  }
  void Build() { s_ = std::move(b_).Build(1, absl::Now()); }
  bool Allowed(const std::string& user, VertexId organization = kNoVertex,
               int max_paths = 0) {
    const VertexId permission = FindPermission(
        *s_, s_->FindById(VertexKind::kApi, kApi), "run:payroll");
    auto result = CheckPermission(*s_, s_->FindById(VertexKind::kUser, user),
                                  permission, organization, max_paths);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() && result->allowed;
  }
  VertexId Org(const char* id) {
    return s_->FindById(VertexKind::kOrganization, id);
  }

  GraphBuilder b_;
  std::shared_ptr<const Snapshot> s_;
};

TEST_F(PermissionsTest, APermissionManyRolesGrantIsFoundThroughAnyOfThem) {
  // 40 roles grant it (past the few-roles shortcut); Ada holds the last one
  // through a nested group, Grace the first one directly.
  for (int r = 0; r < 40; ++r) Grant(absl::StrCat("rol_", r), "run:payroll");
  b_.AddEntity(VertexKind::kGroup, "inner", "inner");
  b_.AddEntity(VertexKind::kGroup, "outer", "outer");
  b_.AddEdge(EdgeKind::kNestedGroup, VertexKind::kGroup, "inner",
             VertexKind::kGroup, "outer");
  b_.AddEdge(EdgeKind::kGroupRole, VertexKind::kGroup, "outer",
             VertexKind::kRole, "rol_39");
  b_.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser, "ada",
             VertexKind::kGroup, "inner");
  b_.AddEdge(EdgeKind::kUserRole, VertexKind::kUser, "grace", VertexKind::kRole,
             "rol_0");
  Build();
  for (int max_paths : {0, 2}) {
    EXPECT_TRUE(Allowed("ada", kNoVertex, max_paths));
    EXPECT_TRUE(Allowed("grace", kNoVertex, max_paths));
    EXPECT_FALSE(Allowed("alan", kNoVertex, max_paths));
  }
  auto holders = HoldersOfPermission(
      *s_,
      FindPermission(*s_, s_->FindById(VertexKind::kApi, kApi), "run:payroll"),
      kNoVertex, true);
  ASSERT_TRUE(holders.ok());
  ASSERT_EQ((*holders)->size(), 2u);
  EXPECT_EQ(s_->id((**holders)[0]), "ada");
}

TEST_F(PermissionsTest, RolesInAnOrganizationCountOnlyForItsTokens) {
  Grant("rol_admin", "run:payroll");
  b_.AddEdge(EdgeKind::kOrganizationRole, b_.Find(VertexKind::kUser, "ada"),
             b_.Find(VertexKind::kRole, "rol_admin"),
             b_.Find(VertexKind::kOrganization, "org_1"));
  Build();
  for (int max_paths : {0, 1}) {
    EXPECT_FALSE(Allowed("ada", kNoVertex, max_paths));
    EXPECT_TRUE(Allowed("ada", Org("org_1"), max_paths));
    EXPECT_FALSE(Allowed("ada", Org("org_2"), max_paths));
  }
  auto listed = PermissionsOfUser(*s_, s_->FindById(VertexKind::kUser, "ada"),
                                  Org("org_1"));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_EQ((*listed)[0].path.size(), 3u);
  EXPECT_EQ((*listed)[0].path[1].via, EdgeKind::kOrganizationRole);
  EXPECT_EQ((*listed)[0].path[1].organization, Org("org_1"));
  // Asking with a vertex that is not an organization is refused.
  EXPECT_FALSE(PermissionsOfUser(*s_, s_->FindById(VertexKind::kUser, "ada"),
                                 s_->FindById(VertexKind::kUser, "grace"))
                   .ok());
}

TEST_F(PermissionsTest, DirectAssignmentHoldsAndReachesTheApi) {
  b_.AddEdge(EdgeKind::kUserPermission, VertexKind::kUser, "linus",
             VertexKind::kPermission, PermissionVertexId(kApi, "run:payroll"));
  b_.SetBlocked(b_.Find(VertexKind::kUser, "linus"));
  Build();
  const VertexId linus = s_->FindById(VertexKind::kUser, "linus");
  const VertexId permission =
      FindPermission(*s_, s_->FindById(VertexKind::kApi, kApi), "run:payroll");
  auto check = CheckPermission(*s_, linus, permission, kNoVertex, 1);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->held);
  EXPECT_TRUE(check->blocked);
  EXPECT_FALSE(check->allowed);  // blocked: no tokens at all
  ASSERT_EQ(check->paths.size(), 1u);
  EXPECT_EQ(check->paths[0][1].via, EdgeKind::kUserPermission);
  auto reaches = CheckAccess(*s_, linus, s_->FindById(VertexKind::kApi, kApi),
                             Reachability::kAuthorization, 0);
  ASSERT_TRUE(reaches.ok());
  EXPECT_TRUE(reaches->authorized);
  EXPECT_FALSE(reaches->allowed);
  auto without = HoldersOfPermission(*s_, permission, kNoVertex, false);
  auto with = HoldersOfPermission(*s_, permission, kNoVertex, true);
  ASSERT_TRUE(without.ok() && with.ok());
  EXPECT_TRUE((*without)->empty());
  EXPECT_THAT(**with, ElementsAre(linus));
}

TEST_F(PermissionsTest, APermissionBelongsToOneTarget) {
  Build();
  // The application shares the API's id; the permission is the API's only.
  EXPECT_NE(
      FindPermission(*s_, s_->FindById(VertexKind::kApi, kApi), "run:payroll"),
      kNoVertex);
  EXPECT_EQ(FindPermission(*s_, s_->FindById(VertexKind::kApplication, kApi),
                           "run:payroll"),
            kNoVertex);
  EXPECT_EQ(FindPermission(*s_, s_->FindById(VertexKind::kApi, kApi), "nope"),
            kNoVertex);
  EXPECT_EQ(FindPermission(*s_, kNoVertex, "run:payroll"), kNoVertex);
}

}  // namespace
}  // namespace identitygraph::graph
