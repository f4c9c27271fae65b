// follow_bench: how fresh answers stay when the server follows a tenant's
// changes, measured against a generated tenant in auth0-sim at an
// enterprise tenant's rate limit (50 burst, 16 requests/s), with login noise
// and late log delivery.
//
//   build/tests/bench/follow_bench               # 100k users, 100 changes
//   build/tests/bench/follow_bench --spec=users=10000,... --changes=20
//
// A ScanManager (the server's, in process) starts the scan following needs,
// then the bench makes changes of mixed kinds through the simulator's control
// endpoint, each at a random moment of the poll interval, and watches the
// served snapshot until it shows the change: time from the change to the
// answer (p50, p95, max), follower requests per change, follower requests
// per idle minute, and the time each batch took to publish; then a burst of
// changes made at once, and the publish time of the batch that applies it.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "graph/queries.h"
#include "server/config_store.h"
#include "server/proto_time.h"
#include "server/scan_manager.h"
#include "tests/auth0_sim/generator.h"
#include "tests/sim_instance.h"
#include "tests/test_temp_dir.h"

ABSL_FLAG(std::string, spec,
          "users=100000,connections=3,groups=5000,roles=2000,apps=1000,"
          "orgs=50,seed=7",
          "The generated tenant (auth0-sim --generate)");
ABSL_FLAG(int, changes, 100, "Changes to make and time");
ABSL_FLAG(absl::Duration, poll_interval, absl::Seconds(5),
          "change_poll_interval (5s to 15m)");
ABSL_FLAG(double, login_noise_per_second, 5,
          "Logins and failed logins the tenant writes per second");
ABSL_FLAG(absl::Duration, log_delivery_delay, absl::Seconds(2),
          "Most an event's delivery to the log is delayed (random per event)");
ABSL_FLAG(absl::Duration, idle, absl::Seconds(60),
          "How long to watch the follower's cost with no changes");
ABSL_FLAG(int, rate_per_second, 16, "The tenant's sustained rate limit");
ABSL_FLAG(int, burst, 100,
          "Changes made at once after the timed ones, right after a poll, so "
          "that one batch applies them: its publish time");

namespace identitygraph::bench {
namespace {

using Json = nlohmann::json;

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(
      values.size() - 1, static_cast<size_t>(q * (values.size() - 1) + 0.5));
  return values[index];
}

// One change and how to see it in a snapshot.
struct Change {
  std::string kind;
  Json body;
  std::function<bool(const graph::Snapshot&)> visible;
};

bool HasRole(const graph::Snapshot& snapshot, const std::string& user,
             const std::string& role) {
  const graph::VertexId u = snapshot.FindById(graph::VertexKind::kUser, user);
  if (u == graph::kNoVertex) return false;
  absl::StatusOr<std::vector<graph::VertexId>> roles =
      graph::RolesOfUser(snapshot, u, /*effective=*/false);
  if (!roles.ok()) return false;
  for (graph::VertexId r : *roles) {
    if (snapshot.id(r) == role) return true;
  }
  return false;
}

bool NameIs(const graph::Snapshot& snapshot, graph::VertexKind kind,
            const std::string& id, const std::string& name) {
  const graph::VertexId v = snapshot.FindById(kind, id);
  return v != graph::kNoVertex && snapshot.name(v) == name;
}

// Changes of five kinds in turn, on workforce users and the tenant's roles.
class Changes {
 public:
  Changes(const sim::Tenant& tenant, uint32_t seed) : random_(seed) {
    std::vector<std::string> workforce;
    for (const Json& c : tenant.connections) {
      if (c["strategy"] != "auth0") workforce.push_back(c["name"]);
    }
    for (const Json& user : tenant.users) {
      const std::string connection =
          user["identities"][0].value("connection", "");
      if (std::find(workforce.begin(), workforce.end(), connection) !=
          workforce.end()) {
        users_.push_back(user["user_id"]);
      }
    }
    for (const Json& role : tenant.roles) roles_.push_back(role["id"]);
    for (const auto& [role, users] : tenant.role_users) {
      for (const std::string& user : users) held_.insert({user, role});
    }
  }

