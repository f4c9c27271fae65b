// What a tenant log event means for the graph: the records to read again.
//
// Following changes reads GET /api/v2/logs and, per event, adds to a ChangeSet
// the records the event may have changed. Reads coalesce: a role changed ten
// times between two polls is read once. An event that changes the graph in a
// way no single record covers (a user import job, a change under a path we do
// not know) marks every record of its kind, or, when not even the kind is
// known, asks for a full scan with the reason; it is never dropped. Events
// that cannot change the graph (failed logins, token exchanges, reads, and
// the many other types) are counted as noise.
//
//   ChangeSet changes;
//   for (const wire::LogEvent& event : page) AddLogEvent(event, changes);
//   ... read changes.reads, every record of changes.every_record_of ...
#ifndef IDENTITYGRAPH_IMPORTER_CHANGE_MAPPING_H_
#define IDENTITYGRAPH_IMPORTER_CHANGE_MAPPING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {

// What to read again about one record. A read that finds the record gone
// (404) removes it from the graph.
enum class RecordKind {
  kUser,                     // the user record (connection, name, blocked)
  kUserRoles,                // GET /users/{id}/roles
  kUserPermissions,          // GET /users/{id}/permissions (direct ones)
  kRole,                     // the role record
  kRoleMembers,              // GET /roles/{id}/users
  kRolePermissions,          // GET /roles/{id}/permissions
  kClient,                   // an application
  kConnection,               // a connection (name, strategy)
  kConnectionClients,        // GET /connections/{id}/clients
  kGroup,                    // a native group and its roles
  kGroupMembers,             // GET /groups/{id}/members
  kOrganization,             // an organization record
  kOrganizationMembers,      // GET /organizations/{id}/members
  kOrganizationMemberRoles,  // GET /organizations/{id}/members/{user}/roles
  kResourceServer,           // API names
};

// The kind's name in messages and batch records: "role members".
absl::string_view RecordKindName(RecordKind kind);

struct RecordRef {
  RecordKind kind;
  std::string id;
  // kOrganizationMemberRoles: the member's user id.
  std::string member;

  bool operator==(const RecordRef& other) const {
    return kind == other.kind && id == other.id && member == other.member;
  }
  template <typename H>
  friend H AbslHashValue(H h, const RecordRef& ref) {
    return H::combine(std::move(h), ref.kind, ref.id, ref.member);
  }
};

struct ChangeSet {
  absl::flat_hash_set<RecordRef> reads;
  absl::flat_hash_set<RecordKind> every_record_of;
  // Users who logged in, with the connection they used (its id, else its
  // name; empty when the event has neither): an enterprise or social user is
  // created at the first login, which writes no API event, so one of a
  // selected connection the graph lacks is read.
  absl::flat_hash_map<std::string, std::string> logged_in;
  // Set when an event cannot be placed even by kind: only a full scan covers
  // it. Says which event and why.
  std::string full_scan_reason;
  // Events seen, those that mapped to reads, and those that were noise.
  int64_t events = 0;
  int64_t relevant = 0;
  int64_t noise = 0;
  // Events that marked every record of a kind, described (at most a few
  // kept), for the batch record and the logs.
  std::vector<std::string> imprecise;

  bool empty() const {
    return reads.empty() && every_record_of.empty() && logged_in.empty() &&
           full_scan_reason.empty();
  }
};

// Adds what `event` may have changed to `changes`.
void AddLogEvent(const wire::LogEvent& event, ChangeSet& changes);

// The segments of a Management API path after /api/v2/, percent-decoded:
// "/api/v2/users/auth0%7C1/roles?x=1" -> {"users", "auth0|1", "roles"}.
// Empty when the path is not under /api/v2/ or its encoding is broken.
std::vector<std::string> ManagementPathSegments(absl::string_view path);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_CHANGE_MAPPING_H_
