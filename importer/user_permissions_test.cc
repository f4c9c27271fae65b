#include "importer/user_permissions.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importer/tenant_data.h"
#include "importer/tenant_index.h"

namespace identitygraph::importer {
namespace {

using Assignment = ListedPermission::Assignment;
using ::testing::ElementsAreArray;

// Ada holds rol_payroll (granting payroll:run) directly and rol_wiki through
// nothing the listing sees (a group); Alan holds rol_wiki directly.
TenantData Sample() {
  TenantData data;
  data.users = {{"u|ada", "Ada", "", {"con_1"}},
                {"u|alan", "Alan", "", {"con_1"}}};
  data.role_members = {{"rol_payroll", "u|ada"}, {"rol_wiki", "u|alan"}};
  data.role_permissions = {{"rol_payroll", "https://payroll", "payroll:run"},
                           {"rol_wiki", "https://wiki", "wiki:edit"}};
  return data;
}

ListedPermission Listed(const std::string& api, const std::string& name,
                        Assignment assignment) {
  return {{"u|ada", api, name}, assignment};
}

TEST(DirectPermissionsTest, KeepsWhatSourcesOrTheUsersRolesSayIsDirect) {
  struct Case {
    const char* name;
    ListedPermission listed;
    bool kept;
  };
  const Case cases[] = {
      {"direct by its sources",
       Listed("https://payroll", "payroll:approve", Assignment::kDirect), true},
      {"direct and through a role: the direct assignment counts",
       Listed("https://payroll", "payroll:run", Assignment::kDirect), true},
      {"only through roles",
       Listed("https://payroll", "payroll:run", Assignment::kRolesOnly), false},
      {"only through roles, even one the import does not know",
       Listed("https://hr", "hr:read", Assignment::kRolesOnly), false},
      {"no sources, and no role of hers grants it",
       Listed("https://payroll", "payroll:approve", Assignment::kUnknown),
       true},
      {"no sources, and her role grants it: the role's",
       Listed("https://payroll", "payroll:run", Assignment::kUnknown), false},
      {"no sources; only another user's role grants it",
       Listed("https://wiki", "wiki:edit", Assignment::kUnknown), true},
  };
  for (bool indexed : {false, true}) {
    TenantData data = Sample();
    if (indexed) EnsureIndexed(data);
    for (const Case& c : cases) {
      SCOPED_TRACE(testing::Message()
                   << c.name << (indexed ? ", indexed" : ""));
      std::vector<Permission> direct =
          DirectPermissions({c.listed}, data, "u|ada");
      std::vector<Permission> expected;
      if (c.kept) expected.push_back(c.listed.permission);
      EXPECT_THAT(direct, ElementsAreArray(expected));
    }
  }
}

TEST(DirectPermissionsTest, KeepsTheListingsOrder) {
  TenantData data = Sample();
  const std::vector<ListedPermission> listed = {
      Listed("https://b", "x", Assignment::kDirect),
      Listed("https://payroll", "payroll:run", Assignment::kUnknown),
      Listed("https://a", "y", Assignment::kUnknown)};
  EXPECT_THAT(DirectPermissions(listed, data, "u|ada"),
              ElementsAreArray(std::vector<Permission>{
                  {"u|ada", "https://b", "x"}, {"u|ada", "https://a", "y"}}));
}

}  // namespace
}  // namespace identitygraph::importer
