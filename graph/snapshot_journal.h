// The snapshot journal: the deltas published after the snapshot file, so a
// followed batch is made durable by appending a few hundred bytes instead of
// rewriting the whole file (0.5 s at 1M users), and a restart serves exactly
// the last version readers saw: the file, then each delta of the journal
// applied in order.
//
//   StartJournal(path, snapshot->version());          // after each file write
//   AppendToJournal(path, end, {version, time, delta}, &end);  // per batch
//   absl::StatusOr<Journal> journal = ReadJournal(path);  // at start
//
// Layout (little-endian): the magic "IGJOURNL", the format (u32), the version
// of the snapshot file it follows (i64); then records, each a payload size
// (u32), the payload's FNV-1a 64 (u64) and the payload: version, creation
// time (Unix ns), and the delta's removed vertices, upserted vertices,
// removed and added edges. A last record cut short or failing its checksum
// is a torn tail (a crash while appending): it is reported, not an error, and
// the next append overwrites it. Any other fault is DATA_LOSS saying what; a
// journal that follows another snapshot than the file is stale (the server
// stopped between writing a file and starting its journal) and is ignored.
#ifndef IDENTITYGRAPH_GRAPH_SNAPSHOT_JOURNAL_H_
#define IDENTITYGRAPH_GRAPH_SNAPSHOT_JOURNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "graph/snapshot.h"
#include "graph/snapshot_delta.h"

namespace identitygraph::graph {

// Format 2 added the blocked mark of upserted vertices; format 1 is still
// read, so an upgraded server replays the journal it left.
inline constexpr uint32_t kJournalFormatVersion = 2;
inline constexpr uint32_t kOldestReadableJournalFormat = 1;

struct JournalEntry {
  int64_t version = 0;
  absl::Time create_time;
  SnapshotDelta delta;
};

struct Journal {
  // The version of the snapshot file the entries follow.
  int64_t base_version = 0;
  // The format the file was written in; appends go only to a journal in
  // kJournalFormatVersion.
  uint32_t format = kJournalFormatVersion;
  std::vector<JournalEntry> entries;
  // Where the good records end (the next append's offset), and the bytes of
  // a torn tail after it.
  uint64_t end = 0;
  uint64_t torn_tail_bytes = 0;
};

// Replaces `path` with an empty journal following snapshot `base_version`;
// `*end` is where the first record goes.
absl::Status StartJournal(const std::string& path, int64_t base_version,
                          uint64_t* end);

// Writes `entry` at `end` (dropping any torn tail there) and flushes it;
// `*end` moves past it. Entries must come in increasing versions.
absl::Status AppendToJournal(const std::string& path, uint64_t end,
                             const JournalEntry& entry, uint64_t* new_end);

absl::StatusOr<Journal> ParseJournal(absl::string_view bytes);
// NOT_FOUND when there is no journal; errors name the path.
absl::StatusOr<Journal> ReadJournal(const std::string& path);

// `base` (as read from the snapshot file) with the journal's entries applied
// in order: the snapshot readers saw last. A journal following another
// version than `base` is stale and leaves `base` as it is (`*applied` 0).
absl::StatusOr<std::shared_ptr<const Snapshot>> ApplyJournal(
    std::shared_ptr<const Snapshot> base, const Journal& journal, int* applied);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_SNAPSHOT_JOURNAL_H_
