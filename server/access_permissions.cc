// AccessService's permission RPCs: CheckPermission, BatchCheckPermission,
// ListUserPermissions and ListPermissionHolders (graph/permissions.h has the
// semantics).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "graph/permissions.h"
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

constexpr int kMaxPermissionPaths = 10;
constexpr int kMaxBatch = 1000;
constexpr int kMaxBatchPaths = 3;
// Auth0 caps permission names far below this; a longer one is not a name.
constexpr size_t kMaxPermissionNameBytes = 1024;

// A permission name as Auth0 writes it: not empty, no whitespace (tokens carry
// permissions space-separated in `scope`).
absl::Status CheckPermissionName(const std::string& name,
                                 absl::string_view field) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is required: a permission name such as payroll:approve"));
  }
  if (name.size() > kMaxPermissionNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is ", name.size(),
        " bytes long; permission names are at most ", kMaxPermissionNameBytes));
  }
  for (char c : name) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " '", absl::CEscape(name),
          "' holds whitespace or a control character; name one permission, "
          "such as payroll:approve"));
    }
  }
  return absl::OkStatus();
}

// The API (or Authorization Extension application) a permission is asked of.
absl::StatusOr<VertexId> ResolveApi(const Snapshot& g, const v1::EntityRef& ref,
                                    absl::string_view field) {
  return Resolve(g, ref, {VertexKind::kApi, VertexKind::kApplication}, field);
}

// The organization a token is issued for: kNoVertex when the request names
// none (the field unset, or set with no reference in it).
absl::StatusOr<VertexId> ResolveOrganization(const Snapshot& g, bool present,
                                             const v1::EntityRef& ref) {
  if (!present || ref.ref_case() == v1::EntityRef::REF_NOT_SET)
    return graph::kNoVertex;
  return Resolve(g, ref, {VertexKind::kOrganization}, "organization");
}

struct ResolvedCheck {
  VertexId user = graph::kNoVertex;
  // kNoVertex when no one holds a permission of that name on the API.
  VertexId permission = graph::kNoVertex;
  VertexId organization = graph::kNoVertex;
};

absl::StatusOr<ResolvedCheck> ResolveCheck(const Snapshot& g,
                                           const v1::EntityRef& user_ref,
                                           const v1::EntityRef& api_ref,
                                           const std::string& permission,
                                           bool has_organization,
                                           const v1::EntityRef& organization) {
  if (absl::Status name = CheckPermissionName(permission, "permission");
      !name.ok()) {
    return name;
  }
  ResolvedCheck out;
  absl::StatusOr<VertexId> user =
      Resolve(g, user_ref, {VertexKind::kUser}, "user");
  if (!user.ok()) return user.status();
  out.user = *user;
  absl::StatusOr<VertexId> api = ResolveApi(g, api_ref, "api");
  if (!api.ok()) return api.status();
  absl::StatusOr<VertexId> org =
      ResolveOrganization(g, has_organization, organization);
  if (!org.ok()) return org.status();
  out.organization = *org;
  out.permission = graph::FindPermission(g, *api, permission);
  return out;
}

absl::StatusOr<graph::PermissionCheckResult> Decide(
    const Snapshot& g, const ResolvedCheck& check, int max_paths,
    const graph::QueryLimits& limits) {
  if (check.permission == graph::kNoVertex) {
    // No one holds a permission of that name on the API.
    graph::PermissionCheckResult result;
    result.blocked = g.blocked(check.user);
    return result;
  }
  return graph::CheckPermission(g, check.user, check.permission,
                                check.organization, max_paths, limits);
}

template <typename Out>
void FillDecision(const Snapshot& g, const graph::PermissionCheckResult& result,
                  Out* out) {
  out->set_allowed(result.allowed);
  if (result.allowed) {
    for (const graph::Path& path : result.paths)
      FillPath(g, path, out->add_paths());
  } else {
    out->set_denial_reason(ToDenialReason(result));
  }
}

std::string OptionalId(const Snapshot& g, VertexId v) {
  return v == graph::kNoVertex
             ? std::string()
             : absl::StrCat(graph::VertexKindName(g.kind(v)), ":", g.id(v));
}

}  // namespace

