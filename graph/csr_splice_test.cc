// SpliceCsr against Boost's own constructor: for random graphs and random
// replaced rows (appended vertices too), every array of the spliced graph
// equals the one Boost builds from the final edges, in both directions, and
// organizations follow their edges.
#include "graph/csr_splice.h"

#include <random>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

using Rows = std::vector<std::vector<RowEdge>>;

RowEdge RandomEdge(std::mt19937& random, VertexId count) {
  RowEdge edge;
  edge.to = std::uniform_int_distribution<VertexId>(0, count - 1)(random);
  edge.kind = static_cast<EdgeKind>(
      std::uniform_int_distribution<int>(0, kEdgeKindCount - 1)(random));
  if (edge.kind == EdgeKind::kOrganizationRole) {
    edge.organization =
        std::uniform_int_distribution<VertexId>(0, count - 1)(random);
  }
  return edge;
}

std::vector<RowEdge> RandomRow(std::mt19937& random, VertexId count) {
  std::vector<RowEdge> row(std::uniform_int_distribution<int>(0, 6)(random));
  for (RowEdge& edge : row) edge = RandomEdge(random, count);
  std::sort(row.begin(), row.end(), RowEdgeLess);
  row.erase(std::unique(row.begin(), row.end(),
                        [](const RowEdge& a, const RowEdge& b) {
                          return !RowEdgeLess(a, b) && !RowEdgeLess(b, a);
                        }),
            row.end());
  return row;
}

// What Boost builds from the rows, with the organizations by edge index.
SplicedCsr BuildWithBoost(const Rows& rows) {
  std::vector<std::pair<VertexId, VertexId>> ends;
  std::vector<EdgeData> data;
  std::vector<VertexId> organizations;
  for (VertexId v = 0; v < rows.size(); ++v) {
    for (const RowEdge& edge : rows[v]) {
      ends.emplace_back(v, edge.to);
      data.push_back(EdgeData{edge.kind});
      organizations.push_back(edge.organization);
    }
  }
  SplicedCsr out;
  out.graph =
      CsrGraph(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(),
               data.begin(), static_cast<VertexId>(rows.size()));
  for (uint32_t e = 0; e < organizations.size(); ++e) {
    if (organizations[e] != kNoVertex) out.organizations[e] = organizations[e];
  }
  return out;
}

void ExpectSameArrays(const SplicedCsr& got, const SplicedCsr& want) {
  const auto& g = got.graph;
  const auto& w = want.graph;
  EXPECT_EQ(g.m_forward.m_rowstart, w.m_forward.m_rowstart);
  EXPECT_EQ(g.m_forward.m_column, w.m_forward.m_column);
  ASSERT_EQ(g.m_forward.m_edge_properties.size(),
            w.m_forward.m_edge_properties.size());
  for (size_t e = 0; e < g.m_forward.m_edge_properties.size(); ++e) {
    EXPECT_EQ(g.m_forward.m_edge_properties[e].kind,
              w.m_forward.m_edge_properties[e].kind);
  }
  EXPECT_EQ(g.m_backward.m_rowstart, w.m_backward.m_rowstart);
  EXPECT_EQ(g.m_backward.m_column, w.m_backward.m_column);
  EXPECT_EQ(g.m_backward.m_edge_properties, w.m_backward.m_edge_properties);
  EXPECT_EQ(got.organizations, want.organizations);
}

TEST(CsrSpliceTest, EqualsBoostsOwnBuildForRandomSplices) {
  std::mt19937 random(11);
  for (int round = 0; round < 300; ++round) {
    const VertexId old_count =
        std::uniform_int_distribution<VertexId>(0, 40)(random);
    const VertexId count =
        old_count + std::uniform_int_distribution<VertexId>(0, 5)(random);
    if (count == 0) continue;
    Rows rows(old_count);
    for (auto& row : rows) row = RandomRow(random, std::max(old_count, 1u));
    if (old_count == 0) rows.clear();
    const SplicedCsr old = BuildWithBoost(rows);
    rows.resize(count);
    absl::flat_hash_map<VertexId, std::vector<RowEdge>> replaced;
    const int replacements = std::uniform_int_distribution<int>(0, 8)(random);
    for (int i = 0; i < replacements; ++i) {
      const VertexId v =
          std::uniform_int_distribution<VertexId>(0, count - 1)(random);
      rows[v] = RandomRow(random, count);
      replaced[v] = rows[v];
    }
    SCOPED_TRACE(::testing::Message() << "round " << round);
    ExpectSameArrays(SpliceCsr(old.graph, old.organizations, count, replaced),
                     BuildWithBoost(rows));
  }
}

TEST(CsrSpliceTest, NothingReplacedCopiesTheGraph) {
  Rows rows = {{{1, EdgeKind::kUserRole, kNoVertex}},
               {},
               {{0, EdgeKind::kOrganizationRole, 1}}};
  const SplicedCsr old = BuildWithBoost(rows);
  ExpectSameArrays(SpliceCsr(old.graph, old.organizations, 3, {}), old);
}

}  // namespace
}  // namespace identitygraph::graph
