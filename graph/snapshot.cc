#include "graph/snapshot.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/range/iterator_range.hpp"
#include "graph/query_cache.h"

namespace identitygraph::graph {

int CompareNamesIgnoringCase(absl::string_view a, absl::string_view b) {
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

const char* VertexKindName(VertexKind kind) {
  static constexpr const char* kNames[] = {
      "user", "group",      "role",         "application",
      "api",  "connection", "organization", "permission"};
  return kNames[static_cast<int>(kind)];
}

const char* EdgeKindName(EdgeKind kind) {
  static constexpr const char* kNames[] = {
      "group_member",      "nested_group",           "group_role",
      "user_role",         "role_application",       "role_api",
      "user_connection",   "connection_application", "organization_member",
      "organization_role", "role_permission",        "user_permission",
      "permission_on"};
  return kNames[static_cast<int>(kind)];
}

std::string PermissionVertexId(absl::string_view target_id,
                               absl::string_view name) {
  return absl::StrCat(target_id, " ", name);
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

void Snapshot::BuildIndexes(Text& text, bool sort_names) const {
  // The id index keeps views into the pools: they must not move after this
  // point.
  text.ids.ShrinkToFit();
  text.names.ShrinkToFit();
  text.emails.ShrinkToFit();
  const VertexId count = static_cast<VertexId>(kinds_.size());
  for (VertexId v = 0; v < count; ++v) {
    if (flags_[v] & kRemoved) continue;
    text.by_id[static_cast<int>(kinds_[v])].emplace(text.ids.Get(v), v);
  }
  // Lowercase copies only where they differ; the pool is complete before any
  // view is taken of it, so the views stay valid.
  std::vector<int64_t> lowercase_index(count, -1);
  for (VertexId v = 0; v < count; ++v) {
    const absl::string_view email = text.emails.Get(v);
    const std::string lowered = absl::AsciiStrToLower(email);
    if (!email.empty() && lowered != email) {
      lowercase_index[v] = text.lowercase_emails.Add(lowered);
    }
  }
  text.lowercase_emails.ShrinkToFit();
  text.by_email.reserve(count);
  for (VertexId v = 0; v < count; ++v) {
    if (text.emails.Get(v).empty() || (flags_[v] & kRemoved)) continue;
    text.by_email.emplace(lowercase_index[v] >= 0
                              ? text.lowercase_emails.Get(
                                    static_cast<uint32_t>(lowercase_index[v]))
                              : text.emails.Get(v),
                          v);
  }
  if (!sort_names) return;
  text.by_name.resize(count);
  for (VertexId v = 0; v < count; ++v) text.by_name[v] = v;
  std::sort(text.by_name.begin(), text.by_name.end(),
            [&text](VertexId a, VertexId b) {
              const int order = CompareNamesIgnoringCase(text.names.Get(a),
                                                         text.names.Get(b));
              return order != 0 ? order < 0 : text.ids.Get(a) < text.ids.Get(b);
            });
}

void Snapshot::Finish(std::shared_ptr<Text> text, bool sort_names,
                      size_t cache_capacity_bytes) {
  flags_.resize(kinds_.size(), 0);
  BuildIndexes(*text, sort_names);
  text_ = std::move(text);
  FinishDerived(cache_capacity_bytes);
}

void Snapshot::FinishDerived(size_t cache_capacity_bytes) {
  PrecomputeGroupRoles();
  blocked_user_count_ = 0;
  for (size_t v = 0; v < kinds_.size(); ++v) {
    if ((flags_[v] & (kBlocked | kRemoved)) == kBlocked) ++blocked_user_count_;
  }
  cache_capacity_bytes_ = cache_capacity_bytes;
  // A user's reachable applications are asked for far more often than the
  // lists of who reaches an application or holds a permission. (Permission
  // checks need no per-user cache: see permissions.cc.)
  user_targets_cache_ = std::make_unique<QueryCache>(
      "user_applications", cache_capacity_bytes / 4 * 3);
  application_users_cache_ = std::make_unique<QueryCache>(
      "application_users", cache_capacity_bytes / 8);
  permission_holders_cache_ = std::make_unique<QueryCache>(
      "permission_holders", cache_capacity_bytes / 8);
}

size_t Snapshot::overlaid_vertex_count() const {
  return overlay_ == nullptr ? 0 : overlay_->text.size();
}

void Snapshot::ForEachInNameOrder(
    absl::string_view from, absl::FunctionRef<bool(VertexId)> visit) const {
  const std::vector<VertexId>& shared = text_->by_name;
  // The shared order is by the names it was built with.
  auto shared_it = std::lower_bound(shared.begin(), shared.end(), from,
                                    [this](VertexId v, absl::string_view key) {
                                      return CompareNamesIgnoringCase(
                                                 text_->names.Get(v), key) < 0;
                                    });
  static const std::vector<VertexId> kNone;
  const std::vector<VertexId>& overlaid =
      overlay_ == nullptr ? kNone : overlay_->by_name;
  auto overlaid_it =
      std::lower_bound(overlaid.begin(), overlaid.end(), from,
                       [this](VertexId v, absl::string_view key) {
                         return CompareNamesIgnoringCase(name(v), key) < 0;
                       });
  auto before = [this](VertexId a, VertexId b) {
    const int order = CompareNamesIgnoringCase(name(a), name(b));
    return order != 0 ? order < 0 : id(a) < id(b);
  };
  while (true) {
    // Shared entries that were overlaid since are in the overlay's order.
    while (shared_it != shared.end() && (flags_[*shared_it] & kOverlaid)) {
      ++shared_it;
    }
    VertexId next;
    if (shared_it == shared.end()) {
      if (overlaid_it == overlaid.end()) return;
      next = *overlaid_it++;
    } else if (overlaid_it == overlaid.end() ||
               before(*shared_it, *overlaid_it)) {
      next = *shared_it++;
    } else {
      next = *overlaid_it++;
    }
    if (!visit(next)) return;
  }
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
  return {user_targets_cache_->stats(), application_users_cache_->stats(),
          permission_holders_cache_->stats()};
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
  const int k = static_cast<int>(kind);
  VertexId found = kNoVertex;
  if (auto it = text_->by_id[k].find(id); it != text_->by_id[k].end()) {
    found = it->second;
  } else if (overlay_ != nullptr) {
    if (auto added = overlay_->by_id[k].find(id);
        added != overlay_->by_id[k].end()) {
      found = added->second;
    }
  }
  return found != kNoVertex && !removed(found) ? found : kNoVertex;
}

VertexId Snapshot::FindByEmail(absl::string_view email) const {
  const std::string lowered = absl::AsciiStrToLower(email);
  if (overlay_ != nullptr) {
    auto it = overlay_->by_email.find(lowered);
    if (it != overlay_->by_email.end() && !removed(it->second)) {
      return it->second;
    }
  }
  auto it = text_->by_email.find(lowered);
  // A vertex overlaid since may have another email now.
  return it == text_->by_email.end() ||
                 (flags_[it->second] & (kRemoved | kOverlaid))
             ? kNoVertex
             : it->second;
}

std::vector<VertexId> Snapshot::FindByName(VertexKind kind,
                                           absl::string_view name) const {
  std::vector<VertexId> out;
  ForEachInNameOrder(name, [&](VertexId v) {
    const absl::string_view found = this->name(v);
    if (CompareNamesIgnoringCase(found, name) != 0) return false;
    if (kinds_[v] == kind && found == name && !removed(v)) out.push_back(v);
    return true;
  });
  return out;
}

std::vector<VertexId> Snapshot::FindByNamePrefix(
    absl::string_view prefix, const std::vector<VertexKind>& kinds,
    size_t limit, bool* more) const {
  std::vector<VertexId> out;
  *more = false;
  ForEachInNameOrder(prefix, [&](VertexId v) {
    if (!absl::StartsWithIgnoreCase(name(v), prefix)) return false;
    if (removed(v) || (!kinds.empty() && std::find(kinds.begin(), kinds.end(),
                                                   kinds_[v]) == kinds.end())) {
      return true;
    }
    if (out.size() == limit) {
      *more = true;
      return false;
    }
    out.push_back(v);
    return true;
  });
  return out;
}

std::array<int64_t, kVertexKindCount> Snapshot::vertex_counts() const {
  std::array<int64_t, kVertexKindCount> counts{};
  for (size_t v = 0; v < kinds_.size(); ++v) {
    if (!(flags_[v] & kRemoved)) ++counts[static_cast<int>(kinds_[v])];
  }
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
  bytes += kinds_.capacity() + sources_.capacity() + flags_.capacity() +
           text_->by_name.capacity() * sizeof(VertexId);
  // The shared text counts in full in every snapshot that shares it.
  bytes += text_->ids.MemoryBytes() + text_->names.MemoryBytes() +
           text_->emails.MemoryBytes() + attribute_text_.MemoryBytes();
  for (const auto& index : text_->by_id) {
    bytes +=
        index.capacity() * (sizeof(absl::string_view) + sizeof(VertexId) + 1);
  }
  bytes += text_->by_email.capacity() *
           (sizeof(absl::string_view) + sizeof(VertexId) + 1);
  bytes += text_->lowercase_emails.MemoryBytes();
  if (overlay_ != nullptr) {
    for (const auto& [v, text] : overlay_->text) {
      bytes += sizeof(v) + sizeof(text) + text.id.capacity() +
               text.name.capacity() + text.email.capacity();
    }
    // Each key again as a std::string, in the id and email maps.
    bytes += overlay_->text.size() * 2 * (sizeof(std::string) + 8) +
             overlay_->by_name.capacity() * sizeof(VertexId);
  }
  bytes += edge_organization_.capacity() * (2 * sizeof(uint32_t) + 1);
  bytes += effective_role_offsets_.capacity() * sizeof(uint32_t) +
           effective_roles_.capacity() * sizeof(VertexId);
  return bytes;
}

}  // namespace identitygraph::graph
