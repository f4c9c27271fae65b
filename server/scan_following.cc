// The following half of ScanManager (scan_manager.h): the follower thread,
// its polls and their snapshots, the status readers see, and waiting for a
// change to be applied (min_change_time).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "graph/graph_builder.h"
#include "graph/snapshot_delta.h"
#include "graph/snapshot_file.h"
#include "importer/graph_mapping.h"
#include "importer/remediation.h"
#include "server/log.h"
#include "server/proto_time.h"
#include "server/scan_manager.h"
#include "server/tenant_config.h"

namespace identitygraph {
namespace {

// While following is off, how often the follower looks at the configuration
// (in memory: costs nothing).
constexpr absl::Duration kConfigLook = absl::Seconds(2);
// The poll interval while a reader waits for a change (min_change_time).
constexpr absl::Duration kUrgentInterval = absl::Seconds(1);
// How long a scan waits for following to catch up with its import before it
// measures drift, beyond the delivery allowance.
constexpr absl::Duration kDriftCatchUp = absl::Seconds(60);

// What differs, between two configurations, in what an import reads;
// "" when nothing does.
std::string ImportDifference(const importer::TenantConfig& before,
                             const importer::TenantConfig& now) {
  std::vector<std::string> changed;
  if (before.domain != now.domain) changed.push_back("the tenant domain");
  if (before.client_id != now.client_id) changed.push_back("the client id");
  if (before.connections != now.connections ||
      before.connection_patterns != now.connection_patterns) {
    changed.push_back("the connection filter");
  }
  if (before.extension.enabled != now.extension.enabled ||
      before.extension.api_url != now.extension.api_url ||
      before.extension.audience != now.extension.audience) {
    changed.push_back("the Authorization Extension");
  }
  if (before.include_organizations != now.include_organizations) {
    changed.push_back("include_organizations");
  }
  if (before.login_reachability != now.login_reachability) {
    changed.push_back("login_reachability");
  }
  if (before.user_permissions != now.user_permissions) {
    changed.push_back("user_permissions");
  }
  return absl::StrJoin(changed, ", ");
}

}  // namespace

void ScanManager::FollowLoop() {
  std::unique_lock<std::mutex> lock(follow_mutex_);
  while (!follow_cancel_) {
    lock.unlock();
    const absl::Duration wait = FollowStep();
    lock.lock();
    follow_wake_.wait_for(lock, absl::ToChronoNanoseconds(wait), [this] {
      return follow_poked_ || follow_cancel_.load();
    });
    follow_poked_ = false;
  }
}

void ScanManager::HandOver(std::unique_ptr<Followed> followed) {
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    // The scan's snapshot is published: it holds every change made before
    // the import started.
    applied_through_ = std::max(applied_through_, followed->import_start);
    handover_ = std::move(followed);
    follow_poked_ = true;
  }
  follow_wake_.notify_all();
  follow_changed_.notify_all();
}

void ScanManager::NoteFollowingCannotStart(const std::string& scan,
                                           const absl::Status& why) {
  const std::string message = absl::StrCat(
      "following could not start after ", scan,
      ", which could not read the tenant's log: ", importer::WithFix(why),
      " Following starts after the next scan that can.");
  LogWarning(message);
  const int64_t revision = scan_config_revision(scan);
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    status_.set_state(v1::FOLLOWING_STATE_WAITING_FOR_SCAN);
    status_.set_message(message);
    // Not another scan for the same configuration: it would fail the same.
    may_start_scan_ = false;
    scan_asked_revision_ = revision;
  }
  follow_changed_.notify_all();
}

void ScanManager::RaiseAppliedThrough(absl::Time time) {
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    applied_through_ = std::max(applied_through_, time);
  }
  follow_changed_.notify_all();
}

