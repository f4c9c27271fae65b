#include "server/drift.h"

#include <array>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "graph/graph_types.h"
#include "server/api_mapping.h"

namespace identitygraph {
namespace {

using graph::EdgeKind;
using graph::Snapshot;
using graph::VertexId;
using graph::VertexKind;

// Views into a snapshot's strings: both snapshots outlive the comparison.
using EntityKey =
    std::tuple<int, absl::string_view, absl::string_view, absl::string_view>;
// (kind, from's kind, from's id, to's kind, to's id, organization's id).
using EdgeKey = std::tuple<int, int, absl::string_view, int, absl::string_view,
                           absl::string_view>;

absl::flat_hash_set<EntityKey> Entities(const Snapshot& snapshot) {
  absl::flat_hash_set<EntityKey> keys;
  keys.reserve(snapshot.vertex_count());
  for (VertexId v = 0; v < snapshot.vertex_count(); ++v) {
    if (snapshot.removed(v)) continue;
    keys.emplace(static_cast<int>(snapshot.kind(v)), snapshot.id(v),
                 snapshot.name(v), snapshot.email(v));
  }
  return keys;
}

// Vertex ids may repeat across kinds, so an edge's ends carry their kinds.
absl::flat_hash_set<EdgeKey> Edges(const Snapshot& snapshot) {
  absl::flat_hash_set<EdgeKey> keys;
  keys.reserve(snapshot.edge_count());
  snapshot.ForEachEdge([&](EdgeKind kind, VertexId from, VertexId to,
                           VertexId organization) {
    keys.emplace(static_cast<int>(kind), static_cast<int>(snapshot.kind(from)),
                 snapshot.id(from), static_cast<int>(snapshot.kind(to)),
                 snapshot.id(to),
                 organization == graph::kNoVertex ? absl::string_view()
                                                  : snapshot.id(organization));
  });
  return keys;
}

template <typename Key, typename Describe, typename Count>
void Compare(const absl::flat_hash_set<Key>& followed,
             const absl::flat_hash_set<Key>& full, Describe describe,
             Count count, v1::Drift* drift) {
  for (const Key& key : full) {
    if (followed.contains(key)) continue;
    count(std::get<0>(key), /*added=*/true);
    if (drift->examples_size() < kDriftExamples) {
      drift->add_examples(absl::StrCat("+ ", describe(key)));
    }
  }
  for (const Key& key : followed) {
    if (full.contains(key)) continue;
    count(std::get<0>(key), /*added=*/false);
    if (drift->examples_size() < kDriftExamples) {
      drift->add_examples(absl::StrCat("- ", describe(key)));
    }
  }
}

}  // namespace

v1::Drift MeasureDrift(const Snapshot& followed, const Snapshot& full) {
  v1::Drift drift;
  drift.set_followed_snapshot_version(followed.version());
  std::array<std::array<int64_t, 2>, graph::kVertexKindCount> entities{};
  Compare(
      Entities(followed), Entities(full),
      [](const EntityKey& key) {
        return absl::StrCat(
            "entity ",
            graph::VertexKindName(static_cast<VertexKind>(std::get<0>(key))),
            " ", std::get<1>(key), " \"", std::get<2>(key), "\"",
            std::get<3>(key).empty() ? "" : " ", std::get<3>(key));
      },
      [&](int kind, bool added) { ++entities[kind][added ? 0 : 1]; }, &drift);
  std::array<std::array<int64_t, 2>, graph::kEdgeKindCount> edges{};
  Compare(
      Edges(followed), Edges(full),
      [](const EdgeKey& key) {
        return absl::StrCat(
            "edge ",
            graph::EdgeKindName(static_cast<EdgeKind>(std::get<0>(key))), " ",
            graph::VertexKindName(static_cast<VertexKind>(std::get<1>(key))),
            " ", std::get<2>(key), " -> ",
            graph::VertexKindName(static_cast<VertexKind>(std::get<3>(key))),
            " ", std::get<4>(key), std::get<5>(key).empty() ? "" : " in ",
            std::get<5>(key));
      },
      [&](int kind, bool added) { ++edges[kind][added ? 0 : 1]; }, &drift);
  for (int kind = 0; kind < graph::kVertexKindCount; ++kind) {
    if (entities[kind][0] == 0 && entities[kind][1] == 0) continue;
    v1::DriftTally* tally = drift.add_entities();
    tally->set_entity_kind(ToApi(static_cast<VertexKind>(kind)));
    tally->set_added(entities[kind][0]);
    tally->set_removed(entities[kind][1]);
  }
  for (int kind = 0; kind < graph::kEdgeKindCount; ++kind) {
    if (edges[kind][0] == 0 && edges[kind][1] == 0) continue;
    v1::DriftTally* tally = drift.add_edges();
    tally->set_edge_kind(ToApi(static_cast<EdgeKind>(kind)));
    tally->set_added(edges[kind][0]);
    tally->set_removed(edges[kind][1]);
  }
  return drift;
}

bool HasDrift(const v1::Drift& drift) {
  return drift.entities_size() > 0 || drift.edges_size() > 0;
}

}  // namespace identitygraph
