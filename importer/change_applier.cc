#include "importer/change_applier.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "importer/auth0_api.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

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
  Applier(const ManagementApi& api, TenantData& data)
      : api_(api), data_(data) {}

  absl::StatusOr<AppliedChanges> Run(const ChangeSet& changes) {
    if (!changes.full_scan_reason.empty()) {
      return absl::FailedPreconditionError(changes.full_scan_reason);
    }
    if (!changes.every_record_of.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "every ", RecordKindName(*changes.every_record_of.begin()),
          " must be read again, which only a full scan does"));
    }
    // Records first, then memberships: a membership read after its record
    // sees the record's fate.
    std::vector<RecordRef> reads(changes.reads.begin(), changes.reads.end());
    for (const std::string& user : changes.logged_in) {
      if (FindById(data_.users, user) == nullptr)
        reads.push_back({RecordKind::kUser, user, ""});
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
    ++applied_.records_read;
    switch (ref.kind) {
      case RecordKind::kUser:
        return User(ref.id);
      case RecordKind::kUserRoles:
        return UserRoles(ref.id);
      case RecordKind::kRole:
        return Role(ref.id);
      case RecordKind::kRoleMembers:
        return RoleMembers(ref.id);
      case RecordKind::kRolePermissions:
        return RolePermissions(ref.id);
      case RecordKind::kClient:
        return Client(ref.id);
      default:
        return absl::FailedPreconditionError(
            absl::StrCat("reading a ", RecordKindName(ref.kind), " (", ref.id,
                         ") again is not built yet; a full scan reads it"));
    }
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
    EraseIf(data_.users, [&](const TenantUser& u) { return u.id == id; });
    auto second = [&](const IdPair& pair) { return pair.second == id; };
    EraseIf(data_.role_members, second);
    EraseIf(data_.group_user_members, second);
    EraseIf(data_.organization_members, second);
    EraseIf(
        data_.organization_roles,
        [&](const TenantData::OrganizationRole& r) { return r.user == id; });
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
    TenantUser* held = FindById(data_.users, id);
    if (connection_ids.empty()) {
      // Out of the selection: the graph leaves it (and what it held) out, as
      // a full import would; its memberships stay raw, as an import keeps
      // them.
      EraseIf(data_.users, [&](const TenantUser& u) { return u.id == id; });
      return absl::OkStatus();
    }
    TenantUser fresh{user.user_id(),
                     user.name().empty() ? user.nickname() : user.name(),
                     user.email(), std::move(connection_ids)};
    if (held != nullptr) {
      *held = std::move(fresh);
    } else {
      data_.users.push_back(std::move(fresh));
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
    EraseIf(data_.role_members,
            [&](const IdPair& pair) { return pair.second == id; });
    for (std::string& role : roles) data_.role_members.push_back({role, id});
    return absl::OkStatus();
  }

  void RemoveRole(const std::string& id) {
    EraseIf(data_.roles, [&](const TenantRecord& r) { return r.id == id; });
    auto first = [&](const IdPair& pair) { return pair.first == id; };
    EraseIf(data_.role_members, first);
    EraseIf(data_.role_apis, first);
    EraseIf(data_.group_roles,
            [&](const IdPair& pair) { return pair.second == id; });
    EraseIf(
        data_.organization_roles,
        [&](const TenantData::OrganizationRole& r) { return r.role == id; });
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
    EraseIf(data_.role_members,
            [&](const IdPair& pair) { return pair.first == id; });
    for (std::string& user : *members) data_.role_members.push_back({id, user});
    return absl::OkStatus();
  }

  absl::Status RolePermissions(const std::string& id) {
    absl::StatusOr<std::vector<std::string>> apis = FetchRoleApis(api_, id);
    if (!apis.ok()) return Absent(apis.status(), [&] { RemoveRole(id); });
    EraseIf(data_.role_apis,
            [&](const IdPair& pair) { return pair.first == id; });
    for (std::string& api : *apis) data_.role_apis.push_back({id, api});
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

  const ManagementApi& api_;
  TenantData& data_;
  AppliedChanges applied_;
};

}  // namespace

absl::StatusOr<AppliedChanges> ApplyChangeSet(const ChangeSet& changes,
                                              const ManagementApi& api,
                                              TenantData& data) {
  return Applier(api, data).Run(changes);
}

}  // namespace identitygraph::importer
