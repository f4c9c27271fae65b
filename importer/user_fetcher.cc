#include "importer/user_fetcher.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "importer/auth0_api.h"
#include "importer/cancellation.h"
#include "importer/gzip_lines.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

constexpr char kUsersScope[] = "read:users";
constexpr int kCreateAttempts = 3;

TenantUser ToUser(const wire::User& user, const std::string& connection_id) {
  return {user.user_id(),
          user.name().empty() ? user.nickname() : user.name(),
          user.email(),
          {connection_id},
          user.blocked()};
}

// A sentinel from the first search page: the connection is too big to search.
absl::Status TooManyToSearch() {
  return absl::ResourceExhaustedError("switch to an export job");
}

class ExportRun {
 public:
  ExportRun(const ManagementApi& api, HttpClient* http,
            const Connection& connection, const UserFetchOptions& options,
            const std::atomic<bool>* cancelled, UserFetchStats* stats)
      : api_(api),
        http_(http),
        connection_(connection),
        options_(options),
        cancelled_(cancelled),
        stats_(stats),
        resource_{
            absl::StrCat("the user export of connection ", connection.name),
            kUsersScope} {}

  absl::StatusOr<std::vector<TenantUser>> Run() {
    absl::StatusOr<std::string> job = Create();
    if (!job.ok()) return job.status();
    absl::Status last;
    for (int attempt = 1; attempt <= options_.download_attempts; ++attempt) {
      absl::StatusOr<std::string> location = AwaitLocation(*job);
      if (!location.ok()) return location.status();
      absl::StatusOr<std::vector<TenantUser>> users = Download(*location);
      if (users.ok() || absl::IsCancelled(users.status())) return users;
      last = users.status();
    }
    return absl::UnavailableError(absl::StrCat(
        "downloading ", resource_.what, " failed ", options_.download_attempts,
        " times; the last trouble: ", last.message()));
  }

 private:
  absl::StatusOr<std::string> Create() {
    const std::string body = absl::StrCat(
        R"({"connection_id":")", connection_.id,
        R"(","format":"json","fields":[{"name":"user_id"},{"name":"email"},)"
        R"({"name":"name"},{"name":"nickname"},{"name":"blocked"}]})");
    // A garbled answer is asked again: a second job costs Auth0 little, and
    // an unfinished one is deleted after a day.
    wire::ExportJob job;
    absl::Status parsed;
    for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
      absl::StatusOr<HttpResponse> response = api_.caller->Post(
          api_.Url("/api/v2/jobs/users-exports"), api_.audience(), body);
      if (!response.ok()) return response.status();
      if (response->status != 200 && response->status != 201)
        return ErrorFromResponse(*response, resource_);
      parsed = ParseJson(response->body, &job, "an export job");
      if (parsed.ok()) break;
    }
    if (!parsed.ok()) return parsed;
    if (job.id().empty()) {
      return absl::UnavailableError(
          "Auth0 answered the export request without a job id; try again "
          "later");
    }
    ++stats_->export_jobs;
    return job.id();
  }

  // Polls the job until it is done, and returns a fresh download link.
  absl::StatusOr<std::string> AwaitLocation(const std::string& job_id) {
    const absl::Time deadline = absl::Now() + options_.export_timeout;
    absl::Duration interval = options_.min_poll_interval;
    while (true) {
      wire::ExportJob job;
      if (absl::Status got = GetJson(
              *api_.caller, resource_,
              api_.Url(absl::StrCat("/api/v2/jobs/", UrlEncode(job_id))),
              api_.audience(), &job);
          !got.ok()) {
        return got;
      }
      ++stats_->export_polls;
      if (job.status() == "completed") {
        if (job.location().empty()) {
          return absl::UnavailableError(
              "Auth0 says the export job completed but gave no download "
              "link; try again later");
        }
        return job.location();
      }
      if (job.status() == "failed") {
        return absl::UnavailableError(
            absl::StrCat("Auth0's export job ", job_id, " for connection ",
                         connection_.name, " failed; try again later"));
      }
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("Auth0's export job ", job_id, " for connection ",
                         connection_.name, " did not finish within ",
                         absl::FormatDuration(options_.export_timeout)));
      }
      // The job's own estimate, within bounds; without one, back off.
      absl::Duration wait = interval;
      if (job.time_left_seconds() > 0)
        wait = absl::Seconds(job.time_left_seconds());
      wait = std::clamp(wait, options_.min_poll_interval,
                        options_.max_poll_interval);
      interval = std::min(interval * 2, options_.max_poll_interval);
      if (absl::Status slept = SleepUnlessCancelled(wait, *cancelled_);
          !slept.ok()) {
        return slept;
      }
    }
  }

  absl::StatusOr<std::vector<TenantUser>> Download(
      const std::string& location) {
    if (cancelled_->load())
      return absl::CancelledError("the import was cancelled");
    std::vector<TenantUser> users;
    wire::User user;
    absl::Duration parse_time;
    int64_t line_number = 0;
    GzipLines lines([&](absl::string_view line) -> absl::Status {
      ++line_number;
      const absl::Time start = absl::Now();
      absl::Status parsed = ParseJson(line, &user, "a user record");
      parse_time += absl::Now() - start;
      if (!parsed.ok()) {
        return absl::DataLossError(absl::StrCat("line ", line_number, " of ",
                                                resource_.what, ": ",
                                                parsed.message()));
      }
      if (user.user_id().empty()) {
        return absl::DataLossError(absl::StrCat(
            "line ", line_number, " of ", resource_.what, " has no user_id"));
      }
      users.push_back(ToUser(user, connection_.id));
      return absl::OkStatus();
    });
    HttpRequest request;
    request.url = location;
    request.timeout = options_.download_timeout;
    request.cancelled = cancelled_;
    request.body_sink = [&](absl::string_view chunk) {
      if (cancelled_->load())
        return absl::CancelledError("the import was cancelled");
      return lines.Feed(chunk);
    };
    ++stats_->downloads;
    absl::StatusOr<HttpResponse> response = http_->Send(request);
    stats_->download_bytes += lines.compressed_bytes();
    stats_->export_lines += lines.lines();
    stats_->parse_time += parse_time;
    if (!response.ok()) return response.status();
    if (response->status != 200) {
      // An expired link answers 403 (an S3-style XML body).
      return absl::UnavailableError(
          absl::StrCat("the export download answered HTTP ", response->status));
    }
    if (absl::Status finished = lines.Finish(); !finished.ok()) return finished;
    return users;
  }

  const ManagementApi& api_;
  HttpClient* const http_;
  const Connection& connection_;
  const UserFetchOptions& options_;
  const std::atomic<bool>* const cancelled_;
  UserFetchStats* const stats_;
  const Resource resource_;
};

