#include "graph/snapshot_file.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/durable_file.h"
#include "boost/range/iterator_range.hpp"
#include "graph/byte_codec.h"
#include "graph/graph_builder.h"

namespace identitygraph::graph {

namespace {

constexpr char kMagic[8] = {'I', 'G', 'S', 'N', 'A', 'P', 'S', 'H'};
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8 + 8;
// The vertex mark byte.
constexpr uint8_t kRemovedMark = 1;
constexpr uint8_t kBlockedMark = 2;

// The snapshot file's own additions to the byte writer.
class Writer : public ByteWriter {
 public:
  void Pool(const StringPool& pool) {
    Put<uint64_t>(pool.chars().size());
    Bytes(pool.chars());
    Put<uint64_t>(pool.offsets().size());
    for (uint32_t offset : pool.offsets()) Put<uint32_t>(offset);
  }
};

using Reader = ByteReader;

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("the snapshot file is corrupt: ", what));
}

// Reads a pool of exactly `expected` strings (any number when `expected` is 0).
absl::Status ReadPool(Reader& reader, size_t expected, const char* name,
                      StringPool* pool) {
  uint64_t chars_size = 0, offset_count = 0;
  absl::string_view chars;
  if (!reader.Get(&chars_size) || !reader.Bytes(chars_size, &chars) ||
      !reader.Get(&offset_count) || offset_count == 0 ||
      offset_count > reader.left() / sizeof(uint32_t) ||
      (expected != 0 && offset_count != expected + 1)) {
    return Malformed(
        absl::StrCat("the ", name, " section is cut short or mis-sized"));
  }
  std::vector<uint32_t> offsets(offset_count);
  for (uint32_t& offset : offsets) reader.Get(&offset);
  if (offsets.front() != 0 || offsets.back() != chars_size ||
      !std::is_sorted(offsets.begin(), offsets.end())) {
    return Malformed(
        absl::StrCat("the ", name, " section's offsets are out of order"));
  }
  *pool = StringPool::FromParts(std::string(chars), std::move(offsets));
  return absl::OkStatus();
}

}  // namespace

// Reads and writes Snapshot's private parts (a friend of Snapshot).
class SnapshotFileCodec {
 public:
  static std::string Serialize(const Snapshot& snapshot);
  // `format` is kSnapshotFormatVersion or an older one this server still
  // reads (kOldestReadableFormat).
  static absl::StatusOr<std::shared_ptr<const Snapshot>> Parse(
      absl::string_view payload, uint32_t format, size_t cache_capacity_bytes);
};

std::string SnapshotFileCodec::Serialize(const Snapshot& s) {
  Writer payload;
  payload.Put<int64_t>(s.version_);
  payload.Put<int64_t>(absl::ToUnixNanos(s.create_time_));
  const uint32_t count = static_cast<uint32_t>(s.kinds_.size());
  payload.Put<uint32_t>(count);
  payload.Bytes(
      absl::string_view(reinterpret_cast<const char*>(s.kinds_.data()), count));
  payload.Bytes(absl::string_view(
      reinterpret_cast<const char*>(s.sources_.data()), count));
  std::string marks(count, '\0');
  for (uint32_t v = 0; v < count; ++v) {
    marks[v] =
        (s.removed(v) ? kRemovedMark : 0) | (s.blocked(v) ? kBlockedMark : 0);
  }
  payload.Bytes(marks);
  if (s.overlay_ == nullptr) {
    payload.Pool(s.text_->ids);
    payload.Pool(s.text_->names);
    payload.Pool(s.text_->emails);
  } else {
    // The text as it is now: the shared pools with the overlay applied.
    StringPool ids, names, emails;
    for (uint32_t v = 0; v < count; ++v) {
      ids.Add(s.id(v));
      names.Add(s.name(v));
      emails.Add(s.email(v));
    }
    payload.Pool(ids);
    payload.Pool(names);
    payload.Pool(emails);
  }
  payload.Pool(s.attribute_text_);
  // Attributes in vertex order, so the same snapshot always gives the same
  // bytes.
  std::vector<VertexId> with_attributes;
  uint64_t attribute_count = 0;
  for (const auto& [vertex, list] : s.attributes_) {
    with_attributes.push_back(vertex);
    attribute_count += list.size();
  }
  std::sort(with_attributes.begin(), with_attributes.end());
  payload.Put<uint64_t>(attribute_count);
  for (VertexId vertex : with_attributes) {
    for (const auto& [key, value] : s.attributes_.at(vertex)) {
      payload.Put<uint32_t>(vertex);
      payload.Put<uint32_t>(key);
      payload.Put<uint32_t>(value);
    }
  }
  payload.Put<uint64_t>(boost::num_edges(s.graph_));
  std::vector<std::array<VertexId, 3>> organizations;
  for (auto edge : boost::make_iterator_range(boost::edges(s.graph_))) {
    const VertexId from = boost::source(edge, s.graph_),
                   to = boost::target(edge, s.graph_);
    payload.Put<uint32_t>(from);
    payload.Put<uint32_t>(to);
    payload.Put<uint8_t>(static_cast<uint8_t>(s.graph_[edge].kind));
    if (VertexId organization = s.OrganizationOf(edge);
        organization != kNoVertex) {
      organizations.push_back({from, to, organization});
    }
  }
  payload.Put<uint64_t>(organizations.size());
  for (const auto& [from, to, organization] : organizations) {
    payload.Put<uint32_t>(from);
    payload.Put<uint32_t>(to);
    payload.Put<uint32_t>(organization);
  }
  s.ForEachInNameOrder("", [&payload](VertexId v) {
    payload.Put<uint32_t>(v);
    return true;
  });

  Writer file;
  file.Bytes(absl::string_view(kMagic, sizeof(kMagic)));
  file.Put<uint32_t>(kSnapshotFormatVersion);
  file.Put<uint32_t>(0);
  file.Put<uint64_t>(payload.out().size());
  file.Put<uint64_t>(Fnv1a64(payload.out()));
  file.Bytes(payload.out());
  return std::move(file.out());
}

