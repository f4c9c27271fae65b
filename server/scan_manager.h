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
// Files in the data directory: `snapshot.igs` and `snapshot.journal` (the
// served snapshot: the last full write and the followed deltas after it,
// server/snapshot_files.h) and `scans.json` (the newest Options::history_kept
// scans, as in memory), all mode 0600: they hold every workforce user's
// email. A snapshot is made durable before the history records it; a server
// that stopped in between finds a version newer than the history knows and
// records its scan as succeeded (or lists its batch as recovered). A
// file that cannot be read (or holds numbers this server never writes) is kept
// aside as `FILE.unreadable-TIME` and reported, never overwritten; when it
// cannot be moved, Open fails. Thread-safe.
//
// Following changes (import option follow_changes; scan_following.cc): a scan
// takes the tenant log's checkpoint before it imports and, when it succeeds,
// hands its import to a follower thread, which polls the log every
// change_poll_interval (importer/log_follower.h), publishes a new snapshot
// version for every poll that changed something, and records it as a change
// batch (`change_batches.json`, the newest Options::change_batches_kept).
// When following cannot go on without one (the server started, following
// was turned on, the configuration changed, the log has a gap, an event only
// a full scan covers) it starts a FOLLOWING scan saying why, at most once
// until a scan succeeds. A scan that starts while changes are followed
// measures the drift between the followed graph and its import.
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
#include "identitygraph/v1/access_service.pb.h"
#include "identitygraph/v1/scan_service.pb.h"
#include "importer/import.h"
#include "importer/log_follower.h"
#include "importer/tenant_data.h"
#include "server/change_batch_log.h"
#include "server/config_store.h"
#include "server/snapshot_files.h"

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
    // Following: a batch's delta is in snapshot.journal (not yet published
    // or listed), then the batch is listed in change_batches.json.
    kBatchJournaled,
    kBatchRecorded,
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
    // Change batches kept, in memory and in change_batches.json.
    size_t change_batches_kept = 500;
    // How late Auth0 may deliver a log event: a change made at T counts as
    // applied once the log has been read up to T plus this.
    absl::Duration log_delivery_allowance = absl::Seconds(3);
    // Followed batches journaled before snapshot.igs is written again with
    // them folded in (server/snapshot_files.h): each costs a delta
    // application at the next start, the rewrite 0.5 s at 1M users.
    size_t journal_compact_after = 64;
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
  absl::StatusOr<Started> Start(v1::ScanTrigger trigger,
                                std::string reason = "");
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

  // How following goes, with the lag as of now.
  v1::FollowingStatus Following() const;
  // Whether every change made in the tenant before `change_time` is in the
  // published snapshot.
  bool ChangesApplied(absl::Time change_time) const;
  // FAILED_PRECONDITION, saying what to do instead, when changes are not
  // followed (min_change_time cannot be met by waiting).
  absl::Status ChangesFollowed() const;
  // Waits until ChangesApplied(change_time), polling the log about every
  // second meanwhile. FAILED_PRECONDITION at once when changes are not
  // followed, and at `deadline` saying how far following has got; CANCELLED
  // when `cancelled` rises.
  absl::Status WaitForChanges(absl::Time change_time, absl::Time deadline,
                              const std::atomic<bool>& cancelled);
  // Newest first.
  std::vector<v1::ChangeBatch> ListChangeBatches() const;

 private:
  ScanManager(ConfigStore& store, graph::SnapshotHolder& holder,
              Options options, ChangeBatchLog batches);
  absl::Status Load();
  void Run(int64_t number, importer::TenantConfig tenant);
  // Records how the scan ended (publishing its snapshot when it succeeded).
  void EndScan(const std::string& name, const absl::Status& failure,
               std::shared_ptr<const graph::Snapshot> snapshot, int64_t version,
               std::optional<v1::Drift> drift);
  int64_t scan_config_revision(const std::string& name) const;
  void NotifyChanged(const std::string& name);
  // Index into scans_ of `name`, or an error.
  absl::StatusOr<size_t> Find(const std::string& name) const;
  void SaveHistory();     // with mutex_ held
  void DropBeyondKept();  // with mutex_ held: the oldest past history_kept
  void AfterStep(Step step) const {
    if (options_.after_step) options_.after_step(step);
  }
  void Finish(size_t index, v1::ScanState state);

  // What a scan hands to the follower: its import and where its log starts.
  struct Followed {
    importer::TenantConfig tenant;
    int64_t config_revision = 0;
    std::string base_scan;
    importer::TenantData data;
    std::string checkpoint;
    // When the checkpoint was taken: the import holds every change before.
    absl::Time import_start;
    // Set after a failed poll: the checkpoint may have been purged since.
    bool check_retained = false;
    // What polls changed in `data` since the last published snapshot: one
    // poll's, or more when its snapshot could not be written.
    importer::TouchedEntities unpublished;
    // Refers to `tenant`; made last.
    std::unique_ptr<importer::LogFollower> follower;
  };
  // scan_following.cc: the follower thread's step (returns how long to wait)
  // and its parts.
  void FollowLoop();
  absl::Duration FollowStep();
  absl::Duration PollOnce(const importer::TenantConfig& tenant);
  // Publishes `data` as the next snapshot version (written first): the
  // served snapshot with the touched entities brought up to date.
  absl::StatusOr<int64_t> PublishFollowed(
      const importer::TenantData& data,
      const importer::TouchedEntities& touched);
  // Stops following (dropping its data) and says why in the status.
  void StopFollowing(v1::FollowingState state, std::string message);
  // Starts the full scan following needs, once until a scan succeeds.
  void StartForFollowing(const std::string& reason, int64_t config_revision);
  // A snapshot holding every change made before `time` is published.
  void RaiseAppliedThrough(absl::Time time);
  // Writes snapshot.igs and starts a new journal (`what` qualifies the
  // error: "of followed changes"), an error with the remediation when it
  // cannot. With publish_mutex_ held.
  absl::Status WriteSnapshot(const graph::Snapshot& snapshot,
                             absl::string_view what);
  static absl::Status PersistError(const absl::Status& failure,
                                   absl::string_view what);
  // Folds the journal into snapshot.igs when it is due (after a batch is
  // listed, so a crash in between leaves nothing unlisted).
  void CompactJournalIfDue();
  // A scan succeeded but could not take the log's checkpoint.
  void NoteFollowingCannotStart(const std::string& scan,
                                const absl::Status& why);
  bool FollowingConfigured() const;
  void RecordBatch(v1::ChangeBatch batch);
  // A scan's end: follow on from its import.
  void HandOver(std::unique_ptr<Followed> followed);
  // Whether changes are followed and following has applied every change up
  // to `import_end` (waiting for it): the published snapshot is then the
  // followed graph to measure a scan's drift against.
  bool CatchUpForDrift(absl::Time import_end);

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

  // Following. followed_ belongs to the follower thread; a scan passes its
  // import through handover_.
  ChangeBatchLog batches_;    // with mutex_ held
  std::mutex publish_mutex_;  // one snapshot build and write at a time
  SnapshotFiles files_;       // with publish_mutex_ held (or in Load)
  std::atomic<bool> follow_cancel_{false};
  std::unique_ptr<Followed> followed_;
  mutable std::mutex follow_mutex_;
  mutable std::condition_variable follow_changed_;  // status changed
  mutable std::condition_variable follow_wake_;     // poke the follower
  bool follow_poked_ = false;
  std::unique_ptr<Followed> handover_;
  v1::FollowingStatus status_;
  absl::Time applied_through_ = absl::InfinitePast();
  int waiting_ = 0;  // callers in WaitForChanges: poll every second
  bool may_start_scan_ = true;
  int64_t scan_asked_revision_ = -1;
  std::string start_reason_ = "the server started";
  bool failing_ = false;  // the previous poll failed
  std::thread follower_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SCAN_MANAGER_H_
