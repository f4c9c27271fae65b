#include "tests/auth0_sim/tenant_changes.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);

Tenant SmallTenant() {
  Json fixture = {
      {"tenant",
       {{"domain", "small.us.auth0.com"},
        {"extension_host", "small.us12.webtask.io"}}},
      {"importer_clients",
       {{{"client_id", "IMPORTER"},
         {"client_secret", "secret"},
         {"grants", Json::object()}}}},
      {"connections",
       {{{"id", "con_1"},
         {"name", "okta"},
         {"strategy", "okta"},
         {"enabled_clients", {"APP1"}}}}},
      {"users",
       {{{"user_id", "okta|ada"},
         {"email", "ada@example.com"},
         {"identities", {{{"connection", "okta"}, {"provider", "okta"}}}}},
        {{"user_id", "okta|bob"},
         {"identities", {{{"connection", "okta"}, {"provider", "okta"}}}}}}},
      {"clients", {{{"client_id", "APP1"}, {"name", "Payroll"}}}},
      {"roles",
       {{{"id", "rol_1"}, {"name", "payroll"}, {"users", {"okta|ada"}}}}},
      {"groups",
       {{{"id", "grp_1"},
         {"name", "eng"},
         {"connection_id", "con_1"},
         {"members", {{{"id", "okta|ada"}, {"member_type", "user"}}}},
         {"roles", {"rol_1"}}}}},
      {"organizations",
       {{{"id", "org_1"},
         {"name", "partners"},
         {"members", {{{"user_id", "okta|ada"}, {"roles", {"rol_1"}}}}}}}},
      {"authorization_extension",
       {{"groups",
         {{{"_id", "g1"}, {"name", "ops"}, {"members", {"okta|bob"}}}}},
        {"roles", Json::array()}}}};
  absl::StatusOr<Tenant> tenant = TenantFromFixture(fixture);
  EXPECT_TRUE(tenant.ok()) << tenant.status();
  return *std::move(tenant);
}

std::vector<Json> Apply(Tenant& tenant, const Json& change) {
  absl::StatusOr<std::vector<Json>> events = ApplyChange(tenant, change, kNow);
  EXPECT_TRUE(events.ok()) << events.status();
  return events.ok() ? *events : std::vector<Json>{};
}

TEST(TenantChangesTest, RoleAssignmentWritesTheSapiAuth0Writes) {
  Tenant tenant = SmallTenant();
  std::vector<Json> events = Apply(tenant, {{"op", "assign_user_roles"},
                                            {"user_id", "okta|bob"},
                                            {"roles", {"rol_1"}}});
  EXPECT_THAT(tenant.role_users["rol_1"], ElementsAre("okta|ada", "okta|bob"));
  EXPECT_THAT(tenant.user_roles["okta|bob"], ElementsAre("rol_1"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "sapi");
  EXPECT_EQ(events[0]["details"]["request"]["method"], "post");
  EXPECT_EQ(events[0]["details"]["request"]["path"],
            "/api/v2/users/okta%7Cbob/roles");
  EXPECT_EQ(events[0]["details"]["request"]["body"]["roles"][0], "rol_1");
  EXPECT_EQ(events[0]["details"]["request"]["channel"], "api");
  EXPECT_EQ(events[0]["tenant_name"], "small");
}

TEST(TenantChangesTest, DeletingARoleRemovesItEverywhere) {
  Tenant tenant = SmallTenant();
  std::vector<Json> events = Apply(
      tenant,
      {{"op", "delete_role"}, {"role_id", "rol_1"}, {"channel", "dashboard"}});
  EXPECT_FALSE(tenant.role_index.contains("rol_1"));
  EXPECT_THAT(tenant.user_roles["okta|ada"], IsEmpty());
  EXPECT_THAT(tenant.group_roles["grp_1"], IsEmpty());
  EXPECT_THAT(tenant.organization_member_roles[Tenant::OrganizationMemberKey(
                  "org_1", "okta|ada")],
              IsEmpty());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["details"]["request"]["path"], "/api/v2/roles/rol_1");
  EXPECT_EQ(events[0]["details"]["request"]["channel"],
            "https://manage.auth0.com/");
}

TEST(TenantChangesTest, DeletingAUserWritesSapiAndSduAndDropsMemberships) {
  Tenant tenant = SmallTenant();
  std::vector<Json> events =
      Apply(tenant, {{"op", "delete_user"}, {"user_id", "okta|ada"}});
  EXPECT_FALSE(tenant.user_index.contains("okta|ada"));
  EXPECT_EQ(tenant.user_index.at("okta|bob"), 0u);
  EXPECT_THAT(tenant.role_users["rol_1"], IsEmpty());
  EXPECT_THAT(tenant.group_members["grp_1"], IsEmpty());
  EXPECT_THAT(tenant.organization_members["org_1"], IsEmpty());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["details"]["request"]["method"], "delete");
  EXPECT_EQ(events[1]["type"], "sdu");
  EXPECT_EQ(events[1]["user_id"], "okta|ada");
}

