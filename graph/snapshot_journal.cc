#include "graph/snapshot_journal.h"

#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/durable_file.h"
#include "graph/byte_codec.h"

namespace identitygraph::graph {
namespace {

constexpr char kMagic[8] = {'I', 'G', 'J', 'O', 'U', 'R', 'N', 'L'};
constexpr size_t kHeaderSize = 8 + 4 + 8;
constexpr size_t kRecordHeaderSize = 4 + 8;
// More than any batch of changes; a bigger size is corruption.
constexpr uint32_t kMaxRecordBytes = 256u << 20;

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("the snapshot journal is corrupt: ", what));
}

void PutEdge(ByteWriter& out, const DeltaEdge& edge) {
  out.Put<uint8_t>(static_cast<uint8_t>(edge.kind));
  out.Put<uint8_t>(static_cast<uint8_t>(edge.from_kind));
  out.String(edge.from_id);
  out.Put<uint8_t>(static_cast<uint8_t>(edge.to_kind));
  out.String(edge.to_id);
  out.String(edge.organization_id);
}

std::string EncodePayload(const JournalEntry& entry) {
  ByteWriter out;
  out.Put<int64_t>(entry.version);
  out.Put<int64_t>(absl::ToUnixNanos(entry.create_time));
  const SnapshotDelta& delta = entry.delta;
  out.Put<uint32_t>(static_cast<uint32_t>(delta.removed_vertices.size()));
  for (const DeltaVertexRef& ref : delta.removed_vertices) {
    out.Put<uint8_t>(static_cast<uint8_t>(ref.kind));
    out.String(ref.id);
  }
  out.Put<uint32_t>(static_cast<uint32_t>(delta.upserted_vertices.size()));
  for (const DeltaVertex& v : delta.upserted_vertices) {
    out.Put<uint8_t>(static_cast<uint8_t>(v.kind));
    out.String(v.id);
    out.String(v.name);
    out.String(v.email);
    out.Put<uint8_t>(static_cast<uint8_t>(v.source));
    out.Put<uint8_t>(v.blocked ? 1 : 0);
    out.Put<uint32_t>(static_cast<uint32_t>(v.attributes.size()));
    for (const auto& [key, value] : v.attributes) {
      out.String(key);
      out.String(value);
    }
  }
  for (const auto* edges : {&delta.removed_edges, &delta.added_edges}) {
    out.Put<uint32_t>(static_cast<uint32_t>(edges->size()));
    for (const DeltaEdge& edge : *edges) PutEdge(out, edge);
  }
  return std::move(out.out());
}

template <typename Enum>
bool GetEnum(ByteReader& in, int count, Enum* value) {
  uint8_t raw = 0;
  if (!in.Get(&raw) || raw >= count) return false;
  *value = static_cast<Enum>(raw);
  return true;
}

bool GetEdge(ByteReader& in, DeltaEdge* edge) {
  return GetEnum(in, kEdgeKindCount, &edge->kind) &&
         GetEnum(in, kVertexKindCount, &edge->from_kind) &&
         in.String(&edge->from_id) &&
         GetEnum(in, kVertexKindCount, &edge->to_kind) &&
         in.String(&edge->to_id) && in.String(&edge->organization_id);
}

// Counts are checked against what is left (each item takes at least
// `min_item_bytes`), so a forged count cannot make a huge allocation.
bool GetCount(ByteReader& in, size_t min_item_bytes, uint32_t* count) {
  return in.Get(count) && *count <= in.left() / min_item_bytes;
}

bool DecodePayload(absl::string_view payload, uint32_t format,
                   JournalEntry* entry) {
  ByteReader in(payload);
  int64_t nanos = 0;
  if (!in.Get(&entry->version) || !in.Get(&nanos)) return false;
  entry->create_time = absl::FromUnixNanos(nanos);
  SnapshotDelta& delta = entry->delta;
  uint32_t count = 0;
  if (!GetCount(in, 5, &count)) return false;
  delta.removed_vertices.resize(count);
  for (DeltaVertexRef& ref : delta.removed_vertices) {
    if (!GetEnum(in, kVertexKindCount, &ref.kind) || !in.String(&ref.id))
      return false;
  }
  if (!GetCount(in, 18, &count)) return false;
  delta.upserted_vertices.resize(count);
  for (DeltaVertex& v : delta.upserted_vertices) {
    uint32_t attributes = 0;
    if (!GetEnum(in, kVertexKindCount, &v.kind) || !in.String(&v.id) ||
        !in.String(&v.name) || !in.String(&v.email) ||
        !GetEnum(in, kVertexSourceCount, &v.source)) {
      return false;
    }
    uint8_t blocked = 0;
    if (format >= 2 && (!in.Get(&blocked) || blocked > 1)) return false;
    v.blocked = blocked == 1;
    if (!GetCount(in, 8, &attributes)) return false;
    v.attributes.resize(attributes);
    for (auto& [key, value] : v.attributes) {
      if (!in.String(&key) || !in.String(&value)) return false;
    }
  }
  for (auto* edges : {&delta.removed_edges, &delta.added_edges}) {
    if (!GetCount(in, 15, &count)) return false;
    edges->resize(count);
    for (DeltaEdge& edge : *edges) {
      if (!GetEdge(in, &edge)) return false;
    }
  }
  return in.left() == 0;
}

}  // namespace

