// import_bench: a scan of a generated tenant from auth0-sim, measured.
//
//   build/tests/bench/import_bench                  # the 100k tenant
//   build/tests/bench/import_bench --rate_limited=false   # unlimited only
//
// Two runs: first with the simulator unlimited (wall time, requests against
// the fewest a complete import can make, parse throughput, and the graph
// compared edge by edge with what the tenant's records say), then with the
// simulator at an enterprise production tenant's limit (50 burst, 16/s):
// time against the bound (requests - burst) / 16, and 429s (none expected
// once the first answer has told the limiter the budget).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "importer/import.h"
#include "tests/auth0_sim/generator.h"
#include "tests/import_oracle.h"
#include "tests/sim_instance.h"

ABSL_FLAG(std::string, spec,
          "users=100000,connections=3,groups=5000,roles=2000,apps=1000,"
          "orgs=50,seed=7",
          "The generated tenant (auth0-sim --generate)");
ABSL_FLAG(bool, rate_limited, true,
          "Also run at 16 requests/s sustained (takes a few minutes)");
ABSL_FLAG(int, concurrency, 4, "Requests in flight at once");
ABSL_FLAG(int, export_polls, 3, "Polls until a simulated export job is done");

namespace identitygraph::bench {
namespace {

using importer::ImportResult;
using importer::TenantConfig;

int64_t Pages(int64_t records, int64_t per_page) {
  return std::max<int64_t>(1, (records + per_page - 1) / per_page);
}

const std::vector<std::string>& Listed(const sim::Tenant::IdLists& lists,
                                       const std::string& key) {
  static const std::vector<std::string> kNone;
  auto it = lists.find(key);
  return it == lists.end() ? kNone : it->second;
}

// The fewest Management API and extension requests a complete import can
// make without knowing the tenant beforehand: one page per 100 records (1000
// for connection clients), a first search page per connection to learn its
// size, and for connections past the search cap an export job (create, and
// the polls the simulator needs to finish it). Downloads are not counted:
// they are not Management API requests and have no rate limit.
int64_t MinimumRequests(const sim::Tenant& tenant,
                        const std::vector<std::string>& selected,
                        int export_polls) {
  int64_t n = Pages(static_cast<int64_t>(tenant.connections.size()), 100);
  std::set<std::string> selected_ids;
  for (const sim::Json& c : tenant.connections) {
    const std::string name = c["name"];
    if (std::find(selected.begin(), selected.end(), name) == selected.end())
      continue;
    selected_ids.insert(c["id"].get<std::string>());
    int64_t users = 0;
    for (const sim::Json& user : tenant.users) {
      for (const sim::Json& identity : user["identities"])
        users += identity.value("connection", "") == name;
    }
    n += users <= 1000 ? Pages(users, 100) : 1 + 1 + export_polls;
    n += Pages(
        static_cast<int64_t>(Listed(tenant.connection_clients, c["id"]).size()),
        1000);
  }
  n += Pages(static_cast<int64_t>(tenant.clients.size()), 100);
  n += Pages(static_cast<int64_t>(tenant.resource_servers.size()), 100);
  n += Pages(static_cast<int64_t>(tenant.roles.size()), 100);
  for (const sim::Json& role : tenant.roles) {
    const std::string id = role["id"];
    n += Pages(static_cast<int64_t>(Listed(tenant.role_users, id).size()), 100);
    auto permissions = tenant.role_permissions.find(id);
    n += Pages(permissions == tenant.role_permissions.end()
                   ? 0
                   : static_cast<int64_t>(permissions->second.size()),
               100);
  }
  n += Pages(static_cast<int64_t>(tenant.groups.size()), 100);
  for (const sim::Json& group : tenant.groups) {
    const std::string connection = group.value("connection_id", "");
    if (!connection.empty() && !selected_ids.count(connection)) continue;
    const std::string id = group["id"];
    auto members = tenant.group_members.find(id);
    n += Pages(members == tenant.group_members.end()
                   ? 0
                   : static_cast<int64_t>(members->second.size()),
               100);
    n +=
        Pages(static_cast<int64_t>(Listed(tenant.group_roles, id).size()), 100);
  }
  n += Pages(static_cast<int64_t>(tenant.organizations.size()), 100);
  for (const sim::Json& organization : tenant.organizations) {
    n += Pages(
        static_cast<int64_t>(
            Listed(tenant.organization_members, organization["id"]).size()),
        100);
  }
  return n + 1;  // the extension's configuration export
}

struct Run {
  ImportResult result;
  std::string phases;  // " PHASE:SECONDS/REQUESTS" for each phase
  double seconds = 0;
  nlohmann::json stats;
};

bool RunImport(const std::vector<std::string>& sim_flags,
               const TenantConfig& config, Run* run) {
  auto sim = SimInstance::Start(sim_flags, config.domain);
  if (!sim.ok()) {
    std::fprintf(stderr, "auth0-sim: %s\n", sim.status().ToString().c_str());
    return false;
  }
  importer::ImportOptions options;
  options.http = (*sim)->HttpOptions();
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.users.min_poll_interval = absl::Milliseconds(200);
  std::atomic<bool> cancelled{false};
  const absl::Time start = absl::Now();
  absl::Time phase_start = start;
  importer::ImportPhase phase = importer::ImportPhase::kToken;
  int64_t phase_requests = 0;
  std::string phases;
  auto on_progress = [&](const importer::ImportProgress& p) {
    if (p.phase == phase) return;
    absl::StrAppendFormat(&phases, " %d:%.1fs/%lld", static_cast<int>(phase),
                          absl::ToDoubleSeconds(absl::Now() - phase_start),
                          static_cast<long long>(p.requests - phase_requests));
    phase = p.phase;
    phase_start = absl::Now();
    phase_requests = p.requests;
  };
  absl::StatusOr<ImportResult> result =
      importer::Import(config, options, cancelled, on_progress);
  run->phases = phases;
  run->seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!result.ok()) {
    std::fprintf(stderr, "import failed: %s\n",
                 result.status().ToString().c_str());
    return false;
  }
  run->result = std::move(*result);
  absl::StatusOr<nlohmann::json> stats = (*sim)->Stats();
  if (stats.ok()) run->stats = *stats;
  return true;
}

int Main() {
  const std::string spec_text = absl::GetFlag(FLAGS_spec);
  absl::StatusOr<sim::GeneratorSpec> spec = sim::ParseGeneratorSpec(spec_text);
  if (!spec.ok()) {
    std::fprintf(stderr, "--spec: %s\n", spec.status().ToString().c_str());
    return 2;
  }
  const absl::Time generating = absl::Now();
  const sim::Tenant tenant = sim::GenerateTenant(*spec);
  std::printf("tenant: %s (generated in %.1f s here, for the oracle)\n",
              spec_text.c_str(),
              absl::ToDoubleSeconds(absl::Now() - generating));

  TenantConfig config;
  config.domain = spec->domain;
  config.client_id = spec->client_id;
  config.client_secret = spec->client_secret;
  for (const sim::Json& c : tenant.connections) {
    if (c["strategy"] != "auth0") config.connections.push_back(c["name"]);
  }
  config.extension.enabled = true;
  config.extension.api_url =
      absl::StrCat("https://", tenant.extension_host,
                   "/adf6e2f2b84784b57522e3b19dfc9201/api");
  config.include_organizations = true;
  config.login_reachability = true;
  const int polls = absl::GetFlag(FLAGS_export_polls);
  const int64_t minimum = MinimumRequests(tenant, config.connections, polls);
  const std::vector<std::string> base = {
      absl::StrCat("--generate=", spec_text),
      absl::StrCat("--export_polls=", polls)};

  // 1. Unlimited: how fast the importer itself is.
  std::vector<std::string> flags = base;
  flags.push_back("--rate_burst=1000000");
  flags.push_back("--rate_per_second=1000000");
  Run fast;
  if (!RunImport(flags, config, &fast)) return 1;
  const importer::ImportProgress& report = fast.result.report;
  std::printf("phases (phase:time/requests):%s\n", fast.phases.c_str());
  const importer::UserFetchStats& users = fast.result.users;
  std::printf(
      "unlimited: %.1f s wall, %lld requests (minimum %lld, %+.1f%%), %lld "
      "retries, %lld token requests\n",
      fast.seconds, static_cast<long long>(report.requests),
      static_cast<long long>(minimum),
      100.0 * (report.requests - minimum) / minimum,
      static_cast<long long>(report.retries),
      static_cast<long long>(fast.result.token_requests));
  const double parse_seconds = absl::ToDoubleSeconds(users.parse_time);
  std::printf(
      "  exports: %lld jobs, %lld polls, %lld downloads, %.1f MB gzip, %lld "
      "users parsed in %.2f s (%.0f users/s)\n",
      static_cast<long long>(users.export_jobs),
      static_cast<long long>(users.export_polls),
      static_cast<long long>(users.downloads), users.download_bytes / 1e6,
      static_cast<long long>(users.export_lines), parse_seconds,
      parse_seconds > 0 ? users.export_lines / parse_seconds : 0.0);

  OracleOptions oracle;
  oracle.connections = config.connections;
  const ExpectedImport expected = ExpectImport(tenant, oracle);
  const absl::Time building = absl::Now();
  std::shared_ptr<const graph::Snapshot> snapshot =
      std::move(fast.result.builder).Build(1, absl::Now());
  const double build_seconds = absl::ToDoubleSeconds(absl::Now() - building);
  const std::set<std::string> edges = SnapshotEdges(*snapshot);
  const bool same = edges == expected.edges;
  std::printf(
      "  graph: %zu vertices, %zu edges, built in %.2f s; %s the tenant's "
      "records (%zu edges expected, %lld users)\n",
      snapshot->vertex_count(), snapshot->edge_count(), build_seconds,
      same ? "equals" : "DIFFERS FROM", expected.edges.size(),
      static_cast<long long>(expected.users));
  if (!same) std::printf("%s\n", EdgeDifference(expected.edges, edges).c_str());
  std::string dropped;
  for (const auto& [source, count] : report.dropped)
    absl::StrAppend(&dropped, " ", source, "=", count);
  std::printf("  left out by the connection filter:%s\n", dropped.c_str());

  if (!absl::GetFlag(FLAGS_rate_limited)) return same ? 0 : 1;

  // 2. At an enterprise production tenant's limit, all of it.
  constexpr double kBurst = 50, kPerSecond = 16;
  flags = base;
  flags.push_back(absl::StrCat("--rate_burst=", kBurst));
  flags.push_back(absl::StrCat("--rate_per_second=", kPerSecond));
  config.rate_limit_share = 1;
  Run limited;
  if (!RunImport(flags, config, &limited)) return 1;
  const int64_t requests = limited.result.report.requests;
  // The extension's request is not in the Management API's bucket.
  const double bound = (requests - 1 - kBurst) / kPerSecond;
  std::printf(
      "at 50 burst, 16/s: %.1f s wall for %lld requests; bound (requests - "
      "burst) / 16 = %.1f s (%+.1f%%); %lld answered 429; waited for the "
      "limit %.1f s (time some worker waited)\n",
      limited.seconds, static_cast<long long>(requests), bound,
      100.0 * (limited.seconds - bound) / bound,
      static_cast<long long>(limited.stats.value("rate_limited", -1)),
      absl::ToDoubleSeconds(limited.result.report.rate_limit_wait));

  // 3. The same at the default share, leaving half to the tenant's others.
  config.rate_limit_share = importer::kDefaultRateLimitShare;
  Run polite;
  if (!RunImport(flags, config, &polite)) return 1;
  const double share = importer::kDefaultRateLimitShare;
  const int64_t polite_requests = polite.result.report.requests;
  const double polite_bound =
      (polite_requests - 1 - share * kBurst) / (share * kPerSecond);
  std::printf(
      "at the default share (%.0f%%): %.1f s wall for %lld requests; bound "
      "(requests - share of the burst) / share of 16/s = %.1f s (%+.1f%%); "
      "%lld answered 429; waited %.1f s\n",
      100 * share, polite.seconds, static_cast<long long>(polite_requests),
      polite_bound, 100.0 * (polite.seconds - polite_bound) / polite_bound,
      static_cast<long long>(polite.stats.value("rate_limited", -1)),
      absl::ToDoubleSeconds(polite.result.report.rate_limit_wait));
  return same ? 0 : 1;
}

}  // namespace
}  // namespace identitygraph::bench

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "import_bench.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "Imports a generated tenant from auth0-sim and prints the figures");
  absl::ParseCommandLine(argc, argv);
  return identitygraph::bench::Main();
}