std::string SearchUrl(const ManagementApi& api, const Connection& connection) {
  return api.Url(absl::StrCat("/api/v2/users?search_engine=v3&q=",
                              UrlEncode(absl::StrCat("identities.connection:\"",
                                                     connection.name, "\"")),
                              "&fields=user_id,email,name,nickname,blocked"
                              "&include_fields=true"));
}

}  // namespace

absl::StatusOr<int64_t> CountConnectionUsers(const ManagementApi& api,
                                             const Connection& connection) {
  wire::UsersPage page;
  absl::Status status = GetJson(
      *api.caller,
      {absl::StrCat("the users of connection ", connection.name), kUsersScope},
      absl::StrCat(SearchUrl(api, connection),
                   "&page=0&per_page=1&include_totals=true"),
      api.audience(), &page);
  if (!status.ok()) return status;
  return page.total();
}

absl::StatusOr<std::vector<TenantUser>> FetchConnectionUsers(
    const ManagementApi& api, HttpClient* download_http,
    const Connection& connection, const UserFetchOptions& options,
    const std::atomic<bool>* cancelled, UserFetchStats* stats) {
  std::vector<TenantUser> users;
  wire::UsersPage page;
  const std::string url = SearchUrl(api, connection);
  absl::Status searched = ForEachOffsetPage(
      *api.caller,
      {absl::StrCat("the users of connection ", connection.name), kUsersScope},
      url, api.audience(), &page,
      [&] {
        if (page.total() > options.search_limit) return TooManyToSearch();
        for (const wire::User& user : page.users()) {
          if (!user.user_id().empty())
            users.push_back(ToUser(user, connection.id));
        }
        return absl::OkStatus();
      },
      /*capped=*/true);
  if (searched.ok()) return users;
  if (!absl::IsResourceExhausted(searched) &&
      !absl::IsFailedPrecondition(searched)) {
    return searched;
  }
  // Past the search cap (or grown past it while paging): export.
  ExportRun run(api, download_http, connection, options, cancelled, stats);
  return run.Run();
}

}  // namespace identitygraph::importer
