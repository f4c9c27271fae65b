// Following changes through the ScanManager, against auth0-sim over HTTPS:
// the server starts a full scan to follow on from, applies changes made in
// the tenant as new snapshot versions (equal to a full import of the changed
// tenant), records them as change batches, and falls back to a full scan,
// saying why, when it cannot go on (a restart, a configuration change, a
// retention gap). A change made during a scan is not lost, and a scan of a
// followed tenant finds no drift.
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "gtest/gtest.h"
#include "importer/graph_mapping.h"
#include "importer/import.h"
#include "server/drift.h"
#include "server/proto_time.h"
#include "server/scan_manager.h"
#include "server/tenant_config.h"
#include "tests/import_oracle.h"
#include "tests/server_process.h"
#include "tests/sim_instance.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr absl::Duration kWait = absl::Seconds(60);

// The child that kills itself after a step: this build's, or the one the
// environment names (the TSan stage runs the plain build's: under TSan,
// protobuf's inlined Map code does not match Debian's libprotobuf when the
// child reads config.json, and the child's own threads are not under test).
std::string CrashChild() {
  const char* child = std::getenv("IDENTITYGRAPH_SCAN_CRASH_CHILD");
  return child != nullptr && *child != '\0' ? child
                                            : IDENTITYGRAPH_SCAN_CRASH_CHILD;
}

class ScanFollowingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = SimInstance::Start(
        {absl::StrCat("--tenant_file=", AUTH0_SIM_DIR, "/fixtures/acme.json"),
         "--rate_burst=100000", "--rate_per_second=100000"});
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
    auto store = ConfigStore::Open(dir_.path(), ValidatorOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    Configure([](v1::Config&) {});
    OpenManager();
  }

  // `mask`: the fields `edit` changes (as UpdateConfig's update_mask), or
  // every field set.
  void Configure(const std::function<void(v1::Config&)>& edit,
                 std::vector<std::string> mask = {}) {
    v1::Config config;
    config.set_domain("acme.us.auth0.com");
    config.set_client_id("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6");
    config.set_client_secret("acme-importer-secret-0123456789abcdef");
    config.add_connections("google-workforce");
    config.add_connection_patterns("okta-.*");
    config.mutable_authorization_extension()->set_enabled(true);
    config.mutable_authorization_extension()->set_api_url(
        "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api");
    config.mutable_import_options()->set_include_organizations(true);
    config.mutable_import_options()->set_login_reachability(true);
    config.mutable_import_options()->set_follow_changes(true);
    edit(config);
    google::protobuf::FieldMask field_mask;
    for (const std::string& path : mask) field_mask.add_paths(path);
    auto saved = store_->Update(config, field_mask, false, absl::Now());
    ASSERT_TRUE(saved.ok()) << saved.status();
    ASSERT_TRUE(saved->violations.empty());
  }

  void OpenManager() {
    manager_.reset();
    holder_ = std::make_unique<graph::SnapshotHolder>();
    ScanManager::Options options;
    options.data_dir = dir_.path();
    options.import.http = sim_->HttpOptions();
    options.import.retry.max_attempts = 2;
    options.import.retry.initial_backoff = absl::Milliseconds(5);
    options.import.retry.max_backoff = absl::Milliseconds(20);
    // The simulator delivers every event at once.
    options.log_delivery_allowance = absl::ZeroDuration();
    options.journal_compact_after = journal_compact_after_;
    auto manager = ScanManager::Open(*store_, *holder_, options);
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = *std::move(manager);
  }

  v1::Scan AwaitEnd(const std::string& name) {
    int64_t seen = 0;
    while (true) {
      auto scan = manager_->WaitForChange(name, &seen, absl::Now() + kWait);
      EXPECT_TRUE(scan.ok()) << scan.status();
      if (!scan.ok() || ScanEnded(*scan)) return scan.value_or(v1::Scan());
    }
  }

  // Waits until following has applied every change made until now.
  void AwaitApplied() {
    std::atomic<bool> cancelled{false};
    absl::Status applied =
        manager_->WaitForChanges(absl::Now(), absl::Now() + kWait, cancelled);
    ASSERT_TRUE(applied.ok()) << applied << manager_->Following().DebugString();
  }

  // The newest scan, once it has ended.
  v1::Scan NewestScanEnded() {
    std::vector<v1::Scan> scans = manager_->List();
    EXPECT_FALSE(scans.empty());
    return scans.empty() ? v1::Scan() : AwaitEnd(scans[0].name());
  }

  // Vertices and edges of a graph, as sorted lines.
  static std::set<std::string> Lines(const graph::Snapshot& snapshot) {
    std::set<std::string> lines = SnapshotEdges(snapshot);
    for (graph::VertexId v = 0; v < snapshot.vertex_count(); ++v) {
      // Removed by a followed change: a tombstone, not an entity.
      if (snapshot.removed(v)) continue;
      lines.insert(absl::StrCat("vertex ", static_cast<int>(snapshot.kind(v)),
                                " ", snapshot.id(v), " ", snapshot.name(v), " ",
                                snapshot.email(v)));
    }
    return lines;
  }

  // A full import of the tenant as it is now.
  std::set<std::string> FullImport() {
    absl::StatusOr<importer::TenantConfig> tenant =
        ToTenantConfig(store_->GetWithSecret(), ValidatorOptions());
    EXPECT_TRUE(tenant.ok()) << tenant.status();
    importer::ImportOptions options;
    options.http = sim_->HttpOptions();
    std::atomic<bool> cancelled{false};
    absl::StatusOr<importer::ImportResult> result =
        importer::Import(*tenant, options, cancelled);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    return Lines(*std::move(result->builder).Build(1, absl::Now()));
  }

  void ExpectServedEqualsFullImport() {
    ASSERT_NE(holder_->Get(), nullptr);
    const std::set<std::string> full = FullImport();
    const std::set<std::string> served = Lines(*holder_->Get());
    EXPECT_TRUE(served == full) << EdgeDifference(full, served);
  }

  // Starts following: the server's first step starts a scan for it.
  void StartFollowing() {
    const v1::Scan scan = NewestScanEnded();
    ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED) << scan.DebugString();
    EXPECT_EQ(scan.trigger(), v1::SCAN_TRIGGER_FOLLOWING);
    AwaitApplied();
    EXPECT_EQ(manager_->Following().state(), v1::FOLLOWING_STATE_FOLLOWING)
        << manager_->Following().DebugString();
  }

  // Waits for the first scan (the server's start asks for one).
  void AwaitFirstScan() {
    absl::Notification started;
    manager_->SetChangeListener([&started](const std::string&) {
      if (!started.HasBeenNotified()) started.Notify();
    });
    if (manager_->List().empty()) {
      EXPECT_TRUE(started.WaitForNotificationWithTimeout(kWait));
    }
    manager_->SetChangeListener(nullptr);
    ASSERT_FALSE(manager_->List().empty());
  }

  // Waits until following is off (it notices within seconds).
  void AwaitOff() {
    std::atomic<bool> cancelled{false};
    for (absl::Time end = absl::Now() + kWait; absl::Now() < end;) {
      const absl::Status status = manager_->WaitForChanges(
          absl::Now() + absl::Hours(1), absl::Now() + absl::Milliseconds(500),
          cancelled);
      if (absl::StrContains(status.message(), "follow_changes is off")) return;
    }
    ADD_FAILURE() << manager_->Following().DebugString();
  }

  // Opens the manager with following turned off first, so that what a
  // restart loaded is served until the test looks (following would start a
  // scan at once).
  void ReopenNotFollowing() {
    manager_.reset();
    Configure(
        [](v1::Config& config) {
          config.mutable_import_options()->set_follow_changes(false);
        },
        {"import_options.follow_changes"});
    OpenManager();
  }

  size_t journal_compact_after_ = 64;
  TestTempDir dir_;
  std::unique_ptr<SimInstance> sim_;
  std::unique_ptr<ConfigStore> store_;
  std::unique_ptr<graph::SnapshotHolder> holder_;
  std::unique_ptr<ScanManager> manager_;
};

