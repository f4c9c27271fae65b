#include "tests/auth0_sim/generator.h"

#include <functional>
#include <map>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph::sim {
namespace {

using ::testing::HasSubstr;

TEST(ParseGeneratorSpecTest, ReadsEveryKey) {
  auto spec = ParseGeneratorSpec(
      "users=100000,connections=3,groups=5000,roles=2000,apps=1000,orgs=50,"
      "seed=7");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->users, 100000);
  EXPECT_EQ(spec->connections, 3);
  EXPECT_EQ(spec->groups, 5000);
  EXPECT_EQ(spec->roles, 2000);
  EXPECT_EQ(spec->apps, 1000);
  EXPECT_EQ(spec->orgs, 50);
  EXPECT_EQ(spec->seed, 7u);
}

TEST(ParseGeneratorSpecTest, RefusesBadSpecsSayingWhy) {
  for (const auto& [text, hint] : std::map<std::string, std::string>{
           {"users=ten", "not KEY=NUMBER"},
           {"users=-5", "not KEY=NUMBER"},
           {"people=5", "unknown key 'people'"},
           {"connections=0", "connections must be 1 to 8"},
           {"connections=9", "connections must be 1 to 8"},
           {"users", "not KEY=NUMBER"},
           {"users=20000000", "capped"}}) {
    auto spec = ParseGeneratorSpec(text);
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_THAT(spec.status().message(), HasSubstr(hint)) << text;
  }
}

GeneratorSpec Medium() {
  GeneratorSpec spec;
  spec.users = 4000;
  spec.connections = 3;
  spec.groups = 300;
  spec.roles = 60;
  spec.apps = 40;
  spec.orgs = 4;
  spec.seed = 7;
  return spec;
}

TEST(GenerateTenantTest, SameSeedSameTenant) {
  Tenant a = GenerateTenant(Medium());
  Tenant b = GenerateTenant(Medium());
  EXPECT_EQ(a.users[1234].dump(), b.users[1234].dump());
  EXPECT_EQ(a.extension_export.dump(), b.extension_export.dump());
  GeneratorSpec other = Medium();
  other.seed = 8;
  EXPECT_NE(GenerateTenant(other).extension_export.dump(),
            a.extension_export.dump());
}

TEST(GenerateTenantTest, HasTheShapeItPromises) {
  const Tenant tenant = GenerateTenant(Medium());
  EXPECT_EQ(tenant.users.size(), 4000u);
  EXPECT_EQ(tenant.connections.size(),
            4u);  // three workforce, one customer database
  EXPECT_EQ(tenant.clients.size(), 40u);
  EXPECT_EQ(tenant.roles.size(), 30u);   // half core roles
  EXPECT_EQ(tenant.groups.size(), 30u);  // native groups: a tenth
  EXPECT_EQ(tenant.organizations.size(), 4u);

  // Customers exist and must be filtered out by the importer.
  int customers = 0;
  std::map<std::string, int> created_at_counts;
  for (const Json& user : tenant.users) {
    customers += user["identities"][0]["connection"] ==
                 "Username-Password-Authentication";
    ++created_at_counts[user["created_at"]];
  }
  EXPECT_EQ(customers, 1200);
  // The bulk import: 1500 users share one created_at.
  int largest_batch = 0;
  for (const auto& [time, count] : created_at_counts)
    largest_batch = std::max(largest_batch, count);
  EXPECT_EQ(largest_batch, 1500);

  // Extension groups: skewed sizes, depth at most 6, at least one cycle, every
  // reference resolvable.
  const Json& groups = tenant.extension_export["groups"];
  ASSERT_EQ(groups.size(), 300u);
  absl::flat_hash_map<std::string, const Json*> by_id;
  for (const Json& group : groups)
    by_id[group["_id"].get<std::string>()] = &group;
  std::set<std::string> role_ids;
  for (const Json& role : tenant.extension_export["roles"])
    role_ids.insert(role["_id"]);
  size_t largest = 0, empty = 0;
  for (const Json& group : groups) {
    largest = std::max(largest, group["members"].size());
    empty += group["members"].empty();
    for (const Json& member : group["members"]) {
      EXPECT_TRUE(tenant.user_index.contains(member.get<std::string>()));
    }
    for (const Json& role : group["roles"])
      EXPECT_TRUE(role_ids.count(role.get<std::string>()));
    for (const Json& child : group["nested"]) {
      EXPECT_TRUE(by_id.contains(child.get<std::string>()));
    }
  }
  EXPECT_GT(largest, 500u);  // a fifth of the workforce
  EXPECT_GT(empty, 30u);

  // Every edge that closes a cycle, seen from any starting group.
  std::set<std::pair<std::string, std::string>> cycle_edges;
  std::function<void(const std::string&, std::set<std::string>&)> find_cycles =
      [&](const std::string& id, std::set<std::string>& path) {
        path.insert(id);
        for (const Json& child : (*by_id[id])["nested"]) {
          const std::string child_id = child.get<std::string>();
          if (path.count(child_id)) {
            cycle_edges.insert({id, child_id});
          } else {
            find_cycles(child_id, path);
          }
        }
        path.erase(id);
      };
  for (const Json& group : groups) {
    std::set<std::string> path;
    find_cycles(group["_id"], path);
  }
  EXPECT_FALSE(cycle_edges.empty());
  // Without those edges the nesting is a forest: its depth is what was
  // promised.
  absl::flat_hash_map<std::string, int> height;
  std::function<int(const std::string&)> longest = [&](const std::string& id) {
    if (auto it = height.find(id); it != height.end()) return it->second;
    int best = 0;
    for (const Json& child : (*by_id[id])["nested"]) {
      const std::string child_id = child.get<std::string>();
      if (!cycle_edges.count({id, child_id}))
        best = std::max(best, 1 + longest(child_id));
    }
    return height[id] = best;
  };
  int deepest = 0;
  for (const Json& group : groups)
    deepest = std::max(deepest, longest(group["_id"]));
  EXPECT_LE(deepest, kMaxGeneratedNestingDepth);
  EXPECT_GE(deepest, 3);

  // Extension roles point at real applications.
  std::set<std::string> client_ids;
  for (const Json& client : tenant.clients)
    client_ids.insert(client["client_id"]);
  for (const Json& role : tenant.extension_export["roles"]) {
    EXPECT_TRUE(client_ids.count(role["applicationId"].get<std::string>()));
  }
}

}  // namespace
}  // namespace identitygraph::sim
