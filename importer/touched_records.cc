#include "importer/touched_records.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace identitygraph::importer {
namespace {

using graph::VertexKind;

// Fields joined with a separator no id or name holds.
std::string Joined(const TenantRecord& r) {
  return absl::StrCat(r.name, "\x1f", r.detail);
}

}  // namespace

std::vector<std::pair<VertexKind, TouchRecorder::Fingerprints>>
TouchRecorder::Take(const TenantData& data) {
  std::vector<std::pair<VertexKind, Fingerprints>> out;
  Fingerprints connections;
  for (const Connection& c : data.connections) {
    connections[c.id] =
        absl::StrCat(c.name, "\x1f", c.display_name, "\x1f", c.strategy);
  }
  out.emplace_back(VertexKind::kConnection, std::move(connections));
  for (const auto& [kind, records] :
       {std::make_pair(VertexKind::kApplication, &data.applications),
        std::make_pair(VertexKind::kApi, &data.apis),
        std::make_pair(VertexKind::kRole, &data.roles),
        std::make_pair(VertexKind::kGroup, &data.groups),
        std::make_pair(VertexKind::kOrganization, &data.organizations)}) {
    Fingerprints prints;
    for (const TenantRecord& r : *records) prints[r.id] = Joined(r);
    out.emplace_back(kind, std::move(prints));
  }
  return out;
}

TouchRecorder::TouchRecorder(const TenantData& before) {
  AddExtensionEntities(before.extension, extension_before_);
}

void TouchRecorder::AddExtensionEntities(const ExtensionData& extension,
                                         TouchedEntities& touched) {
  for (const TenantRecord& g : extension.groups) {
    touched.Add(VertexKind::kGroup, g.id);
  }
  for (const TenantRecord& r : extension.roles) {
    touched.Add(VertexKind::kRole, r.id);
  }
}

void TouchRecorder::Note(const ChangeSet& changes, const TenantData& before) {
  // The small collections as they were before the first change set: a poll
  // with none (the extension polled alone) copies nothing.
  if (before_.empty()) before_ = Take(before);
  TouchedEntities& touched = named_;
  for (const RecordRef& ref : changes.reads) {
    switch (ref.kind) {
      case RecordKind::kUser:
      case RecordKind::kUserRoles:
      case RecordKind::kUserPermissions:
        touched.Add(VertexKind::kUser, ref.id);
        break;
      case RecordKind::kRole:
      case RecordKind::kRoleMembers:
      case RecordKind::kRolePermissions:
        touched.Add(VertexKind::kRole, ref.id);
        break;
      case RecordKind::kClient:
        touched.Add(VertexKind::kApplication, ref.id);
        break;
      case RecordKind::kConnection:
      case RecordKind::kConnectionClients:
        touched.Add(VertexKind::kConnection, ref.id);
        break;
      case RecordKind::kGroup:
      case RecordKind::kGroupMembers:
        touched.Add(VertexKind::kGroup, ref.id);
        break;
      case RecordKind::kOrganizationMemberRoles:
        touched.Add(VertexKind::kUser, ref.member);
        [[fallthrough]];
      case RecordKind::kOrganization:
      case RecordKind::kOrganizationMembers:
        touched.Add(VertexKind::kOrganization, ref.id);
        break;
      case RecordKind::kResourceServer:
        touched.Add(VertexKind::kApi, ref.id);
        break;
    }
  }
  for (const auto& [user, connection] : changes.logged_in) {
    touched.Add(VertexKind::kUser, user);
  }
  for (RecordKind read : changes.every_record_of) {
    every_connection_ |= read == RecordKind::kConnectionClients;
    every_group_ |= read == RecordKind::kGroupMembers;
    every_organization_ |= read == RecordKind::kOrganizationMembers ||
                           read == RecordKind::kOrganizationMemberRoles;
  }
}

TouchedEntities TouchRecorder::Finish(const TenantData& after,
                                      bool extension_changed) const {
  TouchedEntities touched = named_;
  // What differs in the small collections, and all of a kind read whole.
  const auto now = before_.empty() ? decltype(before_)() : Take(after);
  for (size_t i = 0; i < before_.size(); ++i) {
    const auto& [kind, before] = before_[i];
    const Fingerprints& current = now[i].second;
    const bool every =
        (kind == VertexKind::kConnection && every_connection_) ||
        (kind == VertexKind::kGroup && every_group_) ||
        (kind == VertexKind::kOrganization && every_organization_);
    for (const auto& [id, print] : before) {
      auto it = current.find(id);
      if (every || it == current.end() || it->second != print) {
        touched.Add(kind, id);
      }
    }
    for (const auto& [id, print] : current) {
      if (every || !before.contains(id)) touched.Add(kind, id);
    }
  }
  if (extension_changed) {
    touched.Merge(extension_before_);
    AddExtensionEntities(after.extension, touched);
  }
  return touched;
}

}  // namespace identitygraph::importer
