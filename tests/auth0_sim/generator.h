// Synthetic tenants of a given size and shape, the same for the same seed.
//
//   auto spec = ParseGeneratorSpec("users=100000,connections=3,groups=5000,"
//                                  "roles=2000,apps=1000,orgs=50,seed=7");
//   Tenant tenant = GenerateTenant(*spec);
//
// Shape, chosen to look like a real workforce tenant and to trip naive
// importers:
// - `connections` workforce connections (Google Workspace, SAML, Entra ID, ...)
//   holding 70% of the users, the first one the most; one customer database
//   holds the other 30%, who must be filtered out.
// - A bulk import: once there are 3000 users, 1500 of them share one
// created_at, so
//   windowing the users search on created_at alone cannot page past them.
// - Extension groups with skewed sizes (a few huge, most small, some empty),
//   nested up to depth 6, plus a few nesting cycles; each group holds 0-3
//   extension roles, each role defined for one application (some applications
//   have many roles). Half of `roles` are core RBAC roles with members and API
//   permissions (one to three of four names), the other half extension roles.
// - One workforce or customer user in 50 is blocked.
// - Native SCIM groups (groups / 10) on the first workforce connection, some
// nested,
//   some with core roles; organizations with members and member roles.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_GENERATOR_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_GENERATOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph::sim {

struct GeneratorSpec {
  int64_t users = 1000;
  int connections = 2;  // workforce connections; one customer database is added
  int groups = 100;     // extension groups
  int roles = 40;
  int apps = 20;
  int orgs = 5;
  uint64_t seed = 1;
  std::string domain = "generated.us.auth0.com";
  std::string client_id = "GENERATEDxxxxxxxxxxxxxxxxxxxxx01";
  std::string client_secret = "generated-importer-secret-0123456789";
};

// Parses "key=value,key=value" with the keys users, connections, groups, roles,
// apps, orgs, seed. Errors name the bad key or value.
absl::StatusOr<GeneratorSpec> ParseGeneratorSpec(absl::string_view text);

Tenant GenerateTenant(const GeneratorSpec& spec);

// The deepest nesting of extension groups is at most this.
inline constexpr int kMaxGeneratedNestingDepth = 6;

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_GENERATOR_H_
