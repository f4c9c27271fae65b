// A test build of the scan path that kills itself with SIGKILL right after
// one step of a scan (ScanManager::Options::after_step), so that
// scan_manager_test can check what a restart makes of the data directory.
//
//   scan_crash_child DATA_DIR CONNECT_TO CA_FILE STEP
//
// DATA_DIR must hold a complete configuration; STEP is a ScanManager::Step.
// For the scan's steps (0 to 3) it runs a manual scan. For a followed
// batch's (4, 5) the configuration must follow changes: once following has
// caught up after the scan the server starts, it renames a user of auth0-sim
// (POST /__sim/changes) and waits for the batch. Exits 2 when it ended
// without reaching the step.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "graph/snapshot_holder.h"
#include "importer/http_client.h"
#include "server/config_store.h"
#include "server/scan_manager.h"

namespace {

int FollowOneChange(identitygraph::ScanManager& manager,
                    const std::string& domain,
                    const identitygraph::importer::HttpClientOptions& http,
                    identitygraph::ScanManager::Step step) {
  const std::atomic<bool> cancelled{false};
  // The scan the server's start asks for, then following's first poll.
  absl::Status caught_up = manager.WaitForChanges(
      absl::Now(), absl::Now() + absl::Minutes(2), cancelled);
  if (!caught_up.ok()) {
    std::fprintf(stderr, "following did not start: %s\n",
                 std::string(caught_up.message()).c_str());
    return 1;
  }
  identitygraph::importer::HttpClient client(http);
  identitygraph::importer::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat("https://", domain, "/__sim/changes");
  request.body = R"({"op": "update_user", "user_id": "google-apps|grace",)"
                 R"( "set": {"name": "Grace B. Hopper"}})";
  auto changed = client.Send(request);
  if (!changed.ok() || changed->status != 200) {
    std::fprintf(stderr, "the change was refused: %s\n",
                 changed.ok()
                     ? changed->body.c_str()
                     : std::string(changed.status().message()).c_str());
    return 1;
  }
  // Killed inside, at the step.
  (void)manager.WaitForChanges(absl::Now(), absl::Now() + absl::Minutes(2),
                               cancelled);
  std::fprintf(stderr, "the batch was applied without reaching step %d\n",
               static_cast<int>(step));
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using identitygraph::ScanManager;
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s DATA_DIR CONNECT_TO CA_FILE STEP\n",
                 argv[0]);
    return 1;
  }
  const auto kill_after = static_cast<ScanManager::Step>(std::atoi(argv[4]));
  auto store = identitygraph::ConfigStore::Open(
      argv[1], identitygraph::ValidatorOptions());
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  identitygraph::graph::SnapshotHolder holder;
  ScanManager::Options options;
  options.data_dir = argv[1];
  options.import.http.connect_to = argv[2];
  options.import.http.ca_file = argv[3];
  // auth0-sim delivers every event at once.
  options.log_delivery_allowance = absl::ZeroDuration();
  options.after_step = [kill_after](ScanManager::Step step) {
    if (step == kill_after) raise(SIGKILL);
  };
  auto manager = ScanManager::Open(**store, holder, options);
  if (!manager.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(manager.status().message()).c_str());
    return 1;
  }
  if (kill_after >= ScanManager::Step::kBatchJournaled) {
    return FollowOneChange(**manager, (*store)->Get().domain(),
                           options.import.http, kill_after);
  }
  auto started = (*manager)->Start(identitygraph::v1::SCAN_TRIGGER_MANUAL);
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(started.status().message()).c_str());
    return 1;
  }
  int64_t seen = 0;
  for (;;) {
    auto scan = (*manager)->WaitForChange(started->scan.name(), &seen,
                                          absl::Now() + absl::Minutes(5));
    if (!scan.ok() || identitygraph::ScanEnded(*scan)) break;
  }
  // Waits for the scan's thread, which takes the last step after the end.
  manager->reset();
  std::fprintf(stderr, "the scan ended without reaching step %d\n",
               static_cast<int>(kill_after));
  return 2;
}
