#include "tests/auth0_sim/paging.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace identitygraph::sim {
namespace {

constexpr int64_t kMaxOffsetRecords = 1000;
constexpr int64_t kMaxPerPage = 100;
constexpr int64_t kDefaultPageSize = 50;
constexpr char kCursorPrefix[] = "sim";

ApiReply QueryError(const std::string& detail, const std::string& property) {
  return ApiError(400,
                  absl::StrCat("Query validation error: '", detail,
                               "' on property ", property, "."),
                  "invalid_query_string");
}

// Reads an integer parameter within [minimum, maximum].
std::optional<ApiReply> ReadInt(const ParamGetter& param,
                                const std::string& name, int64_t minimum,
                                int64_t maximum, int64_t* value) {
  std::optional<std::string> text = param(name);
  if (!text) return std::nullopt;
  if (!absl::SimpleAtoi(*text, value)) {
    return QueryError(
        absl::StrCat("Expected type integer but found type string"), name);
  }
  if (*value < minimum) {
    return QueryError(
        absl::StrCat("Value ", *value, " is less than minimum ", minimum),
        name);
  }
  if (*value > maximum) {
    return QueryError(
        absl::StrCat("Value ", *value, " is greater than maximum ", maximum),
        name);
  }
  return std::nullopt;
}

ApiReply CheckpointPage(const std::vector<nlohmann::json>& items,
                        const ParamGetter& param, const PagingRules& rules) {
  int64_t take = kDefaultPageSize;
  if (auto error = ReadInt(param, "take", 1, rules.max_take, &take))
    return *error;
  int64_t start = 0;
  if (std::optional<std::string> from = param("from"); from && !from->empty()) {
    if (from->rfind(kCursorPrefix, 0) != 0 ||
        !absl::SimpleAtoi(from->substr(sizeof(kCursorPrefix) - 1), &start) ||
        start < 0) {
      return ApiError(
          400,
          "Invalid value for from: not a checkpoint returned by this endpoint",
          "invalid_query_string");
    }
  }
  const int64_t total = static_cast<int64_t>(items.size());
  const int64_t end = std::min(total, start + take);
  nlohmann::json page = nlohmann::json::array();
  for (int64_t i = start; i < end; ++i)
    page.push_back(items[static_cast<size_t>(i)]);
  nlohmann::json body = {{rules.key, std::move(page)}};
  if (end < total) body["next"] = absl::StrCat(kCursorPrefix, end);
  return {200, std::move(body)};
}

}  // namespace

ApiReply Page(const std::vector<nlohmann::json>& items,
              const ParamGetter& param, const PagingRules& rules) {
  if (rules.checkpoint && (param("from") || param("take"))) {
    return CheckpointPage(items, param, rules);
  }
  if (!rules.offset) return CheckpointPage(items, param, rules);

  int64_t per_page = kDefaultPageSize;
  int64_t page_number = 0;
  if (auto error = ReadInt(param, "per_page", 0, kMaxPerPage, &per_page))
    return *error;
  if (auto error = ReadInt(param, "page", 0, INT32_MAX, &page_number))
    return *error;
  std::optional<std::string> totals = param("include_totals");
  const bool include_totals = totals && (*totals == "true" || *totals == "1");

  const int64_t start = page_number * per_page;
  if (rules.offset_capped && start >= kMaxOffsetRecords && per_page > 0) {
    if (rules.users_search) {
      return ApiError(
          400,
          "You can only page through the first 1000 records. See "
          "https://auth0.com/docs/users/search/v3/view-search-results-by-page"
          "#limitation",
          "invalid_paging");
    }
    return ApiError(
        400,
        absl::StrCat(
            "Requesting page ", page_number,
            " exceeds the allowed maximum of 1000 records. To fetch "
            "results beyond 1000, use the checkpoint pagination method."),
        "invalid_paging");
  }
  const int64_t total = static_cast<int64_t>(items.size());
  int64_t end = std::min(total, start + per_page);
  if (rules.offset_capped) end = std::min(end, kMaxOffsetRecords);
  nlohmann::json page = nlohmann::json::array();
  for (int64_t i = start; i < end; ++i)
    page.push_back(items[static_cast<size_t>(i)]);
  if (!include_totals) return {200, std::move(page)};
  nlohmann::json body = {
      {"start", start}, {"limit", per_page}, {"total", total}};
  if (rules.users_search) body["length"] = page.size();
  body[rules.key] = std::move(page);
  return {200, std::move(body)};
}

}  // namespace identitygraph::sim
