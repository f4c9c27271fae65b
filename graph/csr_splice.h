// Internal to graph/: a new CSR graph from an old one with some vertices'
// out-edges replaced and vertices appended, in one pass over the old arrays
// (runs of untouched rows are copied as they are; no sort of all edges).
//
// The result is the graph Boost's own constructor builds from the same edges
// in the builder's order (each row sorted by target, kind, organization), array
// for array, so a spliced snapshot answers exactly as a rebuilt one would;
// csr_splice_test holds that, and with it the layout of Boost's CSR arrays
// this code writes (public members of Boost 1.74's compressed_sparse_row_graph,
// documented there as "should be private").
#ifndef IDENTITYGRAPH_GRAPH_CSR_SPLICE_H_
#define IDENTITYGRAPH_GRAPH_CSR_SPLICE_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/csr.h"
#include "graph/graph_types.h"

namespace identitygraph::graph {

// One out-edge of a replaced row. `organization` is kNoVertex except on a
// kOrganizationRole edge.
struct RowEdge {
  VertexId to = kNoVertex;
  EdgeKind kind = EdgeKind::kGroupMember;
  VertexId organization = kNoVertex;
};

// The organizations of organization-role edges, by CSR edge index.
using EdgeOrganizations = absl::flat_hash_map<uint32_t, VertexId>;

struct SplicedCsr {
  CsrGraph graph;
  EdgeOrganizations organizations;
};

// `rows` holds the complete new out-edges of each vertex it names (a vertex
// may be one of those appended); every other vertex below the old count keeps
// its row, and appended vertices not in `rows` have none. Each row must be
// sorted by (to, kind, organization) without duplicates, and every target
// below `vertex_count`. REQUIRES: vertex_count >= the old graph's.
SplicedCsr SpliceCsr(
    const CsrGraph& old, const EdgeOrganizations& old_organizations,
    VertexId vertex_count,
    const absl::flat_hash_map<VertexId, std::vector<RowEdge>>& rows);

// The order rows are kept in.
bool RowEdgeLess(const RowEdge& a, const RowEdge& b);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_CSR_SPLICE_H_