absl::Duration ScanManager::FollowStep() {
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    if (handover_ != nullptr) {
      followed_ = std::move(handover_);
      failing_ = false;
      status_.Clear();
      status_.set_state(v1::FOLLOWING_STATE_FOLLOWING);
      status_.set_base_scan(followed_->base_scan);
      status_.set_checkpoint(followed_->checkpoint);
      LogInfo(absl::StrCat("following the tenant's changes after ",
                           followed_->base_scan, " from log event ",
                           followed_->checkpoint.empty()
                               ? std::string("(the log was empty)")
                               : followed_->checkpoint));
    }
  }
  const v1::Config config = store_.GetWithSecret();
  absl::StatusOr<importer::TenantConfig> tenant =
      ToTenantConfig(config, store_.validator_options());
  if (!tenant.ok() || !tenant->follow_changes) {
    // An incomplete configuration cannot follow whatever the option says.
    StopFollowing(v1::FOLLOWING_STATE_OFF,
                  tenant.ok()
                      ? "the import option follow_changes is off: answers are "
                        "as old as the last scan"
                      : absl::StrCat("the configuration cannot be used to "
                                     "follow changes (",
                                     tenant.status().message(),
                                     "): answers are as old as the last scan"));
    std::lock_guard<std::mutex> lock(follow_mutex_);
    may_start_scan_ = true;
    start_reason_ = "following was turned on";
    return kConfigLook;
  }
  if (followed_ == nullptr) {
    bool start = false;
    std::string reason;
    {
      std::lock_guard<std::mutex> lock(follow_mutex_);
      // A scan asked for and failed is not asked for again until the
      // configuration changes (or another scan succeeds).
      if (!may_start_scan_ && config.revision() != scan_asked_revision_) {
        may_start_scan_ = true;
        start_reason_ = "the configuration changed";
      }
      start = may_start_scan_ && !running();
      reason = start_reason_;
      if (!start && status_.state() != v1::FOLLOWING_STATE_WAITING_FOR_SCAN) {
        status_.set_state(v1::FOLLOWING_STATE_WAITING_FOR_SCAN);
        status_.set_message(
            "waiting for a full scan to follow on from (the running one, or "
            "the next that succeeds)");
      }
    }
    if (start) StartForFollowing(reason, config.revision());
    return kConfigLook;
  }
  if (const std::string changed = ImportDifference(followed_->tenant, *tenant);
      !changed.empty()) {
    const std::string reason =
        absl::StrCat("the configuration changed what an import reads (",
                     changed, ") since ", followed_->base_scan);
    StopFollowing(v1::FOLLOWING_STATE_WAITING_FOR_SCAN, reason);
    StartForFollowing(reason, config.revision());
    return kConfigLook;
  }
  const absl::Duration wait = PollOnce(*tenant);
  std::lock_guard<std::mutex> lock(follow_mutex_);
  return waiting_ > 0 ? std::min(wait, kUrgentInterval) : wait;
}

