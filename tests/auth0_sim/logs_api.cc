#include "tests/auth0_sim/logs_api.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

constexpr int64_t kDefaultTake = 50;
constexpr int64_t kMaxTake = 100;

ApiReply QueryError(const std::string& message) {
  return ApiError(400, message, "invalid_query_string");
}

ApiReply ByCheckpoint(LogStream& logs, const std::string& domain,
                      const ParamGetter& param, absl::Time now) {
  int64_t take = kDefaultTake;
  if (auto text = param("take")) {
    if (!absl::SimpleAtoi(*text, &take) || take < 1 || take > kMaxTake) {
      return QueryError(absl::StrCat(
          "Query validation error: 'take' must be an integer from 1 to ",
          kMaxTake, "."));
    }
  }
  const std::string from = param("from").value_or("");
  if (!from.empty() && !LogStream::IsLogId(from)) {
    return QueryError("Query validation error: 'from' is not a log id.");
  }
  std::vector<Json> page = logs.After(from, static_cast<size_t>(take), now);
  // The next call starts after this page; after an empty page it is this
  // call again.
  const std::string next_from =
      page.empty() ? from : page.back()["log_id"].get<std::string>();
  ApiReply reply(200, Json(std::move(page)));
  reply.headers.push_back(
      {"Link", absl::StrCat("<https://", domain, "/api/v2/logs?from=",
                            next_from, "&take=", take, ">; rel=\"next\"")});
  return reply;
}

ApiReply BySearch(LogStream& logs, const ParamGetter& param, absl::Time now) {
  bool newest_first = true;
  if (auto sort = param("sort"); sort && !sort->empty()) {
    if (*sort != "date:-1" && *sort != "date:1") {
      return QueryError(
          "Query validation error: auth0-sim sorts logs by date:1 or "
          "date:-1 only.");
    }
    newest_first = *sort == "date:-1";
  }
  std::string type;
  if (auto q = param("q"); q && !q->empty()) {
    static const RE2 kTypeQuery(R"re(type:"?([a-z_]+)"?)re");
    if (!RE2::FullMatch(*q, kTypeQuery, &type)) {
      return QueryError(
          "auth0-sim answers q only as type:CODE; follow the log by "
          "checkpoint (from, take) instead.");
    }
  }
  std::vector<Json> events = logs.ByDate(newest_first, now);
  if (!type.empty()) {
    std::vector<Json> matched;
    for (Json& event : events) {
      if (event["type"] == type) matched.push_back(std::move(event));
    }
    events = std::move(matched);
  }
  PagingRules rules = PagingRules::Offset("logs");
  rules.offset_capped = true;
  return Page(events, param, rules);
}

}  // namespace

ApiReply ListLogs(LogStream& logs, const std::string& domain,
                  const ParamGetter& param, absl::Time now) {
  // "from" or "take" selects the checkpoint mode, where Auth0 ignores every
  // other parameter.
  if (param("from") || param("take"))
    return ByCheckpoint(logs, domain, param, now);
  return BySearch(logs, param, now);
}

ApiReply GetLog(LogStream& logs, const std::string& log_id, absl::Time now) {
  std::optional<Json> event = logs.Find(log_id, now);
  if (!event) return ApiError(404, "log not found", "inexistent_log");
  return {200, *std::move(event)};
}

}  // namespace identitygraph::sim
