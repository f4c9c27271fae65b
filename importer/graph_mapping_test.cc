#include "importer/graph_mapping.h"

#include <memory>
#include <set>
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
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
  data.role_apis = {{"rol_1", "https://api/payroll"},
                    {"rol_1", "https://api/unlisted"}};
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
          // An extension role on a resource server, named by its id.
          "role_api er_2 -> https://api/payroll",
          "group_member g|alan -> eg_child",
          // eg_child is nested in eg_parent.
          "nested_group eg_child -> eg_parent", "group_role eg_parent -> er_1",
          "user_role g|ada -> er_2"));
  EXPECT_THAT(dropped, UnorderedElementsAre(
                           Pair("role_members", 1), Pair("group_members", 1),
                           Pair("organization_roles", 1),
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

}  // namespace
}  // namespace identitygraph::importer
