#include "graph/edge_lines.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace identitygraph::graph {

std::set<std::string> EdgeLines(const Snapshot& snapshot) {
  std::set<std::string> out;
  const CsrGraph& g = snapshot.graph();
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    std::string line = absl::StrCat(EdgeKindName(g[*it].kind), " ",
                                    snapshot.id(boost::source(*it, g)), " -> ",
                                    snapshot.id(boost::target(*it, g)));
    const VertexId organization = snapshot.organization_of(*it);
    if (organization != kNoVertex)
      absl::StrAppend(&line, " in ", snapshot.id(organization));
    out.insert(std::move(line));
  }
  return out;
}

}  // namespace identitygraph::graph
