#include "server/scan_manager.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/durable_file.h"
#include "google/protobuf/util/json_util.h"
#include "graph/snapshot_file.h"
#include "importer/re2_util.h"
#include "importer/remediation.h"
#include "re2/re2.h"
#include "server/api_mapping.h"
#include "server/drift.h"
#include "server/grpc_status.h"
#include "server/kept_aside.h"
#include "server/log.h"
#include "server/proto_time.h"
#include "server/tenant_config.h"

namespace identitygraph {
namespace {

constexpr char kHistoryFile[] = "scans.json";
constexpr char kBatchFile[] = "change_batches.json";
constexpr size_t kMaxHistoryBytes = size_t{64} << 20;
// The scheduler looks at the configuration at least this often (it may
// change the rescan interval at any time).
constexpr absl::Duration kSchedulerInterval = absl::Minutes(1);
// How long CancelScan waits for the scan to stop. The import notices a cancel
// within 100 ms (importer/cancellation.h); this bound only keeps a stuck
// import from holding the call forever.
constexpr absl::Duration kCancelWait = absl::Seconds(60);

void CopyProgress(const importer::ImportProgress& from, v1::Scan* scan) {
  v1::ScanProgress* to = scan->mutable_progress();
  to->Clear();
  to->set_phase(ToApi(from.phase));
  for (int kind = 0; kind < graph::kVertexKindCount; ++kind) {
    if (from.fetched[kind] == 0) continue;
    v1::EntityTally* tally = to->add_fetched();
    tally->set_kind(ToApi(static_cast<graph::VertexKind>(kind)));
    tally->set_count(from.fetched[kind]);
  }
  for (const auto& [source, count] : from.dropped) {
    v1::DroppedTally* tally = to->add_dropped();
    tally->set_source(source);
    tally->set_count(count);
  }
  to->set_requests(from.requests);
  to->set_retries(from.retries);
  *to->mutable_rate_limit_wait() = ToProtoDuration(from.rate_limit_wait);
  to->set_message(from.message);
  scan->clear_warnings();
  for (const importer::ImportWarning& warning : from.warnings) {
    v1::ScanWarning* out = scan->add_warnings();
    out->set_source(warning.source);
    out->set_message(warning.message);
    out->set_remediation(warning.remediation);
    for (const std::string& scope : warning.missing_scopes)
      out->add_missing_scopes(scope);
  }
}

// Numbers the history may hold: far beyond any real count of scans or
// snapshots, and far from where adding one would overflow.
constexpr int64_t kMaxSavedNumber = int64_t{1} << 53;

// The first saved scan with a name or version this server never writes.
const v1::Scan* FirstMisfit(const v1::ListScansResponse& saved) {
  for (const v1::Scan& scan : saved.scans()) {
    const int64_t number = ScanNumber(scan.name());
    if (number == 0 || number > kMaxSavedNumber ||
        scan.snapshot_version() < 0 ||
        scan.snapshot_version() > kMaxSavedNumber) {
      return &scan;
    }
  }
  return nullptr;
}

}  // namespace

bool ScanEnded(const v1::Scan& scan) {
  return scan.state() == v1::SCAN_STATE_SUCCEEDED ||
         scan.state() == v1::SCAN_STATE_FAILED ||
         scan.state() == v1::SCAN_STATE_CANCELLED;
}

int64_t ScanNumber(absl::string_view name) {
  // The canonical form only, as the server writes it: no sign, space or
  // leading zero (SimpleAtoi would take "scans/+1" and "scans/ 01").
  static const LazyRE2 kScanName = {R"(^scans/([1-9][0-9]{0,17})$)"};
  int64_t number = 0;
  if (!RE2::FullMatch(Piece(name), *kScanName, &number)) return 0;
  return number;
}

ScanManager::ScanManager(ConfigStore& store, graph::SnapshotHolder& holder,
                         Options options, ChangeBatchLog batches)
    : store_(store),
      holder_(holder),
      options_(std::move(options)),
      batches_(std::move(batches)),
      files_(options_.data_dir, options_.cache_capacity_bytes,
             options_.journal_compact_after) {
  status_.set_state(v1::FOLLOWING_STATE_OFF);
}

absl::StatusOr<std::unique_ptr<ScanManager>> ScanManager::Open(
    ConfigStore& store, graph::SnapshotHolder& holder, Options options) {
  options.history_kept = std::max<size_t>(1, options.history_kept);
  absl::StatusOr<ChangeBatchLog> batches =
      ChangeBatchLog::Open(absl::StrCat(options.data_dir, "/", kBatchFile),
                           options.change_batches_kept);
  if (!batches.ok()) return batches.status();
  std::unique_ptr<ScanManager> manager(
      new ScanManager(store, holder, std::move(options), *std::move(batches)));
  if (absl::Status loaded = manager->Load(); !loaded.ok()) return loaded;
  // Readers see at once that following is on and waits for a scan.
  if (store.Get().import_options().follow_changes()) {
    manager->status_.set_state(v1::FOLLOWING_STATE_WAITING_FOR_SCAN);
    manager->status_.set_message(
        "the server started: following resumes after a full scan");
  }
  ScanManager* self = manager.get();
  manager->follower_ = std::thread([self] { self->FollowLoop(); });
  manager->scheduler_ = std::thread([self] {
    std::unique_lock<std::mutex> lock(self->scheduler_mutex_);
    while (!self->stopping_) {
      lock.unlock();
      const absl::Time next = self->RunScheduledIfDue(absl::Now());
      lock.lock();
      // The configuration may change meanwhile: look at least every minute.
      const absl::Time wake = std::min(next, absl::Now() + kSchedulerInterval);
      self->scheduler_wake_.wait_until(lock, absl::ToChronoTime(wake),
                                       [self] { return self->stopping_; });
    }
  });
  return manager;
}

ScanManager::~ScanManager() {
  {
    std::lock_guard<std::mutex> lock(scheduler_mutex_);
    stopping_ = true;
  }
  scheduler_wake_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  {
    std::lock_guard<std::mutex> lock(follow_mutex_);
    follow_poked_ = true;
  }
  follow_cancel_ = true;
  follow_wake_.notify_all();
  if (follower_.joinable()) follower_.join();
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
}

absl::Time ScanManager::RunScheduledIfDue(absl::Time now) {
  const v1::Config config = store_.Get();
  if (!config.import_options().has_rescan_interval()) {
    return absl::InfiniteFuture();
  }
  const absl::Duration interval =
      FromProtoDuration(config.import_options().rescan_interval());
  if (interval <= absl::ZeroDuration()) return absl::InfiniteFuture();
  absl::Time last_start = opened_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!scans_.empty()) {
      last_start = FromProtoTimestamp(scans_.back().start_time());
    }
    if (running_) return now + kSchedulerInterval;
  }
  const absl::Time due = last_start + interval;
  if (now < due) return due;
  absl::StatusOr<Started> started = Start(v1::SCAN_TRIGGER_SCHEDULED);
  if (!started.ok()) {
    LogError(absl::StrCat("the scheduled scan could not start: ",
                          started.status().message()));
  }
  return now + interval;
}