  Change Next(int i) {
    const std::string user = Pick(users_);
    const std::string role = Pick(roles_);
    const std::string tag = absl::StrCat("renamed-", i);
    switch (i % 5) {
      case 0:
      case 1: {
        // Assign or remove, whichever changes something.
        const bool holds = held_.contains({user, role});
        if (holds) {
          held_.erase({user, role});
        } else {
          held_.insert({user, role});
        }
        return {holds ? "remove_user_roles" : "assign_user_roles",
                {{"op", holds ? "remove_user_roles" : "assign_user_roles"},
                 {"user_id", user},
                 {"roles", {role}}},
                [user, role, holds](const graph::Snapshot& s) {
                  return HasRole(s, user, role) != holds;
                }};
      }
      case 2: {
        if (held_.contains({user, role})) return Next(i + 5);
        held_.insert({user, role});
        return {
            "add_role_users",
            {{"op", "add_role_users"}, {"role_id", role}, {"users", {user}}},
            [user, role](const graph::Snapshot& s) {
              return HasRole(s, user, role);
            }};
      }
      case 3:
        return {"update_user",
                {{"op", "update_user"},
                 {"user_id", user},
                 {"set", {{"name", tag}}}},
                [user, tag](const graph::Snapshot& s) {
                  return NameIs(s, graph::VertexKind::kUser, user, tag);
                }};
      default:
        return {"update_role",
                {{"op", "update_role"},
                 {"role_id", role},
                 {"set", {{"name", tag}}},
                 {"channel", "dashboard"}},
                [role, tag](const graph::Snapshot& s) {
                  return NameIs(s, graph::VertexKind::kRole, role, tag);
                }};
    }
  }

 private:
  const std::string& Pick(const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(
        0, from.size() - 1)(random_)];
  }

  std::mt19937 random_;
  std::vector<std::string> users_;
  std::vector<std::string> roles_;
  absl::flat_hash_set<std::pair<std::string, std::string>> held_;
};

