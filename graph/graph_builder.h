// Collects entities and edges, then builds an immutable Snapshot.
//
//   GraphBuilder builder;
//   VertexId ada = builder.AddEntity(VertexKind::kUser, "google-apps|ada",
//   "Ada", "ada@x"); builder.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser,
//   "google-apps|ada",
//                   VertexKind::kGroup, "grp_1");
//   std::shared_ptr<const Snapshot> snapshot = std::move(builder).Build(7,
//   absl::Now());
//
// Entities are de-duplicated by (kind, id): adding one again fills in a name or
// email the first lacked. Edges are de-duplicated too. An edge whose end was
// never added, or whose kinds do not fit its edge kind (a role as a group
// member), is dropped and counted; that is not an error, because an import
// filters users by connection and memberships of filtered-out users are
// expected. Not thread-safe; Build consumes the builder.
#ifndef IDENTITYGRAPH_GRAPH_GRAPH_BUILDER_H_
#define IDENTITYGRAPH_GRAPH_GRAPH_BUILDER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "graph/graph_types.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

class GraphBuilder {
 public:
  GraphBuilder();

  // Adds an entity, or finds the one already added with this kind and id.
  VertexId AddEntity(VertexKind kind, absl::string_view id,
                     absl::string_view name = {}, absl::string_view email = {});
  // Where the entity came from (default VertexSource::kDirectory).
  void SetSource(VertexId vertex, VertexSource source) {
    sources_[vertex] = source;
  }
  // Marks a user as blocked in the directory (Snapshot::blocked).
  void SetBlocked(VertexId vertex) { blocked_.insert(vertex); }
  // A small attribute shown with the entity (e.g. "strategy" -> "samlp").
  void SetAttribute(VertexId vertex, absl::string_view key,
                    absl::string_view value);

  // The vertex of (kind, id), or kNoVertex.
  VertexId Find(VertexKind kind, absl::string_view id) const;

  // Adds an edge between entities named by kind and id. Returns false, and
  // counts the edge as dropped, when an end is missing or the kinds do not fit
  // `kind`.
  bool AddEdge(EdgeKind kind, VertexKind from_kind, absl::string_view from_id,
               VertexKind to_kind, absl::string_view to_id,
               VertexId via = kNoVertex);
  bool AddEdge(EdgeKind kind, VertexId from, VertexId to,
               VertexId via = kNoVertex);

  // Edges dropped so far, per edge kind: an end missing, or kinds that do not
  // fit.
  const std::array<int64_t, kEdgeKindCount>& dropped_edges() const {
    return dropped_;
  }
  size_t vertex_count() const { return kinds_.size(); }

  // The memory bound of the snapshot's query caches, together (default
  // kDefaultCacheCapacityBytes).
  void set_cache_capacity_bytes(size_t bytes) { cache_capacity_bytes_ = bytes; }

  std::shared_ptr<const Snapshot> Build(int64_t version,
                                        absl::Time create_time) &&;

 private:
  struct Edge {
    VertexId from, to, via;
    EdgeKind kind;
    bool operator<(const Edge& o) const {
      return std::tie(from, to, kind, via) <
             std::tie(o.from, o.to, o.kind, o.via);
    }
    bool operator==(const Edge& o) const {
      return from == o.from && to == o.to && kind == o.kind && via == o.via;
    }
  };

  std::vector<VertexKind> kinds_;
  std::vector<VertexSource> sources_;
  std::vector<std::string> ids_, names_, emails_;
  absl::flat_hash_map<VertexId,
                      std::vector<std::pair<std::string, std::string>>>
      attributes_;
  std::array<absl::flat_hash_map<std::string, VertexId>, kVertexKindCount>
      index_;
  std::vector<Edge> edges_;
  absl::flat_hash_set<VertexId> blocked_;
  std::array<int64_t, kEdgeKindCount> dropped_{};
  size_t cache_capacity_bytes_ = kDefaultCacheCapacityBytes;
};

// True when an edge of `kind` may go from a `from` vertex to a `to` vertex.
bool EdgeFits(EdgeKind kind, VertexKind from, VertexKind to);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_GRAPH_BUILDER_H_