absl::Status ScanManager::Load() {
  const std::string history_path =
      absl::StrCat(options_.data_dir, "/", kHistoryFile);
  absl::StatusOr<std::string> history =
      ReadFile(history_path, kMaxHistoryBytes);
  if (history.ok()) {
    v1::ListScansResponse saved;
    google::protobuf::util::JsonParseOptions parse;
    parse.ignore_unknown_fields = true;
    if (google::protobuf::util::JsonStringToMessage(*history, &saved, parse)
            .ok()) {
      if (const v1::Scan* misfit = FirstMisfit(saved)) {
        const absl::Status why = absl::DataLossError(absl::StrCat(
            history_path,
            " holds a scan name or snapshot version this server never writes "
            "(",
            Echo(misfit->name()), ", version ", misfit->snapshot_version(),
            ")"));
        saved.clear_scans();
        if (absl::Status kept = KeepAside(history_path, why); !kept.ok()) {
          return kept;
        }
      }
      // Saved newest first.
      for (auto it = saved.scans().rbegin(); it != saved.scans().rend(); ++it) {
        next_number_ = std::max(next_number_, ScanNumber(it->name()) + 1);
        last_version_ = std::max(last_version_, it->snapshot_version());
        scans_.push_back(*it);
        changes_.push_back(1);
      }
      DropBeyondKept();
    } else if (absl::Status kept =
                   KeepAside(history_path,
                             absl::DataLossError(absl::StrCat(
                                 history_path,
                                 " is not a scan history this server wrote")));
               !kept.ok()) {
      return kept;
    }
  } else if (!absl::IsNotFound(history.status())) {
    if (absl::Status kept = KeepAside(history_path, history.status());
        !kept.ok()) {
      return kept;
    }
  }

  // Following publishes versions no scan did.
  last_version_ = std::max(last_version_, batches_.max_snapshot_version());
  absl::StatusOr<SnapshotFiles::Loaded> loaded = files_.Load();
  if (!loaded.ok()) return loaded.status();
  // Only the newest scan can have been running when the server stopped.
  v1::Scan* interrupted =
      !scans_.empty() && !ScanEnded(scans_.back()) ? &scans_.back() : nullptr;
  const bool repair_history = interrupted != nullptr;
  const int64_t file_version = loaded->file_version;
  if (file_version > last_version_ && interrupted != nullptr) {
    // The server stopped after writing the scan's snapshot and before
    // recording its end (Step::kSnapshotWritten): the scan succeeded.
    interrupted->set_state(v1::SCAN_STATE_SUCCEEDED);
    interrupted->set_snapshot_version(file_version);
    interrupted->mutable_progress()->set_phase(v1::SCAN_PHASE_PUBLISH);
    // The file's creation time (a journal after it is stale).
    *interrupted->mutable_end_time() =
        ToProtoTimestamp(loaded->snapshot->create_time());
    LogWarning(absl::StrCat(
        interrupted->name(), " wrote snapshot version ", file_version,
        " but the server stopped before recording its end; recorded it as "
        "succeeded"));
    interrupted = nullptr;
  } else if (file_version > last_version_) {
    LogWarning(absl::StrCat(files_.snapshot_path(), " holds version ",
                            file_version,
                            ", which no scan or change batch in the history "
                            "published (the history was lost or kept "
                            "aside)"));
  }
  last_version_ = std::max(last_version_, file_version);
  for (const SnapshotFiles::Journaled& journaled : loaded->journaled) {
    if (journaled.version <= last_version_) continue;
    // The server stopped after the batch's delta was journaled and before
    // the batch was listed (Step::kBatchJournaled): list what is known.
    v1::ChangeBatch batch;
    *batch.mutable_time() = ToProtoTimestamp(journaled.create_time);
    batch.set_snapshot_version(journaled.version);
    batch.set_recovered(true);
    const std::string name = batches_.Add(batch);
    LogWarning(absl::StrCat(
        name, ": snapshot version ", journaled.version,
        " was journaled but the server stopped before listing its batch; "
        "listed it from the journal (the poll's figures are lost)"));
    last_version_ = journaled.version;
  }
  if (loaded->snapshot != nullptr) {
    holder_.Publish(loaded->snapshot);
    LogInfo(absl::StrCat("serving snapshot version ",
                         loaded->snapshot->version(), " from ",
                         files_.snapshot_path(),
                         loaded->journaled.empty()
                             ? ""
                             : absl::StrCat(" and ", loaded->journaled.size(),
                                            " journaled batches")));
  }
  if (interrupted != nullptr) {
    interrupted->set_state(v1::SCAN_STATE_FAILED);
    interrupted->mutable_error()->set_code("ABORTED");
    interrupted->mutable_error()->set_message(
        "the server stopped while this scan ran");
    interrupted->mutable_error()->set_remediation("Start a new scan.");
  }
  if (repair_history) SaveHistory();
  return absl::OkStatus();
}

