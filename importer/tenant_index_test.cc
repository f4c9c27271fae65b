#include "importer/tenant_index.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {
namespace {

using graph::VertexKind;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TenantData Sample() {
  TenantData data;
  data.users = {{"u|1", "Ada", "", {"con_1"}}, {"u|2", "Alan", "", {"con_1"}}};
  data.role_members = {{"rol_1", "u|1"}, {"rol_2", "u|1"}, {"rol_1", "u|2"}};
  data.organization_roles = {{"org_1", "u|1", "rol_1"},
                             {"org_2", "u|2", "rol_1"}};
  return data;
}

std::vector<uint32_t> Positions(const TenantData& data, Collection collection,
                                VertexKind end, const std::string& id) {
  std::vector<uint32_t> positions;
  data.index.ForEach(collection, end, id,
                     [&](uint32_t p) { positions.push_back(p); });
  return positions;
}

TEST(TenantIndexTest, FindsRecordsByEitherEnd) {
  TenantData data = Sample();
  EnsureIndexed(data);
  EXPECT_TRUE(data.index.Covers(data, Collection::kRoleMembers));
  EXPECT_THAT(
      Positions(data, Collection::kRoleMembers, VertexKind::kRole, "rol_1"),
      UnorderedElementsAre(0, 2));
  EXPECT_THAT(
      Positions(data, Collection::kRoleMembers, VertexKind::kUser, "u|1"),
      UnorderedElementsAre(0, 1));
  EXPECT_THAT(Positions(data, Collection::kOrganizationRoles,
                        VertexKind::kOrganization, "org_2"),
              ElementsAre(1));
  EXPECT_THAT(Positions(data, Collection::kOrganizationRoles, VertexKind::kRole,
                        "rol_1"),
              UnorderedElementsAre(0, 1));
  // Kinds a collection has no end of find nothing.
  EXPECT_THAT(
      Positions(data, Collection::kRoleMembers, VertexKind::kGroup, "rol_1"),
      ElementsAre());
  ASSERT_NE(FindUser(data, "u|2"), nullptr);
  EXPECT_EQ(FindUser(data, "u|2")->name, "Alan");
  EXPECT_EQ(FindUser(data, "u|3"), nullptr);
}

TEST(TenantIndexTest, ErasedRecordsKeepTheirSlotsAndAreFoundNoMore) {
  TenantData data = Sample();
  EnsureIndexed(data);
  EraseRecords(data, Collection::kRoleMembers, VertexKind::kUser, "u|1");
  ASSERT_EQ(data.role_members.size(), 3u);
  EXPECT_TRUE(IsErased(data.role_members[0]));
  EXPECT_TRUE(IsErased(data.role_members[1]));
  EXPECT_EQ(data.role_members[2], IdPair("rol_1", "u|2"));
  EraseUser(data, "u|1");
  EXPECT_TRUE(IsErased(data.users[0]));
  EXPECT_EQ(FindUser(data, "u|1"), nullptr);
  EraseRecords(data, Collection::kOrganizationRoles, VertexKind::kRole,
               "rol_1");
  EXPECT_TRUE(IsErased(data.organization_roles[0]));
  EXPECT_TRUE(IsErased(data.organization_roles[1]));
  // An erased record's empty id names nothing to erase.
  EraseRecords(data, Collection::kRoleMembers, VertexKind::kUser, "");
  EXPECT_EQ(data.role_members[2], IdPair("rol_1", "u|2"));
}

TEST(TenantIndexTest, EditsKeepItCoveringAndDirectAppendsWaitForEnsure) {
  TenantData data = Sample();
  EnsureIndexed(data);
  AddPair(data, Collection::kRoleMembers, "rol_3", "u|2");
  AddUser(data, {"u|3", "Grace", "", {"con_1"}});
  AddOrganizationRole(data, "org_1", "u|3", "rol_3");
  EXPECT_TRUE(data.index.Covers(data, Collection::kRoleMembers));
  EXPECT_TRUE(data.index.Covers(data, Collection::kUsers));
  EXPECT_THAT(
      Positions(data, Collection::kRoleMembers, VertexKind::kUser, "u|2"),
      UnorderedElementsAre(2, 3));
  EXPECT_NE(FindUser(data, "u|3"), nullptr);

  // Appended behind its back: not covered, so found by walking, until
  // EnsureIndexed indexes the rest.
  data.role_members.push_back({"rol_4", "u|1"});
  EXPECT_FALSE(data.index.Covers(data, Collection::kRoleMembers));
  EraseRecords(data, Collection::kRoleMembers, VertexKind::kRole, "rol_4");
  EXPECT_TRUE(IsErased(data.role_members[4]));
  EnsureIndexed(data);
  EXPECT_TRUE(data.index.Covers(data, Collection::kRoleMembers));

  // Shrunk behind its back: indexed again from the start.
  data.users.pop_back();
  EXPECT_FALSE(data.index.Covers(data, Collection::kUsers));
  EnsureIndexed(data);
  EXPECT_TRUE(data.index.Covers(data, Collection::kUsers));
  EXPECT_EQ(FindUser(data, "u|3"), nullptr);
  EXPECT_NE(FindUser(data, "u|2"), nullptr);

  // Emptied behind its back, then added to: indexed afresh from the first.
  data.role_members.clear();
  AddPair(data, Collection::kRoleMembers, "rol_9", "u|2");
  EXPECT_TRUE(data.index.Covers(data, Collection::kRoleMembers));
  EXPECT_THAT(
      Positions(data, Collection::kRoleMembers, VertexKind::kUser, "u|2"),
      ElementsAre(0));
  EXPECT_THAT(
      Positions(data, Collection::kRoleMembers, VertexKind::kRole, "rol_1"),
      ElementsAre());
}

TEST(TenantIndexTest, EditsWorkWithoutAnIndex) {
  TenantData data = Sample();
  EXPECT_FALSE(data.index.Covers(data, Collection::kUsers));
  EXPECT_NE(FindUser(data, "u|1"), nullptr);
  EraseRecords(data, Collection::kRoleMembers, VertexKind::kRole, "rol_1");
  EXPECT_TRUE(IsErased(data.role_members[0]));
  EXPECT_FALSE(IsErased(data.role_members[1]));
  EXPECT_TRUE(IsErased(data.role_members[2]));
}

}  // namespace
}  // namespace identitygraph::importer
