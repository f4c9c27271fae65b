#include "graph/csr_splice.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

namespace identitygraph::graph {

bool RowEdgeLess(const RowEdge& a, const RowEdge& b) {
  return std::tie(a.to, a.kind, a.organization) <
         std::tie(b.to, b.kind, b.organization);
}

namespace {

// The in-edges, spliced too: Boost keeps each vertex's in-edges in forward
// edge order, as (source, forward edge index). Rows of untouched targets keep
// their sources, and each index moves by its source's shift, which is the
// same for every source between two replaced vertices; so each row is copied
// in order with a walk along those few steps, never scattered.
void SpliceBackward(const CsrGraph& old, const std::vector<VertexId>& replaced,
                    VertexId vertex_count, CsrGraph& graph) {
  const auto& old_starts = old.m_forward.m_rowstart;
  const VertexId old_count =
      old_starts.empty() ? 0 : static_cast<VertexId>(old_starts.size() - 1);
  const auto& forward = graph.m_forward;
  const auto& old_in_starts = old.m_backward.m_rowstart;
  const auto& old_sources = old.m_backward.m_column;
  const auto& old_indexes = old.m_backward.m_edge_properties;

  // Step k covers sources in [step_start[k], step_start[k + 1]); replaced
  // sources are steps of their own, and their old in-edges are dropped.
  std::vector<VertexId> step_start = {0};
  std::vector<int64_t> step_shift;
  std::vector<bool> step_replaced;
  auto shift_of = [&](VertexId v) -> int64_t {
    return v < old_count ? static_cast<int64_t>(forward.m_rowstart[v]) -
                               static_cast<int64_t>(old_starts[v])
                         : 0;
  };
  for (VertexId r : replaced) {
    if (r >= old_count) break;
    if (step_start.back() < r) {
      step_shift.push_back(shift_of(step_start.back()));
      step_replaced.push_back(false);
      step_start.push_back(r);
    }
    step_shift.push_back(0);
    step_replaced.push_back(true);
    step_start.push_back(r + 1);
  }
  step_shift.push_back(shift_of(step_start.back()));
  step_replaced.push_back(false);
  step_start.push_back(std::numeric_limits<VertexId>::max());

  // The replaced rows' edges, by target then index, and the targets whose
  // rows change: those of the replaced rows, old and new.
  struct InEdge {
    VertexId target, source;
    uint32_t index;
  };
  std::vector<InEdge> added;
  std::vector<VertexId> touched;
  for (VertexId r : replaced) {
    for (uint32_t e = forward.m_rowstart[r]; e < forward.m_rowstart[r + 1];
         ++e) {
      added.push_back({forward.m_column[e], r, e});
      touched.push_back(forward.m_column[e]);
    }
    if (r < old_count) {
      for (uint32_t e = old_starts[r]; e < old_starts[r + 1]; ++e) {
        touched.push_back(old.m_forward.m_column[e]);
      }
    }
  }
  std::sort(added.begin(), added.end(), [](const InEdge& a, const InEdge& b) {
    return std::tie(a.target, a.index) < std::tie(b.target, b.index);
  });
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());

  auto& backward = graph.m_backward;
  backward.m_rowstart.resize(static_cast<size_t>(vertex_count) + 1);
  // Every forward edge is one in-edge: written in place, not pushed.
  backward.m_column.resize(forward.m_column.size());
  backward.m_edge_properties.resize(forward.m_column.size());
  VertexId* sources = backward.m_column.data();
  uint32_t* indexes = backward.m_edge_properties.data();
  size_t written = 0;
  auto next_added = added.begin();
  auto next_touched = touched.begin();
  for (VertexId t = 0; t < vertex_count; ++t) {
    backward.m_rowstart[t] = static_cast<uint32_t>(written);
    const bool is_touched = next_touched != touched.end() && *next_touched == t;
    if (is_touched) ++next_touched;
    uint32_t begin = 0, end = 0;
    if (t < old_count) {
      begin = old_in_starts[t];
      end = old_in_starts[t + 1];
    }
    if (!is_touched) {
      // Sources as they were; indexes moved along the steps.
      std::copy(old_sources.begin() + begin, old_sources.begin() + end,
                sources + written);
      size_t step = 0;
      for (uint32_t i = begin; i < end; ++i) {
        while (old_sources[i] >= step_start[step + 1]) ++step;
        indexes[written++] =
            static_cast<uint32_t>(old_indexes[i] + step_shift[step]);
      }
      continue;
    }
    // Merged by index: kept old edges (moved) and the replaced rows' edges.
    size_t step = 0;
    for (uint32_t i = begin; i <= end; ++i) {
      uint32_t moved = std::numeric_limits<uint32_t>::max();
      if (i < end) {
        while (old_sources[i] >= step_start[step + 1]) ++step;
        if (step_replaced[step]) continue;
        moved = static_cast<uint32_t>(old_indexes[i] + step_shift[step]);
      }
      while (next_added != added.end() && next_added->target == t &&
             next_added->index < moved) {
        sources[written] = next_added->source;
        indexes[written++] = next_added->index;
        ++next_added;
      }
      if (i < end) {
        sources[written] = old_sources[i];
        indexes[written++] = moved;
      }
    }
  }
  backward.m_rowstart[vertex_count] = static_cast<uint32_t>(written);
}

}  // namespace