absl::StatusOr<ScanManager::Started> ScanManager::Start(v1::ScanTrigger trigger,
                                                        std::string reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_) return Started{scans_.back(), true};
  const v1::Config config = store_.GetWithSecret();
  absl::StatusOr<importer::TenantConfig> tenant =
      ToTenantConfig(config, store_.validator_options());
  if (!tenant.ok()) return tenant.status();
  const absl::Time now = absl::Now();
  v1::Scan scan;
  const int64_t number = next_number_++;
  scan.set_name(absl::StrCat("scans/", number));
  scan.set_state(v1::SCAN_STATE_RUNNING);
  scan.set_trigger(trigger);
  scan.set_trigger_reason(std::move(reason));
  *scan.mutable_create_time() = ToProtoTimestamp(now);
  *scan.mutable_start_time() = ToProtoTimestamp(now);
  scan.set_config_revision(config.revision());
  scan.mutable_progress()->set_phase(v1::SCAN_PHASE_TOKEN);
  scans_.push_back(scan);
  changes_.push_back(1);
  DropBeyondKept();
  SaveHistory();
  AfterStep(Step::kStartRecorded);
  running_ = true;
  cancel_ = false;
  // The previous worker has left Finish (running_ was false): joining is
  // immediate.
  if (worker_.joinable()) worker_.join();
  worker_ = std::thread(&ScanManager::Run, this, number, *std::move(tenant));
  changed_.notify_all();
  return Started{std::move(scan), false};
}

