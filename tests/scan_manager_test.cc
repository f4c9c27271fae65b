// ScanManager against auth0-sim: a scan publishes a snapshot equal to what
// the fixture implies, one scan at a time, cancelling and failing keep the
// last good snapshot, and a restart serves it again at once.
#include "server/scan_manager.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/acme_sim_fixture.h"
#include "tests/auth0_sim/tenant.h"
#include "tests/import_oracle.h"
#include "tests/server_process.h"
#include "tests/sim_instance.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;

class ScanManagerTest : public AcmeSimFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sim_->ClearFaults().ok());
    auto store = ConfigStore::Open(dir_.path(), ValidatorOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    Configure("acme-importer-secret-0123456789abcdef");
    OpenManager();
  }

  // `history_kept` as ScanManager::Options has it.
  void OpenManager(size_t history_kept = 100) {
    manager_.reset();
    holder_ = std::make_unique<graph::SnapshotHolder>();
    ScanManager::Options options;
    options.data_dir = dir_.path();
    options.import.http = sim_->HttpOptions();
    options.import.retry.initial_backoff = absl::Milliseconds(5);
    options.import.retry.max_backoff = absl::Milliseconds(20);
    options.history_kept = history_kept;
    auto manager = ScanManager::Open(*store_, *holder_, options);
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = *std::move(manager);
  }

  void Configure(const std::string& secret) {
    v1::Config config;
    config.set_domain("acme.us.auth0.com");
    config.set_client_id("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6");
    config.set_client_secret(secret);
    config.add_connections("google-workforce");
    config.add_connections("okta-saml");
    config.mutable_authorization_extension()->set_enabled(true);
    config.mutable_authorization_extension()->set_api_url(
        "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api");
    config.mutable_import_options()->set_include_organizations(true);
    config.mutable_import_options()->set_login_reachability(true);
    auto saved = store_->Update(config, {}, false, absl::Now());
    ASSERT_TRUE(saved.ok() && saved->violations.empty());
  }

  // Waits (on the manager's own notifications) until the scan ends.
  v1::Scan AwaitEnd(const std::string& name) {
    int64_t seen = 0;
    while (true) {
      auto scan =
          manager_->WaitForChange(name, &seen, absl::Now() + absl::Seconds(60));
      EXPECT_TRUE(scan.ok()) << scan.status();
      if (!scan.ok() || scan->state() == v1::SCAN_STATE_SUCCEEDED ||
          scan->state() == v1::SCAN_STATE_FAILED ||
          scan->state() == v1::SCAN_STATE_CANCELLED) {
        return scan.ok() ? *scan : v1::Scan();
      }
    }
  }

  static std::set<std::string> Expected() {
    auto tenant =
        sim::LoadTenantFile(absl::StrCat(AUTH0_SIM_DIR, "/fixtures/acme.json"));
    OracleOptions oracle;
    oracle.connections = {"google-workforce", "okta-saml"};
    return ExpectImport(*tenant, oracle).edges;
  }

  // The files kept aside for `file`, by their names.
  std::vector<std::string> KeptAside(const std::string& file) {
    std::vector<std::string> kept;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (absl::StartsWith(name, file + ".unreadable-")) kept.push_back(name);
    }
    return kept;
  }

  TestTempDir dir_;
  std::unique_ptr<ConfigStore> store_;
  std::unique_ptr<graph::SnapshotHolder> holder_;
  std::unique_ptr<ScanManager> manager_;
};

TEST_F(ScanManagerTest, AScanPublishesTheTenantsGraph) {
  EXPECT_EQ(holder_->Get(), nullptr);
  auto started = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->scan.name(), "scans/1");
  const v1::Scan scan = AwaitEnd("scans/1");
  ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED) << scan.DebugString();
  EXPECT_EQ(scan.snapshot_version(), 1);
  EXPECT_EQ(scan.progress().phase(), v1::SCAN_PHASE_PUBLISH);
  EXPECT_GT(scan.progress().requests(), 0);
  EXPECT_EQ(scan.config_revision(), 1);
  ASSERT_NE(holder_->Get(), nullptr);
  EXPECT_EQ(holder_->Get()->version(), 1);
  EXPECT_EQ(SnapshotEdges(*holder_->Get()), Expected());
}

TEST_F(ScanManagerTest, OneScanAtATimeAndCancellingKeepsTheLastSnapshot) {
  ASSERT_TRUE(manager_->Start(v1::SCAN_TRIGGER_MANUAL).ok());
  ASSERT_EQ(AwaitEnd("scans/1").state(), v1::SCAN_STATE_SUCCEEDED);
  // Every roles request now takes 20 s: the next scan is surely running.
  ASSERT_TRUE(
      sim_->SetFaults("slow:fraction=1,delay=20s,path=/api/v2/roles").ok());
  auto second = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->already_running);
  auto third = manager_->Start(v1::SCAN_TRIGGER_SCHEDULED);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->already_running);
  EXPECT_EQ(third->scan.name(), "scans/2");
  auto cancelled = manager_->Cancel("scans/2");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), v1::SCAN_STATE_CANCELLED);
  EXPECT_EQ(holder_->Get()->version(), 1);
  // An ended scan comes back unchanged.
  EXPECT_EQ(manager_->Cancel("scans/1")->state(), v1::SCAN_STATE_SUCCEEDED);
}