SplicedCsr SpliceCsr(
    const CsrGraph& old, const EdgeOrganizations& old_organizations,
    VertexId vertex_count,
    const absl::flat_hash_map<VertexId, std::vector<RowEdge>>& rows) {
  const auto& old_starts = old.m_forward.m_rowstart;
  const auto& old_targets = old.m_forward.m_column;
  const auto& old_data = old.m_forward.m_edge_properties;
  const VertexId old_count =
      old_starts.empty() ? 0 : static_cast<VertexId>(old_starts.size() - 1);

  std::vector<VertexId> replaced;
  replaced.reserve(rows.size());
  size_t edge_total = old_targets.size();
  for (const auto& [vertex, row] : rows) {
    replaced.push_back(vertex);
    if (vertex < old_count) {
      edge_total -= old_starts[vertex + 1] - old_starts[vertex];
    }
    edge_total += row.size();
  }
  std::sort(replaced.begin(), replaced.end());

  SplicedCsr out;
  auto& forward = out.graph.m_forward;
  forward.m_rowstart.resize(static_cast<size_t>(vertex_count) + 1);
  forward.m_column.reserve(edge_total);
  forward.m_edge_properties.reserve(edge_total);
  // Copies the old rows of [from, to) (clipped to the old vertices; the rest
  // are appended vertices without edges) as one run.
  auto copy_rows = [&](VertexId from, VertexId to) {
    const VertexId copied_end = std::min(to, old_count);
    if (from < copied_end) {
      const uint32_t shift_base = old_starts[from];
      const uint32_t new_base = static_cast<uint32_t>(forward.m_column.size());
      for (VertexId v = from; v < copied_end; ++v) {
        forward.m_rowstart[v] = old_starts[v] - shift_base + new_base;
      }
      forward.m_column.insert(forward.m_column.end(),
                              old_targets.begin() + old_starts[from],
                              old_targets.begin() + old_starts[copied_end]);
      forward.m_edge_properties.insert(
          forward.m_edge_properties.end(), old_data.begin() + old_starts[from],
          old_data.begin() + old_starts[copied_end]);
    }
    for (VertexId v = std::max(from, copied_end); v < to; ++v) {
      forward.m_rowstart[v] = static_cast<uint32_t>(forward.m_column.size());
    }
  };
  VertexId next = 0;
  for (VertexId vertex : replaced) {
    copy_rows(next, vertex);
    forward.m_rowstart[vertex] = static_cast<uint32_t>(forward.m_column.size());
    for (const RowEdge& edge : rows.at(vertex)) {
      if (edge.organization != kNoVertex) {
        out.organizations.emplace(
            static_cast<uint32_t>(forward.m_column.size()), edge.organization);
      }
      forward.m_column.push_back(edge.to);
      forward.m_edge_properties.push_back(EdgeData{edge.kind});
    }
    next = vertex + 1;
  }
  copy_rows(next, vertex_count);
  forward.m_rowstart[vertex_count] =
      static_cast<uint32_t>(forward.m_column.size());

  // Organizations of kept rows move with their rows.
  for (const auto& [edge, organization] : old_organizations) {
    const VertexId source = static_cast<VertexId>(
        std::upper_bound(old_starts.begin(), old_starts.end(), edge) -
        old_starts.begin() - 1);
    if (rows.contains(source)) continue;
    out.organizations.emplace(
        forward.m_rowstart[source] + (edge - old_starts[source]), organization);
  }

  SpliceBackward(old, replaced, vertex_count, out.graph);
  return out;
}

}  // namespace identitygraph::graph
