#include "graph/graph_builder.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace identitygraph::graph {

bool EdgeFits(EdgeKind kind, VertexKind from, VertexKind to) {
  using V = VertexKind;
  switch (kind) {
    case EdgeKind::kGroupMember:
      return from == V::kUser && to == V::kGroup;
    case EdgeKind::kNestedGroup:
      return from == V::kGroup && to == V::kGroup;
    case EdgeKind::kGroupRole:
      return from == V::kGroup && to == V::kRole;
    case EdgeKind::kUserRole:
    case EdgeKind::kOrganizationRole:
      return from == V::kUser && to == V::kRole;
    case EdgeKind::kRoleApplication:
      return from == V::kRole && to == V::kApplication;
    case EdgeKind::kRoleApi:
      return from == V::kRole && to == V::kApi;
    case EdgeKind::kUserConnection:
      return from == V::kUser && to == V::kConnection;
    case EdgeKind::kConnectionApplication:
      return from == V::kConnection && to == V::kApplication;
    case EdgeKind::kOrganizationMember:
      return from == V::kUser && to == V::kOrganization;
    case EdgeKind::kRolePermission:
      return from == V::kRole && to == V::kPermission;
    case EdgeKind::kUserPermission:
      return from == V::kUser && to == V::kPermission;
    case EdgeKind::kPermissionOn:
      return from == V::kPermission && (to == V::kApi || to == V::kApplication);
  }
  return false;
}

GraphBuilder::GraphBuilder() = default;

VertexId GraphBuilder::AddEntity(VertexKind kind, absl::string_view id,
                                 absl::string_view name,
                                 absl::string_view email) {
  auto [it, inserted] = index_[static_cast<int>(kind)].try_emplace(
      std::string(id), static_cast<VertexId>(kinds_.size()));
  const VertexId vertex = it->second;
  if (inserted) {
    kinds_.push_back(kind);
    sources_.push_back(VertexSource::kDirectory);
    ids_.emplace_back(id);
    names_.emplace_back(name);
    emails_.emplace_back(email);
  } else {
    if (names_[vertex].empty()) names_[vertex] = std::string(name);
    if (emails_[vertex].empty()) emails_[vertex] = std::string(email);
  }
  return vertex;
}

void GraphBuilder::SetAttribute(VertexId vertex, absl::string_view key,
                                absl::string_view value) {
  auto& list = attributes_[vertex];
  for (auto& [k, v] : list) {
    if (k == key) {
      v = std::string(value);
      return;
    }
  }
  list.emplace_back(std::string(key), std::string(value));
}

VertexId GraphBuilder::Find(VertexKind kind, absl::string_view id) const {
  const auto& index = index_[static_cast<int>(kind)];
  auto it = index.find(std::string(id));
  return it == index.end() ? kNoVertex : it->second;
}

bool GraphBuilder::AddEdge(EdgeKind kind, VertexKind from_kind,
                           absl::string_view from_id, VertexKind to_kind,
                           absl::string_view to_id, VertexId via) {
  return AddEdge(kind, Find(from_kind, from_id), Find(to_kind, to_id), via);
}

bool GraphBuilder::AddEdge(EdgeKind kind, VertexId from, VertexId to,
                           VertexId via) {
  if (from >= kinds_.size() || to >= kinds_.size() ||
      !EdgeFits(kind, kinds_[from], kinds_[to]) ||
      (via != kNoVertex &&
       (via >= kinds_.size() || kinds_[via] != VertexKind::kOrganization))) {
    ++dropped_[static_cast<int>(kind)];
    return false;
  }
  edges_.push_back(Edge{from, to, via, kind});
  return true;
}

std::shared_ptr<const Snapshot> GraphBuilder::Build(int64_t version,
                                                    absl::Time create_time) && {
  std::sort(edges_.begin(), edges_.end());
  edges_.erase(std::unique(edges_.begin(), edges_.end()), edges_.end());

  std::shared_ptr<Snapshot> snapshot(new Snapshot());
  snapshot->version_ = version;
  snapshot->create_time_ = create_time;
  snapshot->kinds_ = std::move(kinds_);
  snapshot->kinds_.shrink_to_fit();
  snapshot->sources_ = std::move(sources_);
  snapshot->sources_.shrink_to_fit();
  const size_t count = snapshot->kinds_.size();
  snapshot->flags_.assign(count, 0);
  for (VertexId v : blocked_) snapshot->flags_[v] |= Snapshot::kBlocked;
  auto text = std::make_shared<Snapshot::Text>();
  for (size_t v = 0; v < count; ++v) {
    text->ids.Add(ids_[v]);
    text->names.Add(names_[v]);
    text->emails.Add(emails_[v]);
  }
  ids_.clear();
  names_.clear();
  emails_.clear();
  for (auto& [vertex, list] : attributes_) {
    auto& stored = snapshot->attributes_[vertex];
    for (auto& [key, value] : list) {
      stored.emplace_back(snapshot->attribute_text_.Add(key),
                          snapshot->attribute_text_.Add(value));
    }
  }

  std::vector<std::pair<VertexId, VertexId>> ends;
  std::vector<EdgeData> data;
  ends.reserve(edges_.size());
  data.reserve(edges_.size());
  for (const Edge& edge : edges_) {
    ends.emplace_back(edge.from, edge.to);
    data.push_back(EdgeData{edge.kind});
  }
  snapshot->graph_ =
      CsrGraph(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(),
               data.begin(), static_cast<VertexId>(count));
  // Roles held within organizations name the organization beside the graph.
  std::vector<std::array<VertexId, 3>> organizations;
  for (const Edge& edge : edges_) {
    if (edge.via != kNoVertex)
      organizations.push_back({edge.from, edge.to, edge.via});
  }
  snapshot->AttachOrganizations(organizations);
  edges_.clear();
  edges_.shrink_to_fit();
  snapshot->Finish(std::move(text), /*sort_names=*/true, cache_capacity_bytes_);
  return snapshot;
}

}  // namespace identitygraph::graph