void ScanManager::SetChangeListener(ChangeListener listener) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  listener_ = std::move(listener);
}

void ScanManager::NotifyChanged(const std::string& name) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  if (listener_) listener_(name);
}

void ScanManager::Run(int64_t number, importer::TenantConfig tenant) {
  const std::string name = absl::StrCat("scans/", number);
  auto on_progress = [&](const importer::ImportProgress& progress) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      absl::StatusOr<size_t> index = Find(name);
      if (!index.ok()) return;
      CopyProgress(progress, &scans_[*index]);
      ++changes_[*index];
    }
    changed_.notify_all();
    NotifyChanged(name);
  };
  // The log's checkpoint comes before the import: a change made while it
  // runs is then in the import, after the checkpoint, or both.
  std::unique_ptr<Followed> followed;
  absl::Status follow_failure;
  const absl::Time import_start = absl::Now();
  if (tenant.follow_changes) {
    followed = std::make_unique<Followed>();
    followed->tenant = tenant;
    followed->base_scan = name;
    followed->import_start = import_start;
    followed->follower = std::make_unique<importer::LogFollower>(
        followed->tenant, options_.import, follow_cancel_);
    absl::StatusOr<std::string> checkpoint = followed->follower->Checkpoint();
    if (checkpoint.ok()) {
      followed->checkpoint = *std::move(checkpoint);
    } else {
      follow_failure = checkpoint.status();
      followed.reset();
    }
  }
  absl::StatusOr<importer::ImportResult> result =
      importer::Import(tenant, options_.import, cancel_, on_progress);
  AfterStep(Step::kImported);
  const absl::Time import_end = absl::Now();

  absl::Status failure = result.status();
  std::optional<v1::Drift> drift;
  if (result.ok() && !cancel_) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (absl::StatusOr<size_t> index = Find(name); index.ok()) {
        CopyProgress(result->report, &scans_[*index]);
        scans_[*index].mutable_progress()->set_phase(v1::SCAN_PHASE_PUBLISH);
        if (!follow_failure.ok()) {
          v1::ScanWarning* warning = scans_[*index].add_warnings();
          warning->set_source("following");
          warning->set_message(
              absl::StrCat("changes are not followed after this scan: ",
                           follow_failure.message()));
          warning->set_remediation(importer::RemediationOf(follow_failure));
        }
        ++changes_[*index];
      }
    }
    changed_.notify_all();
    NotifyChanged(name);
    graph::GraphBuilder& builder = result->builder;
    builder.set_cache_capacity_bytes(options_.cache_capacity_bytes);
    if (followed != nullptr) {
      followed->config_revision = scan_config_revision(name);
      followed->data = std::move(result->data);
    }
    // Before taking the publishing lock: following publishes as it catches up.
    const bool compare = CatchUpForDrift(import_end);
    std::lock_guard<std::mutex> publishing(publish_mutex_);
    int64_t version = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      version = last_version_ + 1;
    }
    std::shared_ptr<const graph::Snapshot> snapshot =
        std::move(builder).Build(version, absl::Now());
    if (std::shared_ptr<const graph::Snapshot> followed_graph = holder_.Get();
        compare && followed_graph != nullptr) {
      drift = MeasureDrift(*followed_graph, *snapshot);
    }
    // Written before it is published: a restart serves what readers saw.
    failure = WriteSnapshot(*snapshot, "");
    if (failure.ok()) AfterStep(Step::kSnapshotWritten);
    const bool published = failure.ok() && !cancel_;
    EndScan(name, failure, std::move(snapshot), version, std::move(drift));
    if (published && !follow_failure.ok()) {
      NoteFollowingCannotStart(name, follow_failure);
    }
    if (published && followed != nullptr) {
      HandOver(std::move(followed));
    } else if (published) {
      RaiseAppliedThrough(import_start);
    }
  } else {
    EndScan(name, failure, nullptr, 0, std::nullopt);
  }
  AfterStep(Step::kEndRecorded);
  NotifyChanged(name);
}