absl::Duration ScanManager::PollOnce(const importer::TenantConfig& tenant) {
  Followed& followed = *followed_;
  const absl::Duration interval = tenant.change_poll_interval;
  v1::ChangeBatch record;
  record.set_base_scan(followed.base_scan);
  record.set_from_log_id(followed.checkpoint);

  auto fail = [&](const absl::Status& status) {
    followed.check_retained = true;
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(follow_mutex_);
      first = !failing_;
      failing_ = true;
      status_.set_state(v1::FOLLOWING_STATE_FAILING);
      status_.set_message(absl::StrCat(
          "reading the tenant's changes failed: ", importer::WithFix(status),
          " Polling goes on from the same log event."));
    }
    follow_changed_.notify_all();
    // The first failure of a run is recorded; the rest would push the
    // batches that say something out of the bounded log.
    if (first) {
      v1::ScanError* error = record.mutable_error();
      error->set_code(absl::StatusCodeToString(status.code()));
      error->set_message(std::string(status.message()));
      error->set_remediation(importer::RemediationOf(status));
      *record.mutable_time() = ToProtoTimestamp(absl::Now());
      RecordBatch(std::move(record));
      LogError(absl::StrCat("following changes: ", importer::WithFix(status)));
    }
    return interval;
  };
  auto lose = [&](const std::string& reason) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      record.set_started_scan(absl::StrCat("scans/", next_number_));
    }
    record.mutable_error()->set_code("FAILED_PRECONDITION");
    record.mutable_error()->set_message(reason);
    record.mutable_error()->set_remediation(
        "Nothing to do: a full scan starts and following resumes after it.");
    *record.mutable_time() = ToProtoTimestamp(absl::Now());
    RecordBatch(std::move(record));
    StopFollowing(v1::FOLLOWING_STATE_WAITING_FOR_SCAN, reason);
    StartForFollowing(reason, store_.Get().revision());
    return kConfigLook;
  };

  if (followed.check_retained) {
    const int64_t requests_before = followed.follower->requests();
    absl::StatusOr<bool> retained =
        followed.follower->Retained(followed.checkpoint);
    {
      // Counted like a poll's: FollowingStatus is what following cost.
      std::lock_guard<std::mutex> lock(follow_mutex_);
      status_.set_requests(status_.requests() + followed.follower->requests() -
                           requests_before);
    }
    if (!retained.ok()) {
      return follow_cancel_ ? interval : fail(retained.status());
    }
    if (!*retained) {
      return lose(absl::StrCat(
          "the tenant's log no longer holds log event ", followed.checkpoint,
          " where following stood (it is older than the log's retention): "
          "changes after it may be lost"));
    }
    followed.check_retained = false;
  }

  absl::StatusOr<importer::FollowBatch> batch =
      followed.follower->Poll(followed.checkpoint, followed.data);
  if (follow_cancel_) return interval;
  if (!batch.ok()) {
    if (absl::IsFailedPrecondition(batch.status())) {
      return lose(std::string(batch.status().message()));
    }
    return fail(batch.status());
  }
  followed.checkpoint = batch->checkpoint;
  record.set_to_log_id(batch->checkpoint);
  record.set_events(batch->events);
  record.set_relevant_events(batch->relevant);
  record.set_records_read(batch->records_read);
  record.set_records_gone(batch->records_gone);
  record.set_extension_changed(batch->extension_changed);
  record.set_requests(batch->requests);
  record.set_extension_requests(batch->extension_requests);
  for (const std::string& imprecise : batch->imprecise) {
    record.add_imprecise_events(imprecise);
  }
  followed.unpublished.Merge(batch->touched);
  const bool publish = batch->changed() || !followed.unpublished.empty();
  if (publish) {
    const absl::Time start = absl::Now();
    absl::StatusOr<int64_t> version =
        PublishFollowed(followed.data, followed.unpublished);
    if (!version.ok()) return fail(version.status());
    followed.unpublished = importer::TouchedEntities();
    record.set_snapshot_version(*version);
    *record.mutable_publish_duration() = ToProtoDuration(absl::Now() - start);
    // Listed before the changes count as applied: a reader that waited for
    // them finds the batch that applied them.
    *record.mutable_time() = ToProtoTimestamp(absl::Now());
    RecordBatch(record);
    AfterStep(Step::kBatchRecorded);
    CompactJournalIfDue();
  }
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    failing_ = false;
    status_.set_state(v1::FOLLOWING_STATE_FOLLOWING);
    status_.clear_message();
    status_.set_checkpoint(followed.checkpoint);
    status_.set_polls(status_.polls() + 1);
    status_.set_events(status_.events() + batch->events);
    status_.set_requests(status_.requests() + batch->requests);
    status_.set_extension_requests(status_.extension_requests() +
                                   batch->extension_requests);
    if (record.snapshot_version() > 0) {
      status_.set_published(status_.published() + 1);
    }
    // Every event delivered before the newest one read is read too (log_id
    // is delivery order), and a short page means none was left.
    absl::Time read_up_to = batch->newest_event_time;
    if (batch->caught_up) read_up_to = std::max(read_up_to, batch->read_time);
    if (read_up_to != absl::InfinitePast()) {
      applied_through_ = std::max(applied_through_,
                                  read_up_to - options_.log_delivery_allowance);
    }
  }
  follow_changed_.notify_all();
  return batch->caught_up ? interval : absl::ZeroDuration();
}

