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

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "graph/csr.h"
#include "graph/graph_types.h"
#include "graph/string_pool.h"

namespace identitygraph::graph {

class QueryCache;

class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  int64_t version() const { return version_; }
  absl::Time create_time() const { return create_time_; }

  size_t vertex_count() const { return kinds_.size(); }
  size_t edge_count() const { return boost::num_edges(graph_); }

  VertexKind kind(VertexId v) const { return kinds_[v]; }
  VertexSource source(VertexId v) const { return sources_[v]; }
  absl::string_view id(VertexId v) const { return ids_.Get(v); }
  absl::string_view name(VertexId v) const { return names_.Get(v); }
  // Empty for everything but users with an email.
  absl::string_view email(VertexId v) const { return emails_.Get(v); }
  // Attributes set by the builder (e.g. "strategy" of a connection), in the
  // order set.
  std::vector<std::pair<absl::string_view, absl::string_view>> attributes(
      VertexId v) const;

  VertexId FindById(VertexKind kind, absl::string_view id) const;
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

  // Vertex count per kind, edge count per kind.
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

 private:
  friend class GraphBuilder;
  friend class SnapshotFileCodec;
  friend class SnapshotAccess;
  Snapshot();
  VertexId OrganizationOf(const CsrEdge& edge) const {
    auto it = edge_organization_.find(edge.idx);
    return it == edge_organization_.end() ? kNoVertex : it->second;
  }
  // After the vertices and graph are set: id and email maps, then the name
  // order (unless `sort_names` is false because the order was loaded), group
  // roles and empty caches.
  void Finish(bool sort_names, size_t cache_capacity_bytes);
  void BuildIndexes(bool sort_names);
  // Names the organization of each (from, to) organization-role edge, matching
  // parallel edges one by one.
  void AttachOrganizations(
      const std::vector<std::array<VertexId, 3>>& from_to_organization);
  void PrecomputeGroupRoles();

  int64_t version_ = 0;
  absl::Time create_time_;
  std::vector<VertexKind> kinds_;
  std::vector<VertexSource> sources_;  // parallel to kinds_
  StringPool ids_, names_, emails_;
  // Sparse: most vertices have none.
  absl::flat_hash_map<VertexId, std::vector<std::pair<uint32_t, uint32_t>>>
      attributes_;
  StringPool attribute_text_;
  CsrGraph graph_;

  std::array<absl::flat_hash_map<absl::string_view, VertexId>, kVertexKindCount>
      by_id_;
  // Keys are views of lowercased emails: into emails_ when the email is
  // lowercase already (the usual case), else into lowercase_emails_.
  absl::flat_hash_map<absl::string_view, VertexId> by_email_;
  StringPool lowercase_emails_;
  absl::flat_hash_map<uint32_t, VertexId>
      edge_organization_;  // by CSR edge index
  // All vertices ordered by name ignoring ASCII case, then by id.
  std::vector<VertexId> by_name_;

  std::vector<uint32_t> effective_role_offsets_;  // vertex_count + 1
  std::vector<VertexId> effective_roles_;
  std::unique_ptr<QueryCache> user_targets_cache_;
  std::unique_ptr<QueryCache> application_users_cache_;
};

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_SNAPSHOT_H_