int Main() {
  const std::string spec_text = absl::GetFlag(FLAGS_spec);
  absl::StatusOr<sim::GeneratorSpec> spec = sim::ParseGeneratorSpec(spec_text);
  if (!spec.ok()) {
    std::fprintf(stderr, "--spec: %s\n", spec.status().ToString().c_str());
    return 1;
  }
  const sim::Tenant tenant = sim::GenerateTenant(*spec);
  auto sim = SimInstance::Start(
      {absl::StrCat("--generate=", spec_text), "--rate_burst=50",
       absl::StrCat("--rate_per_second=", absl::GetFlag(FLAGS_rate_per_second)),
       absl::StrCat("--login_noise_per_second=",
                    absl::GetFlag(FLAGS_login_noise_per_second)),
       absl::StrCat("--log_delivery_delay=", absl::FormatDuration(absl::GetFlag(
                                                 FLAGS_log_delivery_delay)))},
      spec->domain);
  if (!sim.ok()) {
    std::fprintf(stderr, "auth0-sim: %s\n", sim.status().ToString().c_str());
    return 1;
  }

  TestTempDir dir;
  absl::StatusOr<std::unique_ptr<ConfigStore>> store =
      ConfigStore::Open(dir.path(), ValidatorOptions());
  if (!store.ok()) return 1;
  v1::Config config;
  config.set_domain(spec->domain);
  config.set_client_id(spec->client_id);
  config.set_client_secret(spec->client_secret);
  for (const Json& c : tenant.connections) {
    if (c["strategy"] != "auth0") config.add_connections(c["name"]);
  }
  config.mutable_authorization_extension()->set_enabled(true);
  config.mutable_authorization_extension()->set_api_url(
      absl::StrCat("https://", tenant.extension_host,
                   "/adf6e2f2b84784b57522e3b19dfc9201/api"));
  config.mutable_import_options()->set_include_organizations(true);
  config.mutable_import_options()->set_login_reachability(true);
  config.mutable_import_options()->set_follow_changes(true);
  *config.mutable_import_options()->mutable_change_poll_interval() =
      ToProtoDuration(absl::GetFlag(FLAGS_poll_interval));
  auto saved = (*store)->Update(config, {}, false, absl::Now());
  if (!saved.ok() || !saved->violations.empty()) {
    std::fprintf(stderr, "configuration refused\n");
    return 1;
  }

  graph::SnapshotHolder holder;
  ScanManager::Options options;
  options.data_dir = dir.path();
  options.import.http = (*sim)->HttpOptions();
  const absl::Time scan_start = absl::Now();
  auto manager = ScanManager::Open(**store, holder, options);
  if (!manager.ok()) {
    std::fprintf(stderr, "%s\n", manager.status().ToString().c_str());
    return 1;
  }
  ScanManager& scans = **manager;
  // The server's start asks for the scan following needs.
  while (scans.Following().state() != v1::FOLLOWING_STATE_FOLLOWING) {
    if (absl::Now() - scan_start > absl::Minutes(30)) {
      std::fprintf(stderr, "following did not start: %s\n",
                   scans.Following().DebugString().c_str());
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  std::printf("tenant: %s; first scan and following started in %.1f s\n",
              spec_text.c_str(),
              absl::ToDoubleSeconds(absl::Now() - scan_start));

  // The first polls read the log's backlog (the scan's minutes of noise):
  // caught up first, so that idle measures only the steady cost.
  std::atomic<bool> never{false};
  if (absl::Status caught_up = scans.WaitForChanges(
          absl::Now(), absl::Now() + absl::Minutes(10), never);
      !caught_up.ok()) {
    std::fprintf(stderr, "following did not catch up: %s\n",
                 caught_up.ToString().c_str());
    return 1;
  }
  // Idle: no changes, only login noise.
  const v1::FollowingStatus idle_before = scans.Following();
  const absl::Duration idle = absl::GetFlag(FLAGS_idle);
  absl::SleepFor(idle);
  const v1::FollowingStatus idle_after = scans.Following();
  const int64_t idle_extension =
      idle_after.extension_requests() - idle_before.extension_requests();
  const int64_t idle_management =
      idle_after.requests() - idle_before.requests() - idle_extension;

  Changes changes(tenant, 11);
  std::mt19937 random(5);
  const absl::Duration interval = absl::GetFlag(FLAGS_poll_interval);
  std::vector<double> latencies;
  const int count = absl::GetFlag(FLAGS_changes);
  const v1::FollowingStatus before = scans.Following();
  int lost = 0;
  for (int i = 0; i < count; ++i) {
    // A random moment of the poll interval.
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(
        0, static_cast<int>(absl::ToInt64Milliseconds(interval)))(random)));
    Change change = changes.Next(i);
    const absl::Time made = absl::Now();
    if (absl::Status status = (*sim)->Change(change.body); !status.ok()) {
      std::fprintf(stderr, "change %d: %s\n", i, status.ToString().c_str());
      return 1;
    }
    const absl::Time give_up = made + interval + absl::Minutes(2);
    bool seen = false;
    while (absl::Now() < give_up) {
      std::shared_ptr<const graph::Snapshot> snapshot = holder.Get();
      if (snapshot != nullptr && change.visible(*snapshot)) {
        seen = true;
        break;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    if (!seen) {
      ++lost;
      std::fprintf(stderr, "change %d (%s) not visible after %s\n", i,
                   change.kind.c_str(),
                   absl::FormatDuration(give_up - made).c_str());
      continue;
    }
    latencies.push_back(absl::ToDoubleSeconds(absl::Now() - made));
  }
  const v1::FollowingStatus after = scans.Following();
  // The burst: right after a poll, so that the next reads it whole.
  const int burst = absl::GetFlag(FLAGS_burst);
  std::vector<Change> burst_changes;
  absl::Time burst_start;
  int burst_lost = 0;
  if (burst > 0) {
    const int64_t polls = scans.Following().polls();
    while (scans.Following().polls() == polls) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    burst_start = absl::Now();
    for (int i = 0; i < burst; ++i) {
      burst_changes.push_back(changes.Next(count + i));
      if (absl::Status status = (*sim)->Change(burst_changes.back().body);
          !status.ok()) {
        std::fprintf(stderr, "burst change %d: %s\n", i,
                     status.ToString().c_str());
        return 1;
      }
    }
    const absl::Time give_up = absl::Now() + interval + absl::Minutes(2);
    for (const Change& change : burst_changes) {
      while (!change.visible(*holder.Get()) && absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(5));
      }
      if (!change.visible(*holder.Get())) ++burst_lost;
    }
  }
  const int64_t change_extension =
      after.extension_requests() - before.extension_requests();
  const int64_t change_management =
      after.requests() - before.requests() - change_extension;

  std::vector<double> publish;
  std::vector<std::string> burst_batches;
  for (const v1::ChangeBatch& batch : scans.ListChangeBatches()) {
    if (burst > 0 && batch.snapshot_version() > 0 &&
        FromProtoTimestamp(batch.time()) >= burst_start) {
      burst_batches.push_back(absl::StrFormat(
          "%lld events, %lld records read, published in %.0f ms",
          static_cast<long long>(batch.relevant_events()),
          static_cast<long long>(batch.records_read()),
          absl::ToDoubleMilliseconds(
              FromProtoDuration(batch.publish_duration()))));
      continue;
    }
    if (batch.snapshot_version() > 0) {
      publish.push_back(absl::ToDoubleMilliseconds(
          FromProtoDuration(batch.publish_duration())));
    }
  }
  const double seconds = absl::ToDoubleSeconds(interval);
  std::printf(
      "poll interval %.0f s, %.0f logins/s of noise, delivery delay up to "
      "%s, %d requests/s\n",
      seconds, absl::GetFlag(FLAGS_login_noise_per_second),
      absl::FormatDuration(absl::GetFlag(FLAGS_log_delivery_delay)).c_str(),
      absl::GetFlag(FLAGS_rate_per_second));
  std::printf(
      "change to answer over %zu changes: p50 %.2f s, p95 %.2f s, max %.2f s "
      "(target p95 <= %.0f s); %d not seen\n",
      latencies.size(), Quantile(latencies, 0.5), Quantile(latencies, 0.95),
      latencies.empty() ? 0.0
                        : *std::max_element(latencies.begin(), latencies.end()),
      seconds + 5, lost);
  const double idle_minutes = absl::ToDoubleSeconds(idle) / 60;
  std::printf(
      "Management API requests: %.2f per change (%lld for %d changes, the "
      "polls between them included; target <= 3), %.1f per idle minute "
      "(target <= %.0f)\n",
      count > 0 ? static_cast<double>(change_management) / count : 0.0,
      static_cast<long long>(change_management), count,
      idle_management / idle_minutes, 60 / seconds);
  std::printf(
      "Authorization Extension requests (one export per poll): %.2f per "
      "change, %.1f per idle minute\n",
      count > 0 ? static_cast<double>(change_extension) / count : 0.0,
      idle_extension / idle_minutes);
  std::printf(
      "batch publish (the touched entities mapped, the delta applied and "
      "journaled): p50 %.0f ms, max %.0f ms over %zu "
      "batches\n",
      Quantile(publish, 0.5),
      publish.empty() ? 0.0 : *std::max_element(publish.begin(), publish.end()),
      publish.size());
  if (burst > 0) {
    std::printf(
        "burst of %d changes made at once (%d not seen), applied by %zu "
        "batches: %s\n",
        burst, burst_lost, burst_batches.size(),
        absl::StrJoin(burst_batches, "; ").c_str());
  }
  return lost == 0 && burst_lost == 0 ? 0 : 1;
}

}  // namespace
}  // namespace identitygraph::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Measures how fresh answers stay when the server follows a generated "
      "tenant's changes in auth0-sim.");
  absl::ParseCommandLine(argc, argv);
  return identitygraph::bench::Main();
}