absl::StatusOr<std::shared_ptr<const Snapshot>> SnapshotFileCodec::Parse(
    absl::string_view payload, uint32_t format, size_t cache_capacity_bytes) {
  Reader reader(payload);
  std::shared_ptr<Snapshot> s(new Snapshot());
  int64_t nanos = 0;
  uint32_t count = 0;
  absl::string_view kinds;
  if (!reader.Get(&s->version_) || !reader.Get(&nanos) || !reader.Get(&count) ||
      !reader.Bytes(count, &kinds)) {
    return Malformed("the vertex section is cut short");
  }
  s->create_time_ = absl::FromUnixNanos(nanos);
  s->kinds_.resize(count);
  for (uint32_t v = 0; v < count; ++v) {
    if (static_cast<uint8_t>(kinds[v]) >= kVertexKindCount) {
      return Malformed(absl::StrCat("vertex ", v, " has an unknown kind"));
    }
    s->kinds_[v] = static_cast<VertexKind>(kinds[v]);
  }
  s->sources_.assign(count, VertexSource::kDirectory);
  if (format >= 2) {
    absl::string_view sources;
    if (!reader.Bytes(count, &sources)) {
      return Malformed("the vertex source section is cut short");
    }
    for (uint32_t v = 0; v < count; ++v) {
      if (static_cast<uint8_t>(sources[v]) >= kVertexSourceCount) {
        return Malformed(absl::StrCat("vertex ", v, " has an unknown source"));
      }
      s->sources_[v] = static_cast<VertexSource>(sources[v]);
    }
  }
  s->flags_.assign(count, 0);
  if (format >= 3) {
    absl::string_view marks;
    if (!reader.Bytes(count, &marks)) {
      return Malformed("the vertex mark section is cut short");
    }
    const uint8_t known =
        format >= 4 ? kRemovedMark | kBlockedMark : kRemovedMark;
    for (uint32_t v = 0; v < count; ++v) {
      const uint8_t mark = static_cast<uint8_t>(marks[v]);
      if ((mark & ~known) != 0) {
        return Malformed(absl::StrCat("vertex ", v, " has an unknown mark"));
      }
      if (mark & kRemovedMark) s->flags_[v] |= Snapshot::kRemoved;
      if (mark & kBlockedMark) {
        if (s->kinds_[v] != VertexKind::kUser) {
          return Malformed(
              absl::StrCat("vertex ", v, " is blocked but not a user"));
        }
        s->flags_[v] |= Snapshot::kBlocked;
      }
    }
  }
  auto text = std::make_shared<Snapshot::Text>();
  for (auto [pool, name] :
       {std::pair<StringPool*, const char*>{&text->ids, "id"},
        {&text->names, "name"},
        {&text->emails, "email"}}) {
    if (absl::Status status = ReadPool(reader, count, name, pool); !status.ok())
      return status;
  }
  if (absl::Status status =
          ReadPool(reader, 0, "attribute", &s->attribute_text_);
      !status.ok()) {
    return status;
  }
  uint64_t attribute_count = 0;
  if (!reader.Get(&attribute_count) || attribute_count > reader.left() / 12) {
    return Malformed("the attribute section is cut short");
  }
  for (uint64_t i = 0; i < attribute_count; ++i) {
    uint32_t vertex = 0, key = 0, value = 0;
    reader.Get(&vertex);
    reader.Get(&key);
    reader.Get(&value);
    if (vertex >= count || key >= s->attribute_text_.size() ||
        value >= s->attribute_text_.size()) {
      return Malformed("an attribute points outside its section");
    }
    // Format 1 kept the source as an attribute ("source" =
    // "authorization_extension" or "management_api").
    if (format < 2 && s->attribute_text_.Get(key) == "source") {
      if (s->attribute_text_.Get(value) == "authorization_extension") {
        s->sources_[vertex] = VertexSource::kExtension;
      }
      continue;
    }
    s->attributes_[vertex].emplace_back(key, value);
  }
  uint64_t edge_count = 0;
  if (!reader.Get(&edge_count) || edge_count > reader.left() / 9) {
    return Malformed("the edge section is cut short");
  }
  std::vector<std::pair<VertexId, VertexId>> ends(edge_count);
  std::vector<EdgeData> data(edge_count);
  for (uint64_t i = 0; i < edge_count; ++i) {
    uint8_t kind = 0;
    reader.Get(&ends[i].first);
    reader.Get(&ends[i].second);
    reader.Get(&kind);
    if (ends[i].first >= count || ends[i].second >= count ||
        kind >= kEdgeKindCount ||
        (s->flags_[ends[i].first] & Snapshot::kRemoved) ||
        (s->flags_[ends[i].second] & Snapshot::kRemoved) ||
        !EdgeFits(static_cast<EdgeKind>(kind), s->kinds_[ends[i].first],
                  s->kinds_[ends[i].second])) {
      return Malformed(
          absl::StrCat("edge ", i, " joins vertices it cannot join"));
    }
    data[i].kind = static_cast<EdgeKind>(kind);
  }
  uint64_t organization_count = 0;
  if (!reader.Get(&organization_count) ||
      organization_count > reader.left() / 12) {
    return Malformed("the organization section is cut short");
  }
  std::vector<std::array<VertexId, 3>> organizations(organization_count);
  for (auto& [from, to, organization] : organizations) {
    reader.Get(&from);
    reader.Get(&to);
    reader.Get(&organization);
    if (from >= count || to >= count || organization >= count ||
        s->kinds_[organization] != VertexKind::kOrganization) {
      return Malformed("an organization role names no organization");
    }
  }
  if (reader.left() != static_cast<size_t>(count) * sizeof(uint32_t)) {
    return Malformed("the name order is cut short or followed by extra bytes");
  }
  text->by_name.resize(count);
  std::vector<bool> seen(count, false);
  for (VertexId& v : text->by_name) {
    reader.Get(&v);
    if (v >= count || seen[v])
      return Malformed("the name order is not a permutation");
    seen[v] = true;
  }
  s->graph_ = CsrGraph(boost::edges_are_unsorted_multi_pass, ends.begin(),
                       ends.end(), data.begin(), count);
  s->AttachOrganizations(organizations);
  s->Finish(std::move(text), /*sort_names=*/false, cache_capacity_bytes);
  return std::shared_ptr<const Snapshot>(std::move(s));
}

