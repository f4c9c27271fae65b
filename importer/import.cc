#include "importer/import.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "importer/authorized_caller.h"
#include "importer/cancellation.h"
#include "importer/connections.h"
#include "importer/extension_fetcher.h"
#include "importer/management_fetchers.h"
#include "importer/remediation.h"
#include "importer/tenant_data.h"
#include "importer/tenant_index.h"
#include "importer/token_source.h"
#include "importer/user_permissions.h"

namespace identitygraph::importer {
namespace {

using graph::VertexKind;

// One fetching thread's own connection and caller.
struct Worker {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<AuthorizedCaller> caller;
  ManagementApi api;
};

class Progress {
 public:
  Progress(const ProgressCallback& callback, absl::Duration interval)
      : callback_(callback), interval_(interval) {}

  // Fills in the request figures at report time.
  void set_counters(std::function<void(ImportProgress*)> counters) {
    counters_ = std::move(counters);
  }

  void SetPhase(ImportPhase phase, std::string message) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      progress_.phase = phase;
      progress_.message = std::move(message);
    }
    Report(/*force=*/true);
  }
  void AddFetched(VertexKind kind, int64_t count) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      progress_.fetched[static_cast<int>(kind)] += count;
    }
    Report(/*force=*/false);
  }
  void Warn(ImportWarning warning) {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.warnings.push_back(std::move(warning));
  }
  void SetDropped(DroppedMemberships dropped) {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.dropped = std::move(dropped);
  }

  ImportProgress Get() {
    ImportProgress copy;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      copy = progress_;
    }
    if (counters_) counters_(&copy);
    return copy;
  }

  void Report(bool force) {
    if (!callback_) return;
    // One report at a time, in order; a fetcher never waits behind a slow
    // callback for a report that is not a phase change.
    std::unique_lock<std::mutex> report_lock(report_mutex_, std::defer_lock);
    if (force) {
      report_lock.lock();
    } else if (!report_lock.try_lock()) {
      return;
    }
    const absl::Time now = absl::Now();
    if (!force && now - last_report_ < interval_) return;
    last_report_ = now;
    callback_(Get());
  }

 private:
  const ProgressCallback& callback_;
  const absl::Duration interval_;
  std::function<void(ImportProgress*)> counters_;
  std::mutex mutex_;
  ImportProgress progress_ ABSL_GUARDED_BY(mutex_);
  std::mutex report_mutex_;
  absl::Time last_report_ ABSL_GUARDED_BY(report_mutex_) = absl::InfinitePast();
};

class Importer {
 public:
  Importer(const TenantConfig& config, const ImportOptions& options,
           const std::atomic<bool>& cancelled,
           const ProgressCallback& on_progress)
      : config_(config),
        options_(options),
        cancelled_(cancelled),
        progress_(on_progress, options.progress_interval),
        token_http_(options.http),
        tokens_(&token_http_,
                {config.domain, config.client_id, config.client_secret}),
        management_limiter_(LimiterFor(config.domain)),
        extension_limiter_(LimiterFor(UrlHost(config.extension.api_url))) {
    const int count = std::max(1, options.concurrency);
    for (int i = 0; i < count; ++i) {
      Worker& worker = workers_.emplace_back();
      worker.http = std::make_unique<HttpClient>(options.http);
      worker.caller = std::make_unique<AuthorizedCaller>(
          worker.http.get(), &tokens_, &management_limiter_, options.retry,
          &cancelled_, &waits_);
      worker.api = {worker.caller.get(), config.domain};
    }
    extension_caller_ = std::make_unique<AuthorizedCaller>(
        workers_[0].http.get(), &tokens_, &extension_limiter_, options.retry,
        &cancelled_, &waits_);
    progress_.set_counters([this](ImportProgress* p) {
      for (const Worker& worker : workers_) {
        p->requests += worker.caller->requests();
        p->retries += worker.caller->retries();
      }
      p->requests += extension_caller_->requests();
      p->retries += extension_caller_->retries();
      p->rate_limit_wait = waits_.Total(absl::Now());
    });
  }

  RateLimiter& LimiterFor(absl::string_view host) {
    TenantLimiters* limiters =
        options_.limiters != nullptr ? options_.limiters : &own_limiters_;
    return limiters->For(host, config_.rate_limit_share);
  }

