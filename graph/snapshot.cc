#include "graph/snapshot.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "boost/range/iterator_range.hpp"
#include "graph/query_cache.h"

namespace identitygraph::graph {
namespace {

// Orders names ignoring ASCII case, without making lowercase copies.
int CompareIgnoringCase(absl::string_view a, absl::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x =
        absl::ascii_tolower(static_cast<unsigned char>(a[i]));
    const unsigned char y =
        absl::ascii_tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

const char* VertexKindName(VertexKind kind) {
  static constexpr const char* kNames[] = {"user",        "group", "role",
                                           "application", "api",   "connection",
                                           "organization"};
  return kNames[static_cast<int>(kind)];
}

const char* EdgeKindName(EdgeKind kind) {
  static constexpr const char* kNames[] = {
      "group_member",     "nested_group",           "group_role",
      "user_role",        "role_application",       "role_api",
      "user_connection",  "connection_application", "organization_member",
      "organization_role"};
  return kNames[static_cast<int>(kind)];
}

const char* VertexSourceName(VertexSource source) {
  switch (source) {
    case VertexSource::kDirectory:
      return "directory";
    case VertexSource::kExtension:
      return "extension";
  }
  return "unknown";
}

Snapshot::Snapshot() = default;
Snapshot::~Snapshot() = default;

void Snapshot::BuildIndexes(bool sort_names) {
  // The id index keeps views into ids_: the pools must not move after this
  // point.
  ids_.ShrinkToFit();
  names_.ShrinkToFit();
  emails_.ShrinkToFit();
  const VertexId count = static_cast<VertexId>(kinds_.size());
  for (VertexId v = 0; v < count; ++v) {
    by_id_[static_cast<int>(kinds_[v])].emplace(ids_.Get(v), v);
  }
  // Lowercase copies only where they differ; the pool is complete before any
  // view is taken of it, so the views stay valid.
  std::vector<int64_t> lowercase_index(count, -1);
  for (VertexId v = 0; v < count; ++v) {
    const absl::string_view email = emails_.Get(v);
    const std::string lowered = absl::AsciiStrToLower(email);
    if (!email.empty() && lowered != email) {
      lowercase_index[v] = lowercase_emails_.Add(lowered);
    }
  }
  lowercase_emails_.ShrinkToFit();
  by_email_.reserve(count);
  for (VertexId v = 0; v < count; ++v) {
    if (emails_.Get(v).empty()) continue;
    by_email_.emplace(
        lowercase_index[v] >= 0
            ? lowercase_emails_.Get(static_cast<uint32_t>(lowercase_index[v]))
            : emails_.Get(v),
        v);
  }
  if (!sort_names) return;
  by_name_.resize(count);
  for (VertexId v = 0; v < count; ++v) by_name_[v] = v;
  std::sort(by_name_.begin(), by_name_.end(), [this](VertexId a, VertexId b) {
    const int order = CompareIgnoringCase(names_.Get(a), names_.Get(b));
    return order != 0 ? order < 0 : ids_.Get(a) < ids_.Get(b);
  });
}

void Snapshot::Finish(bool sort_names, size_t cache_capacity_bytes) {
  BuildIndexes(sort_names);
  PrecomputeGroupRoles();
  // Reachable applications are asked for far more often than application user
  // lists.
  user_targets_cache_ = std::make_unique<QueryCache>(
      "user_applications", cache_capacity_bytes / 4 * 3);
  application_users_cache_ = std::make_unique<QueryCache>(
      "application_users", cache_capacity_bytes / 4);
}

void Snapshot::AttachOrganizations(
    const std::vector<std::array<VertexId, 3>>& from_to_organization) {
  for (const auto& [from, to, organization] : from_to_organization) {
    for (auto edge :
         boost::make_iterator_range(boost::out_edges(from, graph_))) {
      if (boost::target(edge, graph_) == to &&
          graph_[edge].kind == EdgeKind::kOrganizationRole &&
          !edge_organization_.contains(edge.idx)) {
        edge_organization_.emplace(edge.idx, organization);
        break;
      }
    }
  }
}

void Snapshot::PrecomputeGroupRoles() {
  const VertexId count = static_cast<VertexId>(kinds_.size());
  effective_role_offsets_.assign(count + 1, 0);
  // A walk up the nesting from each group; `seen` stamps make each walk cost
  // its size.
  std::vector<uint32_t> seen(count, 0);
  std::vector<VertexId> stack, roles;
  uint32_t walk = 0;
  for (VertexId group = 0; group < count; ++group) {
    effective_role_offsets_[group] =
        static_cast<uint32_t>(effective_roles_.size());
    if (kinds_[group] != VertexKind::kGroup) continue;
    ++walk;
    roles.clear();
    stack.assign(1, group);
    seen[group] = walk;
    while (!stack.empty()) {
      const VertexId g = stack.back();
      stack.pop_back();
      for (auto edge :
           boost::make_iterator_range(boost::out_edges(g, graph_))) {
        const VertexId to = boost::target(edge, graph_);
        if (graph_[edge].kind == EdgeKind::kGroupRole) {
          roles.push_back(to);
        } else if (graph_[edge].kind == EdgeKind::kNestedGroup &&
                   seen[to] != walk) {
          seen[to] = walk;
          stack.push_back(to);
        }
      }
    }
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    effective_roles_.insert(effective_roles_.end(), roles.begin(), roles.end());
  }
  effective_role_offsets_[count] =
      static_cast<uint32_t>(effective_roles_.size());
  effective_roles_.shrink_to_fit();
}

std::vector<CacheStats> Snapshot::cache_stats() const {
  return {user_targets_cache_->stats(), application_users_cache_->stats()};
}

std::vector<std::pair<absl::string_view, absl::string_view>>
Snapshot::attributes(VertexId v) const {
  std::vector<std::pair<absl::string_view, absl::string_view>> out;
  auto it = attributes_.find(v);
  if (it == attributes_.end()) return out;
  for (const auto& [key, value] : it->second) {
    out.emplace_back(attribute_text_.Get(key), attribute_text_.Get(value));
  }
  return out;
}

VertexId Snapshot::FindById(VertexKind kind, absl::string_view id) const {
  const auto& index = by_id_[static_cast<int>(kind)];
  auto it = index.find(id);
  return it == index.end() ? kNoVertex : it->second;
}

VertexId Snapshot::FindByEmail(absl::string_view email) const {
  const std::string lowered = absl::AsciiStrToLower(email);
  auto it = by_email_.find(lowered);
  return it == by_email_.end() ? kNoVertex : it->second;
}

std::vector<VertexId> Snapshot::FindByName(VertexKind kind,
                                           absl::string_view name) const {
  auto first =
      std::lower_bound(by_name_.begin(), by_name_.end(), name,
                       [this](VertexId v, absl::string_view key) {
                         return CompareIgnoringCase(names_.Get(v), key) < 0;
                       });
  std::vector<VertexId> out;
  for (auto it = first;
       it != by_name_.end() && CompareIgnoringCase(names_.Get(*it), name) == 0;
       ++it) {
    if (kinds_[*it] == kind && names_.Get(*it) == name) out.push_back(*it);
  }
  return out;
}

std::vector<VertexId> Snapshot::FindByNamePrefix(
    absl::string_view prefix, const std::vector<VertexKind>& kinds,
    size_t limit, bool* more) const {
  auto it =
      std::lower_bound(by_name_.begin(), by_name_.end(), prefix,
                       [this](VertexId v, absl::string_view key) {
                         return CompareIgnoringCase(names_.Get(v), key) < 0;
                       });
  std::vector<VertexId> out;
  *more = false;
  for (; it != by_name_.end() &&
         absl::StartsWithIgnoreCase(names_.Get(*it), prefix);
       ++it) {
    if (!kinds.empty() &&
        std::find(kinds.begin(), kinds.end(), kinds_[*it]) == kinds.end()) {
      continue;
    }
    if (out.size() == limit) {
      *more = true;
      break;
    }
    out.push_back(*it);
  }
  return out;
}

std::array<int64_t, kVertexKindCount> Snapshot::vertex_counts() const {
  std::array<int64_t, kVertexKindCount> counts{};
  for (VertexKind kind : kinds_) ++counts[static_cast<int>(kind)];
  return counts;
}

std::array<int64_t, kEdgeKindCount> Snapshot::edge_counts() const {
  std::array<int64_t, kEdgeKindCount> counts{};
  for (auto edge : boost::make_iterator_range(boost::edges(graph_))) {
    ++counts[static_cast<int>(graph_[edge].kind)];
  }
  return counts;
}

size_t Snapshot::MemoryBytes() const {
  const size_t vertices = kinds_.size() + 1;
  const size_t edges = edge_count();
  // CSR: row starts and targets forward and backward, edge data, backward edge
  // indexes.
  size_t bytes = 2 * vertices * sizeof(VertexId) +
                 2 * edges * sizeof(VertexId) + edges * sizeof(EdgeData) +
                 edges * sizeof(VertexId);
  bytes += kinds_.capacity() + sources_.capacity() +
           by_name_.capacity() * sizeof(VertexId);
  bytes += ids_.MemoryBytes() + names_.MemoryBytes() + emails_.MemoryBytes() +
           attribute_text_.MemoryBytes();
  for (const auto& index : by_id_) {
    bytes +=
        index.capacity() * (sizeof(absl::string_view) + sizeof(VertexId) + 1);
  }
  bytes +=
      by_email_.capacity() * (sizeof(absl::string_view) + sizeof(VertexId) + 1);
  bytes += lowercase_emails_.MemoryBytes();
  bytes += edge_organization_.capacity() * (2 * sizeof(uint32_t) + 1);
  bytes += effective_role_offsets_.capacity() * sizeof(uint32_t) +
           effective_roles_.capacity() * sizeof(VertexId);
  return bytes;
}

}  // namespace identitygraph::graph
