#include "graph/snapshot_delta.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/range/iterator_range.hpp"
#include "graph/csr_splice.h"
#include "graph/graph_builder.h"

namespace identitygraph::graph {

// Builds the next snapshot from a base and a delta (a friend of Snapshot).
class DeltaApplier {
 public:
  DeltaApplier(const Snapshot& base, int64_t version, absl::Time create_time);
  absl::StatusOr<AppliedDelta> Apply(const SnapshotDelta& delta) &&;

 private:
  struct RowChange {
    bool clear = false;
    std::vector<RowEdge> add, remove;
  };

  // The vertex of (kind, id), removed or not.
  VertexId FindAny(VertexKind kind, absl::string_view id) const;
  void Remove(const DeltaVertexRef& ref);
  void Upsert(const DeltaVertex& vertex);
  // Moves `v` into the overlay with this name and email.
  void Overlay(VertexId v, absl::string_view name, absl::string_view email);
  void InsertInNameOrder(VertexId v);
  void SetAttributes(VertexId v, const DeltaVertex& vertex);
  // Resolves an edge's ends in the new snapshot; false when one is missing
  // or the kinds do not fit.
  bool Resolve(const DeltaEdge& edge, VertexId* from, RowEdge* row_edge) const;
  std::vector<RowEdge> OldRow(VertexId v) const;
  void RebuildText();

