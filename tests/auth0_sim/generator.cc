#include "tests/auth0_sim/generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

struct WorkforceKind {
  const char* name;
  const char* strategy;
  const char* provider;
};
constexpr WorkforceKind kWorkforce[] = {
    {"google-workforce", "google-apps", "google-apps"},
    {"okta-saml", "samlp", "samlp"},
    {"entra-id", "waad", "waad"},
    {"okta", "okta", "okta"},
    {"corp-oidc", "oidc", "oidc"},
    {"adfs", "adfs", "adfs"},
    {"ping", "pingfederate", "pingfederate"},
    {"corp-ad", "ad", "ad"}};
constexpr int kMaxWorkforceConnections = 8;
constexpr const char* kAppTypes[] = {"regular_web", "spa", "native",
                                     "non_interactive"};

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return engine_() % n; }
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

 private:
  std::mt19937_64 engine_;
};

// Extension records have uuid ids; `kind` keeps groups, roles and permissions
// apart.
enum UuidKind { kGroupId = 1, kRoleId = 2, kPermissionId = 3 };
std::string Uuid(UuidKind kind, int64_t n) {
  return absl::StrFormat("%08x-0000-4000-8000-%012x", static_cast<int>(kind),
                         static_cast<uint64_t>(n));
}

std::string IsoTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

// `count` distinct indices below `n` (fewer when n is small).
std::vector<int64_t> Sample(Random& random, int64_t n, int64_t count) {
  std::vector<int64_t> picked;
  if (n <= 0) return picked;
  count = std::min(count, n);
  picked.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    picked.push_back(static_cast<int64_t>(random.Below(n)));
  std::sort(picked.begin(), picked.end());
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  return picked;
}

