#include "tests/edge_lines.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace identitygraph::graph {

std::set<std::string> EdgeLines(const Snapshot& snapshot) {
  std::set<std::string> out;
  snapshot.ForEachEdge([&](EdgeKind kind, VertexId from, VertexId to,
                           VertexId organization) {
    std::string line = absl::StrCat(EdgeKindName(kind), " ", snapshot.id(from),
                                    " -> ", snapshot.id(to));
    if (organization != kNoVertex)
      absl::StrAppend(&line, " in ", snapshot.id(organization));
    out.insert(std::move(line));
  });
  return out;
}

}  // namespace identitygraph::graph
