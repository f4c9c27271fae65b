// Internal to graph/: the Boost CSR graph a Snapshot is stored in. Nothing
// outside graph/ sees it (Bazel: //graph:internal); the public face is
// snapshot.h's lookups and edge visitor and queries.h.
#ifndef IDENTITYGRAPH_GRAPH_CSR_H_
#define IDENTITYGRAPH_GRAPH_CSR_H_

#include "boost/graph/compressed_sparse_row_graph.hpp"
#include "graph/graph_types.h"

namespace identitygraph::graph {

// What the CSR graph stores per edge: one byte. The organization of a role held
// within an organization (rare) lives beside the graph, keyed by edge.
struct EdgeData {
  EdgeKind kind = EdgeKind::kGroupMember;
};

using CsrGraph =
    boost::compressed_sparse_row_graph<boost::bidirectionalS,
                                       boost::no_property, EdgeData,
                                       boost::no_property, VertexId, VertexId>;
using CsrEdge = boost::graph_traits<CsrGraph>::edge_descriptor;

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_CSR_H_