  absl::StatusOr<ImportResult> Run() {
    if (absl::Status status = Tokens(); !status.ok()) return status;
    if (absl::Status status = Connections(); !status.ok()) return status;
    if (absl::Status status = Users(); !status.ok()) return status;
    if (absl::Status status = Applications(); !status.ok()) return status;
    if (absl::Status status = Roles(); !status.ok()) return status;
    if (absl::Status status = UserPermissions(); !status.ok()) return status;
    if (absl::Status status = Groups(); !status.ok()) return status;
    if (absl::Status status = Organizations(); !status.ok()) return status;
    if (absl::Status status = ConnectionClients(); !status.ok()) return status;
    if (absl::Status status = Extension(); !status.ok()) return status;
    if (cancelled_.load())
      return absl::CancelledError("the import was cancelled");

    progress_.SetPhase(ImportPhase::kBuild, "building the graph");
    ImportResult result;
    progress_.SetDropped(MapToGraph(data_, &result.builder));
    if (vanished_ > 0) {
      progress_.Warn(
          {"import",
           absl::StrCat(vanished_.load(),
                        " records were deleted in Auth0 while the import ran "
                        "and are left out"),
           "Nothing to do; the next scan sees the tenant as it is then.",
           {}});
    }
    result.report = progress_.Get();
    {
      std::lock_guard<std::mutex> lock(stats_mutex_);
      result.users = user_stats_;
    }
    result.token_requests = tokens_.requests();
    result.data = std::move(data_);
    progress_.Report(/*force=*/true);
    return result;
  }

 private:
  bool Granted(const std::string& scope) const {
    // No scope list at all: nothing to judge by; the 403s will tell.
    return scopes_.empty() ||
           std::find(scopes_.begin(), scopes_.end(), scope) != scopes_.end();
  }
  std::vector<std::string> Missing(std::vector<std::string> wanted) const {
    std::vector<std::string> missing;
    for (std::string& scope : wanted) {
      if (!Granted(scope)) missing.push_back(std::move(scope));
    }
    return missing;
  }
  // A source left out: `capability` (auth0_rules.h) names what, `missing`
  // the scopes whose lack showed (up front, or as a 403 on the way).
  void WarnSkipped(const std::string& source, absl::string_view capability,
                   std::vector<std::string> missing) {
    std::string what = CapabilityNamed(capability).what;
    what[0] = absl::ascii_toupper(static_cast<unsigned char>(what[0]));
    progress_.Warn(
        {source,
         absl::StrCat(what, " were not imported: the application lacks ",
                      absl::StrJoin(missing, ", ")),
         GrantScopes(absl::StrJoin(missing, " and "), kManagementApiName),
         std::move(missing)});
  }

