// loadgen: AccessService.CheckAccess under load, against the floor of an RPC
// (grpc.health.v1.Health/Check), on one server with a scanned generated tenant.
//
//   build/tests/bench/loadgen                         # 100k users, 10 s each
//   build/tests/bench/loadgen --in_flight=128 --duration=20s
//
// It starts auth0-sim (--spec) and identitygraph-server, configures and scans,
// then keeps --in_flight calls outstanding with gRPC's callback API for
// --duration per phase: Health/Check; CheckAccess (by user id and client id,
// random pairs, cached and uncached alike, the default basic view); the same
// in the full view; CheckAccess while a rescan runs.
// Prints requests/s and p50/p99/p999 latency per phase.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "graph/durable_file.h"
#include "graph/test_temp_dir.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "tests/auth0_sim/generator.h"
#include "tests/server_process.h"
#include "tests/sim_instance.h"

ABSL_FLAG(std::string, spec,
          "users=100000,connections=3,groups=5000,roles=2000,apps=1000,"
          "orgs=50,seed=7",
          "The generated tenant (auth0-sim --generate)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "Length of each phase");
ABSL_FLAG(int, in_flight, 64, "Calls outstanding at once");

namespace identitygraph::bench {
namespace {

constexpr char kAdminToken[] = "loadgen-admin-token-0123456789abcdef";

struct Figures {
  double per_second = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0;
  int64_t errors = 0;
};

// Keeps `in_flight` calls going for `duration`; `start(done)` issues one call
// and must run `done(ok)` when it completes.
class Load {
 public:
  using Done = std::function<void(bool ok)>;
  using Issue = std::function<void(int slot, Done done)>;

  Figures Run(int in_flight, absl::Duration duration, const Issue& issue) {
    end_ = absl::Now() + duration;
    const absl::Time start = absl::Now();
    outstanding_ = in_flight;
    for (int slot = 0; slot < in_flight; ++slot) Next(slot, issue);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      idle_.wait(lock, [this] { return outstanding_ == 0; });
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    Figures f;
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto at = [&](double q) {
      return latencies_us_.empty()
                 ? 0.0
                 : latencies_us_[std::min(
                       latencies_us_.size() - 1,
                       static_cast<size_t>(q * latencies_us_.size()))];
    };
    f.per_second = latencies_us_.size() / seconds;
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
  int64_t errors_ = 0;
};

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

  auto sim =
      SimInstance::Start({absl::StrCat("--generate=", spec_text),
                          "--rate_burst=1000000", "--rate_per_second=1000000"},
                         spec->domain);
  if (!sim.ok()) {
    std::fprintf(stderr, "auth0-sim: %s\n", sim.status().ToString().c_str());
    return 1;
  }
  TestTempDir dir;
  if (!WriteFileAtomically(dir.File("admin"), kAdminToken, 0600).ok()) return 1;
  importer::HttpClientOptions http = (*sim)->HttpOptions();
  auto server = ServerProcess::Start(
      IDENTITYGRAPH_SERVER_BINARY,
      {"--listen=127.0.0.1:0", absl::StrCat("--data_dir=", dir.File("data")),
       absl::StrCat("--admin_token_file=", dir.File("admin")),
       absl::StrCat("--auth0_connect_to=", http.connect_to),
       absl::StrCat("--auth0_ca_file=", http.ca_file)});
  if (!server.ok()) {
    std::fprintf(stderr, "server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  auto channel = grpc::CreateChannel((*server)->address(),
                                     grpc::InsecureChannelCredentials());
  auto config = v1::ConfigService::NewStub(channel);
  auto scans = v1::ScanService::NewStub(channel);
  auto access = v1::AccessService::NewStub(channel);
  auto health = grpc::health::v1::Health::NewStub(channel);

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
  v1::UpdateConfigResponse saved;
  grpc::Status status =
      config->UpdateConfig(AdminContext().get(), update, &saved);
  if (!status.ok()) {
    std::fprintf(stderr, "UpdateConfig: %s\n", status.error_message().c_str());
    return 1;
  }
  std::string scan;
  const absl::Time scanning = absl::Now();
  if (!ScanToTheEnd(*scans, &scan) || !AwaitScan(*scans, scan)) return 1;
  std::printf(
      "tenant %s: %zu workforce users, %zu applications; scanned in "
      "%.1f s\n",
      spec_text.c_str(), users.size(), apps.size(),
      absl::ToDoubleSeconds(absl::Now() - scanning));

  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  std::printf(
      "%d calls in flight, %s per phase, client and server on this "
      "machine\n",
      in_flight, absl::FormatDuration(duration).c_str());

  // One request/response/context per slot, reused call after call.
  struct HealthSlot {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    std::unique_ptr<grpc::ClientContext> context;
  };
  std::vector<HealthSlot> health_slots(in_flight);
  Load health_load;
  const Figures floor =
      health_load.Run(in_flight, duration, [&](int slot, Load::Done done) {
        HealthSlot& s = health_slots[slot];
        s.context = std::make_unique<grpc::ClientContext>();
        health->async()->Check(s.context.get(), &s.request, &s.response,
                               [done](grpc::Status st) { done(st.ok()); });
      });
  Print("Health/Check", floor);

  struct CheckSlot {
    v1::CheckAccessRequest request;
    v1::CheckAccessResponse response;
    std::unique_ptr<grpc::ClientContext> context;
    std::mt19937_64 random;
  };
  std::vector<CheckSlot> check_slots(in_flight);
  for (int i = 0; i < in_flight; ++i) check_slots[i].random.seed(i + 1);
  auto issue_check = [&](int slot, Load::Done done) {
    CheckSlot& s = check_slots[slot];
    s.context = std::make_unique<grpc::ClientContext>();
    s.request.mutable_user()->set_id(users[s.random() % users.size()]);
    s.request.mutable_application()->set_id(apps[s.random() % apps.size()]);
    access->async()->CheckAccess(s.context.get(), &s.request, &s.response,
                                 [done](grpc::Status st) { done(st.ok()); });
  };
  Load check_load;
  const Figures check = check_load.Run(in_flight, duration, issue_check);
  Print("CheckAccess", check);

  // The full view echoes the resolved user and application.
  for (CheckSlot& s : check_slots)
    s.request.set_view(v1::CHECK_ACCESS_VIEW_FULL);
  Load full_load;
  const Figures full = full_load.Run(in_flight, duration, issue_check);
  Print("CheckAccess, full view", full);
  for (CheckSlot& s : check_slots) s.request.clear_view();

  // The same while a rescan imports the whole tenant again.
  if (!ScanToTheEnd(*scans, &scan)) return 1;
  Load during_load;
  const Figures during = during_load.Run(in_flight, duration, issue_check);
  const bool rescanned = AwaitScan(*scans, scan);
  Print(
      rescanned ? "CheckAccess during a rescan" : "CheckAccess (rescan failed)",
      during);
  std::printf(
      "CheckAccess / Health: throughput %.0f%% (target >= 90%%), p99 %.2fx "
      "(target <= 1.2x)\n",
      100.0 * check.per_second / floor.per_second, check.p99_us / floor.p99_us);
  (*server)->Stop(SIGTERM);
  return 0;
}

}  // namespace
}  // namespace identitygraph::bench

int main(int argc, char** argv) {
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