TEST_F(ScanFollowingTest, TheServerStartsAScanAndFollowsChangesAfterIt) {
  AwaitFirstScan();
  const v1::Scan first = NewestScanEnded();
  EXPECT_EQ(first.trigger(), v1::SCAN_TRIGGER_FOLLOWING);
  EXPECT_THAT(first.trigger_reason(), HasSubstr("the server started"));
  StartFollowing();
  const int64_t version = holder_->Get()->version();

  ASSERT_TRUE(sim_->Change({{"op", "assign_user_roles"},
                            {"user_id", "google-apps|grace"},
                            {"roles", {"rol_WikiEditor00002"}}})
                  .ok());
  AwaitApplied();
  EXPECT_GT(holder_->Get()->version(), version);
  ExpectServedEqualsFullImport();

  const std::vector<v1::ChangeBatch> batches = manager_->ListChangeBatches();
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches[0].snapshot_version(), holder_->Get()->version());
  EXPECT_EQ(batches[0].base_scan(), first.name());
  EXPECT_GE(batches[0].records_read(), 1);
  EXPECT_FALSE(batches[0].has_error());
  const v1::FollowingStatus status = manager_->Following();
  EXPECT_EQ(status.base_scan(), first.name());
  EXPECT_GE(status.published(), 1);
  EXPECT_TRUE(status.has_changes_applied_through());
  EXPECT_FALSE(status.checkpoint().empty());
}

TEST_F(ScanFollowingTest, ABurstOfMixedChangesEndsEqualToAFullImport) {
  AwaitFirstScan();
  StartFollowing();
  ASSERT_TRUE(
      sim_->Change({{"changes",
                     {{{"op", "create_role"},
                       {"role", {{"id", "rol_New"}, {"name", "auditors"}}}},
                      {{"op", "add_role_users"},
                       {"role_id", "rol_New"},
                       {"users", {"google-apps|grace", "samlp|ken"}}},
                      {{"op", "update_role"},
                       {"role_id", "rol_WikiEditor00002"},
                       {"set", {{"name", "wiki-owners"}}}},
                      {{"op", "delete_user"}, {"user_id", "google-apps|alan"}},
                      {{"op", "extension_put"},
                       {"kind", "groups"},
                       {"record",
                        {{"_id", "grp-new"},
                         {"name", "Auditors"},
                         {"members", {"google-apps|grace"}}}}}}}})
          .ok());
  AwaitApplied();
  ExpectServedEqualsFullImport();
  // And a scan now finds nothing following missed.
  auto started = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(started.ok()) << started.status();
  const v1::Scan scan = AwaitEnd(started->scan.name());
  ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED) << scan.DebugString();
  ASSERT_TRUE(scan.has_drift()) << scan.DebugString();
  EXPECT_FALSE(HasDrift(scan.drift())) << scan.drift().DebugString();
  EXPECT_GT(scan.drift().followed_snapshot_version(), 0);
}

