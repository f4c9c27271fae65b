#include "importer/tenant_index.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {
namespace {

using graph::VertexKind;

std::vector<IdPair>* Pairs(TenantData& data, Collection collection) {
  switch (collection) {
    case Collection::kRoleMembers:
      return &data.role_members;
    case Collection::kGroupUserMembers:
      return &data.group_user_members;
    case Collection::kOrganizationMembers:
      return &data.organization_members;
    case Collection::kExtensionGroupMembers:
      return &data.extension.group_members;
    case Collection::kExtensionRoleUsers:
      return &data.extension.role_users;
    case Collection::kUsers:
    case Collection::kOrganizationRoles:
      break;
  }
  return nullptr;
}

const std::vector<IdPair>* Pairs(const TenantData& data,
                                 Collection collection) {
  return Pairs(const_cast<TenantData&>(data), collection);
}

// The id of `end` in record `position`.
absl::string_view EndId(const TenantData& data, Collection collection, int end,
                        size_t position) {
  if (collection == Collection::kUsers) return data.users[position].id;
  if (collection == Collection::kOrganizationRoles) {
    const OrganizationRole& held = data.organization_roles[position];
    return end == 0 ? held.organization : end == 1 ? held.user : held.role;
  }
  const IdPair& pair = (*Pairs(data, collection))[position];
  return end == 0 ? pair.first : pair.second;
}

int EndNumber(Collection collection, VertexKind end) {
  const std::vector<VertexKind> kinds = EndKinds(collection);
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == end) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::vector<uint32_t> FindRecords(const TenantData& data, Collection collection,
                                  VertexKind end, absl::string_view id) {
  std::vector<uint32_t> found;
  const int number = EndNumber(collection, end);
  if (number < 0) return found;
  auto matches = [&](size_t p) {
    return EndId(data, collection, number, p) == id;
  };
  if (data.index.Covers(data, collection)) {
    data.index.ForEach(collection, end, id, [&](uint32_t p) {
      if (matches(p)) found.push_back(p);
    });
  } else {
    const size_t n = RecordCount(data, collection);
    for (size_t p = 0; p < n; ++p) {
      if (matches(p)) found.push_back(static_cast<uint32_t>(p));
    }
  }
  return found;
}

std::vector<VertexKind> EndKinds(Collection collection) {
  switch (collection) {
    case Collection::kUsers:
      return {VertexKind::kUser};
    case Collection::kRoleMembers:
    case Collection::kExtensionRoleUsers:
      return {VertexKind::kRole, VertexKind::kUser};
    case Collection::kGroupUserMembers:
    case Collection::kExtensionGroupMembers:
      return {VertexKind::kGroup, VertexKind::kUser};
    case Collection::kOrganizationMembers:
      return {VertexKind::kOrganization, VertexKind::kUser};
    case Collection::kOrganizationRoles:
      return {VertexKind::kOrganization, VertexKind::kUser, VertexKind::kRole};
  }
  return {};
}

size_t RecordCount(const TenantData& data, Collection collection) {
  if (collection == Collection::kUsers) return data.users.size();
  if (collection == Collection::kOrganizationRoles) {
    return data.organization_roles.size();
  }
  return Pairs(data, collection)->size();
}

bool TenantIndex::Covers(const TenantData& data, Collection collection) const {
  const size_t records = indexed_[static_cast<int>(collection)].records;
  return records > 0 && records == RecordCount(data, collection);
}

void TenantIndex::Clear(Collection collection) {
  indexed_[static_cast<int>(collection)] = Indexed();
}

void TenantIndex::Clear() {
  for (Indexed& indexed : indexed_) indexed = Indexed();
}

void TenantIndex::Add(Collection collection, uint32_t position,
                      std::initializer_list<absl::string_view> ids) {
  Indexed& indexed = indexed_[static_cast<int>(collection)];
  // Chains link only to older positions, so they always end: a record out
  // of order is left unindexed (the collection is then walked), and
  // position 0 starts afresh.
  if (position == 0) {
    indexed = Indexed();
  } else if (position != indexed.records) {
    return;
  }
  int end = 0;
  for (absl::string_view id : ids) {
    Chains& chains = indexed.ends[end++];
    if (chains.older.size() <= position) chains.older.resize(position + 1);
    auto [it, added] = chains.newest.try_emplace(Hash(id), position);
    chains.older[position] = added ? kNone : it->second;
    it->second = position;
  }
  indexed.records = position + 1;
}

uint64_t TenantIndex::Hash(absl::string_view id) {
  return absl::Hash<absl::string_view>{}(id);
}

const TenantIndex::Chains* TenantIndex::ChainsOf(Collection collection,
                                                 VertexKind end) const {
  const int number = EndNumber(collection, end);
  if (number < 0) return nullptr;
  return &indexed_[static_cast<int>(collection)].ends[number];
}

bool IsErased(const TenantUser& user) { return user.id.empty(); }
bool IsErased(const IdPair& pair) { return pair.first.empty(); }
bool IsErased(const OrganizationRole& role) {
  return role.organization.empty();
}

void EnsureIndexed(TenantData& data) {
  for (int c = 0; c < kCollectionCount; ++c) {
    const Collection collection = static_cast<Collection>(c);
    TenantIndex::Indexed& indexed = data.index.indexed_[c];
    const size_t n = RecordCount(data, collection);
    // Fewer records than indexed: changed behind the index's back.
    if (n < indexed.records) data.index.Clear(collection);
    const int ends = static_cast<int>(EndKinds(collection).size());
    for (int e = 0; e < ends; ++e) indexed.ends[e].older.reserve(n);
    for (size_t p = indexed.records; p < n; ++p) {
      const uint32_t position = static_cast<uint32_t>(p);
      switch (ends) {
        case 1:
          data.index.Add(collection, position, {EndId(data, collection, 0, p)});
          break;
        case 2:
          data.index.Add(
              collection, position,
              {EndId(data, collection, 0, p), EndId(data, collection, 1, p)});
          break;
        default:
          data.index.Add(
              collection, position,
              {EndId(data, collection, 0, p), EndId(data, collection, 1, p),
               EndId(data, collection, 2, p)});
      }
    }
  }
}

TenantUser* FindUser(TenantData& data, absl::string_view id) {
  const std::vector<uint32_t> found =
      FindRecords(data, Collection::kUsers, VertexKind::kUser, id);
  return found.empty() ? nullptr : &data.users[found.front()];
}

const TenantUser* FindUser(const TenantData& data, absl::string_view id) {
  return FindUser(const_cast<TenantData&>(data), id);
}

void AddUser(TenantData& data, TenantUser user) {
  const bool covered =
      data.index.Covers(data, Collection::kUsers) || data.users.empty();
  data.users.push_back(std::move(user));
  if (covered) {
    data.index.Add(Collection::kUsers,
                   static_cast<uint32_t>(data.users.size() - 1),
                   {data.users.back().id});
  }
}

void EraseUser(TenantData& data, absl::string_view id) {
  EraseRecords(data, Collection::kUsers, VertexKind::kUser, id);
}

void EraseRecords(TenantData& data, Collection collection, VertexKind end,
                  absl::string_view id) {
  if (id.empty()) return;  // erased records' ids
  // Copied: `id` may be one of the records about to be erased.
  const std::string erased(id);
  for (uint32_t p : FindRecords(data, collection, end, erased)) {
    if (collection == Collection::kUsers) {
      data.users[p] = TenantUser();
    } else if (collection == Collection::kOrganizationRoles) {
      data.organization_roles[p] = OrganizationRole();
    } else {
      (*Pairs(data, collection))[p] = IdPair();
    }
  }
}

void AddPair(TenantData& data, Collection collection, std::string first,
             std::string second) {
  std::vector<IdPair>& pairs = *Pairs(data, collection);
  const bool covered = data.index.Covers(data, collection) || pairs.empty();
  pairs.emplace_back(std::move(first), std::move(second));
  if (covered) {
    data.index.Add(collection, static_cast<uint32_t>(pairs.size() - 1),
                   {pairs.back().first, pairs.back().second});
  }
}

void AddOrganizationRole(TenantData& data, std::string organization,
                         std::string user, std::string role) {
  const bool covered =
      data.index.Covers(data, Collection::kOrganizationRoles) ||
      data.organization_roles.empty();
  data.organization_roles.push_back(
      {std::move(organization), std::move(user), std::move(role)});
  if (covered) {
    const OrganizationRole& held = data.organization_roles.back();
    data.index.Add(Collection::kOrganizationRoles,
                   static_cast<uint32_t>(data.organization_roles.size() - 1),
                   {held.organization, held.user, held.role});
  }
}

}  // namespace identitygraph::importer
