#include "importer/change_applier.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "importer/auth0_api.h"
#include "importer/connections.h"
#include "importer/tenant_index.h"
#include "importer/user_permissions.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

using graph::VertexKind;

template <typename T, typename Pred>
void EraseIf(std::vector<T>& items, Pred pred) {
  items.erase(std::remove_if(items.begin(), items.end(), pred), items.end());
}

template <typename Record>
Record* FindById(std::vector<Record>& records, const std::string& id) {
  for (Record& record : records) {
    if (record.id == id) return &record;
  }
  return nullptr;
}

class Applier {
 public:
  Applier(const TenantConfig& config, const ManagementApi& api,
          TenantData& data)
      : config_(config), api_(api), data_(data) {}

  absl::StatusOr<AppliedChanges> Run(const ChangeSet& changes) {
    if (!changes.full_scan_reason.empty()) {
      return absl::FailedPreconditionError(changes.full_scan_reason);
    }
    // Once after a full scan; then the edits keep it.
    EnsureIndexed(data_);
    for (RecordKind kind :
         {RecordKind::kUser, RecordKind::kUserRoles,
          RecordKind::kUserPermissions, RecordKind::kRole,
          RecordKind::kRoleMembers, RecordKind::kRolePermissions}) {
      if (changes.every_record_of.contains(kind)) {
        return absl::FailedPreconditionError(
            absl::StrCat("every ", RecordKindName(kind),
                         " must be read again, which only a full scan does"));
      }
    }
    // Kinds whose every record is one listing (or one per group or
    // organization) are read whole.
    for (RecordKind kind : changes.every_record_of) {
      if (absl::Status read = Every(kind); !read.ok()) return read;
    }
    // Records first, then memberships: a membership read after its record
    // sees the record's fate.
    std::vector<RecordRef> reads(changes.reads.begin(), changes.reads.end());
    if (!changes.logged_in.empty()) {
      // Logins are most of a tenant's log, customers' too: read only users
      // the import lacks who came through a selected connection.
      for (const auto& [user, connection] : changes.logged_in) {
        if (FindUser(data_, user) != nullptr ||
            changes.reads.contains({RecordKind::kUser, user, ""})) {
          continue;
        }
        if (!connection.empty() && !SelectedConnectionIdOrName(connection))
          continue;
        reads.push_back({RecordKind::kUser, user, ""});
      }
    }
    std::sort(reads.begin(), reads.end(),
              [](const RecordRef& a, const RecordRef& b) {
                return std::tie(a.kind, a.id, a.member) <
                       std::tie(b.kind, b.id, b.member);
              });
    for (const RecordRef& ref : reads) {
      if (absl::Status read = Read(ref); !read.ok()) return read;
    }
    return applied_;
  }

 private:
  absl::Status Read(const RecordRef& ref) {
    // Not imported, so not read again either.
    if (ref.kind == RecordKind::kUserPermissions &&
        !data_.sources.user_permissions) {
      return absl::OkStatus();
    }
    ++applied_.records_read;
    switch (ref.kind) {
      case RecordKind::kUser:
        return User(ref.id);
      case RecordKind::kUserRoles:
        return UserRoles(ref.id);
      case RecordKind::kUserPermissions:
        return UserPermissions(ref.id);
      case RecordKind::kRole:
        return Role(ref.id);
      case RecordKind::kRoleMembers:
        return RoleMembers(ref.id);
      case RecordKind::kRolePermissions:
        return RolePermissions(ref.id);
      case RecordKind::kClient:
        return Client(ref.id);
      case RecordKind::kConnection:
        return Connections();
      case RecordKind::kConnectionClients:
        return ConnectionClients(ref.id);
      case RecordKind::kGroup:
        return Groups(ref.id);
      case RecordKind::kGroupMembers:
        return GroupMembers(ref.id);
      case RecordKind::kOrganization:
        return Organizations(ref.id);
      case RecordKind::kOrganizationMembers:
      case RecordKind::kOrganizationMemberRoles:
        return OrganizationMembers(ref.id);
      case RecordKind::kResourceServer:
        return Apis();
    }
    return absl::OkStatus();
  }