  const Snapshot& base_;
  std::shared_ptr<Snapshot> next_;
  std::shared_ptr<Snapshot::Overlay> overlay_;
  absl::flat_hash_map<VertexId, RowChange> changes_;
  // Removed by this delta, even if it adds them again: no old edge of theirs
  // survives.
  absl::flat_hash_set<VertexId> removed_now_;
  AppliedDelta applied_;
};

DeltaApplier::DeltaApplier(const Snapshot& base, int64_t version,
                           absl::Time create_time)
    : base_(base), next_(new Snapshot()) {
  next_->version_ = version;
  next_->create_time_ = create_time;
  next_->kinds_ = base.kinds_;
  next_->sources_ = base.sources_;
  next_->flags_ = base.flags_;
  next_->attributes_ = base.attributes_;
  next_->attribute_text_ = base.attribute_text_;
  next_->text_ = base.text_;
  overlay_ = base.overlay_ != nullptr
                 ? std::make_shared<Snapshot::Overlay>(*base.overlay_)
                 : std::make_shared<Snapshot::Overlay>();
  next_->overlay_ = overlay_;
}

VertexId DeltaApplier::FindAny(VertexKind kind, absl::string_view id) const {
  const int k = static_cast<int>(kind);
  const auto& shared = next_->text_->by_id[k];
  if (auto it = shared.find(id); it != shared.end()) return it->second;
  if (auto it = overlay_->by_id[k].find(id); it != overlay_->by_id[k].end()) {
    return it->second;
  }
  // A vertex already removed when the shared text was built is not in it.
  return kNoVertex;
}

void DeltaApplier::Remove(const DeltaVertexRef& ref) {
  const VertexId v = next_->FindById(ref.kind, ref.id);
  if (v == kNoVertex) return;
  next_->flags_[v] |= Snapshot::kRemoved;
  removed_now_.insert(v);
  next_->attributes_.erase(v);
  changes_[v].clear = true;
  // Every row with an edge into v is rebuilt without it.
  if (v < boost::num_vertices(base_.graph_)) {
    for (auto edge :
         boost::make_iterator_range(boost::in_edges(v, base_.graph_))) {
      changes_[boost::source(edge, base_.graph_)];
    }
  }
  // So is every row holding a role within v, when v is an organization.
  if (base_.kinds_[v] == VertexKind::kOrganization) {
    const auto& starts = base_.graph_.m_forward.m_rowstart;
    for (const auto& [edge, organization] : base_.edge_organization_) {
      if (organization != v) continue;
      changes_[static_cast<VertexId>(
          std::upper_bound(starts.begin(), starts.end(), edge) -
          starts.begin() - 1)];
    }
  }
  ++applied_.vertices_removed;
}

void DeltaApplier::InsertInNameOrder(VertexId v) {
  const Snapshot& s = *next_;
  auto& order = overlay_->by_name;
  auto at = std::lower_bound(
      order.begin(), order.end(), v, [&s](VertexId a, VertexId b) {
        const int c = CompareNamesIgnoringCase(s.name(a), s.name(b));
        return c != 0 ? c < 0 : s.id(a) < s.id(b);
      });
  order.insert(at, v);
}

void DeltaApplier::Overlay(VertexId v, absl::string_view name,
                           absl::string_view email) {
  auto& text = overlay_->text;
  if (next_->flags_[v] & Snapshot::kOverlaid) {
    Snapshot::Overlay::VertexText& old = text[v];
    if (auto it = overlay_->by_email.find(absl::AsciiStrToLower(old.email));
        it != overlay_->by_email.end() && it->second == v) {
      overlay_->by_email.erase(it);
    }
    auto& order = overlay_->by_name;
    order.erase(std::find(order.begin(), order.end(), v));
    old.name = std::string(name);
    old.email = std::string(email);
  } else {
    text[v] = {std::string(next_->id(v)), std::string(name),
               std::string(email)};
    next_->flags_[v] |= Snapshot::kOverlaid;
  }
  if (!email.empty()) {
    overlay_->by_email.emplace(absl::AsciiStrToLower(email), v);
  }
  InsertInNameOrder(v);
}

void DeltaApplier::SetAttributes(VertexId v, const DeltaVertex& vertex) {
  next_->attributes_.erase(v);
  if (vertex.attributes.empty()) return;
  auto& stored = next_->attributes_[v];
  for (const auto& [key, value] : vertex.attributes) {
    stored.emplace_back(next_->attribute_text_.Add(key),
                        next_->attribute_text_.Add(value));
  }
}

void DeltaApplier::Upsert(const DeltaVertex& vertex) {
  Snapshot& s = *next_;
  VertexId v = FindAny(vertex.kind, vertex.id);
  if (v == kNoVertex) {
    v = static_cast<VertexId>(s.kinds_.size());
    s.kinds_.push_back(vertex.kind);
    s.sources_.push_back(vertex.source);
    s.flags_.push_back(Snapshot::kOverlaid |
                       (vertex.blocked ? Snapshot::kBlocked : 0));
    overlay_->text[v] = {vertex.id, vertex.name, vertex.email};
    overlay_->by_id[static_cast<int>(vertex.kind)].emplace(vertex.id, v);
    if (!vertex.email.empty()) {
      overlay_->by_email.emplace(absl::AsciiStrToLower(vertex.email), v);
    }
    InsertInNameOrder(v);
    SetAttributes(v, vertex);
    ++applied_.vertices_added;
    return;
  }
  bool changed = false;
  if (s.flags_[v] & Snapshot::kRemoved) {
    // Revived: as if new, with none of the edges it had.
    s.flags_[v] &= ~Snapshot::kRemoved;
    changes_[v].clear = true;
    changed = true;
  }
  if (s.name(v) != vertex.name || s.email(v) != vertex.email) {
    Overlay(v, vertex.name, vertex.email);
    changed = true;
  }
  if (s.sources_[v] != vertex.source) {
    s.sources_[v] = vertex.source;
    changed = true;
  }
  if (s.blocked(v) != vertex.blocked) {
    s.flags_[v] ^= Snapshot::kBlocked;
    changed = true;
  }
  std::vector<std::pair<std::string, std::string>> old_attributes;
  for (const auto& [key, value] : s.attributes(v)) {
    old_attributes.emplace_back(key, value);
  }
  if (old_attributes != vertex.attributes) {
    SetAttributes(v, vertex);
    changed = true;
  }
  if (changed) ++applied_.vertices_changed;
}

bool DeltaApplier::Resolve(const DeltaEdge& edge, VertexId* from,
                           RowEdge* row_edge) const {
  const Snapshot& s = *next_;
  *from = s.FindById(edge.from_kind, edge.from_id);
  row_edge->to = s.FindById(edge.to_kind, edge.to_id);
  row_edge->kind = edge.kind;
  row_edge->organization =
      edge.organization_id.empty()
          ? kNoVertex
          : s.FindById(VertexKind::kOrganization, edge.organization_id);
  return *from != kNoVertex && row_edge->to != kNoVertex &&
         (edge.organization_id.empty() ||
          row_edge->organization != kNoVertex) &&
         EdgeFits(edge.kind, s.kinds_[*from], s.kinds_[row_edge->to]);
}

std::vector<RowEdge> DeltaApplier::OldRow(VertexId v) const {
  std::vector<RowEdge> row;
  if (v >= boost::num_vertices(base_.graph_)) return row;
  for (auto edge :
       boost::make_iterator_range(boost::out_edges(v, base_.graph_))) {
    row.push_back({boost::target(edge, base_.graph_), base_.graph_[edge].kind,
                   base_.OrganizationOf(edge)});
  }
  return row;
}

void DeltaApplier::RebuildText() {
  Snapshot& s = *next_;
  auto text = std::make_shared<Snapshot::Text>();
  const size_t count = s.kinds_.size();
  for (VertexId v = 0; v < count; ++v) {
    text->ids.Add(s.id(v));
    text->names.Add(s.name(v));
    text->emails.Add(s.email(v));
  }
  for (uint8_t& flags : s.flags_) flags &= ~Snapshot::kOverlaid;
  s.overlay_.reset();
  overlay_.reset();
  s.BuildIndexes(*text, /*sort_names=*/true);
  s.text_ = std::move(text);
  applied_.text_rebuilt = true;
}

absl::StatusOr<AppliedDelta> DeltaApplier::Apply(
    const SnapshotDelta& delta) && {
  for (size_t i = 0; i < delta.upserted_vertices.size(); ++i) {
    if (delta.upserted_vertices[i].id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("upserted_vertices[", i,
                       "] has no id: every vertex needs its kind and id"));
    }
  }
  for (const DeltaVertexRef& ref : delta.removed_vertices) Remove(ref);
  for (const DeltaVertex& vertex : delta.upserted_vertices) Upsert(vertex);
  for (const DeltaEdge& edge : delta.removed_edges) {
    VertexId from = kNoVertex;
    RowEdge row_edge;
    if (Resolve(edge, &from, &row_edge)) {
      changes_[from].remove.push_back(row_edge);
    }
  }
  for (const DeltaEdge& edge : delta.added_edges) {
    VertexId from = kNoVertex;
    RowEdge row_edge;
    if (Resolve(edge, &from, &row_edge)) {
      changes_[from].add.push_back(row_edge);
    } else {
      ++applied_.edges_dropped;
    }
  }