absl::StatusOr<int64_t> ScanManager::PublishFollowed(
    const importer::TenantData& data,
    const importer::TouchedEntities& touched) {
  std::lock_guard<std::mutex> publishing(publish_mutex_);
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    // A scan's import takes over: what this poll applied is in it or after
    // its checkpoint.
    if (handover_ != nullptr) return 0;
  }
  int64_t version = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    version = last_version_ + 1;
  }
  // The served snapshot was mapped from `data` as it was before the touched
  // entities changed (a scan's, handed over with its data, or the last of
  // these), so the change is only theirs.
  const std::shared_ptr<const graph::Snapshot> current = holder_.Get();
  std::shared_ptr<const graph::Snapshot> snapshot;
  absl::Status persisted;
  if (current != nullptr) {
    const graph::SnapshotDelta delta =
        importer::MapChangesToDelta(data, touched, *current);
    absl::StatusOr<graph::AppliedDelta> applied =
        graph::ApplyDelta(*current, delta, version, absl::Now());
    if (!applied.ok()) {
      return absl::InternalError(absl::StrCat(
          "could not apply followed changes to the graph: ",
          applied.status().message(), " (a defect: please report it)"));
    }
    snapshot = std::move(applied->snapshot);
    // Durable before it is published: a restart serves what readers saw.
    persisted =
        PersistError(files_.Append(current->version(), *snapshot, delta),
                     "of followed changes");
  } else {
    graph::GraphBuilder builder;
    importer::MapToGraph(data, &builder);
    builder.set_cache_capacity_bytes(options_.cache_capacity_bytes);
    snapshot = std::move(builder).Build(version, absl::Now());
    persisted = WriteSnapshot(*snapshot, "of followed changes");
  }
  if (!persisted.ok()) return persisted;
  AfterStep(Step::kBatchJournaled);
  holder_.Publish(std::move(snapshot));
  std::lock_guard<std::mutex> lock(mutex_);
  last_version_ = version;
  return version;
}

void ScanManager::CompactJournalIfDue() {
  std::lock_guard<std::mutex> publishing(publish_mutex_);
  if (!files_.CompactionDue()) return;
  const std::shared_ptr<const graph::Snapshot> served = holder_.Get();
  if (served == nullptr) return;
  const absl::Time start = absl::Now();
  if (absl::Status written = WriteSnapshot(*served, "folding in its journal");
      !written.ok()) {
    // The journal still holds every batch: nothing is lost, and the next
    // batch tries again.
    LogWarning(written.message());
    return;
  }
  LogInfo(absl::StrCat("folded the snapshot journal into snapshot version ",
                       served->version(), " in ",
                       absl::FormatDuration(absl::Now() - start)));
}

void ScanManager::StopFollowing(v1::FollowingState state, std::string message) {
  followed_.reset();
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    if (status_.state() == state && status_.message() == message) return;
    const bool was_following =
        status_.state() == v1::FOLLOWING_STATE_FOLLOWING ||
        status_.state() == v1::FOLLOWING_STATE_FAILING;
    status_.Clear();
    status_.set_state(state);
    status_.set_message(message);
    if (was_following) {
      LogWarning(absl::StrCat("following changes stopped: ", message));
    }
  }
  follow_changed_.notify_all();
}

void ScanManager::StartForFollowing(const std::string& reason,
                                    int64_t config_revision) {
  absl::StatusOr<Started> started =
      Start(v1::SCAN_TRIGGER_FOLLOWING,
            absl::StrCat("following changes needs a full scan: ", reason));
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    may_start_scan_ = false;
    scan_asked_revision_ = config_revision;
    status_.set_state(v1::FOLLOWING_STATE_WAITING_FOR_SCAN);
    if (started.ok()) {
      status_.set_message(absl::StrCat("following resumes after ",
                                       started->scan.name(),
                                       ", started because ", reason));
    } else {
      status_.set_message(absl::StrCat(
          "following needs a full scan (", reason,
          ") and it could not start: ", started.status().message()));
    }
  }
  follow_changed_.notify_all();
  if (started.ok()) {
    LogInfo(absl::StrCat(started->scan.name(), " started: following changes ",
                         "needs a full scan: ", reason));
  } else {
    LogError(
        absl::StrCat("following changes needs a full scan (", reason,
                     ") and it could not start: ", started.status().message()));
  }
}

