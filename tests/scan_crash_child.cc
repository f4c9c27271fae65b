// A test build of the scan path that kills itself with SIGKILL right after
// one step of a scan (ScanManager::Options::after_step), so that
// scan_manager_test can check what a restart makes of the data directory.
//
//   scan_crash_child DATA_DIR CONNECT_TO CA_FILE STEP
//
// DATA_DIR must hold a complete configuration; STEP is 0 to 3
// (ScanManager::Step). Exits 2 when the scan ended without reaching the step.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "graph/snapshot_holder.h"
#include "server/config_store.h"
#include "server/scan_manager.h"

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
  options.after_step = [kill_after](ScanManager::Step step) {
    if (step == kill_after) raise(SIGKILL);
  };
  auto manager = ScanManager::Open(**store, holder, options);
  if (!manager.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(manager.status().message()).c_str());
    return 1;
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