// Random sequences of changes of every logged kind, each round followed and
// compared with a full import of the changed tenant; then a scan finds no
// drift. Changes pick from the fixture's records and from users and roles
// the sequence created.
TEST_F(ScanFollowingTest, RandomChangeSequencesEndEqualToAFullImport) {
  std::ifstream file(absl::StrCat(AUTH0_SIM_DIR, "/fixtures/acme.json"));
  const Json fixture = Json::parse(file);
  std::vector<std::string> users, roles, groups;
  for (const Json& user : fixture["users"]) users.push_back(user["user_id"]);
  for (const Json& role : fixture["roles"]) roles.push_back(role["id"]);
  for (const Json& group : fixture["groups"]) groups.push_back(group["id"]);
  const std::string organization = fixture["organizations"][0]["id"];
  const std::vector<std::string> connections = {"google-workforce", "okta-saml",
                                                "customers"};
  AwaitFirstScan();
  StartFollowing();
  // IDENTITYGRAPH_FOLLOW_SEED runs other sequences by hand.
  const char* seed = std::getenv("IDENTITYGRAPH_FOLLOW_SEED");
  std::mt19937 random(seed != nullptr ? std::atoi(seed) : 20261203);
  auto pick = [&random](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0,
                                                      from.size() - 1)(random)];
  };
  int created = 0;
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE(round);
    Json changes = Json::array();
    for (int n = 0; n < 5; ++n) {
      switch (std::uniform_int_distribution<int>(0, 11)(random)) {
        case 0:
          changes.push_back({{"op", "assign_user_roles"},
                             {"user_id", pick(users)},
                             {"roles", {pick(roles)}}});
          break;
        case 1:
          changes.push_back({{"op", "remove_user_roles"},
                             {"user_id", pick(users)},
                             {"roles", {pick(roles)}}});
          break;
        case 2:
          changes.push_back({{"op", "add_role_users"},
                             {"role_id", pick(roles)},
                             {"users", {pick(users), pick(users)}}});
          break;
        case 3:
          changes.push_back(
              {{"op", "update_user"},
               {"user_id", pick(users)},
               {"set", {{"name", absl::StrCat("Renamed ", round, n)}}}});
          break;
        case 4:
          changes.push_back(
              {{"op", "update_role"},
               {"role_id", pick(roles)},
               {"set", {{"name", absl::StrCat("role-", round, n)}}}});
          break;
        case 5:
          changes.push_back(
              {{"op", n % 2 ? "add_group_members" : "remove_group_members"},
               {"group_id", pick(groups)},
               {"users", {pick(users)}}});
          break;
        case 6:
          changes.push_back({{"op", n % 2 ? "add_organization_members"
                                          : "remove_organization_members"},
                             {"organization_id", organization},
                             {"members", {pick(users)}}});
          break;
        case 7: {
          const std::string id = absl::StrCat("auth0|random", created++);
          const char* via[] = {"api", "signup", "login"};
          changes.push_back(
              {{"op", "create_user"},
               {"via", via[created % 3]},
               {"user",
                {{"user_id", id},
                 {"email", absl::StrCat("random", created, "@acme.com")},
                 {"name", id},
                 {"identities", {{{"connection", pick(connections)}}}}}}});
          users.push_back(id);
          break;
        }
        case 8: {
          const std::string id = absl::StrCat("rol_Random", created++);
          changes.push_back(
              {{"op", "create_role"}, {"role", {{"id", id}, {"name", id}}}});
          roles.push_back(id);
          break;
        }
        case 9:
          if (roles.size() > 3) {
            changes.push_back(
                {{"op", "delete_role"}, {"role_id", roles.back()}});
            roles.pop_back();
          }
          break;
        case 10:
          changes.push_back({{"op", "extension_put"},
                             {"kind", "groups"},
                             {"record",
                              {{"_id", absl::StrCat("grp-random-", n % 3)},
                               {"name", "Random"},
                               {"members", {pick(users), pick(users)}}}}});
          break;
        default:
          if (absl::StartsWith(users.back(), "auth0|random")) {
            changes.push_back(
                {{"op", "delete_user"}, {"user_id", users.back()}});
            users.pop_back();
          }
          break;
      }
    }
    ASSERT_TRUE(sim_->Change({{"changes", changes}}).ok()) << changes.dump();
    AwaitApplied();
    ExpectServedEqualsFullImport();
  }
  auto started = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(started.ok()) << started.status();
  const v1::Scan scan = AwaitEnd(started->scan.name());
  ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED) << scan.DebugString();
  EXPECT_FALSE(HasDrift(scan.drift())) << scan.drift().DebugString();
}

TEST_F(ScanFollowingTest, DriftNamesAChangeTheLogNeverShowed) {
  AwaitFirstScan();
  StartFollowing();
  // Applied without a log event: following cannot see it; a scan must.
  ASSERT_TRUE(sim_->Change({{"op", "assign_user_roles"},
                            {"user_id", "google-apps|grace"},
                            {"roles", {"rol_WikiEditor00002"}},
                            {"log", false}})
                  .ok());
  auto started = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(started.ok());
  const v1::Scan scan = AwaitEnd(started->scan.name());
  ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED) << scan.DebugString();
  ASSERT_TRUE(HasDrift(scan.drift())) << scan.DebugString();
  ASSERT_EQ(scan.drift().edges_size(), 1) << scan.drift().DebugString();
  EXPECT_EQ(scan.drift().edges(0).added(), 1);
  EXPECT_EQ(scan.drift().edges(0).removed(), 0);
  EXPECT_THAT(scan.drift().examples(0), HasSubstr("google-apps|grace"));
  ExpectServedEqualsFullImport();
}