TEST_F(ScanManagerTest, AFailingScanSaysWhyAndKeepsTheLastSnapshot) {
  ASSERT_TRUE(manager_->Start(v1::SCAN_TRIGGER_MANUAL).ok());
  ASSERT_EQ(AwaitEnd("scans/1").state(), v1::SCAN_STATE_SUCCEEDED);
  Configure("a-wrong-secret-0123456789");
  ASSERT_TRUE(manager_->Start(v1::SCAN_TRIGGER_MANUAL).ok());
  const v1::Scan failed = AwaitEnd("scans/2");
  EXPECT_EQ(failed.state(), v1::SCAN_STATE_FAILED);
  EXPECT_EQ(failed.error().code(), "UNAUTHENTICATED");
  EXPECT_THAT(failed.error().message(), HasSubstr("refused the client"));
  EXPECT_THAT(failed.error().remediation(), HasSubstr("Check the client id"));
  EXPECT_EQ(failed.snapshot_version(), 0);
  EXPECT_EQ(holder_->Get()->version(), 1);
}

TEST_F(ScanManagerTest, ARestartServesTheLastSnapshotAndKeepsTheHistory) {
  ASSERT_TRUE(manager_->Start(v1::SCAN_TRIGGER_MANUAL).ok());
  ASSERT_EQ(AwaitEnd("scans/1").state(), v1::SCAN_STATE_SUCCEEDED);
  OpenManager();
  ASSERT_NE(holder_->Get(), nullptr);
  EXPECT_EQ(holder_->Get()->version(), 1);
  EXPECT_EQ(SnapshotEdges(*holder_->Get()), Expected());
  ASSERT_EQ(manager_->List().size(), 1u);
  auto next = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->scan.name(), "scans/2");
  EXPECT_EQ(AwaitEnd("scans/2").snapshot_version(), 2);
  EXPECT_EQ(manager_->List().front().name(), "scans/2");
}

TEST_F(ScanManagerTest, HistoryAndServedSnapshotAgreeAfterAKillAtEveryStep) {
  ASSERT_TRUE(manager_->Start(v1::SCAN_TRIGGER_MANUAL).ok());
  ASSERT_EQ(AwaitEnd("scans/1").state(), v1::SCAN_STATE_SUCCEEDED);
  struct Case {
    ScanManager::Step kill_after;
    bool published;  // whether the killed scan's snapshot is served after
  };
  const Case cases[] = {
      {ScanManager::Step::kStartRecorded, false},
      {ScanManager::Step::kImported, false},
      {ScanManager::Step::kSnapshotWritten, true},
      {ScanManager::Step::kEndRecorded, true},
  };
  int64_t served = 1;
  std::string publisher = "scans/1";
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.kill_after));
    manager_.reset();
    const importer::HttpClientOptions http = sim_->HttpOptions();
    ServerProcess::Exit killed =
        ServerProcess::Run(IDENTITYGRAPH_SCAN_CRASH_CHILD,
                           {dir_.path(), http.connect_to, http.ca_file,
                            absl::StrCat(static_cast<int>(c.kill_after))});
    ASSERT_EQ(killed.exit_code, -1) << killed.output;
    OpenManager();
    const v1::Scan newest = manager_->List().front();
    ASSERT_NE(holder_->Get(), nullptr);
    if (c.published) {
      ++served;
      publisher = newest.name();
      EXPECT_EQ(newest.state(), v1::SCAN_STATE_SUCCEEDED)
          << newest.DebugString();
      EXPECT_EQ(newest.snapshot_version(), served);
    } else {
      EXPECT_EQ(newest.state(), v1::SCAN_STATE_FAILED) << newest.DebugString();
      EXPECT_EQ(newest.error().code(), "ABORTED");
      EXPECT_EQ(newest.snapshot_version(), 0);
    }
    EXPECT_EQ(holder_->Get()->version(), served);
    EXPECT_EQ(manager_->ScanOfVersion(served), publisher);
  }
  // What a restart repaired stays repaired, and the next scan goes on.
  OpenManager();
  EXPECT_EQ(manager_->List()[1].state(), v1::SCAN_STATE_SUCCEEDED);
  auto next = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(AwaitEnd(next->scan.name()).snapshot_version(), served + 1);
}