  // Runs fn(worker, i) for every i < count on the workers, each item once;
  // the first error stops handing out items and is returned. NOT_FOUND (a
  // record deleted meanwhile) only skips the item.
  absl::Status ForEach(size_t count,
                       const std::function<absl::Status(Worker&, size_t)>& fn) {
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    absl::Status first_error;
    auto run = [&](Worker& worker) {
      while (!stop.load() && !cancelled_.load()) {
        const size_t i = next.fetch_add(1);
        if (i >= count) return;
        absl::Status status = fn(worker, i);
        if (absl::IsNotFound(status)) {
          ++vanished_;
          continue;
        }
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mutex);
          if (first_error.ok()) first_error = status;
          stop.store(true);
        }
      }
    };
    const size_t threads = std::min(workers_.size(), count);
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
      pool.emplace_back(run, std::ref(workers_[t]));
    if (threads > 0) run(workers_[0]);
    for (std::thread& thread : pool) thread.join();
    if (!first_error.ok()) return first_error;
    if (cancelled_.load())
      return absl::CancelledError("the import was cancelled");
    return absl::OkStatus();
  }

  // The first token of an audience, retried like any request when Auth0 is
  // briefly unavailable (later ones come through the callers).
  absl::StatusOr<Token> TokenWithRetries(const std::string& audience) {
    absl::StatusOr<Token> token;
    for (int attempt = 1; attempt <= options_.retry.max_attempts; ++attempt) {
      if (cancelled_.load())
        return absl::CancelledError("the import was cancelled");
      token = tokens_.Get(audience);
      if (token.ok() || !absl::IsUnavailable(token.status())) return token;
      if (attempt == options_.retry.max_attempts) break;
      absl::Duration wait = options_.retry.Backoff(attempt, 0.5);
      if (std::optional<absl::Duration> asked = RetryAfterOf(token.status())) {
        if (*asked > RateLimiter::kMaxHeaderWait) {
          return RateLimiter::WaitTooLong(*asked,
                                          "a 429 from the token endpoint");
        }
        wait = *asked;
      }
      if (absl::Status slept = SleepUnlessCancelled(wait, cancelled_);
          !slept.ok()) {
        return slept;
      }
    }
    return token;
  }

  absl::Status Tokens() {
    progress_.SetPhase(ImportPhase::kToken, "requesting access tokens");
    const std::string audience = workers_[0].api.audience();
    absl::StatusOr<Token> token = TokenWithRetries(audience);
    if (!token.ok()) return token.status();
    scopes_ = token->scopes;
    std::vector<std::string> required;
    for (const Capability& capability :
         Capabilities(config_.include_organizations)) {
      if (!capability.required) continue;
      required.insert(required.end(), capability.scopes.begin(),
                      capability.scopes.end());
    }
    std::vector<std::string> missing = Missing(std::move(required));
    if (!missing.empty()) {
      return WithRemediation(
          absl::PermissionDeniedError(
              absl::StrCat("the application lacks scopes every import needs: ",
                           absl::StrJoin(missing, ", "))),
          GrantScopes(absl::StrJoin(missing, " and "), kManagementApiName));
    }
    if (config_.extension.enabled) {
      absl::StatusOr<Token> extension =
          TokenWithRetries(config_.extension.audience);
      if (!extension.ok()) return extension.status();
      // Before any Management API read: a scan that cannot read the
      // extension fails in one request, not after the whole import.
      if (absl::Status scopes = CheckExtensionScopes(extension->scopes);
          !scopes.ok()) {
        return scopes;
      }
      extension_scopes_ = extension->scopes;
      if (!ExtensionPermissionsReadable(extension_scopes_)) {
        progress_.Warn({"extension_permissions",
                        "The Authorization Extension's permissions were not "
                        "imported (its roles grant none in the graph): the "
                        "extension token lacks read:permissions",
                        GrantScopes("read:permissions", kExtensionApiName),
                        {"read:permissions"}});
      }
    }
    return absl::OkStatus();
  }

  absl::Status Connections() {
    progress_.SetPhase(ImportPhase::kConnections,
                       "reading connections and resolving the selected ones");
    absl::StatusOr<std::vector<Connection>> all =
        FetchConnections(*workers_[0].caller, config_.domain);
    if (!all.ok()) return all.status();
    ConnectionSelection selection = SelectConnections(
        *all, config_.connections, config_.connection_patterns);
    if (selection.selected.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(NothingSelectedMessage(*all), ". ",
                       kNothingSelectedRemediation, "."));
    }
    for (std::string& problem : SelectionProblems(selection)) {
      progress_.Warn({"connections",
                      std::move(problem),
                      absl::StrCat(kSelectionProblemsRemediation, "."),
                      {}});
    }
    for (const Connection& connection : selection.selected) {
      std::string reason;
      if (HintAudience(connection, &reason) == ConnectionAudience::kCustomer) {
        progress_.Warn(
            {"connections",
             absl::StrCat("selected connection ", connection.name,
                          " looks like a customer connection: ", reason),
             "Select only workforce connections unless its customers should "
             "be in the graph; customers can be many and make scans slow.",
             {}});
      }
    }
    data_.connections = std::move(selection.selected);
    progress_.AddFetched(VertexKind::kConnection,
                         static_cast<int64_t>(data_.connections.size()));
    return absl::OkStatus();
  }

  absl::Status Users() {
    progress_.SetPhase(ImportPhase::kUsers,
                       "reading the users of the selected connections");
    std::vector<std::vector<TenantUser>> per_connection(
        data_.connections.size());
    absl::Status status =
        ForEach(data_.connections.size(), [&](Worker& worker, size_t i) {
          UserFetchStats stats;
          absl::StatusOr<std::vector<TenantUser>> users = FetchConnectionUsers(
              worker.api, worker.http.get(), data_.connections[i],
              options_.users, &cancelled_, &stats);
          {
            std::lock_guard<std::mutex> lock(stats_mutex_);
            user_stats_.export_jobs += stats.export_jobs;
            user_stats_.export_polls += stats.export_polls;
            user_stats_.downloads += stats.downloads;
            user_stats_.download_bytes += stats.download_bytes;
            user_stats_.export_lines += stats.export_lines;
            user_stats_.parse_time += stats.parse_time;
          }
          if (!users.ok()) return users.status();
          progress_.AddFetched(VertexKind::kUser,
                               static_cast<int64_t>(users->size()));
          per_connection[i] = std::move(*users);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    // A user with identities in two selected connections appears twice.
    absl::flat_hash_map<std::string, size_t> index;
    for (std::vector<TenantUser>& users : per_connection) {
      for (TenantUser& user : users) {
        auto [it, added] = index.emplace(user.id, data_.users.size());
        if (added) {
          data_.users.push_back(std::move(user));
        } else {
          std::vector<std::string>& ids =
              data_.users[it->second].connection_ids;
          for (std::string& id : user.connection_ids) {
            if (std::find(ids.begin(), ids.end(), id) == ids.end())
              ids.push_back(std::move(id));
          }
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status Applications() {
    progress_.SetPhase(ImportPhase::kApplications,
                       "reading applications and APIs");
    const std::vector<std::string>& api_scopes = CapabilityNamed("apis").scopes;
    const bool with_apis = Missing(api_scopes).empty();
    if (!with_apis) WarnSkipped("apis", "apis", Missing(api_scopes));
    absl::Status apis_status;
    absl::Status status = ForEach(with_apis ? 2 : 1, [&](Worker& worker,
                                                         size_t i) {
      if (i == 0) {
        absl::StatusOr<std::vector<TenantRecord>> apps =
            FetchApplications(worker.api);
        if (!apps.ok()) return apps.status();
        data_.applications = std::move(*apps);
        progress_.AddFetched(VertexKind::kApplication,
                             static_cast<int64_t>(data_.applications.size()));
        return absl::OkStatus();
      }
      absl::StatusOr<std::vector<TenantRecord>> apis = FetchApis(worker.api);
      if (!apis.ok()) {
        // Optional: a refusal skips it; other trouble fails the import.
        if (absl::IsPermissionDenied(apis.status())) {
          apis_status = apis.status();
          return absl::OkStatus();
        }
        return apis.status();
      }
      data_.apis = std::move(*apis);
      progress_.AddFetched(VertexKind::kApi,
                           static_cast<int64_t>(data_.apis.size()));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    if (!apis_status.ok()) WarnSkipped("apis", "apis", api_scopes);
    data_.sources.apis = with_apis && apis_status.ok();
    return absl::OkStatus();
  }

  absl::Status Roles() {
    progress_.SetPhase(ImportPhase::kRoles,
                       "reading roles, their members and permissions");
    absl::StatusOr<std::vector<TenantRecord>> roles =
        FetchRoles(workers_[0].api);
    if (!roles.ok()) return roles.status();
    data_.roles = std::move(*roles);
    progress_.AddFetched(VertexKind::kRole,
                         static_cast<int64_t>(data_.roles.size()));
    std::vector<std::vector<std::string>> members(data_.roles.size());
    std::vector<std::vector<Permission>> permissions(data_.roles.size());
    // Two items per role (members, permissions), so both spread over workers.
    absl::Status status =
        ForEach(2 * data_.roles.size(), [&](Worker& worker, size_t item) {
          const size_t i = item / 2;
          const std::string& role = data_.roles[i].id;
          if (item % 2 == 1) {
            absl::StatusOr<std::vector<Permission>> granted =
                FetchRolePermissions(worker.api, role);
            if (!granted.ok()) return granted.status();
            permissions[i] = std::move(*granted);
            return absl::OkStatus();
          }
          absl::StatusOr<std::vector<std::string>> ids =
              FetchRoleMembers(worker.api, role);
          if (!ids.ok()) return ids.status();
          members[i] = std::move(*ids);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    for (size_t i = 0; i < data_.roles.size(); ++i) {
      for (std::string& user : members[i])
        data_.role_members.emplace_back(data_.roles[i].id, std::move(user));
      for (Permission& permission : permissions[i])
        data_.role_permissions.push_back(std::move(permission));
    }
    return absl::OkStatus();
  }

  // After Roles: a listing that does not say which permissions are direct
  // is told apart by the roles the user holds (user_permissions.h).
  absl::Status UserPermissions() {
    if (!config_.user_permissions) return absl::OkStatus();
    progress_.SetPhase(
        ImportPhase::kUserPermissions,
        absl::StrCat("reading the direct permissions of ", data_.users.size(),
                     " users (one request each)"));
    std::vector<std::vector<ListedPermission>> listed(data_.users.size());
    absl::Status status =
        ForEach(data_.users.size(), [&](Worker& worker, size_t i) {
          absl::StatusOr<std::vector<ListedPermission>> found =
              FetchUserPermissions(worker.api, data_.users[i].id);
          if (!found.ok()) return found.status();
          listed[i] = *std::move(found);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    bool unknown = false;
    for (const std::vector<ListedPermission>& entries : listed) {
      for (const ListedPermission& entry : entries)
        unknown |= entry.assignment == ListedPermission::Assignment::kUnknown;
    }
    // Role memberships by user, for every user at once.
    if (unknown) EnsureIndexed(data_);
    for (size_t i = 0; i < data_.users.size(); ++i) {
      for (Permission& direct :
           DirectPermissions(listed[i], data_, data_.users[i].id)) {
        data_.user_permissions.push_back(std::move(direct));
      }
    }
    data_.sources.user_permissions = true;
    return absl::OkStatus();
  }

  bool SelectedConnection(const std::string& connection_id) const {
    for (const Connection& c : data_.connections) {
      if (c.id == connection_id) return true;
    }
    return false;
  }

  absl::Status Groups() {
    std::vector<std::string> missing =
        Missing(CapabilityNamed("groups").scopes);
    if (!missing.empty()) {
      WarnSkipped("groups", "groups", std::move(missing));
      return absl::OkStatus();
    }
    progress_.SetPhase(ImportPhase::kGroups,
                       "reading native groups, their members and roles");
    absl::StatusOr<std::vector<TenantRecord>> groups =
        FetchGroups(workers_[0].api);
    if (absl::IsPermissionDenied(groups.status())) {
      WarnSkipped("groups", "groups", {"read:groups"});
      return absl::OkStatus();
    }
    if (!groups.ok()) return groups.status();
    // Groups of connections that are not selected hold only users who are
    // left out anyway; their members are not worth a request each.
    for (TenantRecord& group : *groups) {
      if (group.detail.empty() || SelectedConnection(group.detail))
        data_.groups.push_back(std::move(group));
    }
    progress_.AddFetched(VertexKind::kGroup,
                         static_cast<int64_t>(data_.groups.size()));
    std::vector<GroupMembers> members(data_.groups.size());
    std::vector<std::vector<std::string>> roles(data_.groups.size());
    absl::Status status =
        ForEach(2 * data_.groups.size(), [&](Worker& worker, size_t item) {
          const size_t i = item / 2;
          const std::string& group = data_.groups[i].id;
          if (item % 2 == 0) {
            absl::StatusOr<GroupMembers> found =
                FetchGroupMembers(worker.api, group);
            if (!found.ok()) return found.status();
            members[i] = std::move(*found);
          } else {
            absl::StatusOr<std::vector<std::string>> found =
                FetchGroupRoles(worker.api, group);
            if (!found.ok()) return found.status();
            roles[i] = std::move(*found);
          }
          return absl::OkStatus();
        });
    if (absl::IsPermissionDenied(status)) {
      WarnSkipped("groups", "groups", {"read:group_members", "read:roles"});
      data_.groups.clear();
      return absl::OkStatus();
    }
    if (!status.ok()) return status;
    for (size_t i = 0; i < data_.groups.size(); ++i) {
      const std::string& group = data_.groups[i].id;
      for (std::string& user : members[i].users)
        data_.group_user_members.emplace_back(group, std::move(user));
      for (std::string& member : members[i].groups)
        data_.group_group_members.emplace_back(group, std::move(member));
      for (std::string& role : roles[i])
        data_.group_roles.emplace_back(group, std::move(role));
    }
    data_.sources.groups = true;
    return absl::OkStatus();
  }

  absl::Status Organizations() {
    if (!config_.include_organizations) return absl::OkStatus();
    std::vector<std::string> missing =
        Missing(CapabilityNamed("organizations").scopes);
    if (!missing.empty()) {
      WarnSkipped("organizations", "organizations", std::move(missing));
      return absl::OkStatus();
    }
    progress_.SetPhase(ImportPhase::kOrganizations,
                       "reading organizations, members and member roles");
    std::vector<std::string> missing_roles =
        Missing(CapabilityNamed("organization_roles").scopes);
    const bool with_roles = missing_roles.empty();
    if (!with_roles) {
      WarnSkipped("organizations", "organization_roles",
                  std::move(missing_roles));
    }
    absl::StatusOr<std::vector<TenantRecord>> organizations =
        FetchOrganizations(workers_[0].api);
    if (absl::IsPermissionDenied(organizations.status())) {
      WarnSkipped("organizations", "organizations", {"read:organizations"});
      return absl::OkStatus();
    }
    if (!organizations.ok()) return organizations.status();
    data_.organizations = std::move(*organizations);
    progress_.AddFetched(VertexKind::kOrganization,
                         static_cast<int64_t>(data_.organizations.size()));
    std::vector<std::vector<OrganizationMember>> members(
        data_.organizations.size());
    absl::Status status =
        ForEach(data_.organizations.size(), [&](Worker& worker, size_t i) {
          absl::StatusOr<std::vector<OrganizationMember>> found =
              FetchOrganizationMembers(worker.api, data_.organizations[i].id,
                                       with_roles);
          if (!found.ok()) return found.status();
          members[i] = std::move(*found);
          return absl::OkStatus();
        });
    if (absl::IsPermissionDenied(status)) {
      WarnSkipped(
          "organizations", "organizations",
          {"read:organization_members", "read:organization_member_roles"});
      data_.organizations.clear();
      return absl::OkStatus();
    }
    if (!status.ok()) return status;
    for (size_t i = 0; i < data_.organizations.size(); ++i) {
      const std::string& organization = data_.organizations[i].id;
      for (OrganizationMember& member : members[i]) {
        data_.organization_members.emplace_back(organization, member.user_id);
        for (std::string& role : member.role_ids) {
          data_.organization_roles.push_back(
              {organization, member.user_id, std::move(role)});
        }
      }
    }
    data_.sources.organizations = true;
    data_.sources.organization_roles = with_roles;
    return absl::OkStatus();
  }

  absl::Status ConnectionClients() {
    if (!config_.login_reachability) return absl::OkStatus();
    progress_.SetPhase(ImportPhase::kConnectionClients,
                       "reading which applications each connection serves");
    std::vector<std::vector<std::string>> clients(data_.connections.size());
    absl::Status status =
        ForEach(data_.connections.size(), [&](Worker& worker, size_t i) {
          absl::StatusOr<std::vector<std::string>> found =
              FetchConnectionClients(worker.api, data_.connections[i].id);
          if (!found.ok()) return found.status();
          clients[i] = std::move(*found);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    for (size_t i = 0; i < data_.connections.size(); ++i) {
      for (std::string& client : clients[i])
        data_.connection_clients.emplace_back(data_.connections[i].id,
                                              std::move(client));
    }
    data_.sources.connection_clients = true;
    return absl::OkStatus();
  }

  absl::Status Extension() {
    if (!config_.extension.enabled) return absl::OkStatus();
    progress_.SetPhase(ImportPhase::kAuthorizationExtension,
                       "reading the Authorization Extension");
    absl::StatusOr<ExtensionData> extension =
        FetchExtension({extension_caller_.get(), config_.extension.api_url,
                        config_.extension.audience},
                       extension_scopes_);
    if (!extension.ok()) return extension.status();
    data_.extension = std::move(*extension);
    progress_.AddFetched(VertexKind::kGroup,
                         static_cast<int64_t>(data_.extension.groups.size()));
    progress_.AddFetched(VertexKind::kRole,
                         static_cast<int64_t>(data_.extension.roles.size()));
    return absl::OkStatus();
  }

  const TenantConfig& config_;
  const ImportOptions& options_;
  const std::atomic<bool>& cancelled_;
  Progress progress_;
  HttpClient token_http_;
  TokenSource tokens_;
  // The server's (shared with its other calls to the same hosts) or the
  // import's own. The extension runs elsewhere (webtask) with budgets of its
  // own.
  TenantLimiters own_limiters_;
  RateLimiter& management_limiter_;
  RateLimiter& extension_limiter_;
  // When at least one of this import's requests waited for its turn.
  WaitMeter waits_;
  std::vector<Worker> workers_;
  std::unique_ptr<AuthorizedCaller> extension_caller_;
  std::vector<std::string> scopes_;
  std::vector<std::string> extension_scopes_;
  TenantData data_;
  std::atomic<int64_t> vanished_{0};
  std::mutex stats_mutex_;
  UserFetchStats user_stats_ ABSL_GUARDED_BY(stats_mutex_);
};

}  // namespace

absl::StatusOr<ImportResult> Import(const TenantConfig& config,
                                    const ImportOptions& options,
                                    const std::atomic<bool>& cancelled,
                                    const ProgressCallback& on_progress) {
  if (absl::Status hosts = CheckTenantHosts(config); !hosts.ok()) return hosts;
  Importer importer(config, options, cancelled, on_progress);
  return importer.Run();
}

}  // namespace identitygraph::importer
