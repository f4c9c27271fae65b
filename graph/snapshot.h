// An immutable identity graph: vertices (kind, external id, display name,
// email) and typed edges on a bidirectional boost::compressed_sparse_row_graph,
// so walks along edges and against them cost the same. Made by
// GraphBuilder::Build; never changed afterwards, so any number of threads may
// read one snapshot at once without locks.
//
// Lookups:
//   FindById(kind, "rol_123"), FindByEmail("ada@acme.com") (case-insensitive),
//   FindByName(kind, "Payroll") (exact; may match several),
//   FindByNamePrefix(...)
//   ForEachEdge([](EdgeKind kind, VertexId from, VertexId to,
//                  VertexId organization) { ... })
// Queries live in queries.h.
//
// The public contract of graph/ is this header, graph_types.h, queries.h,
// graph_builder.h, snapshot_file.h and snapshot_holder.h. The CSR storage
// (csr.h), the walk workspace (queries.cc) and the query caches
// (query_caching.h) are internal: reached only through SnapshotAccess
// (snapshot_access.h) from inside graph/.
#ifndef IDENTITYGRAPH_GRAPH_SNAPSHOT_H_
#define IDENTITYGRAPH_GRAPH_SNAPSHOT_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "graph/csr.h"
#include "graph/graph_types.h"
#include "graph/string_pool.h"

namespace identitygraph::graph {

class QueryCache;

// The name order of lookups: ASCII case ignored, without lowercase copies
// (<0, 0, >0).
int CompareNamesIgnoringCase(absl::string_view a, absl::string_view b);

class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  int64_t version() const { return version_; }
  absl::Time create_time() const { return create_time_; }

  // Vertex ids run from 0 to vertex_count() - 1 and never change within the
  // snapshots ApplyDelta derives from one another; a vertex a delta removed
  // stays as removed(), without edges, and no lookup finds it.
  size_t vertex_count() const { return kinds_.size(); }
  size_t edge_count() const { return boost::num_edges(graph_); }

  VertexKind kind(VertexId v) const { return kinds_[v]; }
  VertexSource source(VertexId v) const { return sources_[v]; }
  bool removed(VertexId v) const { return flags_[v] & kRemoved; }
  // A user Auth0 blocks (`blocked: true`): it cannot log in or get tokens, so
  // no decision allows it, whatever paths it has.
  bool blocked(VertexId v) const { return flags_[v] & kBlocked; }
  // Users that are blocked (removed ones not counted).
  int64_t blocked_user_count() const { return blocked_user_count_; }
  absl::string_view id(VertexId v) const {
    return flags_[v] & kOverlaid ? OverlaidText(v).id : text_->ids.Get(v);
  }
  absl::string_view name(VertexId v) const {
    return flags_[v] & kOverlaid ? OverlaidText(v).name : text_->names.Get(v);
  }
  // Empty for everything but users with an email.
  absl::string_view email(VertexId v) const {
    return flags_[v] & kOverlaid ? OverlaidText(v).email : text_->emails.Get(v);
  }
  // Attributes set by the builder (e.g. "strategy" of a connection), in the
  // order set.
  std::vector<std::pair<absl::string_view, absl::string_view>> attributes(
      VertexId v) const;

  VertexId FindById(VertexKind kind, absl::string_view id) const;
  // When several vertices share an email, one of them.
  VertexId FindByEmail(absl::string_view email) const;
  // Every vertex of `kind` whose name equals `name` exactly, ordered by id.
  std::vector<VertexId> FindByName(VertexKind kind,
                                   absl::string_view name) const;
  // Vertices whose name starts with `prefix` (case-insensitive) and whose kind
  // is in `kinds` (empty: any), ordered by name then id; at most `limit`, and
  // `*more` tells whether there were more.
  std::vector<VertexId> FindByNamePrefix(absl::string_view prefix,
                                         const std::vector<VertexKind>& kinds,
                                         size_t limit, bool* more) const;

  // Vertex count per kind (removed vertices not counted), edge count per kind.
  std::array<int64_t, kVertexKindCount> vertex_counts() const;
  std::array<int64_t, kEdgeKindCount> edge_counts() const;
  // Memory held by the snapshot (graph, strings, indexes, precomputed roles),
  // in bytes, caches excluded.
  size_t MemoryBytes() const;

  // Calls `visit(kind, from, to, organization)` for every edge, in storage
  // order; `organization` is the organization of a kOrganizationRole edge,
  // kNoVertex otherwise.
  template <typename Visit>
  void ForEachEdge(Visit visit) const {
    for (auto [it, end] = boost::edges(graph_); it != end; ++it) {
      visit(graph_[*it].kind, boost::source(*it, graph_),
            boost::target(*it, graph_), OrganizationOf(*it));
    }
  }

  // Calls `visit(kind, target, organization)` for every edge out of `v`, and
  // `visit(kind, source, organization)` for every edge into it.
  template <typename Visit>
  void ForEachOutEdge(VertexId v, Visit visit) const {
    for (auto [it, end] = boost::out_edges(v, graph_); it != end; ++it) {
      visit(graph_[*it].kind, boost::target(*it, graph_), OrganizationOf(*it));
    }
  }
  template <typename Visit>
  void ForEachInEdge(VertexId v, Visit visit) const {
    for (auto [it, end] = boost::in_edges(v, graph_); it != end; ++it) {
      visit(graph_[*it].kind, boost::source(*it, graph_), OrganizationOf(*it));
    }
  }
  // Calls `visit(from, to)` for every role held within `organization`.
  template <typename Visit>
  void ForEachRoleWithin(VertexId organization, Visit visit) const {
    const auto& starts = graph_.m_forward.m_rowstart;
    for (const auto& [edge, held_in] : edge_organization_) {
      if (held_in != organization) continue;
      const VertexId from = static_cast<VertexId>(
          std::upper_bound(starts.begin(), starts.end(), edge) -
          starts.begin() - 1);
      visit(from, graph_.m_forward.m_column[edge]);
    }
  }