  Snapshot& s = *next_;
  absl::flat_hash_map<VertexId, std::vector<RowEdge>> rows;
  rows.reserve(changes_.size());
  auto same = [](const RowEdge& a, const RowEdge& b) {
    return !RowEdgeLess(a, b) && !RowEdgeLess(b, a);
  };
  for (auto& [v, change] : changes_) {
    const std::vector<RowEdge> before = OldRow(v);
    std::vector<RowEdge> row;
    if (!change.clear) {
      std::sort(change.remove.begin(), change.remove.end(), RowEdgeLess);
      for (const RowEdge& edge : before) {
        if (removed_now_.contains(edge.to) ||
            (edge.organization != kNoVertex &&
             removed_now_.contains(edge.organization)) ||
            std::binary_search(change.remove.begin(), change.remove.end(), edge,
                               RowEdgeLess)) {
          continue;
        }
        row.push_back(edge);
      }
    }
    if (!(s.flags_[v] & Snapshot::kRemoved)) {
      row.insert(row.end(), change.add.begin(), change.add.end());
    }
    std::sort(row.begin(), row.end(), RowEdgeLess);
    row.erase(std::unique(row.begin(), row.end(), same), row.end());
    std::vector<RowEdge> difference;
    std::set_difference(row.begin(), row.end(), before.begin(), before.end(),
                        std::back_inserter(difference), RowEdgeLess);
    applied_.edges_added += static_cast<int64_t>(difference.size());
    difference.clear();
    std::set_difference(before.begin(), before.end(), row.begin(), row.end(),
                        std::back_inserter(difference), RowEdgeLess);
    applied_.edges_removed += static_cast<int64_t>(difference.size());
    rows.emplace(v, std::move(row));
  }
  SplicedCsr spliced = SpliceCsr(base_.graph_, base_.edge_organization_,
                                 static_cast<VertexId>(s.kinds_.size()), rows);
  s.graph_ = std::move(spliced.graph);
  s.edge_organization_ = std::move(spliced.organizations);

  if (overlay_->text.empty()) {
    s.overlay_.reset();
  } else if (overlay_->text.size() >
             std::max(kMinOverlayRebuild, s.kinds_.size() / 16)) {
    RebuildText();
  }
  s.FinishDerived(base_.cache_capacity_bytes_);
  applied_.snapshot = std::move(next_);
  return std::move(applied_);
}

absl::StatusOr<AppliedDelta> ApplyDelta(const Snapshot& base,
                                        const SnapshotDelta& delta,
                                        int64_t version,
                                        absl::Time create_time) {
  return DeltaApplier(base, version, create_time).Apply(delta);
}

}  // namespace identitygraph::graph