  absl::Status Every(RecordKind kind) {
    switch (kind) {
      case RecordKind::kClient:
        return AllApplications();
      case RecordKind::kConnection:
        return Connections();
      case RecordKind::kConnectionClients:
        for (const Connection& c : data_.connections) {
          if (absl::Status s = ConnectionClients(c.id); !s.ok()) return s;
        }
        return absl::OkStatus();
      case RecordKind::kGroup:
      case RecordKind::kGroupMembers:
        return Groups("");
      case RecordKind::kOrganization:
      case RecordKind::kOrganizationMembers:
      case RecordKind::kOrganizationMemberRoles:
        return Organizations("");
      case RecordKind::kResourceServer:
        return Apis();
      default:
        return absl::FailedPreconditionError(
            absl::StrCat("every ", RecordKindName(kind),
                         " must be read again, which only a full scan does"));
    }
  }

  // Read at most once per change set, however many reads name them.
  bool Once(const std::string& what) { return done_.insert(what).second; }

  absl::Status AllApplications() {
    if (!Once("applications")) return absl::OkStatus();
    absl::StatusOr<std::vector<TenantRecord>> apps = FetchApplications(api_);
    if (!apps.ok()) return apps.status();
    absl::flat_hash_set<std::string> kept;
    for (const TenantRecord& app : *apps) kept.insert(app.id);
    EraseIf(data_.connection_clients,
            [&](const IdPair& pair) { return !kept.contains(pair.second); });
    data_.applications = *std::move(apps);
    return absl::OkStatus();
  }

  // The selection again: unchanged, names are refreshed; changed, the users
  // of a connection come or go, which only a full scan reads.
  absl::Status Connections() {
    if (!Once("connections")) return absl::OkStatus();
    absl::StatusOr<std::vector<Connection>> all =
        FetchConnections(*api_.caller, api_.domain);
    if (!all.ok()) return all.status();
    ConnectionSelection selection = SelectConnections(
        *all, config_.connections, config_.connection_patterns);
    std::vector<std::string> before, after;
    for (const Connection& c : data_.connections) before.push_back(c.id);
    for (const Connection& c : selection.selected) after.push_back(c.id);
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    if (before != after) {
      return absl::FailedPreconditionError(
          "the selected connections changed (one was created, renamed or "
          "deleted): their users are read by a full scan");
    }
    data_.connections = std::move(selection.selected);
    return absl::OkStatus();
  }

  absl::Status ConnectionClients(const std::string& id) {
    if (!data_.sources.connection_clients) return absl::OkStatus();
    if (FindById(data_.connections, id) == nullptr) return absl::OkStatus();
    if (!Once("connection clients " + id)) return absl::OkStatus();
    absl::StatusOr<std::vector<std::string>> clients =
        FetchConnectionClients(api_, id);
    if (absl::IsNotFound(clients.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("selected connection ", id,
                       " was deleted: its users are removed by a full scan"));
    }
    if (!clients.ok()) return clients.status();
    EraseIf(data_.connection_clients,
            [&](const IdPair& pair) { return pair.first == id; });
    for (std::string& client : *clients)
      data_.connection_clients.push_back({id, std::move(client)});
    return absl::OkStatus();
  }

  bool SelectedConnectionIdOrName(const std::string& connection) const {
    for (const Connection& c : data_.connections) {
      if (c.id == connection || c.name == connection) return true;
    }
    return false;
  }

  bool SelectedConnection(const std::string& id) {
    return FindById(data_.connections, id) != nullptr;
  }