  // The roles a group's members hold through it: its own and those of every
  // group it is nested in, however deep (precomputed at build; sorted). Empty
  // for other vertices.
  absl::Span<const VertexId> effective_roles_of_group(VertexId group) const {
    return absl::MakeConstSpan(
        effective_roles_.data() + effective_role_offsets_[group],
        effective_role_offsets_[group + 1] - effective_role_offsets_[group]);
  }

  // The query caches' figures (they belong to the snapshot and die with it).
  std::vector<CacheStats> cache_stats() const;

  // Vertices whose text changed or that were added since the last full build
  // (ApplyDelta overlays them on the text it shares with its base).
  size_t overlaid_vertex_count() const;

 private:
  friend class GraphBuilder;
  friend class SnapshotFileCodec;
  friend class SnapshotAccess;
  friend class DeltaApplier;

  // Vertex text and its lookups as of the last full build or load, shared by
  // every snapshot ApplyDelta derives from it: a delta copies none of it.
  struct Text {
    StringPool ids, names, emails;
    std::array<absl::flat_hash_map<absl::string_view, VertexId>,
               kVertexKindCount>
        by_id;
    // Keys are views of lowercased emails: into `emails` when the email is
    // lowercase already (the usual case), else into `lowercase_emails`.
    absl::flat_hash_map<absl::string_view, VertexId> by_email;
    StringPool lowercase_emails;
    // The vertices `ids` covers, ordered by name ignoring ASCII case, then id.
    std::vector<VertexId> by_name;
  };
  // What deltas changed since `text_` was built: small, copied by each delta.
  struct Overlay {
    struct VertexText {
      std::string id, name, email;
    };
    absl::flat_hash_map<VertexId, VertexText> text;  // added or renamed
    // Added vertices (an id never changes, so those of `text_` stay valid).
    std::array<absl::flat_hash_map<std::string, VertexId>, kVertexKindCount>
        by_id;
    // Lowercased emails of the vertices in `text`.
    absl::flat_hash_map<std::string, VertexId> by_email;
    // The vertices in `text`, in the order of Text::by_name.
    std::vector<VertexId> by_name;
  };
  static constexpr uint8_t kRemoved = 1;
  static constexpr uint8_t kOverlaid = 2;
  static constexpr uint8_t kBlocked = 4;

  Snapshot();
  const Overlay::VertexText& OverlaidText(VertexId v) const {
    return overlay_->text.find(v)->second;
  }
  // Calls visit(v) for every vertex in name order (removed ones too), merging
  // the shared order with the overlay's, from the first whose name is not
  // below `from` ignoring case; stops when visit returns false.
  void ForEachInNameOrder(absl::string_view from,
                          absl::FunctionRef<bool(VertexId)> visit) const;
  VertexId OrganizationOf(const CsrEdge& edge) const {
    auto it = edge_organization_.find(edge.idx);
    return it == edge_organization_.end() ? kNoVertex : it->second;
  }
  // After the vertices and graph are set: `text`'s id and email maps, then
  // its name order (unless `sort_names` is false because the order was
  // loaded), group roles and empty caches.
  void Finish(std::shared_ptr<Text> text, bool sort_names,
              size_t cache_capacity_bytes);
  void BuildIndexes(Text& text, bool sort_names) const;
  // Group roles and empty caches (what every new snapshot computes).
  void FinishDerived(size_t cache_capacity_bytes);
  // Names the organization of each (from, to) organization-role edge, matching
  // parallel edges one by one.
  void AttachOrganizations(
      const std::vector<std::array<VertexId, 3>>& from_to_organization);
  void PrecomputeGroupRoles();

  int64_t version_ = 0;
  absl::Time create_time_;
  std::vector<VertexKind> kinds_;
  std::vector<VertexSource> sources_;  // parallel to kinds_
  // Parallel to kinds_: kRemoved, kOverlaid, kBlocked.
  std::vector<uint8_t> flags_;
  int64_t blocked_user_count_ = 0;
  std::shared_ptr<const Text> text_;
  std::shared_ptr<const Overlay> overlay_;  // null when nothing is overlaid
  size_t cache_capacity_bytes_ = kDefaultCacheCapacityBytes;
  // Sparse: most vertices have none.
  absl::flat_hash_map<VertexId, std::vector<std::pair<uint32_t, uint32_t>>>
      attributes_;
  StringPool attribute_text_;
  CsrGraph graph_;
  absl::flat_hash_map<uint32_t, VertexId>
      edge_organization_;  // by CSR edge index

  std::vector<uint32_t> effective_role_offsets_;  // vertex_count + 1
  std::vector<VertexId> effective_roles_;
  std::unique_ptr<QueryCache> user_targets_cache_;
  std::unique_ptr<QueryCache> application_users_cache_;
  std::unique_ptr<QueryCache> permission_holders_cache_;
};

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_SNAPSHOT_H_