absl::Status ScanManager::WriteSnapshot(const graph::Snapshot& snapshot,
                                        absl::string_view what) {
  return PersistError(files_.Write(snapshot), what);
}

absl::Status ScanManager::PersistError(const absl::Status& failure,
                                       absl::string_view what) {
  if (failure.ok()) return failure;
  return importer::WithRemediation(
      absl::InternalError(absl::StrCat("could not write the snapshot",
                                       what.empty() ? "" : " ", what, ": ",
                                       failure.message())),
      "Check the data directory's disk space and permissions; the previous "
      "snapshot is still served");
}

int64_t ScanManager::scan_config_revision(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<size_t> index = Find(name);
  return index.ok() ? scans_[*index].config_revision() : 0;
}

void ScanManager::EndScan(const std::string& name, const absl::Status& failure,
                          std::shared_ptr<const graph::Snapshot> snapshot,
                          int64_t version, std::optional<v1::Drift> drift) {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<size_t> index = Find(name);
  if (!index.ok()) return;  // cannot happen: scans are never removed
  v1::Scan& scan = scans_[*index];
  if (cancel_ || absl::IsCancelled(failure)) {
    Finish(*index, v1::SCAN_STATE_CANCELLED);
    return;
  }
  if (!failure.ok()) {
    v1::ScanError* error = scan.mutable_error();
    error->set_code(absl::StatusCodeToString(failure.code()));
    error->set_message(std::string(failure.message()));
    error->set_remediation(importer::RemediationOf(failure));
    LogError(absl::StrCat(name, " failed: ", importer::WithFix(failure)));
    Finish(*index, v1::SCAN_STATE_FAILED);
    return;
  }
  holder_.Publish(std::move(snapshot));
  last_version_ = version;
  scan.set_snapshot_version(version);
  if (drift.has_value()) *scan.mutable_drift() = *std::move(drift);
  LogInfo(absl::StrCat(name, " published snapshot version ", version));
  Finish(*index, v1::SCAN_STATE_SUCCEEDED);
}

void ScanManager::Finish(size_t index, v1::ScanState state) {
  v1::Scan& scan = scans_[index];
  scan.set_state(state);
  *scan.mutable_end_time() = ToProtoTimestamp(absl::Now());
  ++changes_[index];
  running_ = false;
  SaveHistory();
  changed_.notify_all();
  if (options_.on_ended) options_.on_ended(scan);
}