  // Native groups: the list again (there is no read by id), then the roles
  // of `id` (or of every group when empty) and of groups new to the graph,
  // and the members of new ones (or of all when empty).
  absl::Status Groups(const std::string& id) {
    if (!data_.sources.groups) return absl::OkStatus();
    if (!Once(id.empty() ? "groups" : "group " + id)) return absl::OkStatus();
    absl::StatusOr<std::vector<TenantRecord>> groups = FetchGroups(api_);
    if (!groups.ok()) return groups.status();
    absl::flat_hash_set<std::string> had;
    for (const TenantRecord& group : data_.groups) had.insert(group.id);
    std::vector<TenantRecord> kept;
    for (TenantRecord& group : *groups) {
      if (group.detail.empty() || SelectedConnection(group.detail))
        kept.push_back(std::move(group));
    }
    absl::flat_hash_set<std::string> now;
    for (const TenantRecord& group : kept) now.insert(group.id);
    auto gone = [&](const IdPair& pair) { return !now.contains(pair.first); };
    for (const std::string& group : had) {
      if (!now.contains(group)) {
        EraseRecords(data_, Collection::kGroupUserMembers, VertexKind::kGroup,
                     group);
      }
    }
    EraseIf(data_.group_group_members, gone);
    EraseIf(data_.group_roles, gone);
    data_.groups = std::move(kept);
    for (size_t i = 0; i < data_.groups.size(); ++i) {
      const std::string group = data_.groups[i].id;
      const bool fresh = !had.contains(group);
      if (!(id.empty() || group == id || fresh)) continue;
      absl::StatusOr<std::vector<std::string>> roles =
          FetchGroupRoles(api_, group);
      if (!roles.ok()) return roles.status();
      EraseIf(data_.group_roles,
              [&](const IdPair& pair) { return pair.first == group; });
      for (std::string& role : *roles)
        data_.group_roles.push_back({group, std::move(role)});
      if (id.empty() || fresh) {
        if (absl::Status s = GroupMembers(group); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

  absl::Status GroupMembers(const std::string& id) {
    if (!data_.sources.groups) return absl::OkStatus();
    if (FindById(data_.groups, id) == nullptr) return absl::OkStatus();
    if (!Once("group members " + id)) return absl::OkStatus();
    absl::StatusOr<importer::GroupMembers> members =
        FetchGroupMembers(api_, id);
    if (absl::IsNotFound(members.status())) return Groups("");
    if (!members.ok()) return members.status();
    EraseRecords(data_, Collection::kGroupUserMembers, VertexKind::kGroup, id);
    EraseIf(data_.group_group_members,
            [&](const IdPair& pair) { return pair.first == id; });
    for (std::string& user : members->users)
      AddPair(data_, Collection::kGroupUserMembers, id, std::move(user));
    for (std::string& group : members->groups)
      data_.group_group_members.push_back({id, std::move(group)});
    return absl::OkStatus();
  }

  // Organizations: the list again, then the members (and their roles) of
  // new ones, or of every one when `id` is empty.
  absl::Status Organizations(const std::string& id) {
    if (!data_.sources.organizations) return absl::OkStatus();
    if (!Once(id.empty() ? "organizations" : "organization " + id))
      return absl::OkStatus();
    absl::StatusOr<std::vector<TenantRecord>> organizations =
        FetchOrganizations(api_);
    if (!organizations.ok()) return organizations.status();
    absl::flat_hash_set<std::string> had, now;
    for (const TenantRecord& o : data_.organizations) had.insert(o.id);
    for (const TenantRecord& o : *organizations) now.insert(o.id);
    for (const std::string& organization : had) {
      if (now.contains(organization)) continue;
      EraseRecords(data_, Collection::kOrganizationMembers,
                   VertexKind::kOrganization, organization);
      EraseRecords(data_, Collection::kOrganizationRoles,
                   VertexKind::kOrganization, organization);
    }
    data_.organizations = *std::move(organizations);
    for (size_t i = 0; i < data_.organizations.size(); ++i) {
      const std::string organization = data_.organizations[i].id;
      if (id.empty() || !had.contains(organization)) {
        if (absl::Status s = OrganizationMembers(organization); !s.ok())
          return s;
      }
    }
    return absl::OkStatus();
  }

  absl::Status OrganizationMembers(const std::string& id) {
    if (!data_.sources.organizations) return absl::OkStatus();
    if (FindById(data_.organizations, id) == nullptr) return Organizations("");
    if (!Once("organization members " + id)) return absl::OkStatus();
    absl::StatusOr<std::vector<OrganizationMember>> members =
        FetchOrganizationMembers(api_, id, data_.sources.organization_roles);
    if (absl::IsNotFound(members.status())) return Organizations("");
    if (!members.ok()) return members.status();
    EraseRecords(data_, Collection::kOrganizationMembers,
                 VertexKind::kOrganization, id);
    EraseRecords(data_, Collection::kOrganizationRoles,
                 VertexKind::kOrganization, id);
    for (OrganizationMember& member : *members) {
      AddPair(data_, Collection::kOrganizationMembers, id, member.user_id);
      for (std::string& role : member.role_ids)
        AddOrganizationRole(data_, id, member.user_id, std::move(role));
    }
    return absl::OkStatus();
  }

  absl::Status Apis() {
    if (!data_.sources.apis || !Once("apis")) return absl::OkStatus();
    absl::StatusOr<std::vector<TenantRecord>> apis = FetchApis(api_);
    if (!apis.ok()) return apis.status();
    data_.apis = *std::move(apis);
    return absl::OkStatus();
  }

  // NOT_FOUND means gone: counted, and `gone` runs.
  template <typename Gone>
  absl::Status Absent(const absl::Status& status, Gone gone) {
    if (status.code() != absl::StatusCode::kNotFound) return status;
    ++applied_.records_gone;
    gone();
    return absl::OkStatus();
  }

  void RemoveUser(const std::string& id) {
    EraseUser(data_, id);
    for (Collection memberships :
         {Collection::kRoleMembers, Collection::kGroupUserMembers,
          Collection::kOrganizationMembers, Collection::kOrganizationRoles}) {
      EraseRecords(data_, memberships, VertexKind::kUser, id);
    }
    EraseIf(data_.user_permissions,
            [&](const Permission& p) { return p.holder == id; });
  }

  absl::Status User(const std::string& id) {
    wire::User user;
    absl::Status got = GetJson(*api_.caller, {"a user", "read:users"},
                               api_.Url("/api/v2/users/" + UrlEncode(id)),
                               api_.audience(), &user);
    if (!got.ok()) return Absent(got, [&] { RemoveUser(id); });
    std::vector<std::string> connection_ids;
    for (const wire::Identity& identity : user.identities()) {
      for (const Connection& connection : data_.connections) {
        if (connection.name == identity.connection() &&
            std::find(connection_ids.begin(), connection_ids.end(),
                      connection.id) == connection_ids.end()) {
          connection_ids.push_back(connection.id);
        }
      }
    }
    TenantUser* held = FindUser(data_, id);
    if (connection_ids.empty()) {
      // Out of the selection: the graph leaves it (and what it held) out, as
      // a full import would; its memberships stay raw, as an import keeps
      // them.
      EraseUser(data_, id);
      return absl::OkStatus();
    }
    TenantUser fresh{user.user_id(),
                     user.name().empty() ? user.nickname() : user.name(),
                     user.email(), std::move(connection_ids), user.blocked()};
    if (held != nullptr) {
      *held = std::move(fresh);
    } else {
      AddUser(data_, std::move(fresh));
    }
    return absl::OkStatus();
  }

  absl::Status UserRoles(const std::string& id) {
    std::vector<std::string> roles;
    wire::RolesPage page;
    absl::Status got = ForEachOffsetPage(
        *api_.caller, {"a user's roles", "read:users and read:roles"},
        api_.Url("/api/v2/users/" + UrlEncode(id) + "/roles"), api_.audience(),
        &page, [&] {
          for (const wire::Role& role : page.roles())
            roles.push_back(role.id());
          return absl::OkStatus();
        });
    if (!got.ok()) return Absent(got, [&] { RemoveUser(id); });
    EraseRecords(data_, Collection::kRoleMembers, VertexKind::kUser, id);
    for (std::string& role : roles)
      AddPair(data_, Collection::kRoleMembers, std::move(role), id);
    return absl::OkStatus();
  }

  // Only for users in the graph: the import read no others.
  absl::Status UserPermissions(const std::string& id) {
    if (FindUser(data_, id) == nullptr) return absl::OkStatus();
    absl::StatusOr<std::vector<ListedPermission>> listed =
        FetchUserPermissions(api_, id);
    if (!listed.ok()) return Absent(listed.status(), [&] { RemoveUser(id); });
    EraseIf(data_.user_permissions,
            [&](const Permission& p) { return p.holder == id; });
    for (Permission& direct : DirectPermissions(*listed, data_, id))
      data_.user_permissions.push_back(std::move(direct));
    return absl::OkStatus();
  }

  void RemoveRole(const std::string& id) {
    EraseIf(data_.roles, [&](const TenantRecord& r) { return r.id == id; });
    EraseRecords(data_, Collection::kRoleMembers, VertexKind::kRole, id);
    EraseIf(data_.role_permissions,
            [&](const Permission& p) { return p.holder == id; });
    EraseIf(data_.group_roles,
            [&](const IdPair& pair) { return pair.second == id; });
    EraseRecords(data_, Collection::kOrganizationRoles, VertexKind::kRole, id);
  }

  absl::Status Role(const std::string& id) {
    wire::Role role;
    absl::Status got = GetJson(*api_.caller, {"a role", "read:roles"},
                               api_.Url("/api/v2/roles/" + UrlEncode(id)),
                               api_.audience(), &role);
    if (!got.ok()) return Absent(got, [&] { RemoveRole(id); });
    TenantRecord fresh{role.id(), role.name(), role.description()};
    if (TenantRecord* held = FindById(data_.roles, id)) {
      *held = std::move(fresh);
    } else {
      data_.roles.push_back(std::move(fresh));
    }
    return absl::OkStatus();
  }

  absl::Status RoleMembers(const std::string& id) {
    absl::StatusOr<std::vector<std::string>> members =
        FetchRoleMembers(api_, id);
    if (!members.ok()) return Absent(members.status(), [&] { RemoveRole(id); });
    EraseRecords(data_, Collection::kRoleMembers, VertexKind::kRole, id);
    for (std::string& user : *members)
      AddPair(data_, Collection::kRoleMembers, id, std::move(user));
    return absl::OkStatus();
  }

  absl::Status RolePermissions(const std::string& id) {
    absl::StatusOr<std::vector<Permission>> granted =
        FetchRolePermissions(api_, id);
    if (!granted.ok()) return Absent(granted.status(), [&] { RemoveRole(id); });
    EraseIf(data_.role_permissions,
            [&](const Permission& p) { return p.holder == id; });
    for (Permission& permission : *granted)
      data_.role_permissions.push_back(std::move(permission));
    return absl::OkStatus();
  }

  absl::Status Client(const std::string& id) {
    wire::Client client;
    absl::Status got = GetJson(
        *api_.caller, {"an application", "read:clients"},
        api_.Url("/api/v2/clients/" + UrlEncode(id) +
                 "?fields=client_id,name,app_type,global&include_fields=true"),
        api_.audience(), &client);
    auto remove = [&] {
      EraseIf(data_.applications,
              [&](const TenantRecord& r) { return r.id == id; });
      EraseIf(data_.connection_clients,
              [&](const IdPair& pair) { return pair.second == id; });
    };
    if (!got.ok()) return Absent(got, remove);
    if (client.global()) return absl::OkStatus();
    TenantRecord fresh{client.client_id(), client.name(), client.app_type()};
    if (TenantRecord* held = FindById(data_.applications, id)) {
      *held = std::move(fresh);
    } else {
      data_.applications.push_back(std::move(fresh));
    }
    return absl::OkStatus();
  }

  const TenantConfig& config_;
  const ManagementApi& api_;
  TenantData& data_;
  AppliedChanges applied_;
  absl::flat_hash_set<std::string> done_;
};

}  // namespace

absl::StatusOr<AppliedChanges> ApplyChangeSet(const ChangeSet& changes,
                                              const TenantConfig& config,
                                              const ManagementApi& api,
                                              TenantData& data) {
  return Applier(config, api, data).Run(changes);
}

absl::StatusOr<bool> RefreshExtension(const ExtensionApi& api,
                                      const std::vector<std::string>& scopes,
                                      ExtensionFingerprints* seen,
                                      TenantData& data) {
  absl::StatusOr<std::optional<ExtensionData>> fresh =
      FetchExtensionIfChanged(api, scopes, seen);
  if (!fresh.ok()) return fresh.status();
  // Bytes that differ may still hold the same records (another order of
  // keys): compared as records.
  if (!fresh->has_value() || **fresh == data.extension) return false;
  data.extension = **std::move(fresh);
  // Replaced whole, so indexed again (while the poll that changed it maps
  // every extension record anyway).
  data.index.Clear(Collection::kExtensionGroupMembers);
  data.index.Clear(Collection::kExtensionRoleUsers);
  EnsureIndexed(data);
  return true;
}

}  // namespace identitygraph::importer