TEST(TenantChangesTest, AFirstLoginCreatesTheUserWithOnlyALoginEvent) {
  Tenant tenant = SmallTenant();
  std::vector<Json> events = Apply(
      tenant,
      {{"op", "create_user"},
       {"via", "login"},
       {"user",
        {{"user_id", "okta|cy"},
         {"identities", {{{"connection", "okta"}, {"provider", "okta"}}}}}}});
  ASSERT_TRUE(tenant.user_index.contains("okta|cy"));
  EXPECT_EQ(tenant.users.back()["created_at"], "2026-09-21T14:13:20.000Z");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "s");
  EXPECT_EQ(events[0]["user_id"], "okta|cy");
  EXPECT_EQ(events[0]["connection_id"], "con_1");
}

TEST(TenantChangesTest, ExtensionChangesWriteNoEvents) {
  Tenant tenant = SmallTenant();
  EXPECT_THAT(
      Apply(tenant,
            {{"op", "extension_put"},
             {"kind", "groups"},
             {"record",
              {{"_id", "g1"}, {"name", "ops"}, {"members", {"okta|ada"}}}}}),
      IsEmpty());
  EXPECT_THAT(tenant.extension_user_groups["okta|ada"], ElementsAre("g1"));
  EXPECT_FALSE(tenant.extension_user_groups.contains("okta|bob"));
}

TEST(TenantChangesTest, LogFalseAppliesTheChangeWithoutAnEvent) {
  Tenant tenant = SmallTenant();
  EXPECT_THAT(Apply(tenant, {{"op", "update_user"},
                             {"user_id", "okta|bob"},
                             {"set", {{"blocked", true}}},
                             {"log", false}}),
              IsEmpty());
  EXPECT_EQ(tenant.users[1]["blocked"], true);
}

TEST(TenantChangesTest, BadChangesAreRefusedAndLeaveTheTenantAsItWas) {
  struct Case {
    Json change;
    std::string error;
  };
  const std::vector<Case> cases = {
      {Json::array(), "an object with a string \"op\""},
      {{{"op", "paint"}}, "unknown op \"paint\"; known: add_group_members"},
      {{{"op", "assign_user_roles"}, {"user_id", "okta|ada"}},
       "assign_user_roles: needs \"roles\": a non-empty array of ids"},
      {{{"op", "assign_user_roles"},
        {"user_id", "okta|ada"},
        {"roles", {"rol_1", "rol_nope"}}},
       "assign_user_roles: no role rol_nope"},
      {{{"op", "delete_user"}, {"user_id", "okta|nope"}},
       "delete_user: no user okta|nope"},
      {{{"op", "update_user"},
        {"user_id", "okta|ada"},
        {"set", {{"user_id", "x"}}}},
       "update_user: \"user_id\" cannot change"},
      {{{"op", "create_user"},
        {"user",
         {{"user_id", "x|y"}, {"identities", {{{"connection", "nope"}}}}}}},
       "create_user: no connection nope"},
      {{{"op", "assign_organization_member_roles"},
        {"organization_id", "org_1"},
        {"user_id", "okta|bob"},
        {"roles", {"rol_1"}}},
       "okta|bob is not a member of organization org_1"},
      {{{"op", "extension_put"},
        {"kind", "groups"},
        {"record", {{"_id", "g2"}, {"nested", {"g404"}}}}},
       "nested group g404 is not a group"},
      {{{"op", "update_connection_clients"}, {"connection_id", "con_1"}},
       "give \"enable\" or \"disable\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.change.dump());
    Tenant tenant = SmallTenant();
    absl::StatusOr<std::vector<Json>> events =
        ApplyChange(tenant, c.change, kNow);
    ASSERT_FALSE(events.ok());
    EXPECT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(events.status().message()), HasSubstr(c.error));
    EXPECT_THAT(tenant.role_users["rol_1"], ElementsAre("okta|ada"));
    EXPECT_EQ(tenant.users.size(), 2u);
    EXPECT_EQ(tenant.extension_export["groups"].size(), 1u);
    EXPECT_EQ(tenant.extension_group_index.size(), 1u);
  }
}

TEST(TenantChangesTest, NoiseIsLoginsOfExistingUsers) {
  Tenant tenant = SmallTenant();
  std::vector<Json> noise = LoginNoise(tenant, 3, 1, 7);
  ASSERT_EQ(noise.size(), 4u);
  EXPECT_EQ(noise[0]["type"], "s");
  EXPECT_EQ(noise[3]["type"], "f");
  EXPECT_TRUE(tenant.user_index.contains(noise[0]["user_id"]));
  EXPECT_EQ(TokenExchangeEvent(tenant, "IMPORTER", true, "")["type"], "seccft");
}

}  // namespace
}  // namespace identitygraph::sim