void ScanManager::DropBeyondKept() {
  // Memory keeps what the file keeps. The running scan is the newest, never
  // dropped; indices into scans_ are never held across a wait (see Cancel).
  if (scans_.size() <= options_.history_kept) return;
  const size_t dropped = scans_.size() - options_.history_kept;
  scans_.erase(scans_.begin(), scans_.begin() + dropped);
  changes_.erase(changes_.begin(), changes_.begin() + dropped);
}

void ScanManager::SaveHistory() {
  v1::ListScansResponse saved;
  for (size_t i = scans_.size(); i-- > 0;) *saved.add_scans() = scans_[i];
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  (void)google::protobuf::util::MessageToJsonString(saved, &json, print);
  const std::string path = absl::StrCat(options_.data_dir, "/", kHistoryFile);
  if (absl::Status written = WriteFileAtomically(path, json, 0600);
      !written.ok()) {
    // The scan itself is not worse for it; the history is.
    LogError(
        absl::StrCat("could not save the scan history: ", written.message()));
  }
}

absl::StatusOr<size_t> ScanManager::Find(const std::string& name) const {
  if (ScanNumber(name) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", name,
                     "' is not a scan name; use scans/N as StartRescan or "
                     "ListScans return it"));
  }
  for (size_t i = scans_.size(); i-- > 0;) {
    if (scans_[i].name() == name) return i;
  }
  return absl::NotFoundError(
      absl::StrCat(name, " is not known (the newest ", options_.history_kept,
                   " scans are kept); ListScans shows them"));
}

absl::StatusOr<v1::Scan> ScanManager::Get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<size_t> index = Find(name);
  if (!index.ok()) return index.status();
  return scans_[*index];
}

std::vector<v1::Scan> ScanManager::List() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::vector<v1::Scan>(scans_.rbegin(), scans_.rend());
}

bool ScanManager::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

std::string ScanManager::ScanOfVersion(int64_t version) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = scans_.rbegin(); it != scans_.rend(); ++it) {
    if (it->snapshot_version() == version) return it->name();
  }
  return "";
}

absl::StatusOr<v1::Scan> ScanManager::Cancel(const std::string& name) {
  std::unique_lock<std::mutex> lock(mutex_);
  absl::StatusOr<size_t> index = Find(name);
  if (!index.ok()) return index.status();
  if (ScanEnded(scans_[*index])) return scans_[*index];
  cancel_ = true;
  // An HTTP request in flight is cut by the same flag. Found again after the
  // wait: a scan started meanwhile may have dropped the oldest from scans_.
  changed_.wait_for(lock, absl::ToChronoSeconds(kCancelWait), [&] {
    absl::StatusOr<size_t> now = Find(name);
    return !now.ok() || ScanEnded(scans_[*now]);
  });
  index = Find(name);
  if (!index.ok()) return index.status();
  return scans_[*index];
}

absl::StatusOr<v1::Scan> ScanManager::WaitForChange(const std::string& name,
                                                    int64_t* seen,
                                                    absl::Time deadline) const {
  std::unique_lock<std::mutex> lock(mutex_);
  absl::StatusOr<size_t> index = Find(name);
  if (!index.ok()) return index.status();
  // Found again each time: a scan started meanwhile may have dropped the
  // oldest from scans_.
  changed_.wait_until(lock, absl::ToChronoTime(deadline), [&] {
    absl::StatusOr<size_t> now = Find(name);
    return !now.ok() || changes_[*now] != *seen;
  });
  index = Find(name);
  if (!index.ok()) return index.status();
  *seen = changes_[*index];
  return scans_[*index];
}

absl::StatusOr<std::optional<v1::Scan>> ScanManager::GetIfChanged(
    const std::string& name, int64_t* seen) const {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<size_t> index = Find(name);
  if (!index.ok()) return index.status();
  if (changes_[*index] == *seen) return std::optional<v1::Scan>();
  *seen = changes_[*index];
  return std::optional<v1::Scan>(scans_[*index]);
}

}  // namespace identitygraph
