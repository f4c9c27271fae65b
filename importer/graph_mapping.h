// Maps what an import read (TenantData) onto the graph: entities, and edges
// pointing the way access flows. Memberships of users outside the selected
// connections are left out and counted per source, for the scan report.
//
//   graph::GraphBuilder builder;
//   DroppedMemberships dropped = MapToGraph(data, &builder);
//
// Sources (the names the report uses): role_members, group_members,
// organization_members, organization_roles, extension_group_members,
// extension_role_users.
#ifndef IDENTITYGRAPH_IMPORTER_GRAPH_MAPPING_H_
#define IDENTITYGRAPH_IMPORTER_GRAPH_MAPPING_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "graph/graph_builder.h"
#include "graph/snapshot.h"
#include "graph/snapshot_delta.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

// Source name -> memberships left out (only sources that left some out).
using DroppedMemberships = std::map<std::string, int64_t>;

DroppedMemberships MapToGraph(const TenantData& data,
                              graph::GraphBuilder* builder);

// The graph entities a batch of followed changes may have changed, by kind
// and id (a superset costs only time).
class TouchedEntities {
 public:
  bool Contains(graph::VertexKind kind, absl::string_view id) const;
  void Add(graph::VertexKind kind, absl::string_view id);
  void Merge(const TouchedEntities& other);
  size_t size() const;
  bool empty() const { return size() == 0; }
  void ForEach(absl::FunctionRef<void(graph::VertexKind, const std::string&)>
                   visit) const;
  size_t size(graph::VertexKind kind) const;
  void ForEachOfKind(graph::VertexKind kind,
                     absl::FunctionRef<void(const std::string&)> visit) const;

 private:
  std::array<absl::flat_hash_set<std::string>, graph::kVertexKindCount> ids_;
};

// The change that brings `current` (mapped from an earlier state of `data`)
// to what MapToGraph(data) maps, when only the touched entities and the
// edges at them changed: each touched entity upserted as it is now (or
// removed), and the edges at it removed and added to match. It finds each
// big collection's record through `data.index` when it covers the collection
// (tenant_index.h), the rest by walking them, and maps only those with a
// touched end, by the same rules as MapToGraph.
graph::SnapshotDelta MapChangesToDelta(const TenantData& data,
                                       const TouchedEntities& touched,
                                       const graph::Snapshot& current);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_GRAPH_MAPPING_H_