absl::Status StartJournal(const std::string& path, int64_t base_version,
                          uint64_t* end) {
  ByteWriter header;
  header.Bytes(absl::string_view(kMagic, sizeof(kMagic)));
  header.Put<uint32_t>(kJournalFormatVersion);
  header.Put<int64_t>(base_version);
  if (absl::Status written = WriteFileAtomically(path, header.out(), 0600);
      !written.ok()) {
    return written;
  }
  *end = kHeaderSize;
  return absl::OkStatus();
}

absl::Status AppendToJournal(const std::string& path, uint64_t end,
                             const JournalEntry& entry, uint64_t* new_end) {
  const std::string payload = EncodePayload(entry);
  if (payload.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a journal record of ", payload.size(), " bytes is more than the ",
        kMaxRecordBytes, " a journal holds: write the snapshot file instead"));
  }
  ByteWriter record;
  record.Put<uint32_t>(static_cast<uint32_t>(payload.size()));
  record.Put<uint64_t>(Fnv1a64(payload));
  record.Bytes(payload);
  if (absl::Status written = WriteFileTailDurably(path, end, record.out());
      !written.ok()) {
    return written;
  }
  *new_end = end + record.out().size();
  return absl::OkStatus();
}

absl::StatusOr<Journal> ParseJournal(absl::string_view bytes) {
  if (bytes.size() < kHeaderSize ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return Malformed("it does not start with a journal header");
  }
  ByteReader header(bytes.substr(sizeof(kMagic)));
  uint32_t format = 0;
  Journal journal;
  header.Get(&format);
  header.Get(&journal.base_version);
  journal.format = format;
  if (format < kOldestReadableJournalFormat || format > kJournalFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the snapshot journal has format version ", format,
        "; this server reads versions ", kOldestReadableJournalFormat, " to ",
        kJournalFormatVersion));
  }
  size_t at = kHeaderSize;
  int64_t last_version = journal.base_version;
  while (at < bytes.size()) {
    // Zeros to the end: the file system extended the file and the record's
    // bytes never landed.
    if (bytes.find_first_not_of('\0', at) == absl::string_view::npos) {
      journal.torn_tail_bytes = bytes.size() - at;
      break;
    }
    ByteReader in(bytes.substr(at));
    uint32_t size = 0;
    uint64_t checksum = 0;
    absl::string_view payload;
    // So is a record that runs past the end, or fails its checksum and ends
    // the file: what a crash while appending leaves.
    if (!in.Get(&size) || !in.Get(&checksum) || !in.Bytes(size, &payload)) {
      journal.torn_tail_bytes = bytes.size() - at;
      break;
    }
    const bool sums = Fnv1a64(payload) == checksum;
    if (!sums && in.left() == 0) {
      journal.torn_tail_bytes = bytes.size() - at;
      break;
    }
    JournalEntry entry;
    if (size > kMaxRecordBytes || !sums ||
        !DecodePayload(payload, format, &entry)) {
      return Malformed(absl::StrCat("the record at byte ", at,
                                    " is not one the server wrote"));
    }
    if (entry.version <= last_version) {
      return Malformed(absl::StrCat("the record at byte ", at, " has version ",
                                    entry.version, ", not after ",
                                    last_version));
    }
    last_version = entry.version;
    journal.entries.push_back(std::move(entry));
    at += kRecordHeaderSize + size;
  }
  journal.end = at;
  return journal;
}

absl::StatusOr<Journal> ReadJournal(const std::string& path) {
  constexpr size_t kMaxJournalBytes = size_t{4} << 30;
  absl::StatusOr<std::string> bytes = ReadFile(path, kMaxJournalBytes);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<Journal> journal = ParseJournal(*bytes);
  if (!journal.ok()) {
    return absl::Status(journal.status().code(),
                        absl::StrCat(path, ": ", journal.status().message()));
  }
  return journal;
}

absl::StatusOr<std::shared_ptr<const Snapshot>> ApplyJournal(
    std::shared_ptr<const Snapshot> base, const Journal& journal,
    int* applied) {
  *applied = 0;
  if (journal.base_version != base->version()) return base;
  for (const JournalEntry& entry : journal.entries) {
    absl::StatusOr<AppliedDelta> next =
        ApplyDelta(*base, entry.delta, entry.version, entry.create_time);
    if (!next.ok()) {
      return Malformed(
          absl::StrCat("the delta of version ", entry.version,
                       " cannot be applied: ", next.status().message()));
    }
    base = std::move(next->snapshot);
    ++*applied;
  }
  return base;
}

}  // namespace identitygraph::graph