std::string SerializeSnapshot(const Snapshot& snapshot) {
  return SnapshotFileCodec::Serialize(snapshot);
}

absl::StatusOr<std::shared_ptr<const Snapshot>> ParseSnapshot(
    absl::string_view bytes, size_t cache_capacity_bytes) {
  if (bytes.size() < kHeaderSize) {
    return absl::DataLossError(
        absl::StrCat("the snapshot file is truncated: ", bytes.size(),
                     " bytes, less than its ", kHeaderSize, "-byte header"));
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return absl::DataLossError(
        "not an identitygraph snapshot file (wrong magic bytes)");
  }
  Reader header(bytes.substr(sizeof(kMagic)));
  uint32_t format = 0, reserved = 0;
  uint64_t payload_size = 0, checksum = 0;
  header.Get(&format);
  header.Get(&reserved);
  header.Get(&payload_size);
  header.Get(&checksum);
  if (format < kOldestReadableFormat || format > kSnapshotFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the snapshot file has format version ", format,
        "; this server reads versions ", kOldestReadableFormat, " to ",
        kSnapshotFormatVersion, ". Run a scan to write one in this version"));
  }
  const absl::string_view payload = bytes.substr(kHeaderSize);
  if (payload.size() != payload_size) {
    return absl::DataLossError(
        absl::StrCat("the snapshot file is ",
                     payload.size() < payload_size ? "truncated" : "too long",
                     ": its header promises ", payload_size,
                     " bytes after it, and there are ", payload.size()));
  }
  if (Fnv1a64(payload) != checksum) {
    return absl::DataLossError(
        "the snapshot file's checksum does not match its contents: it is "
        "corrupt");
  }
  return SnapshotFileCodec::Parse(payload, format, cache_capacity_bytes);
}

absl::Status WriteSnapshotFile(const Snapshot& snapshot,
                               const std::string& path) {
  return WriteFileAtomically(path, SerializeSnapshot(snapshot), 0600);
}

absl::StatusOr<std::shared_ptr<const Snapshot>> ReadSnapshotFile(
    const std::string& path, size_t cache_capacity_bytes) {
  // A file larger than this is not a snapshot this machine could hold anyway.
  constexpr size_t kMaxSnapshotFileBytes = size_t{64} << 30;
  absl::StatusOr<std::string> bytes = ReadFile(path, kMaxSnapshotFileBytes);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<std::shared_ptr<const Snapshot>> snapshot =
      ParseSnapshot(*bytes, cache_capacity_bytes);
  if (!snapshot.ok()) {
    return absl::Status(snapshot.status().code(),
                        absl::StrCat(path, ": ", snapshot.status().message()));
  }
  return snapshot;
}

}  // namespace identitygraph::graph
