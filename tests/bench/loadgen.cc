// loadgen: AccessService.CheckAccess under load, against the floor of an RPC
// (grpc.health.v1.Health/Check), on one server with a scanned generated tenant.
//
//   build/tests/bench/loadgen                    # 100k users, 7 rounds of 3 s
//   build/tests/bench/loadgen --in_flight=128 --rounds=3 --duration=10s
//
// It starts auth0-sim (--spec) and identitygraph-server, configures and scans,
// then keeps --in_flight calls outstanding with gRPC's callback API. Three
// phases take turns for --duration each, --rounds times, each round starting
// with another: Health/Check; CheckAccess (by user id and client id, random
// pairs, cached and uncached alike, the default basic view); the same in the
// full view; and CheckAccess against a second server that serves metrics
// (--metrics_listen); and CheckPermission (random users and the permissions
// core roles grant). Then CheckAccess while a rescan runs, until it ends.
// Prints requests/s and p50/p99/p999 latency per phase, each round's figures,
// CheckAccess against Health/Check (the median of the rounds' throughput
// ratios and the ratio of the pooled p99s), and with metrics against without.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/durable_file.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "re2/re2.h"
#include "tests/auth0_sim/generator.h"
#include "tests/metrics_page.h"
#include "tests/server_process.h"
#include "tests/sim_instance.h"
#include "tests/test_temp_dir.h"

ABSL_FLAG(std::string, spec,
          "users=100000,connections=3,groups=5000,roles=2000,apps=1000,"
          "orgs=50,seed=7",
          "The generated tenant (auth0-sim --generate)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3),
          "Length of each phase in each round");
ABSL_FLAG(int, rounds, 7,
          "Rounds of the Health / CheckAccess / full view phases");
ABSL_FLAG(int, in_flight, 64, "Calls outstanding at once");
ABSL_FLAG(bool, metrics, true,
          "Whether the second server serves metrics; false makes the last "
          "phase an A/A control (two identical servers)");

namespace identitygraph::bench {
namespace {

constexpr char kAdminToken[] = "loadgen-admin-token-0123456789abcdef";

struct Figures {
  int64_t calls = 0;
  double per_second = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0;
  int64_t errors = 0;
};

// Keeps `in_flight` calls going for `duration` per Run; `issue(slot, done)`
// issues one call and must run `done(ok)` when it completes. Runs add up, so
// one Load can gather a phase measured in several rounds.
class Load {
 public:
  using Done = std::function<void(bool ok)>;
  using Issue = std::function<void(int slot, Done done)>;

  // Returns this run's requests per second.
  double Run(int in_flight, absl::Duration duration, const Issue& issue) {
    end_ = absl::Now() + duration;
    const absl::Time start = absl::Now();
    const size_t before = latencies_us_.size();
    outstanding_ = in_flight;
    for (int slot = 0; slot < in_flight; ++slot) Next(slot, issue);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      idle_.wait(lock, [this] { return outstanding_ == 0; });
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    seconds_ += seconds;
    return (latencies_us_.size() - before) / seconds;
  }

  Figures Total() {
    Figures f;
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto at = [&](double q) {
      return latencies_us_.empty()
                 ? 0.0
                 : latencies_us_[std::min(
                       latencies_us_.size() - 1,
                       static_cast<size_t>(q * latencies_us_.size()))];
    };
    f.calls = static_cast<int64_t>(latencies_us_.size());
    f.per_second = seconds_ > 0 ? latencies_us_.size() / seconds_ : 0;
    f.p50_us = at(0.50);
    f.p99_us = at(0.99);
    f.p999_us = at(0.999);
    f.errors = errors_;
    return f;
  }

 private:
  void Next(int slot, const Issue& issue) {
    if (absl::Now() >= end_) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--outstanding_ == 0) idle_.notify_all();
      return;
    }
    const absl::Time sent = absl::Now();
    issue(slot, [this, slot, sent, &issue](bool ok) {
      const double us = absl::ToDoubleMicroseconds(absl::Now() - sent);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        latencies_us_.push_back(us);
        if (!ok) ++errors_;
      }
      Next(slot, issue);
    });
  }

  absl::Time end_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int outstanding_ = 0;
  std::vector<double> latencies_us_;
  double seconds_ = 0;
  int64_t errors_ = 0;
};