TEST_F(ScanManagerTest, MemoryAndFileKeepOnlyTheNewestScans) {
  OpenManager(3);
  for (int n = 1; n <= 5; ++n) {
    auto started = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
    ASSERT_TRUE(started.ok()) << started.status();
    ASSERT_EQ(AwaitEnd(started->scan.name()).state(), v1::SCAN_STATE_SUCCEEDED);
  }
  std::vector<std::string> names;
  for (const v1::Scan& scan : manager_->List()) names.push_back(scan.name());
  EXPECT_EQ(names, (std::vector<std::string>{"scans/5", "scans/4", "scans/3"}));
  EXPECT_EQ(manager_->Get("scans/2").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(manager_->ScanOfVersion(1), "");
  EXPECT_EQ(manager_->ScanOfVersion(5), "scans/5");
  // A restart with a smaller bound loads the newest of what was saved.
  OpenManager(2);
  names.clear();
  for (const v1::Scan& scan : manager_->List()) names.push_back(scan.name());
  EXPECT_EQ(names, (std::vector<std::string>{"scans/5", "scans/4"}));
  auto next = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->scan.name(), "scans/6");
  EXPECT_EQ(AwaitEnd("scans/6").snapshot_version(), 6);
  EXPECT_EQ(manager_->List().size(), 2u);
}

TEST_F(ScanManagerTest, AnUnreadableSnapshotIsKeptAsideNotServed) {
  ASSERT_TRUE(manager_->Start(v1::SCAN_TRIGGER_MANUAL).ok());
  ASSERT_EQ(AwaitEnd("scans/1").state(), v1::SCAN_STATE_SUCCEEDED);
  manager_.reset();
  ASSERT_TRUE(
      WriteFileAtomically(dir_.File("snapshot.igs"), "garbage", 0644).ok());
  OpenManager();
  EXPECT_EQ(holder_->Get(), nullptr);
  EXPECT_EQ(KeptAside("snapshot.igs").size(), 1u);
}

// Issue 14, defect 8: every kept file is kept, the history cannot smuggle in
// numbers that overflow, and the files with users' emails are 0600.
TEST_F(ScanManagerTest, DataFilesAreKeptPrivateAndEveryBadOneIsKept) {
  ASSERT_TRUE(manager_->Start(v1::SCAN_TRIGGER_MANUAL).ok());
  ASSERT_EQ(AwaitEnd("scans/1").state(), v1::SCAN_STATE_SUCCEEDED);
  for (const char* file : {"snapshot.igs", "scans.json"}) {
    struct stat info;
    ASSERT_EQ(::stat(dir_.File(file).c_str(), &info), 0) << file;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << file;
  }
  manager_.reset();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(WriteFileAtomically(dir_.File("scans.json"),
                                    absl::StrCat("not json ", i), 0600)
                    .ok());
    OpenManager();
    manager_.reset();
  }
  EXPECT_EQ(KeptAside("scans.json").size(), 2u) << "the first copy was lost";

  ASSERT_TRUE(
      WriteFileAtomically(
          dir_.File("scans.json"),
          R"({"scans": [{"name": "scans/7", "state": "SCAN_STATE_SUCCEEDED",
                                 "snapshotVersion": "9223372036854775807"}]})",
          0600)
          .ok());
  OpenManager();
  EXPECT_EQ(KeptAside("scans.json").size(), 3u);
  auto started = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(started.ok());
  const v1::Scan scan = AwaitEnd(started->scan.name());
  ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED);
  EXPECT_GT(scan.snapshot_version(), 0);
}

TEST_F(ScanManagerTest, TheRescanIntervalSchedulesScans) {
  const absl::Time now = absl::Now();
  // No interval configured: nothing is ever due.
  EXPECT_EQ(manager_->RunScheduledIfDue(now + absl::Hours(24 * 30)),
            absl::InfiniteFuture());
  v1::Config hourly;
  hourly.mutable_import_options()->mutable_rescan_interval()->set_seconds(3600);
  auto saved = store_->Update(hourly, {}, false, absl::Now());
  ASSERT_TRUE(saved.ok() && saved->violations.empty());
  // Not yet an hour since the server started.
  EXPECT_GT(manager_->RunScheduledIfDue(now), now);
  EXPECT_TRUE(manager_->List().empty());
  // Two hours later a scheduled scan starts.
  manager_->RunScheduledIfDue(now + absl::Hours(2));
  ASSERT_EQ(manager_->List().size(), 1u);
  const v1::Scan scan = AwaitEnd("scans/1");
  EXPECT_EQ(scan.trigger(), v1::SCAN_TRIGGER_SCHEDULED);
  EXPECT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED);
  // Half an hour after that scan started, the next is not due.
  const absl::Time next = manager_->RunScheduledIfDue(now + absl::Minutes(30));
  EXPECT_EQ(manager_->List().size(), 1u);
  EXPECT_GT(next, now + absl::Minutes(50));
}

TEST_F(ScanManagerTest, NamesAndConfigurationAreChecked) {
  EXPECT_EQ(manager_->Get("scan/1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->Get("scans/9").status().code(),
            absl::StatusCode::kNotFound);
  TestTempDir empty;
  auto store = ConfigStore::Open(empty.path(), ValidatorOptions());
  ASSERT_TRUE(store.ok());
  graph::SnapshotHolder holder;
  ScanManager::Options options;
  options.data_dir = empty.path();
  auto manager = ScanManager::Open(**store, holder, options);
  ASSERT_TRUE(manager.ok());
  auto started = (*manager)->Start(v1::SCAN_TRIGGER_MANUAL);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace identitygraph
