#include "server/snapshot_files.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/snapshot_file.h"
#include "graph/snapshot_journal.h"
#include "server/kept_aside.h"
#include "server/log.h"

namespace identitygraph {

namespace {

constexpr char kSnapshotFile[] = "snapshot.igs";
constexpr char kJournalFile[] = "snapshot.journal";

}  // namespace

SnapshotFiles::SnapshotFiles(std::string data_dir, size_t cache_capacity_bytes,
                             size_t compact_after)
    : data_dir_(std::move(data_dir)),
      cache_capacity_bytes_(cache_capacity_bytes),
      compact_after_(std::max<size_t>(compact_after, 1)) {}

std::string SnapshotFiles::snapshot_path() const {
  return absl::StrCat(data_dir_, "/", kSnapshotFile);
}
std::string SnapshotFiles::journal_path() const {
  return absl::StrCat(data_dir_, "/", kJournalFile);
}

absl::StatusOr<SnapshotFiles::Loaded> SnapshotFiles::Load() {
  Loaded loaded;
  absl::StatusOr<std::shared_ptr<const graph::Snapshot>> file =
      graph::ReadSnapshotFile(snapshot_path(), cache_capacity_bytes_);
  if (!file.ok()) {
    if (!absl::IsNotFound(file.status())) {
      if (absl::Status kept = KeepAside(snapshot_path(), file.status());
          !kept.ok()) {
        return kept;
      }
    }
    // A journal without its file has nothing to apply to; the next scan's
    // file starts a new one.
    return loaded;
  }
  loaded.file_version = (*file)->version();
  loaded.snapshot = *std::move(file);
  last_version_ = loaded.file_version;

  absl::StatusOr<graph::Journal> journal = graph::ReadJournal(journal_path());
  absl::Status unusable;
  if (journal.ok() && journal->base_version != loaded.file_version) {
    LogInfo(absl::StrCat(journal_path(), " follows snapshot version ",
                         journal->base_version, ", not the file's ",
                         loaded.file_version,
                         " (the server stopped before starting a new journal "
                         "after the file): it is dropped"));
  } else if (journal.ok()) {
    int applied = 0;
    absl::StatusOr<std::shared_ptr<const graph::Snapshot>> replayed =
        graph::ApplyJournal(loaded.snapshot, *journal, &applied);
    if (replayed.ok()) {
      loaded.snapshot = *std::move(replayed);
      for (const graph::JournalEntry& entry : journal->entries) {
        loaded.journaled.push_back({entry.version, entry.create_time});
      }
      if (journal->torn_tail_bytes > 0) {
        LogWarning(absl::StrCat(
            journal_path(), " ends in ", journal->torn_tail_bytes,
            " bytes of a record cut short (the server stopped while "
            "appending it, before its snapshot was published); the next "
            "record overwrites them"));
      }
      // An older format is read, never appended to: the next append
      // rewrites the file and starts a journal in this format.
      journal_open_ = journal->format == graph::kJournalFormatVersion;
      last_version_ = loaded.snapshot->version();
      journal_end_ = journal->end;
      journal_records_ = journal->entries.size();
      return loaded;
    }
    unusable = absl::DataLossError(
        absl::StrCat(journal_path(), " does not apply to ", snapshot_path(),
                     ": ", replayed.status().message()));
  } else if (!absl::IsNotFound(journal.status())) {
    unusable = journal.status();
  }
  if (!unusable.ok()) {
    // Served without it: the file's version, older than what readers saw,
    // but whole. Following's first step is a full scan anyway.
    if (absl::Status kept = KeepAside(journal_path(), unusable); !kept.ok()) {
      return kept;
    }
  }
  StartJournal(loaded.file_version);
  return loaded;
}

void SnapshotFiles::StartJournal(int64_t version) {
  journal_open_ = false;
  uint64_t end = 0;
  if (absl::Status started = graph::StartJournal(journal_path(), version, &end);
      !started.ok()) {
    // A journal left behind follows an older version: dropped at the next
    // start. Appends rewrite the file until a journal can be started.
    LogWarning(absl::StrCat(
        "could not start ", journal_path(), ": ", started.message(),
        "; followed changes will rewrite ", snapshot_path(), " until it can"));
    return;
  }
  journal_open_ = true;
  journal_end_ = end;
  journal_records_ = 0;
}

absl::Status SnapshotFiles::Write(const graph::Snapshot& snapshot) {
  if (absl::Status written =
          graph::WriteSnapshotFile(snapshot, snapshot_path());
      !written.ok()) {
    return written;
  }
  last_version_ = snapshot.version();
  StartJournal(snapshot.version());
  return absl::OkStatus();
}

absl::Status SnapshotFiles::Append(int64_t base_version,
                                   const graph::Snapshot& snapshot,
                                   const graph::SnapshotDelta& delta) {
  // A record applies to what the files hold: anything else would replay
  // onto the wrong graph.
  if (!journal_open_ || base_version != last_version_) return Write(snapshot);
  graph::JournalEntry entry;
  entry.version = snapshot.version();
  entry.create_time = snapshot.create_time();
  entry.delta = delta;
  uint64_t end = journal_end_;
  absl::Status appended =
      graph::AppendToJournal(journal_path(), journal_end_, entry, &end);
  if (absl::IsInvalidArgument(appended)) {
    // Too large for one record: the whole file holds it as well.
    return Write(snapshot);
  }
  if (!appended.ok()) {
    return absl::Status(appended.code(),
                        absl::StrCat("could not append to ", journal_path(),
                                     ": ", appended.message()));
  }
  journal_end_ = end;
  ++journal_records_;
  last_version_ = snapshot.version();
  return absl::OkStatus();
}

bool SnapshotFiles::CompactionDue() const {
  return journal_open_ && journal_records_ >= compact_after_;
}

}  // namespace identitygraph