// CPU seconds `pid` has used so far (user and system), from /proc; 0 when it
// cannot be read.
double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name; utime and stime are the
  // 14th and 15th of the whole line.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields =
      absl::StrSplit(stat.substr(close + 2), ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return 0;
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  if (n == 0) return 0;
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void Print(const char* name, const Figures& f) {
  std::printf(
      "%-28s %9.0f req/s   p50 %7.0f us   p99 %7.0f us   p999 %7.0f us   "
      "errors %lld\n",
      name, f.per_second, f.p50_us, f.p99_us, f.p999_us,
      static_cast<long long>(f.errors));
}

std::unique_ptr<grpc::ClientContext> AdminContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
  return context;
}

bool ScanToTheEnd(v1::ScanService::Stub& scans, std::string* name) {
  v1::StartRescanResponse started;
  grpc::Status status = scans.StartRescan(AdminContext().get(), {}, &started);
  if (!status.ok()) {
    std::fprintf(stderr, "StartRescan: %s\n", status.error_message().c_str());
    return false;
  }
  *name = started.scan().name();
  return true;
}

bool AwaitScan(v1::ScanService::Stub& scans, const std::string& name) {
  auto context = AdminContext();
  v1::WatchScanRequest request;
  request.set_name(name);
  auto reader = scans.WatchScan(context.get(), request);
  v1::WatchScanResponse update;
  while (reader->Read(&update)) {
  }
  return reader->Finish().ok() &&
         update.scan().state() == v1::SCAN_STATE_SUCCEEDED;
}

// A server started on the simulator's tenant, configured and scanned.
struct ScannedServer {
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<v1::ScanService::Stub> scans;
  std::unique_ptr<v1::AccessService::Stub> access;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
  double scan_seconds = 0;
};

std::unique_ptr<ScannedServer> StartScannedServer(
    SimInstance& sim, const std::string& admin_token_file,
    const std::string& data_dir, const v1::UpdateConfigRequest& update,
    std::vector<std::string> extra_flags) {
  importer::HttpClientOptions http = sim.HttpOptions();
  std::vector<std::string> flags = {
      "--listen=127.0.0.1:0", absl::StrCat("--data_dir=", data_dir),
      absl::StrCat("--admin_token_file=", admin_token_file),
      absl::StrCat("--auth0_connect_to=", http.connect_to),
      absl::StrCat("--auth0_ca_file=", http.ca_file)};
  flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
  auto process = ServerProcess::Start(IDENTITYGRAPH_SERVER_BINARY, flags);
  if (!process.ok()) {
    std::fprintf(stderr, "server: %s\n", process.status().ToString().c_str());
    return nullptr;
  }
  auto server = std::make_unique<ScannedServer>();
  server->process = *std::move(process);
  auto channel = grpc::CreateChannel(server->process->address(),
                                     grpc::InsecureChannelCredentials());
  auto config = v1::ConfigService::NewStub(channel);
  server->scans = v1::ScanService::NewStub(channel);
  server->access = v1::AccessService::NewStub(channel);
  server->health = grpc::health::v1::Health::NewStub(channel);
  v1::UpdateConfigResponse saved;
  grpc::Status status =
      config->UpdateConfig(AdminContext().get(), update, &saved);
  if (!status.ok()) {
    std::fprintf(stderr, "UpdateConfig: %s\n", status.error_message().c_str());
    return nullptr;
  }
  std::string scan;
  const absl::Time scanning = absl::Now();
  if (!ScanToTheEnd(*server->scans, &scan) ||
      !AwaitScan(*server->scans, scan)) {
    return nullptr;
  }
  server->scan_seconds = absl::ToDoubleSeconds(absl::Now() - scanning);
  return server;
}