grpc::ServerUnaryReactor* AccessServiceImpl::CheckPermission(
    grpc::CallbackServerContext* context,
    const v1::CheckPermissionRequest* request,
    v1::CheckPermissionResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  if (request->max_paths() < 0 || request->max_paths() > kMaxPermissionPaths) {
    return FinishNow(context, Invalid(absl::StrCat("max_paths must be 0 to ",
                                                   kMaxPermissionPaths)));
  }
  absl::StatusOr<ResolvedCheck> check =
      ResolveCheck(g, request->user(), request->api(), request->permission(),
                   request->has_organization(), request->organization());
  IDENTITYGRAPH_RETURN_IF_ERROR(check.status());
  absl::StatusOr<graph::PermissionCheckResult> result =
      Decide(g, *check, request->max_paths(), limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(result.status());
  FillDecision(g, *result, response);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::BatchCheckPermission(
    grpc::CallbackServerContext* context,
    const v1::BatchCheckPermissionRequest* request,
    v1::BatchCheckPermissionResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  if (request->checks_size() < 1 || request->checks_size() > kMaxBatch) {
    return FinishNow(context, Invalid(absl::StrCat("checks must hold 1 to ",
                                                   kMaxBatch, " checks")));
  }
  if (request->max_paths() < 0 || request->max_paths() > kMaxBatchPaths) {
    return FinishNow(context, Invalid(absl::StrCat("max_paths must be 0 to ",
                                                   kMaxBatchPaths)));
  }
  for (const v1::PermissionCheck& check : request->checks()) {
    v1::PermissionCheckResult* out = response->add_results();
    absl::StatusOr<ResolvedCheck> resolved =
        ResolveCheck(g, check.user(), check.api(), check.permission(),
                     check.has_organization(), check.organization());
    absl::StatusOr<graph::PermissionCheckResult> result =
        resolved.ok() ? Decide(g, *resolved, request->max_paths(), limits_)
                      : resolved.status();
    if (!result.ok()) {
      out->set_error_code(absl::StatusCodeToString(result.status().code()));
      out->set_error_message(std::string(result.status().message()));
      continue;
    }
    FillDecision(g, *result, out);
  }
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::ListUserPermissions(
    grpc::CallbackServerContext* context,
    const v1::ListUserPermissionsRequest* request,
    v1::ListUserPermissionsResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kAccessPageSizes);
  IDENTITYGRAPH_RETURN_IF_ERROR(page_size.status());
  absl::StatusOr<VertexId> user =
      Resolve(g, request->user(), {VertexKind::kUser}, "user");
  IDENTITYGRAPH_RETURN_IF_ERROR(user.status());
  VertexId api = graph::kNoVertex;
  if (request->has_api() &&
      request->api().ref_case() != v1::EntityRef::REF_NOT_SET) {
    absl::StatusOr<VertexId> resolved = ResolveApi(g, request->api(), "api");
    IDENTITYGRAPH_RETURN_IF_ERROR(resolved.status());
    api = *resolved;
  }
  absl::StatusOr<VertexId> organization = ResolveOrganization(
      g, request->has_organization(), request->organization());
  IDENTITYGRAPH_RETURN_IF_ERROR(organization.status());
  const std::string key = RequestKey(
      {g.id(*user), OptionalId(g, api), OptionalId(g, *organization)});
  absl::StatusOr<uint64_t> start = DecodePageToken(
      request->page_token(), Listing::kListUserPermissions, g.version(), key);
  IDENTITYGRAPH_RETURN_IF_ERROR(start.status());
  absl::StatusOr<std::vector<graph::ReachedTarget>> held =
      graph::PermissionsOfUser(g, *user, *organization, limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(held.status());
  struct Kept {
    VertexId target;
    const graph::ReachedTarget* held;
  };
  std::vector<Kept> kept;
  for (const graph::ReachedTarget& permission : *held) {
    const VertexId target = graph::PermissionTarget(g, permission.target);
    if (api == graph::kNoVertex || target == api)
      kept.push_back({target, &permission});
  }
  absl::StatusOr<Window> window = PageWindow(
      g, Listing::kListUserPermissions, key, *start, *page_size, kept.size());
  IDENTITYGRAPH_RETURN_IF_ERROR(window.status());
  v1::ApiPermissions* group = nullptr;
  for (size_t i = window->begin; i < window->end; ++i) {
    if (group == nullptr || i == window->begin ||
        kept[i].target != kept[i - 1].target) {
      group = response->add_apis();
      if (kept[i].target != graph::kNoVertex)
        FillEntity(g, kept[i].target, group->mutable_api());
    }
    v1::HeldPermission* out = group->add_permissions();
    FillEntity(g, kept[i].held->target, out->mutable_permission());
    FillPath(g, kept[i].held->path, out->mutable_path());
  }
  response->set_next_page_token(std::move(window->next_page_token));
  response->set_total_size(static_cast<int32_t>(kept.size()));
  response->set_blocked(g.blocked(*user));
  FillEntity(g, *user, response->mutable_user());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::ListPermissionHolders(
    grpc::CallbackServerContext* context,
    const v1::ListPermissionHoldersRequest* request,
    v1::ListPermissionHoldersResponse* response) {
  IDENTITYGRAPH_ACCESS_PREAMBLE(request);
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), kAccessPageSizes);
  IDENTITYGRAPH_RETURN_IF_ERROR(page_size.status());
  IDENTITYGRAPH_RETURN_IF_ERROR(
      CheckPermissionName(request->permission(), "permission"));
  absl::StatusOr<VertexId> api = ResolveApi(g, request->api(), "api");
  IDENTITYGRAPH_RETURN_IF_ERROR(api.status());
  absl::StatusOr<VertexId> organization = ResolveOrganization(
      g, request->has_organization(), request->organization());
  IDENTITYGRAPH_RETURN_IF_ERROR(organization.status());
  const std::string key = RequestKey(
      {OptionalId(g, *api), request->permission(), OptionalId(g, *organization),
       request->include_blocked() ? "with_blocked" : ""});
  absl::StatusOr<uint64_t> start = DecodePageToken(
      request->page_token(), Listing::kListPermissionHolders, g.version(), key);
  IDENTITYGRAPH_RETURN_IF_ERROR(start.status());
  FillEntity(g, *api, response->mutable_api());
  const VertexId permission =
      graph::FindPermission(g, *api, request->permission());
  if (permission == graph::kNoVertex) {
    if (*start > 0) {
      return FinishNow(context,
                       Invalid("page_token points past the end of the "
                               "listing; restart the listing without a "
                               "page_token"));
    }
    return FinishNow(context, grpc::Status::OK);  // no one holds it
  }
  absl::StatusOr<graph::UserPage> page = graph::PageHoldersOfPermission(
      g, permission, *organization, request->include_blocked(), *start,
      static_cast<size_t>(*page_size), limits_);
  IDENTITYGRAPH_RETURN_IF_ERROR(page.status());
  for (VertexId user : page->users) FillEntity(g, user, response->add_users());
  if (page->next < page->total) {
    response->set_next_page_token(EncodePageToken(
        Listing::kListPermissionHolders, g.version(), key, page->next));
  }
  response->set_total_size(static_cast<int32_t>(page->total));
  return FinishNow(context, grpc::Status::OK);
}

}  // namespace identitygraph