Json GenerateFixture(const GeneratorSpec& spec) {
  Random random(spec.seed);
  const std::string mgmt = absl::StrCat("https://", spec.domain, "/api/v2/");
  const std::string tenant_name = spec.domain.substr(0, spec.domain.find('.'));
  Json fixture;
  fixture["tenant"] = {
      {"domain", spec.domain},
      {"extension_host", absl::StrCat(tenant_name, ".us12.webtask.io")}};
  fixture["importer_clients"] = Json::array(
      {{{"client_id", spec.client_id},
        {"client_secret", spec.client_secret},
        {"grants",
         {{mgmt,
           {"read:users", "read:roles", "read:clients", "read:connections",
            "read:resource_servers", "read:groups", "read:group_members",
            "read:organizations", "read:organization_members",
            "read:organization_member_roles", "read:logs"}},
          {"urn:auth0-authz-api",
           {"read:configuration", "read:groups", "read:roles",
            "read:permissions", "read:users"}}}}}});

  // Applications and APIs.
  Json clients = Json::array();
  std::vector<std::string> client_ids;
  for (int a = 0; a < spec.apps; ++a) {
    client_ids.push_back(absl::StrFormat("APP%029d", a));
    clients.push_back({{"client_id", client_ids.back()},
                       {"tenant", tenant_name},
                       {"name", absl::StrFormat("App %04d", a)},
                       {"app_type", kAppTypes[a % 4]},
                       {"global", false},
                       {"is_first_party", true}});
  }
  fixture["clients"] = std::move(clients);
  Json apis = Json::array({{{"id", "rs_mgmt"},
                            {"name", "Auth0 Management API"},
                            {"identifier", mgmt},
                            {"is_system", true}}});
  const int api_count = std::max(1, spec.apps / 10);
  for (int i = 0; i < api_count; ++i) {
    apis.push_back(
        {{"id", absl::StrCat("rs_", i)},
         {"name", absl::StrFormat("API %03d", i)},
         {"identifier", absl::StrFormat("https://api%03d.corp.example.com", i)},
         {"is_system", false},
         {"scopes",
          Json::array({{{"value", "read:data"}}, {{"value", "write:data"}}})}});
  }
  fixture["resource_servers"] = std::move(apis);

  // Connections: workforce ones, then the customer database.
  const int workforce_connections = spec.connections;
  Json connections = Json::array();
  std::vector<std::vector<std::string>> enabled(workforce_connections + 1);
  for (int a = 0; a < spec.apps; ++a) {
    const int on = 1 + static_cast<int>(random.Below(2));
    for (int k = 0; k < on; ++k) {
      enabled[random.Below(workforce_connections)].push_back(client_ids[a]);
    }
    if (random.Chance(0.1))
      enabled[workforce_connections].push_back(client_ids[a]);
  }
  for (auto& list : enabled) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  for (int c = 0; c <= workforce_connections; ++c) {
    const bool customers = c == workforce_connections;
    const std::string name =
        customers ? "Username-Password-Authentication" : kWorkforce[c].name;
    connections.push_back(
        {{"id", absl::StrFormat("con_%016d", c)},
         {"name", name},
         {"display_name", name},
         {"strategy", customers ? "auth0" : kWorkforce[c].strategy},
         {"realms", {name}},
         {"enabled_clients", enabled[c]}});
  }
  fixture["connections"] = std::move(connections);

  // Users: 70% workforce, spread 1/(c+1) over the connections; 30% customers.
  const int64_t workforce_users = spec.users * 7 / 10;
  std::vector<double> weights;
  for (int c = 0; c < workforce_connections; ++c)
    weights.push_back(1.0 / (c + 1));
  std::discrete_distribution<int> pick_connection(weights.begin(),
                                                  weights.end());
  std::mt19937_64 connection_engine(spec.seed ^ 0x9e3779b97f4a7c15ULL);
  std::vector<std::string> workforce_ids, customer_ids;
  std::vector<std::vector<std::string>> users_by_connection(
      workforce_connections);
  workforce_ids.reserve(static_cast<size_t>(workforce_users));
  const absl::Time start = absl::FromCivil(
      absl::CivilSecond(2019, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const bool bulk_import = spec.users >= 3000;
  Json users = Json::array();
  for (int64_t u = 0; u < spec.users; ++u) {
    const bool workforce = u < workforce_users;
    const int c =
        workforce ? pick_connection(connection_engine) : workforce_connections;
    const std::string connection =
        workforce ? kWorkforce[c].name : "Username-Password-Authentication";
    const std::string provider = workforce ? kWorkforce[c].provider : "auth0";
    const std::string local = absl::StrFormat("u%07d", u);
    const std::string user_id = absl::StrCat(provider, "|", local);
    absl::Time created =
        start +
        absl::Seconds(u * 1800 + static_cast<int64_t>(random.Below(900)));
    if (bulk_import && u >= 1000 && u < 2500) {
      created = absl::FromCivil(absl::CivilSecond(2021, 6, 1, 0, 0, 0),
                                absl::UTCTimeZone());
    }
    users.push_back(
        {{"user_id", user_id},
         {"email", absl::StrCat(local, workforce ? "@corp.example.com"
                                                 : "@mail.example.org")},
         {"email_verified", true},
         {"name",
          absl::StrFormat("%s %s", workforce ? "Employee" : "Customer", local)},
         {"created_at", IsoTime(created)},
         {"updated_at", IsoTime(created + absl::Hours(24))},
         {"identities",
          {{{"connection", connection},
            {"user_id", local},
            {"provider", provider},
            {"isSocial", false}}}},
         // One user in 50 blocked (leavers blocked before they are removed
         // from roles), by position so the random draws stay as they were.
         {"blocked", u % 50 == 7}});
    if (workforce && u % 100 == 13) {
      // One workforce user in 100 holds a permission directly, not through
      // a role (also by position).
      users.back()["permissions"] = {
          {{"resource_server_identifier",
            absl::StrFormat("https://api%03d.corp.example.com", u % api_count)},
           {"permission_name", "admin:data"}}};
    }
    if (workforce) {
      workforce_ids.push_back(user_id);
      users_by_connection[c].push_back(user_id);
    } else {
      customer_ids.push_back(user_id);
    }
  }
  fixture["users"] = std::move(users);
  const int64_t workforce_count = static_cast<int64_t>(workforce_ids.size());

  // Core RBAC roles: members with skewed counts, API permissions.
  const int core_roles = spec.roles / 2;
  std::vector<std::string> core_role_ids;
  Json roles = Json::array();
  for (int r = 0; r < core_roles; ++r) {
    core_role_ids.push_back(absl::StrFormat("rol_%016d", r));
    Json members = Json::array();
    const int64_t size = static_cast<int64_t>(0.05 * workforce_count / (r + 1));
    for (int64_t i : Sample(random, workforce_count, size))
      members.push_back(workforce_ids[i]);
    const int api = static_cast<int>(random.Below(api_count));
    // One to three of the API's permissions, chosen by position so the
    // random draws stay as they were.
    static constexpr const char* kPermissionNames[] = {
        "read:data", "write:data", "approve:data", "admin:data"};
    Json granted = Json::array();
    for (int p = 0; p <= r % 3; ++p) {
      granted.push_back(
          {{"resource_server_identifier",
            absl::StrFormat("https://api%03d.corp.example.com", api)},
           {"permission_name", kPermissionNames[(r + p) % 4]}});
    }
    roles.push_back({{"id", core_role_ids.back()},
                     {"name", absl::StrFormat("Core Role %04d", r)},
                     {"description", "generated"},
                     {"users", std::move(members)},
                     {"permissions", std::move(granted)}});
  }
  fixture["roles"] = std::move(roles);

  // Extension roles (one application each, skewed) and permissions.
  const int extension_roles = spec.roles - core_roles;
  Json extension_role_records = Json::array();
  Json permissions = Json::array();
  for (int r = 0; r < extension_roles; ++r) {
    const double skew = random.Unit();
    const int app =
        spec.apps > 0 ? static_cast<int>(skew * skew * spec.apps) : 0;
    const std::string app_id = spec.apps > 0 ? client_ids[app] : "";
    Json direct = Json::array();
    if (random.Chance(0.1)) {
      for (int64_t i : Sample(random, workforce_count, 3))
        direct.push_back(workforce_ids[i]);
    }
    permissions.push_back({{"_id", Uuid(kPermissionId, r)},
                           {"name", absl::StrFormat("use:app%04d", app)},
                           {"applicationType", "client"},
                           {"applicationId", app_id}});
    extension_role_records.push_back(
        {{"_id", Uuid(kRoleId, r)},
         {"name", absl::StrFormat("Extension Role %04d", r)},
         {"description", "generated"},
         {"applicationType", "client"},
         {"applicationId", app_id},
         {"permissions", {Uuid(kPermissionId, r)}},
         {"users", std::move(direct)}});
  }

  // Extension groups: skewed sizes, nesting to depth 6, a few cycles.
  std::vector<int> depth(static_cast<size_t>(spec.groups), 0);
  std::vector<int> parent(static_cast<size_t>(spec.groups), -1);
  Json groups = Json::array();
  for (int g = 0; g < spec.groups; ++g) {
    Json members = Json::array();
    if (g % 7 != 6) {  // every seventh group is empty
      const int64_t size = std::max<int64_t>(
          1, static_cast<int64_t>(0.2 * workforce_count / (g + 1)));
      for (int64_t i : Sample(random, workforce_count, size))
        members.push_back(workforce_ids[i]);
    }
    Json group_roles = Json::array();
    const int role_count =
        extension_roles > 0 ? static_cast<int>(random.Below(4)) : 0;
    for (int k = 0; k < role_count; ++k) {
      group_roles.push_back(
          Uuid(kRoleId, static_cast<int64_t>(random.Below(extension_roles))));
    }
    groups.push_back({{"_id", Uuid(kGroupId, g)},
                      {"name", absl::StrFormat("Group %05d", g)},
                      {"description", "generated"},
                      {"members", std::move(members)},
                      {"roles", std::move(group_roles)},
                      {"nested", Json::array()},
                      {"mappings", Json::array()}});
    if (g > 0 && random.Chance(0.35)) {
      const int p = static_cast<int>(random.Below(g));
      if (depth[p] < kMaxGeneratedNestingDepth) {
        groups[p]["nested"].push_back(Uuid(kGroupId, g));
        depth[g] = depth[p] + 1;
        parent[g] = p;
      }
    }
  }
  // Cycles: a group nests one of its ancestors.
  const int cycles = spec.groups >= 20 ? std::max(1, spec.groups / 500) : 0;
  for (int made = 0, g = spec.groups - 1; g > 0 && made < cycles; --g) {
    if (depth[g] >= 2) {
      groups[g]["nested"].push_back(Uuid(kGroupId, parent[parent[g]]));
      ++made;
    }
  }
  fixture["authorization_extension"] = {
      {"groups", std::move(groups)},
      {"roles", std::move(extension_role_records)},
      {"permissions", std::move(permissions)}};

  // Native SCIM groups on the first workforce connection.
  Json native = Json::array();
  const int native_groups = spec.groups / 10;
  const std::vector<std::string>& scim_users = users_by_connection[0];
  for (int g = 0; g < native_groups; ++g) {
    Json members = Json::array();
    const int64_t size = std::max<int64_t>(
        1, static_cast<int64_t>(scim_users.size() / 20 / (g + 1)));
    for (int64_t i :
         Sample(random, static_cast<int64_t>(scim_users.size()), size)) {
      members.push_back({{"id", scim_users[i]}, {"member_type", "user"}});
    }
    if (g + 1 < native_groups && random.Chance(0.3)) {
      members.push_back({{"id", absl::StrFormat("grp_%016d", g + 1)},
                         {"member_type", "group"}});
    }
    Json group_roles = Json::array();
    if (core_roles > 0 && random.Chance(0.5)) {
      group_roles.push_back(core_role_ids[random.Below(core_roles)]);
    }
    native.push_back({{"id", absl::StrFormat("grp_%016d", g)},
                      {"name", absl::StrFormat("scim-group-%04d", g)},
                      {"external_id", absl::StrCat("ext-", g)},
                      {"connection_id", absl::StrFormat("con_%016d", 0)},
                      {"tenant_name", tenant_name},
                      {"members", std::move(members)},
                      {"roles", std::move(group_roles)}});
  }
  fixture["groups"] = std::move(native);

  // Organizations: workforce and customer members, some with roles.
  Json organizations = Json::array();
  for (int o = 0; o < spec.orgs; ++o) {
    Json members = Json::array();
    auto add = [&](const std::string& user_id) {
      Json member_roles = Json::array();
      if (core_roles > 0 && random.Chance(0.3)) {
        member_roles.push_back(core_role_ids[random.Below(core_roles)]);
      }
      members.push_back(
          {{"user_id", user_id}, {"roles", std::move(member_roles)}});
    };
    for (int64_t i : Sample(random, workforce_count, 20)) add(workforce_ids[i]);
    for (int64_t i :
         Sample(random, static_cast<int64_t>(customer_ids.size()), 50)) {
      add(customer_ids[i]);
    }
    organizations.push_back(
        {{"id", absl::StrFormat("org_%016d", o)},
         {"name", absl::StrFormat("org-%04d", o)},
         {"display_name", absl::StrFormat("Organization %04d", o)},
         {"members", std::move(members)}});
  }
  fixture["organizations"] = std::move(organizations);
  return fixture;
}

}  // namespace

absl::StatusOr<GeneratorSpec> ParseGeneratorSpec(absl::string_view text) {
  GeneratorSpec spec;
  for (absl::string_view item :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> pair =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    int64_t value = 0;
    if (pair.size() != 2 || !absl::SimpleAtoi(pair[1], &value) || value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--generate: '", item,
                       "' is not KEY=NUMBER (a whole number, 0 or more)"));
    }
    const absl::string_view key = pair[0];
    if (key == "users") {
      spec.users = value;
    } else if (key == "connections") {
      if (value < 1 || value > kMaxWorkforceConnections) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--generate: connections must be 1 to ", kMaxWorkforceConnections,
            " (workforce connections; a customer database is always added)"));
      }
      spec.connections = static_cast<int>(value);
    } else if (key == "groups") {
      spec.groups = static_cast<int>(value);
    } else if (key == "roles") {
      spec.roles = static_cast<int>(value);
    } else if (key == "apps") {
      spec.apps = static_cast<int>(value);
    } else if (key == "orgs") {
      spec.orgs = static_cast<int>(value);
    } else if (key == "seed") {
      spec.seed = static_cast<uint64_t>(value);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--generate: unknown key '", key,
          "'; use users, connections, groups, roles, apps, orgs, seed"));
    }
  }
  if (spec.users > 10'000'000 || spec.groups > 1'000'000 ||
      spec.roles > 1'000'000 || spec.apps > 1'000'000 || spec.orgs > 100'000) {
    return absl::InvalidArgumentError(
        "--generate: sizes are capped at 10M users and 1M groups, roles and "
        "apps, "
        "100k orgs");
  }
  return spec;
}

Tenant GenerateTenant(const GeneratorSpec& spec) {
  absl::StatusOr<Tenant> tenant = TenantFromFixture(GenerateFixture(spec));
  // The generator only makes what the loader accepts; a failure here is a bug
  // in it.
  if (!tenant.ok()) {
    std::fprintf(stderr, "auth0-sim: generator bug: %s\n",
                 std::string(tenant.status().message()).c_str());
    std::abort();
  }
  return *std::move(tenant);
}

}  // namespace identitygraph::sim
