#include "importer/log_reader.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "importer/auth0_api.h"
#include "re2/re2.h"

namespace identitygraph::importer {
namespace {

const Resource kLogs{"the tenant's log events", "read:logs"};

// The `from` of the Link header's next relation, when there is one.
std::string NextFrom(const HttpResponse& response) {
  auto link = response.headers.find("link");
  if (link == response.headers.end()) return "";
  static const RE2 kNext(
      R"re(<[^>]*[?&]from=([^&>]*)[^>]*>\s*;\s*rel="?next"?)re");
  std::string from;
  if (!RE2::PartialMatch(link->second, kNext, &from)) return "";
  return from;
}

}  // namespace

LogReader::LogReader(AuthorizedCaller* caller, std::string domain,
                     std::string audience)
    : caller_(caller),
      base_(absl::StrCat("https://", domain, "/api/v2/logs")),
      audience_(std::move(audience)) {}

absl::StatusOr<std::string> LogReader::NewestLogId() {
  absl::StatusOr<HttpResponse> response = caller_->Get(
      absl::StrCat(base_, "?per_page=1&page=0&sort=date:-1"), audience_);
  if (!response.ok()) return response.status();
  if (response->status != 200) return ErrorFromResponse(*response, kLogs);
  absl::StatusOr<LogPage> page = ParseLogPage(response->body, "");
  if (!page.ok()) return page.status();
  return page->events.empty() ? "" : page->events[0].log_id();
}

absl::StatusOr<LogPage> LogReader::After(const std::string& from) {
  std::string url = absl::StrCat(base_, "?take=", kMaxLogTake);
  if (!from.empty()) absl::StrAppend(&url, "&from=", UrlEncode(from));
  absl::StatusOr<HttpResponse> response = caller_->Get(url, audience_);
  if (!response.ok()) return response.status();
  if (response->status != 200) return ErrorFromResponse(*response, kLogs);
  absl::StatusOr<LogPage> page = ParseLogPage(response->body, from);
  if (!page.ok()) return page.status();
  if (std::string link = NextFrom(*response); !link.empty()) {
    page->next_from = std::move(link);
  }
  return page;
}

absl::StatusOr<bool> LogReader::Retained(const std::string& log_id) {
  absl::StatusOr<HttpResponse> response =
      caller_->Get(absl::StrCat(base_, "/", UrlEncode(log_id)), audience_);
  if (!response.ok()) return response.status();
  if (response->status == 200) return true;
  if (response->status == 404) return false;
  return ErrorFromResponse(*response, kLogs);
}

absl::StatusOr<LogPage> ParseLogPage(absl::string_view body,
                                     const std::string& from) {
  google::protobuf::ListValue list;
  if (absl::Status parsed = ParseJson(body, &list, "a list of log events");
      !parsed.ok()) {
    return parsed;
  }
  LogPage page;
  page.next_from = from;
  for (const google::protobuf::Value& value : list.values()) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(value, &json);
    wire::LogEvent event;
    if (!ParseJson(json, &event, "a log event").ok()) {
      // Keep the event's place: its details are lost, so mapping it asks for
      // a full scan instead of skipping what it may have changed.
      wire::LogEventHeader header;
      (void)ParseJson(json, &header, "a log event");
      event.Clear();
      event.set_log_id(header.log_id());
      event.set_type(header.type());
      event.set_user_id(header.user_id());
      page.unparsed.push_back(header.log_id());
    }
    if (event.log_id().empty()) {
      return absl::UnavailableError(
          "Auth0 answered a log event without a log_id, so following cannot "
          "keep its place; try again later");
    }
    page.events.push_back(std::move(event));
  }
  if (!page.events.empty()) page.next_from = page.events.back().log_id();
  return page;
}

}  // namespace identitygraph::importer