TEST_F(ScanFollowingTest, AChangeMadeDuringAScanIsNotLost) {
  AwaitFirstScan();
  StartFollowing();
  // The scan's role reads wait 3 s each: the change lands while it runs,
  // after its roles... or before: either way it must show.
  ASSERT_TRUE(
      sim_->SetFaults("slow:fraction=1,delay=3s,path=/api/v2/roles").ok());
  auto started = manager_->Start(v1::SCAN_TRIGGER_MANUAL);
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(sim_->Change({{"op", "remove_user_roles"},
                            {"user_id", "google-apps|ada"},
                            {"roles", {"rol_PayrollAdmin0001"}}})
                  .ok());
  const v1::Scan scan = AwaitEnd(started->scan.name());
  ASSERT_TRUE(sim_->ClearFaults().ok());
  ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED) << scan.DebugString();
  AwaitApplied();
  ExpectServedEqualsFullImport();
}

TEST_F(ScanFollowingTest, ARestartEndsInAFullScan) {
  AwaitFirstScan();
  StartFollowing();
  const size_t scans = manager_->List().size();
  OpenManager();
  AwaitApplied();
  const std::vector<v1::Scan> after = manager_->List();
  ASSERT_EQ(after.size(), scans + 1);
  EXPECT_EQ(after[0].trigger(), v1::SCAN_TRIGGER_FOLLOWING);
  EXPECT_THAT(after[0].trigger_reason(), HasSubstr("the server started"));
  // The change batches survive the restart.
  StartFollowing();
  ASSERT_TRUE(sim_->Change({{"op", "update_user"},
                            {"user_id", "google-apps|grace"},
                            {"set", {{"name", "Grace B. Hopper"}}}})
                  .ok());
  AwaitApplied();
  ExpectServedEqualsFullImport();
}

TEST_F(ScanFollowingTest, ARestartServesTheFollowedVersionFromTheJournal) {
  // Never folded into the file (the manager of SetUp), then after every
  // second batch.
  for (const size_t compact_after : {size_t{64}, size_t{2}}) {
    SCOPED_TRACE(compact_after);
    journal_compact_after_ = compact_after;
    if (manager_->List().empty()) {
      AwaitFirstScan();
    } else {
      // After the previous round's restart: follow again.
      Configure([](v1::Config&) {}, {"import_options.follow_changes"});
      OpenManager();
      AwaitApplied();
    }
    StartFollowing();
    for (const char* name : {"Grace B. Hopper", "Grace Hopper", "G. Hopper"}) {
      ASSERT_TRUE(sim_->Change({{"op", "update_user"},
                                {"user_id", "google-apps|grace"},
                                {"set", {{"name", name}}}})
                      .ok());
      AwaitApplied();
    }
    const std::shared_ptr<const graph::Snapshot> before = holder_->Get();
    ReopenNotFollowing();
    ASSERT_NE(holder_->Get(), nullptr);
    EXPECT_EQ(holder_->Get()->version(), before->version());
    EXPECT_EQ(holder_->Get()->create_time(), before->create_time());
    EXPECT_TRUE(Lines(*holder_->Get()) == Lines(*before))
        << EdgeDifference(Lines(*before), Lines(*holder_->Get()));
    ExpectServedEqualsFullImport();
  }
}

TEST_F(ScanFollowingTest, BatchesAndServedSnapshotAgreeAfterAKillAtEveryStep) {
  AwaitFirstScan();
  StartFollowing();
  const ScanManager::Step steps[] = {ScanManager::Step::kBatchJournaled,
                                     ScanManager::Step::kBatchRecorded};
  for (const ScanManager::Step step : steps) {
    SCOPED_TRACE(static_cast<int>(step));
    Configure([](v1::Config&) {}, {"import_options.follow_changes"});
    manager_.reset();
    // Each kill renames Grace back and forth.
    ASSERT_TRUE(sim_->Change({{"op", "update_user"},
                              {"user_id", "google-apps|grace"},
                              {"set", {{"name", "Grace Hopper"}}}})
                    .ok());
    const importer::HttpClientOptions http = sim_->HttpOptions();
    ServerProcess::Exit killed = ServerProcess::Run(
        CrashChild(), {dir_.path(), http.connect_to, http.ca_file,
                       absl::StrCat(static_cast<int>(step))});
    ASSERT_EQ(killed.exit_code, -1) << killed.output;

    ReopenNotFollowing();
    ASSERT_NE(holder_->Get(), nullptr);
    const std::vector<v1::ChangeBatch> batches = manager_->ListChangeBatches();
    ASSERT_FALSE(batches.empty());
    // The killed batch is listed (recovered from the journal when the
    // server stopped before listing it) and is what is served.
    EXPECT_EQ(batches[0].snapshot_version(), holder_->Get()->version());
    EXPECT_EQ(batches[0].recovered(),
              step == ScanManager::Step::kBatchJournaled)
        << batches[0].DebugString();
    ExpectServedEqualsFullImport();
  }
}

