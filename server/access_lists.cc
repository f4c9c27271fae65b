// AccessService's listing, batch, explanation and lookup RPCs (CheckAccess
// and GetGraphStats are in access_service.cc).
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/queries.h"
#include "server/access_handlers.h"
#include "server/access_service.h"
#include "server/api_mapping.h"
#include "server/graph_view.h"
#include "server/grpc_status.h"
#include "server/page_token.h"

namespace identitygraph {
namespace {

using graph::Snapshot;
using graph::VertexId;
using graph::VertexKind;

// Bounds of one call's work, and of what one response may hold.
constexpr int kMaxBatch = 1000;
constexpr int kMaxBatchPaths = 3;
constexpr int kMaxExplainPaths = 10;
constexpr size_t kMaxExplainRoles = 100;
constexpr PageSizes kLookupPageSizes = {20, 100};

std::string ModeKey(v1::ReachabilityMode mode) {
  return FromApi(mode) == graph::Reachability::kLogin ? "login" : "authz";
}

}  // namespace

#define IDENTITYGRAPH_CHECK_MODE(request)       \
  IDENTITYGRAPH_RETURN_IF_ERROR(CheckEnumField( \
      v1::ReachabilityMode_descriptor(), (request)->mode(), "mode"))

grpc::ServerUnaryReactor* AccessServiceImpl::ListUserApplications(
    grpc::CallbackServerContext* context,
    const v1::ListUserApplicationsRequest* request,
    v1::ListUserApplicationsResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  IDENTITYGRAPH_CHECK_MODE(request);
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kAccessPageSizes);
  IDENTITYGRAPH_RETURN_IF_ERROR(page_size.status());
  bool applications = request->kinds().empty(), apis = false;
  for (int kind : request->kinds()) {
    if (kind == v1::ENTITY_KIND_APPLICATION) {
      applications = true;
    } else if (kind == v1::ENTITY_KIND_API) {
      apis = true;
    } else {
      return FinishNow(context, Invalid("kinds may hold only "
                                        "ENTITY_KIND_APPLICATION and "
                                        "ENTITY_KIND_API"));
    }
  }
  absl::StatusOr<VertexId> user =
      Resolve(g, request->user(), {VertexKind::kUser}, "user");
  IDENTITYGRAPH_RETURN_IF_ERROR(user.status());
  const std::string key =
      RequestKey({g.id(*user), ModeKey(request->mode()),
                  applications ? "apps" : "", apis ? "apis" : ""});
  absl::StatusOr<uint64_t> start = DecodePageToken(
      request->page_token(), Listing::kListUserApplications, g.version(), key);
  IDENTITYGRAPH_RETURN_IF_ERROR(start.status());
  absl::StatusOr<std::vector<graph::ReachedTarget>> reached =
      graph::ApplicationsOfUser(g, *user, FromApi(request->mode()), apis,
                                limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(reached.status());
  std::vector<const graph::ReachedTarget*> kept;
  for (const graph::ReachedTarget& target : *reached) {
    const bool is_app = g.kind(target.target) == VertexKind::kApplication;
    if ((is_app && applications) || (!is_app && apis)) kept.push_back(&target);
  }
  absl::StatusOr<Window> window = PageWindow(
      g, Listing::kListUserApplications, key, *start, *page_size, kept.size());
  IDENTITYGRAPH_RETURN_IF_ERROR(window.status());
  for (size_t i = window->begin; i < window->end; ++i) {
    v1::ReachableApplication* out = response->add_applications();
    FillEntity(g, kept[i]->target, out->mutable_application());
    FillPath(g, kept[i]->path, out->mutable_path());
  }
  response->set_next_page_token(std::move(window->next_page_token));
  response->set_total_size(static_cast<int32_t>(kept.size()));
  response->set_blocked(g.blocked(*user));
  FillEntity(g, *user, response->mutable_user());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::ListApplicationUsers(
    grpc::CallbackServerContext* context,
    const v1::ListApplicationUsersRequest* request,
    v1::ListApplicationUsersResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  IDENTITYGRAPH_CHECK_MODE(request);
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kAccessPageSizes);
  IDENTITYGRAPH_RETURN_IF_ERROR(page_size.status());
  absl::StatusOr<VertexId> application =
      Resolve(g, request->application(),
              {VertexKind::kApplication, VertexKind::kApi}, "application");
  IDENTITYGRAPH_RETURN_IF_ERROR(application.status());
  // Tokens of listings without blocked users keep the key they had before
  // include_blocked existed.
  const absl::string_view kind = graph::VertexKindName(g.kind(*application));
  const std::string mode = ModeKey(request->mode());
  const std::string key =
      request->include_blocked()
          ? RequestKey({kind, g.id(*application), mode, "with_blocked"})
          : RequestKey({kind, g.id(*application), mode});
  absl::StatusOr<uint64_t> start = DecodePageToken(
      request->page_token(), Listing::kListApplicationUsers, g.version(), key);
  IDENTITYGRAPH_RETURN_IF_ERROR(start.status());
  absl::StatusOr<graph::UserPage> page = graph::PageUsersOfApplication(
      g, *application, FromApi(request->mode()), *start,
      static_cast<size_t>(*page_size), limits_, request->include_blocked());
  IDENTITYGRAPH_RETURN_IF_ERROR(page.status());
  for (VertexId user : page->users) FillEntity(g, user, response->add_users());
  if (page->next < page->total) {
    response->set_next_page_token(EncodePageToken(
        Listing::kListApplicationUsers, g.version(), key, page->next));
  }
  response->set_total_size(static_cast<int32_t>(page->total));
  FillEntity(g, *application, response->mutable_application());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::BatchCheckAccess(
    grpc::CallbackServerContext* context,
    const v1::BatchCheckAccessRequest* request,
    v1::BatchCheckAccessResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  IDENTITYGRAPH_CHECK_MODE(request);
  if (request->checks_size() < 1 || request->checks_size() > kMaxBatch) {
    return FinishNow(context, Invalid(absl::StrCat("checks must hold 1 to ",
                                                   kMaxBatch, " pairs")));
  }
  if (request->max_paths() < 0 || request->max_paths() > kMaxBatchPaths) {
    return FinishNow(context, Invalid(absl::StrCat("max_paths must be 0 to ",
                                                   kMaxBatchPaths)));
  }
  // Pairs whose names do not resolve fail alone; the others are decided
  // together.
  std::vector<graph::AccessPair> pairs;
  std::vector<absl::Status> resolved;
  for (const v1::AccessCheck& check : request->checks()) {
    absl::StatusOr<VertexId> user =
        Resolve(g, check.user(), {VertexKind::kUser}, "user");
    absl::StatusOr<VertexId> application =
        Resolve(g, check.application(),
                {VertexKind::kApplication, VertexKind::kApi}, "application");
    resolved.push_back(!user.ok() ? user.status() : application.status());
    pairs.push_back({user.ok() ? *user : graph::kNoVertex,
                     application.ok() ? *application : graph::kNoVertex});
  }
  std::vector<absl::StatusOr<graph::CheckResult>> results =
      graph::BatchCheckAccess(g, pairs, FromApi(request->mode()),
                              request->max_paths(), limits_);
  for (size_t i = 0; i < results.size(); ++i) {
    v1::AccessCheckResult* out = response->add_results();
    const absl::Status status =
        !resolved[i].ok() ? resolved[i] : results[i].status();
    if (!status.ok()) {
      out->set_error_code(absl::StatusCodeToString(status.code()));
      out->set_error_message(std::string(status.message()));
      continue;
    }
    out->set_allowed(results[i]->allowed);
    if (results[i]->allowed) {
      for (const graph::Path& path : results[i]->paths)
        FillPath(g, path, out->add_paths());
    } else {
      out->set_denial_reason(ToDenialReason(*results[i]));
    }
  }
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::ExplainAccess(
    grpc::CallbackServerContext* context,
    const v1::ExplainAccessRequest* request,
    v1::ExplainAccessResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  IDENTITYGRAPH_CHECK_MODE(request);
  if (request->max_paths() < 0 || request->max_paths() > kMaxExplainPaths) {
    return FinishNow(context, Invalid(absl::StrCat("max_paths must be 0 to ",
                                                   kMaxExplainPaths)));
  }
  absl::StatusOr<VertexId> user =
      Resolve(g, request->user(), {VertexKind::kUser}, "user");
  IDENTITYGRAPH_RETURN_IF_ERROR(user.status());
  absl::StatusOr<VertexId> application =
      Resolve(g, request->application(),
              {VertexKind::kApplication, VertexKind::kApi}, "application");
  IDENTITYGRAPH_RETURN_IF_ERROR(application.status());
  // An explanation always shows at least one path when there is one.
  const int max_paths = std::max(1, request->max_paths());
  absl::StatusOr<graph::CheckResult> result = graph::CheckAccess(
      g, *user, *application, FromApi(request->mode()), max_paths, limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(result.status());
  response->set_allowed(result->allowed);
  response->set_blocked(result->blocked);
  for (const graph::Path& path : result->paths)
    FillPath(g, path, response->add_paths());
  if (!result->allowed) {
    response->set_denial_reason(ToDenialReason(*result));
  }
  absl::StatusOr<std::vector<VertexId>> roles =
      graph::RolesOfUser(g, *user, /*effective=*/true, limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(roles.status());
  for (size_t i = 0; i < roles->size() && i < kMaxExplainRoles; ++i)
    FillEntity(g, (*roles)[i], response->add_user_roles());
  const graph::EdgeKind role_edge = g.kind(*application) == VertexKind::kApi
                                        ? graph::EdgeKind::kRoleApi
                                        : graph::EdgeKind::kRoleApplication;
  std::vector<VertexId> app_roles =
      graph::Neighbours(g, *application, role_edge, /*incoming=*/true);
  for (size_t i = 0; i < app_roles.size() && i < kMaxExplainRoles; ++i)
    FillEntity(g, app_roles[i], response->add_application_roles());
  for (VertexId c :
       graph::Neighbours(g, *user, graph::EdgeKind::kUserConnection,
                         /*incoming=*/false))
    FillEntity(g, c, response->add_user_connections());
  for (VertexId c : graph::Neighbours(g, *application,
                                      graph::EdgeKind::kConnectionApplication,
                                      /*incoming=*/true))
    FillEntity(g, c, response->add_application_connections());
  FillEntity(g, *user, response->mutable_user());
  FillEntity(g, *application, response->mutable_application());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::ListUserGroups(
    grpc::CallbackServerContext* context,
    const v1::ListUserGroupsRequest* request,
    v1::ListUserGroupsResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  absl::StatusOr<VertexId> user =
      Resolve(g, request->user(), {VertexKind::kUser}, "user");
  IDENTITYGRAPH_RETURN_IF_ERROR(user.status());
  absl::StatusOr<std::vector<VertexId>> groups =
      graph::GroupsOfUser(g, *user, request->effective(), limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(groups.status());
  for (VertexId group : *groups) FillEntity(g, group, response->add_groups());
  FillEntity(g, *user, response->mutable_user());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::ListUserRoles(
    grpc::CallbackServerContext* context,
    const v1::ListUserRolesRequest* request,
    v1::ListUserRolesResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  absl::StatusOr<VertexId> user =
      Resolve(g, request->user(), {VertexKind::kUser}, "user");
  IDENTITYGRAPH_RETURN_IF_ERROR(user.status());
  absl::StatusOr<std::vector<VertexId>> roles =
      graph::RolesOfUser(g, *user, request->effective(), limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(roles.status());
  for (VertexId role : *roles) FillEntity(g, role, response->add_roles());
  FillEntity(g, *user, response->mutable_user());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::ListGroupMembers(
    grpc::CallbackServerContext* context,
    const v1::ListGroupMembersRequest* request,
    v1::ListGroupMembersResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kAccessPageSizes);
  IDENTITYGRAPH_RETURN_IF_ERROR(page_size.status());
  absl::StatusOr<VertexId> group =
      Resolve(g, request->group(), {VertexKind::kGroup}, "group");
  IDENTITYGRAPH_RETURN_IF_ERROR(group.status());
  const std::string key = RequestKey(
      {g.id(*group), request->transitive() ? "transitive" : "direct"});
  absl::StatusOr<uint64_t> start = DecodePageToken(
      request->page_token(), Listing::kListGroupMembers, g.version(), key);
  IDENTITYGRAPH_RETURN_IF_ERROR(start.status());
  absl::StatusOr<std::vector<VertexId>> members =
      graph::MembersOfGroup(g, *group, request->transitive(), limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(members.status());
  absl::StatusOr<Window> window = PageWindow(
      g, Listing::kListGroupMembers, key, *start, *page_size, members->size());
  IDENTITYGRAPH_RETURN_IF_ERROR(window.status());
  for (size_t i = window->begin; i < window->end; ++i)
    FillEntity(g, (*members)[i], response->add_users());
  response->set_next_page_token(std::move(window->next_page_token));
  response->set_total_size(static_cast<int32_t>(members->size()));
  FillEntity(g, *group, response->mutable_group());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::LookupEntities(
    grpc::CallbackServerContext* context,
    const v1::LookupEntitiesRequest* request,
    v1::LookupEntitiesResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kLookupPageSizes);
  IDENTITYGRAPH_RETURN_IF_ERROR(page_size.status());
  const size_t limit = static_cast<size_t>(*page_size);
  std::vector<VertexKind> kinds;
  for (int kind : request->kinds()) {
    std::optional<VertexKind> vertex_kind =
        FromApi(static_cast<v1::EntityKind>(kind));
    if (!vertex_kind.has_value())
      return FinishNow(context, Invalid("kinds holds an unknown kind"));
    kinds.push_back(*vertex_kind);
  }
  const std::vector<VertexKind> every = {
      VertexKind::kUser,         VertexKind::kGroup,
      VertexKind::kRole,         VertexKind::kApplication,
      VertexKind::kApi,          VertexKind::kConnection,
      VertexKind::kOrganization, VertexKind::kPermission};
  const std::vector<VertexKind>& searched = kinds.empty() ? every : kinds;
  std::vector<VertexId> found;
  bool more = false;
  switch (request->query_case()) {
    case v1::LookupEntitiesRequest::kId:
      for (VertexKind kind : searched) {
        const VertexId v = g.FindById(kind, request->id());
        if (v != graph::kNoVertex) found.push_back(v);
      }
      break;
    case v1::LookupEntitiesRequest::kEmail: {
      const VertexId v = g.FindByEmail(request->email());
      if (v != graph::kNoVertex &&
          std::find(searched.begin(), searched.end(), VertexKind::kUser) !=
              searched.end()) {
        found.push_back(v);
      }
      break;
    }
    case v1::LookupEntitiesRequest::kName:
      for (VertexKind kind : searched) {
        for (VertexId v : g.FindByName(kind, request->name()))
          found.push_back(v);
      }
      break;
    case v1::LookupEntitiesRequest::kNamePrefix:
      if (request->name_prefix().empty())
        return FinishNow(context, Invalid("name_prefix must not be empty"));
      found = g.FindByNamePrefix(request->name_prefix(), kinds, limit, &more);
      break;
    case v1::LookupEntitiesRequest::QUERY_NOT_SET:
      return FinishNow(context,
                       Invalid("set one of id, email, name or name_prefix"));
  }
  if (found.size() > limit) {
    found.resize(limit);
    more = true;
  }
  for (VertexId v : found) FillEntity(g, v, response->add_entities());
  response->set_truncated(more);
  return FinishNow(context, grpc::Status::OK);
}

#undef IDENTITYGRAPH_CHECK_MODE

}  // namespace identitygraph