int Main() {
  const std::string spec_text = absl::GetFlag(FLAGS_spec);
  absl::StatusOr<sim::GeneratorSpec> spec = sim::ParseGeneratorSpec(spec_text);
  if (!spec.ok()) {
    std::fprintf(stderr, "--spec: %s\n", spec.status().ToString().c_str());
    return 2;
  }
  const sim::Tenant tenant = sim::GenerateTenant(*spec);
  std::vector<std::string> users, apps, workforce;
  for (const sim::Json& c : tenant.connections) {
    if (c["strategy"] != "auth0") workforce.push_back(c["name"]);
  }
  for (const sim::Json& user : tenant.users) {
    const std::string connection = user["identities"][0]["connection"];
    if (std::find(workforce.begin(), workforce.end(), connection) !=
        workforce.end()) {
      users.push_back(user["user_id"]);
    }
  }
  for (const sim::Json& client : tenant.clients)
    apps.push_back(client["client_id"]);
  // Every (API, permission) a core role grants: what CheckPermission asks.
  std::vector<std::pair<std::string, std::string>> permissions;
  for (const auto& [role, granted] : tenant.role_permissions) {
    for (const sim::Json& permission : granted) {
      permissions.emplace_back(permission["resource_server_identifier"],
                               permission["permission_name"]);
    }
  }
  std::sort(permissions.begin(), permissions.end());
  permissions.erase(std::unique(permissions.begin(), permissions.end()),
                    permissions.end());
  if (permissions.empty()) {
    std::fprintf(stderr, "the generated tenant grants no permissions\n");
    return 1;
  }

  auto sim =
      SimInstance::Start({absl::StrCat("--generate=", spec_text),
                          "--rate_burst=1000000", "--rate_per_second=1000000"},
                         spec->domain);
  if (!sim.ok()) {
    std::fprintf(stderr, "auth0-sim: %s\n", sim.status().ToString().c_str());
    return 1;
  }
  // Two servers on the same tenant, one serving metrics: the phases against
  // each take turns, so the cost of metrics is measured under the same
  // conditions as the rest.
  TestTempDir dir;
  if (!WriteFileAtomically(dir.File("admin"), kAdminToken, 0600).ok()) return 1;
  v1::UpdateConfigRequest update;
  update.mutable_config()->set_domain(spec->domain);
  update.mutable_config()->set_client_id(spec->client_id);
  update.mutable_config()->set_client_secret(spec->client_secret);
  for (const std::string& name : workforce)
    update.mutable_config()->add_connections(name);
  update.mutable_config()->mutable_authorization_extension()->set_enabled(true);
  update.mutable_config()->mutable_authorization_extension()->set_api_url(
      absl::StrCat("https://", tenant.extension_host,
                   "/adf6e2f2b84784b57522e3b19dfc9201/api"));
  std::unique_ptr<ScannedServer> plain = StartScannedServer(
      **sim, dir.File("admin"), dir.File("plain"), update, {});
  if (plain == nullptr) return 1;
  const bool metrics = absl::GetFlag(FLAGS_metrics);
  std::unique_ptr<ScannedServer> measured = StartScannedServer(
      **sim, dir.File("admin"), dir.File("metrics"), update,
      metrics ? std::vector<std::string>{"--metrics_listen=127.0.0.1:0"}
              : std::vector<std::string>{});
  if (measured == nullptr) return 1;
  std::printf(
      "tenant %s: %zu workforce users, %zu applications; scanned in %.1f s "
      "(and %.1f s by the second server)\n",
      spec_text.c_str(), users.size(), apps.size(), plain->scan_seconds,
      measured->scan_seconds);
  v1::ScanService::Stub* scans = plain->scans.get();
  v1::AccessService::Stub* access = plain->access.get();
  grpc::health::v1::Health::Stub* health = plain->health.get();
  std::string scan;

  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  std::printf(
      "%d calls in flight; %d rounds of %s per phase, each round in another "
      "order; client and server on this machine\n",
      in_flight, rounds, absl::FormatDuration(duration).c_str());

  // One request/response/context per slot, reused call after call.
  struct HealthSlot {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    std::unique_ptr<grpc::ClientContext> context;
  };
  std::vector<HealthSlot> health_slots(in_flight);
  auto issue_health = [&](int slot, Load::Done done) {
    HealthSlot& s = health_slots[slot];
    s.context = std::make_unique<grpc::ClientContext>();
    health->async()->Check(s.context.get(), &s.request, &s.response,
                           [done](grpc::Status st) { done(st.ok()); });
  };

  struct CheckSlot {
    v1::CheckAccessRequest request;
    v1::CheckAccessResponse response;
    std::unique_ptr<grpc::ClientContext> context;
    std::mt19937_64 random;
  };
  std::vector<CheckSlot> check_slots(in_flight);
  for (int i = 0; i < in_flight; ++i) check_slots[i].random.seed(i + 1);
  auto issue_check = [&](v1::AccessService::Stub* access,
                         v1::CheckAccessView view) {
    return [&, access, view](int slot, Load::Done done) {
      CheckSlot& s = check_slots[slot];
      s.context = std::make_unique<grpc::ClientContext>();
      s.request.mutable_user()->set_id(users[s.random() % users.size()]);
      s.request.mutable_application()->set_id(apps[s.random() % apps.size()]);
      s.request.set_view(view);
      access->async()->CheckAccess(s.context.get(), &s.request, &s.response,
                                   [done](grpc::Status st) { done(st.ok()); });
    };
  };

  struct PermissionSlot {
    v1::CheckPermissionRequest request;
    v1::CheckPermissionResponse response;
    std::unique_ptr<grpc::ClientContext> context;
    std::mt19937_64 random;
  };
  std::vector<PermissionSlot> permission_slots(in_flight);
  for (int i = 0; i < in_flight; ++i) permission_slots[i].random.seed(i + 101);
  auto issue_permission = [&](int slot, Load::Done done) {
    PermissionSlot& s = permission_slots[slot];
    s.context = std::make_unique<grpc::ClientContext>();
    s.request.mutable_user()->set_id(users[s.random() % users.size()]);
    const auto& [api, name] = permissions[s.random() % permissions.size()];
    s.request.mutable_api()->set_id(api);
    s.request.set_permission(name);
    access->async()->CheckPermission(
        s.context.get(), &s.request, &s.response,
        [done](grpc::Status st) { done(st.ok()); });
  };

  // The machine's speed drifts by more than the gap being measured (Health
  // alone moved between 53k and 62k/s from one 10 s run to the next), so the
  // phases take turns in short rounds and each round compares its own phases.
  struct Phase {
    Phase(const char* name, Load::Issue issue, pid_t server)
        : name(name), issue(std::move(issue)), server(server) {}
    const char* name;
    Load::Issue issue;
    pid_t server;
    Load load;
    std::vector<double> rates;
    double server_cpu = 0, loadgen_cpu = 0;
  };
  const pid_t plain_pid = plain->process->pid();
  Phase phases[] = {
      {"Health/Check", issue_health, plain_pid},
      {"CheckAccess", issue_check(access, v1::CHECK_ACCESS_VIEW_UNSPECIFIED),
       plain_pid},
      {"CheckAccess, full view",
       issue_check(access, v1::CHECK_ACCESS_VIEW_FULL), plain_pid},
      {metrics ? "CheckAccess, metrics on" : "CheckAccess, 2nd server",
       issue_check(measured->access.get(), v1::CHECK_ACCESS_VIEW_UNSPECIFIED),
       measured->process->pid()},
      {"CheckPermission", issue_permission, plain_pid},
  };
  constexpr int kPhases = sizeof(phases) / sizeof(phases[0]);
  std::vector<double> ratios, metrics_ratios, permission_ratios;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < kPhases; ++i) {
      Phase& phase = phases[(round + i) % kPhases];
      const double server_cpu = CpuSeconds(phase.server);
      const double loadgen_cpu = CpuSeconds(getpid());
      phase.rates.push_back(phase.load.Run(in_flight, duration, phase.issue));
      phase.server_cpu += CpuSeconds(phase.server) - server_cpu;
      phase.loadgen_cpu += CpuSeconds(getpid()) - loadgen_cpu;
    }
    ratios.push_back(phases[1].rates.back() / phases[0].rates.back());
    metrics_ratios.push_back(phases[3].rates.back() / phases[1].rates.back());
    permission_ratios.push_back(phases[4].rates.back() /
                                phases[0].rates.back());
    std::printf(
        "round %d: Health %.0f/s, CheckAccess %.0f/s (%.0f%%), full "
        "view %.0f/s, %s %.0f/s (%.1f%%), CheckPermission %.0f/s (%.0f%%)\n",
        round + 1, phases[0].rates.back(), phases[1].rates.back(),
        100 * ratios.back(), phases[2].rates.back(),
        metrics ? "metrics on" : "2nd server", phases[3].rates.back(),
        100 * metrics_ratios.back(), phases[4].rates.back(),
        100 * permission_ratios.back());
  }
  std::vector<Figures> totals;
  for (Phase& phase : phases) {
    totals.push_back(phase.load.Total());
    Print(phase.name, totals.back());
    const double calls = std::max<int64_t>(1, totals.back().calls);
    std::printf("%-28s CPU per call: server %.1f us, loadgen %.1f us\n", "",
                1e6 * phase.server_cpu / calls,
                1e6 * phase.loadgen_cpu / calls);
  }

  // CheckAccess while a rescan imports the whole tenant again, measured in
  // one-second slices until the scan has ended.
  if (!ScanToTheEnd(*scans, &scan)) return 1;
  std::atomic<bool> scan_ended{false};
  bool rescanned = false;
  std::thread watcher([&] {
    rescanned = AwaitScan(*scans, scan);
    scan_ended = true;
  });
  Load during;
  while (!scan_ended) {
    during.Run(in_flight, absl::Seconds(1),
               issue_check(access, v1::CHECK_ACCESS_VIEW_UNSPECIFIED));
  }
  watcher.join();
  Print(
      rescanned ? "CheckAccess during a rescan" : "CheckAccess (rescan failed)",
      during.Total());
  std::printf(
      "CheckAccess / Health: throughput %.0f%% (median of %d rounds, from "
      "%.0f%% "
      "to %.0f%%; target >= 90%%), p99 %.2fx (target <= 1.2x)\n",
      100 * Median(ratios), rounds,
      100 * *std::min_element(ratios.begin(), ratios.end()),
      100 * *std::max_element(ratios.begin(), ratios.end()),
      totals[1].p99_us / totals[0].p99_us);
  std::printf(
      "CheckPermission / Health: throughput %.0f%% (median of %d rounds, from "
      "%.0f%% to %.0f%%; target >= 90%%), p99 %.2fx; %zu permissions asked\n",
      100 * Median(permission_ratios), rounds,
      100 *
          *std::min_element(permission_ratios.begin(), permission_ratios.end()),
      100 *
          *std::max_element(permission_ratios.begin(), permission_ratios.end()),
      totals[4].p99_us / totals[0].p99_us, permissions.size());
  std::string metrics_url;
  RE2::PartialMatch(measured->process->output(),
                    R"(metrics on (http://\S+/metrics))", &metrics_url);
  double counted = 0;
  if (metrics) {
    absl::StatusOr<std::string> page = FetchMetricsPage(metrics_url);
    counted =
        page.ok()
            ? SampleValue(ParseMetricsPage(*page), "grpc_server_handled_total",
                          {{"grpc_method", "CheckAccess"}, {"grpc_code", "OK"}})
            : -1;
  }
  std::printf(
      "CheckAccess %s: throughput %.1f%% (median of %d rounds, from %.1f%% to "
      "%.1f%%%s); the server counted %.0f checks, loadgen sent %lld\n",
      metrics ? "with metrics / without"
              : "on a second server without metrics / the first (A/A)",
      100 * Median(metrics_ratios), rounds,
      100 * *std::min_element(metrics_ratios.begin(), metrics_ratios.end()),
      100 * *std::max_element(metrics_ratios.begin(), metrics_ratios.end()),
      metrics ? "; target >= 97%" : "", counted,
      static_cast<long long>(totals[3].calls));
  measured->process->Stop(SIGTERM);
  plain->process->Stop(SIGTERM);
  return 0;
}

}  // namespace
}  // namespace identitygraph::bench

int main(int argc, char** argv) {
  // Each figure as soon as it is known, also when piped into a file.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // As the server does (server/main.cc): no lock-order checks on every Mutex.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "loadgen.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "CheckAccess under load against Health/Check, on a scanned generated "
      "tenant");
  absl::ParseCommandLine(argc, argv);
  return identitygraph::bench::Main();
}
