// The served snapshot on disk: `snapshot.igs`, written whole after each scan
// and whenever the journal is due for compaction, and `snapshot.journal`
// (graph/snapshot_journal.h), the deltas of the followed batches published
// since, one checksummed append each. A followed batch at 1M users is then
// made durable in a few milliseconds instead of a 0.5 s file rewrite, and a
// restart serves exactly the last version readers saw.
//
//   SnapshotFiles files(data_dir, cache_capacity_bytes, compact_after);
//   absl::StatusOr<SnapshotFiles::Loaded> loaded = files.Load();  // at start
//   files.Write(*scanned);                     // a scan's snapshot
//   files.Append(*next, delta);                // a followed batch's
//   if (files.CompactionDue()) files.Write(*holder.Get());
//
// Both files are mode 0600 (they hold every workforce user's email). A file
// that cannot be read is kept aside (kept_aside.h) and reported; a journal
// that follows another version than the file (the server stopped between
// writing the file and starting the journal) is stale and dropped. Not
// thread-safe: the scan manager calls it under its publishing lock.
#ifndef IDENTITYGRAPH_SERVER_SNAPSHOT_FILES_H_
#define IDENTITYGRAPH_SERVER_SNAPSHOT_FILES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "graph/snapshot.h"
#include "graph/snapshot_delta.h"

namespace identitygraph {

class SnapshotFiles {
 public:
  // `compact_after`: journal records after which CompactionDue() (at least
  // 1). Each record costs a delta application at the next start.
  SnapshotFiles(std::string data_dir, size_t cache_capacity_bytes,
                size_t compact_after);

  struct Journaled {
    int64_t version = 0;
    absl::Time create_time;
  };
  struct Loaded {
    // The last version written; null when there is none on disk.
    std::shared_ptr<const graph::Snapshot> snapshot;
    // The version of snapshot.igs (0: none), and the journal's records
    // applied after it, oldest first.
    int64_t file_version = 0;
    std::vector<Journaled> journaled;
  };
  // Reads the file and applies the journal. Fails only when a file that
  // cannot be read cannot be moved aside either.
  absl::StatusOr<Loaded> Load();

  // Writes `snapshot` whole and starts an empty journal after it. An error
  // names the file; the previous file (and journal) are then still intact.
  absl::Status Write(const graph::Snapshot& snapshot);
  // Makes `snapshot`, which is `delta` applied to version `base_version`,
  // durable: a journal record when the files end in that version, else (a
  // scan's file written but not published, no journal) the whole file.
  absl::Status Append(int64_t base_version, const graph::Snapshot& snapshot,
                      const graph::SnapshotDelta& delta);
  // Whether the journal holds compact_after records or more (Write then
  // folds them into the file).
  bool CompactionDue() const;

  std::string snapshot_path() const;
  std::string journal_path() const;

 private:
  const std::string data_dir_;
  const size_t cache_capacity_bytes_;
  const size_t compact_after_;
  // Replaces snapshot.journal with an empty one following `version`; on
  // failure (logged) appends write the whole file instead.
  void StartJournal(int64_t version);

  // Set while snapshot.journal follows the file's version: where the next
  // record goes and how many it holds. last_version_: the version the files
  // end in.
  bool journal_open_ = false;
  int64_t last_version_ = 0;
  uint64_t journal_end_ = 0;
  size_t journal_records_ = 0;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SNAPSHOT_FILES_H_
