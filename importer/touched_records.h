// What one followed poll may have changed in the graph, as entities
// (graph_mapping.h's TouchedEntities), from the change set it applied and the
// records it patched:
//
//   TouchRecorder recorder(data);  // before the first poll to publish
//   recorder.Note(changes, data);  // each poll's change set, before applying
//   ... ApplyChangeSet, RefreshExtension ...
//   TouchedEntities touched = recorder.Finish(data, extension_changed);
//
// A poll that fails may have patched part of `data`; keeping the recorder
// across failed polls until one succeeds keeps what they changed too.
// Named records map to their entity (a user's roles to the user, a role's
// members and permissions to the role, ...); logins to their users; every
// record of a kind to all of that kind, before and after. The small
// collections (connections, applications, APIs, roles, groups,
// organizations) are compared record by record, so what a list read found
// changed besides the named record counts too; they are copied at the first
// change set noted (a poll of the extension alone copies only its ids), and
// users are never copied.
#ifndef IDENTITYGRAPH_IMPORTER_TOUCHED_RECORDS_H_
#define IDENTITYGRAPH_IMPORTER_TOUCHED_RECORDS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "importer/change_mapping.h"
#include "importer/graph_mapping.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

class TouchRecorder {
 public:
  explicit TouchRecorder(const TenantData& before);

  // `before`: the data `changes` is about to be applied to.
  void Note(const ChangeSet& changes, const TenantData& before);
  TouchedEntities Finish(const TenantData& after, bool extension_changed) const;

 private:
  // Per entity kind: id -> the record's fields, joined.
  using Fingerprints = absl::flat_hash_map<std::string, std::string>;
  static std::vector<std::pair<graph::VertexKind, Fingerprints>> Take(
      const TenantData& data);
  static void AddExtensionEntities(const ExtensionData& extension,
                                   TouchedEntities& touched);

  // Empty until the first change set.
  std::vector<std::pair<graph::VertexKind, Fingerprints>> before_;
  TouchedEntities named_;
  // Kinds some change set read whole.
  bool every_connection_ = false, every_group_ = false,
       every_organization_ = false;
  // The extension's groups and roles before: all are touched when it changed.
  TouchedEntities extension_before_;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_TOUCHED_RECORDS_H_
