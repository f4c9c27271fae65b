// Where the records of an import's big collections are, by id, so that
// following a tenant patches and maps only what a change touched instead of
// walking every record of a million-user import.
//
//   EnsureIndexed(data);                   // indexes what is not yet
//   EraseUserMemberships(data, "auth0|1");  // the edits below keep it right
//   data.index.ForEach(Collection::kRoleMembers, VertexKind::kUser, "auth0|1",
//                      [&](uint32_t position) { ... });
//
// Positions are stable: an erased record stays in its slot with empty ids
// (IsErased) until the next full scan replaces the data, so the index never
// shifts. ForEach gives every position whose record had `id` at that end
// when it was indexed, and maybe others (ids are kept as 64-bit hashes, to
// spare the memory of a second copy of every id): callers check the record.
// While a collection is indexed it changes only through the functions here;
// code that changes it otherwise calls `index.Clear(collection)`, and
// EnsureIndexed indexes it again. Records appended directly are indexed by
// the next EnsureIndexed. Not thread-safe, like the data it indexes.
#ifndef IDENTITYGRAPH_IMPORTER_TENANT_INDEX_H_
#define IDENTITYGRAPH_IMPORTER_TENANT_INDEX_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "graph/snapshot.h"

namespace identitygraph::importer {

struct TenantData;
struct TenantUser;
struct OrganizationRole;

// The indexed collections and, per collection, the kinds of its ends.
enum class Collection : uint8_t {
  kUsers,                  // users: kUser (the id)
  kRoleMembers,            // role_members: kRole, kUser
  kGroupUserMembers,       // group_user_members: kGroup, kUser
  kOrganizationMembers,    // organization_members: kOrganization, kUser
  kOrganizationRoles,      // organization_roles: kOrganization, kUser, kRole
  kExtensionGroupMembers,  // extension.group_members: kGroup, kUser
  kExtensionRoleUsers,     // extension.role_users: kRole, kUser
};
inline constexpr int kCollectionCount = 7;

// The kinds at the ends of `collection`'s records (kUsers: just kUser).
std::vector<graph::VertexKind> EndKinds(Collection collection);
// How many records `collection` holds in `data`, erased ones included.
size_t RecordCount(const TenantData& data, Collection collection);

class TenantIndex {
 public:
  // Whether every record of `collection` in `data` is indexed.
  bool Covers(const TenantData& data, Collection collection) const;
  void Clear(Collection collection);
  void Clear();

  template <typename Visit>
  void ForEach(Collection collection, graph::VertexKind end,
               absl::string_view id, Visit visit) const {
    const Chains* chains = ChainsOf(collection, end);
    if (chains == nullptr) return;
    auto it = chains->newest.find(Hash(id));
    if (it == chains->newest.end()) return;
    for (uint32_t p = it->second; p != kNone; p = chains->older[p]) visit(p);
  }

  // Indexes record `position` of `collection` (ids in EndKinds order); the
  // edits below call it for what they append. Positions come in order: 0
  // starts afresh, and one that is not the next is left out (the collection
  // is no longer covered).
  void Add(Collection collection, uint32_t position,
           std::initializer_list<absl::string_view> ids);

 private:
  friend void EnsureIndexed(TenantData& data);

  static constexpr uint32_t kNone = ~uint32_t{0};
  // Positions with the same id hash, newest first, linked through `older`.
  struct Chains {
    absl::flat_hash_map<uint64_t, uint32_t> newest;
    std::vector<uint32_t> older;  // by position
  };
  struct Indexed {
    std::array<Chains, 3> ends;  // in EndKinds order
    size_t records = 0;          // positions below are indexed
  };

  static uint64_t Hash(absl::string_view id);
  const Chains* ChainsOf(Collection collection, graph::VertexKind end) const;

  std::array<Indexed, kCollectionCount> indexed_;
};

// Erased records (see the file comment).
bool IsErased(const TenantUser& user);
bool IsErased(const std::pair<std::string, std::string>& pair);
bool IsErased(const OrganizationRole& role);

// Indexes every collection's records not indexed yet.
void EnsureIndexed(TenantData& data);

// The edits following makes to indexed collections. Each looks records up
// by the index when it covers the collection, else by walking it.
TenantUser* FindUser(TenantData& data, absl::string_view id);
const TenantUser* FindUser(const TenantData& data, absl::string_view id);
void AddUser(TenantData& data, TenantUser user);
void EraseUser(TenantData& data, absl::string_view id);
// The positions of `collection`'s records whose `end` is `id` (not erased
// ones: an erased record has empty ids): by the index when it covers the
// collection, else by walking it.
std::vector<uint32_t> FindRecords(const TenantData& data, Collection collection,
                                  graph::VertexKind end, absl::string_view id);
// Erases the records of `collection` whose `end` is `id`.
void EraseRecords(TenantData& data, Collection collection,
                  graph::VertexKind end, absl::string_view id);
// Appends a pair (role, user), (group, user), ... to a pair collection.
void AddPair(TenantData& data, Collection collection, std::string first,
             std::string second);
void AddOrganizationRole(TenantData& data, std::string organization,
                         std::string user, std::string role);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_TENANT_INDEX_H_