void ScanManager::RecordBatch(v1::ChangeBatch batch) {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    name = batches_.Add(batch);
  }
  if (batch.snapshot_version() > 0) {
    LogInfo(absl::StrCat(
        name, " published snapshot version ", batch.snapshot_version(), ": ",
        batch.events(), " log events, ", batch.records_read(),
        " records read again, ", batch.requests(), " requests"));
  }
}

bool ScanManager::CatchUpForDrift(absl::Time import_end) {
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    if (status_.state() != v1::FOLLOWING_STATE_FOLLOWING) return false;
  }
  return WaitForChanges(
             import_end,
             absl::Now() + options_.log_delivery_allowance + kDriftCatchUp,
             cancel_)
      .ok();
}

v1::FollowingStatus ScanManager::Following() const {
  std::lock_guard<std::mutex> lock(follow_mutex_);
  v1::FollowingStatus status = status_;
  if (applied_through_ != absl::InfinitePast()) {
    *status.mutable_changes_applied_through() =
        ToProtoTimestamp(applied_through_);
    *status.mutable_lag() = ToProtoDuration(
        std::max(absl::ZeroDuration(), absl::Now() - applied_through_));
  }
  return status;
}

bool ScanManager::ChangesApplied(absl::Time change_time) const {
  std::lock_guard<std::mutex> lock(follow_mutex_);
  return applied_through_ >= change_time;
}

namespace {

absl::Status NotFollowed() {
  return absl::FailedPreconditionError(
      "min_change_time needs changes to be followed, and the import option "
      "follow_changes is off: turn it on with UpdateConfig, or start a scan "
      "(StartRescan) and pass the snapshot version it publishes as "
      "min_snapshot_version");
}

}  // namespace

// The configuration, not the follower's state, decides: a read that comes
// just after following was turned on waits for the scan it starts.
bool ScanManager::FollowingConfigured() const {
  return store_.FollowsChanges();
}

absl::Status ScanManager::ChangesFollowed() const {
  return FollowingConfigured() ? absl::OkStatus() : NotFollowed();
}

absl::Status ScanManager::WaitForChanges(absl::Time change_time,
                                         absl::Time deadline,
                                         const std::atomic<bool>& cancelled) {
  std::unique_lock<std::mutex> lock(follow_mutex_);
  if (applied_through_ >= change_time) return absl::OkStatus();
  if (!FollowingConfigured()) return NotFollowed();
  // Poll about every second while someone waits.
  ++waiting_;
  follow_poked_ = true;
  follow_wake_.notify_all();
  struct Leave {
    int& waiting;
    ~Leave() { --waiting; }
  } leave{waiting_};
  while (applied_through_ < change_time) {
    if (cancelled.load() || follow_cancel_.load()) {
      return absl::CancelledError(
          "the call ended while waiting for min_change_time");
    }
    if (!FollowingConfigured()) return NotFollowed();
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      return absl::FailedPreconditionError(absl::StrCat(
          "changes made in the tenant are applied through ",
          applied_through_ == absl::InfinitePast()
              ? std::string("no time yet")
              : absl::FormatTime(absl::RFC3339_sec, applied_through_,
                                 absl::UTCTimeZone()),
          ", before min_change_time ",
          absl::FormatTime(absl::RFC3339_sec, change_time, absl::UTCTimeZone()),
          ", and the call's deadline came (following: ",
          v1::FollowingState_Name(status_.state()),
          status_.message().empty() ? "" : ", ", status_.message(),
          "). Retry with a longer deadline"));
    }
    follow_changed_.wait_until(
        lock,
        absl::ToChronoTime(std::min(deadline, now + absl::Milliseconds(100))));
  }
  return absl::OkStatus();
}

std::vector<v1::ChangeBatch> ScanManager::ListChangeBatches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return batches_.List();
}

}  // namespace identitygraph