TEST_F(ScanFollowingTest, ARetentionGapEndsInAFullScanThatSaysWhy) {
  AwaitFirstScan();
  StartFollowing();
  // The log cannot be read for a while, and meanwhile its events are purged.
  ASSERT_TRUE(sim_->SetFaults("503:fraction=1,path=/api/v2/logs").ok());
  std::atomic<bool> cancelled{false};
  const absl::Status stuck = manager_->WaitForChanges(
      absl::Now(), absl::Now() + absl::Seconds(3), cancelled);
  EXPECT_TRUE(absl::IsFailedPrecondition(stuck)) << stuck;
  EXPECT_EQ(manager_->Following().state(), v1::FOLLOWING_STATE_FAILING);
  ASSERT_TRUE(sim_->PurgeLogs().ok());
  ASSERT_TRUE(sim_->ClearFaults().ok());
  AwaitApplied();
  const v1::Scan scan = NewestScanEnded();
  EXPECT_EQ(scan.trigger(), v1::SCAN_TRIGGER_FOLLOWING);
  EXPECT_THAT(scan.trigger_reason(), HasSubstr("retention"));
  const std::vector<v1::ChangeBatch> batches = manager_->ListChangeBatches();
  ASSERT_GE(batches.size(), 2u);
  EXPECT_EQ(batches[0].started_scan(), scan.name());
  EXPECT_EQ(batches[1].error().code(), "UNAVAILABLE");
}

TEST_F(ScanFollowingTest, AConfigurationChangeEndsInAFullScan) {
  AwaitFirstScan();
  StartFollowing();
  Configure([](v1::Config& config) { config.clear_connection_patterns(); },
            {"connection_patterns"});
  AwaitApplied();
  const v1::Scan scan = NewestScanEnded();
  EXPECT_EQ(scan.trigger(), v1::SCAN_TRIGGER_FOLLOWING);
  EXPECT_THAT(scan.trigger_reason(), HasSubstr("the connection filter"));
  ExpectServedEqualsFullImport();
}

TEST_F(ScanFollowingTest, AnEventTheMappingCannotPlaceIsStillApplied) {
  AwaitFirstScan();
  StartFollowing();
  // A user import job: every user may have changed.
  ASSERT_TRUE(sim_->Change({{"op", "log_event"},
                            {"event",
                             {{"type", "sui"},
                              {"description", "users imported"},
                              {"connection", "google-workforce"}}}})
                  .ok());
  AwaitApplied();
  const v1::Scan scan = NewestScanEnded();
  EXPECT_EQ(scan.trigger(), v1::SCAN_TRIGGER_FOLLOWING);
  ExpectServedEqualsFullImport();
}

TEST_F(ScanFollowingTest, TurnedOffReadsWithMinChangeTimeFailAtOnce) {
  AwaitFirstScan();
  StartFollowing();
  Configure(
      [](v1::Config& config) {
        config.mutable_import_options()->set_follow_changes(false);
      },
      {"import_options.follow_changes"});
  AwaitOff();
  std::atomic<bool> cancelled{false};
  const absl::Status status = manager_->WaitForChanges(
      absl::Now() + absl::Seconds(1), absl::Now() + kWait, cancelled);
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("follow_changes is off"));
  // A change the served snapshot already holds needs no following.
  EXPECT_TRUE(manager_->ChangesApplied(absl::Now() - absl::Hours(1)));
}

}  // namespace
}  // namespace identitygraph
