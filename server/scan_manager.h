// Runs scans: imports from Auth0 in the background, one at a time, keeping
// their history in the data directory, and publishing each successful scan's
// snapshot (written to the data directory first) with one pointer swap.
// A failed or cancelled scan never replaces the published snapshot.
//
//   auto scans = ScanManager::Open(store, holder, options);   // loads the
//                                                // last snapshot and history
//   auto started = (*scans)->Start(v1::SCAN_TRIGGER_MANUAL);
//   (*scans)->SetChangeListener(fn);   // watchers are woken by changes
//   (*scans)->GetIfChanged("scans/3", &seen);
//
// Files in the data directory: `snapshot.igs` (graph/snapshot_file.h) and
// `scans.json` (the newest Options::history_kept scans, as in memory), both
// mode 0600: they hold every
// workforce user's email. The snapshot is written before the history records
// the scan's end; a server that stopped in between finds a snapshot newer
// than the history knows and records its scan as succeeded when it opens. A
// file that cannot be read (or holds numbers this server never writes) is kept
// aside as `FILE.unreadable-TIME` and reported, never overwritten; when it
// cannot be moved, Open fails. Thread-safe.
#ifndef IDENTITYGRAPH_SERVER_SCAN_MANAGER_H_
#define IDENTITYGRAPH_SERVER_SCAN_MANAGER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "graph/graph_types.h"
#include "graph/snapshot_holder.h"
#include "identitygraph/v1/scan_service.pb.h"
#include "importer/import.h"
#include "server/config_store.h"

namespace identitygraph {

// Whether a scan has ended (succeeded, failed or was cancelled).
bool ScanEnded(const v1::Scan& scan);
// N of a scan name "scans/N" (N from 1, no sign, space or leading zero); 0
// when the name is not of that form.
int64_t ScanNumber(absl::string_view name);

class ScanManager {
 public:
  // The steps of a scan that leave something in the data directory, in order.
  // A crash between any two leaves files that Open reconciles: the history
  // and the served snapshot agree after a restart.
  enum class Step {
    kStartRecorded,    // the history holds the scan as RUNNING
    kImported,         // the import finished; nothing written yet
    kSnapshotWritten,  // snapshot.igs holds the new version
    kEndRecorded,      // the history holds how the scan ended
  };

  struct Options {
    std::string data_dir;
    // How scans import, and how they reach Auth0 (`import.http`).
    importer::ImportOptions import;
    // The memory bound of each snapshot's query caches, together.
    size_t cache_capacity_bytes = graph::kDefaultCacheCapacityBytes;
    // For tests that kill the process after each step
    // (tests/scan_crash_child.cc); unset in the server. Called on the thread
    // that took the step, sometimes with the manager's lock held: it must not
    // call the manager.
    std::function<void(Step)> after_step;
    // Called with each scan this manager ran once it has ended and its end is
    // saved (metrics). Called with the manager's lock held: it must not block
    // or call the manager.
    std::function<void(const v1::Scan&)> on_ended;
    // Scans kept, in memory and in scans.json: the newest this many (at
    // least 1; the running scan is the newest).
    size_t history_kept = 100;
  };

  // Loads the history and the last snapshot (published into `holder`).
  // `store` and `holder` must outlive the manager.
  static absl::StatusOr<std::unique_ptr<ScanManager>> Open(
      ConfigStore& store, graph::SnapshotHolder& holder, Options options);
  // Cancels a running scan and waits for it.
  ~ScanManager();

  struct Started {
    v1::Scan scan;
    bool already_running = false;
  };
  // Starts a scan, or returns the running one. FAILED_PRECONDITION when the
  // configuration is not complete.
  absl::StatusOr<Started> Start(v1::ScanTrigger trigger);
  // NOT_FOUND for an unknown name; INVALID_ARGUMENT for a malformed one.
  absl::StatusOr<v1::Scan> Get(const std::string& name) const;
  // Newest first.
  std::vector<v1::Scan> List() const;
  // Whether a scan is under way (from Start until it has ended).
  bool running() const;
  // The name of the scan that published snapshot `version`, or "" when the
  // history no longer holds it.
  std::string ScanOfVersion(int64_t version) const;
  // Cancels a pending or running scan; an ended one comes back unchanged.
  absl::StatusOr<v1::Scan> Cancel(const std::string& name);
  // Waits until the scan differs from what `*seen` (a change counter, 0 at
  // first) says the caller has, or it has ended, or `deadline`; returns it and
  // updates `*seen`.
  absl::StatusOr<v1::Scan> WaitForChange(const std::string& name, int64_t* seen,
                                         absl::Time deadline) const;
  // The scan when it differs from what `*seen` says the caller has (updating
  // `*seen`), else nullopt. Never waits: for watchers woken by the listener.
  absl::StatusOr<std::optional<v1::Scan>> GetIfChanged(const std::string& name,
                                                       int64_t* seen) const;

  // Called with a scan's name after every change to it (start, progress,
  // end), on the thread that changed it and with no lock of the manager held;
  // it must not block. One listener at a time; setting another (or none)
  // returns once no call to the previous one is running.
  using ChangeListener = std::function<void(const std::string& name)>;
  void SetChangeListener(ChangeListener listener);

  // The scheduler's step (a thread runs it about once a minute; tests call it
  // with their own clock): starts a SCHEDULED scan when the configuration's
  // rescan interval has passed since the last scan started (or since the
  // server started, before any scan), and returns when to look again.
  absl::Time RunScheduledIfDue(absl::Time now);

 private:
  ScanManager(ConfigStore& store, graph::SnapshotHolder& holder,
              Options options);
  absl::Status Load();
  void Run(int64_t number, importer::TenantConfig tenant);
  // Records how the scan ended (publishing its snapshot when it succeeded).
  void EndScan(const std::string& name, const absl::Status& failure,
               std::shared_ptr<const graph::Snapshot> snapshot,
               int64_t version);
  void NotifyChanged(const std::string& name);
  // Index into scans_ of `name`, or an error.
  absl::StatusOr<size_t> Find(const std::string& name) const;
  void SaveHistory();     // with mutex_ held
  void DropBeyondKept();  // with mutex_ held: the oldest past history_kept
  void AfterStep(Step step) const {
    if (options_.after_step) options_.after_step(step);
  }
  void Finish(size_t index, v1::ScanState state);

  ConfigStore& store_;
  graph::SnapshotHolder& holder_;
  const Options options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<v1::Scan> scans_;   // oldest first
  std::vector<int64_t> changes_;  // per scan, bumped on every change
  int64_t next_number_ = 1;
  int64_t last_version_ = 0;
  bool running_ = false;
  std::atomic<bool> cancel_{false};
  std::mutex listener_mutex_;
  ChangeListener listener_;
  std::thread worker_;
  const absl::Time opened_ = absl::Now();
  // The scheduler thread, woken early to stop.
  std::mutex scheduler_mutex_;
  std::condition_variable scheduler_wake_;
  bool stopping_ = false;
  std::thread scheduler_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SCAN_MANAGER_H_
