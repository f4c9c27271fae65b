// Rate-limit trouble as its own outcome, told apart from the failure of
// whatever was being read: Auth0 answered 429 to every attempt, or asked for
// a longer wait than the importer keeps. The status carries, as a payload,
// when Auth0 said its budget is full again, so TestConnection can report the
// check as RATE_LIMITED with that time instead of blaming what it checked.
//
//   return RateLimited(absl::ResourceExhaustedError("..."), reset);
//   if (IsRateLimited(status)) ... RateLimitResetOf(status) ...
#ifndef IDENTITYGRAPH_IMPORTER_RATE_LIMITED_H_
#define IDENTITYGRAPH_IMPORTER_RATE_LIMITED_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "importer/remediation.h"

namespace identitygraph::importer {

inline constexpr char kRateLimitedPayload[] =
    "type.identitygraph.dev/rate-limited-until-unix-seconds";

// `status` marked as rate-limit trouble with Auth0's reset time when known;
// its message and remediation unchanged.
inline absl::Status MarkRateLimited(absl::Status status,
                                    std::optional<absl::Time> reset) {
  status.SetPayload(
      kRateLimitedPayload,
      absl::Cord(reset.has_value() ? absl::StrCat(absl::ToUnixSeconds(*reset))
                                   : std::string()));
  return status;
}

// `status` marked as rate-limit trouble, with Auth0's reset time when known,
// and a remediation saying when to try again and where to look.
inline absl::Status RateLimited(const absl::Status& status,
                                std::optional<absl::Time> reset) {
  const std::string when =
      reset.has_value()
          ? absl::StrCat(
                "Wait until ",
                absl::FormatTime("%H:%M:%S UTC", *reset, absl::UTCTimeZone()),
                " (when Auth0 says the budget is full again)")
          : std::string("Wait a minute");
  absl::Status out = WithRemediation(
      status,
      absl::StrCat(
          when,
          " and try again. The Management API rate limit is the tenant's, "
          "shared by every client: if this recurs, find the client using it "
          "in the tenant's logs (Monitoring > Logs, rate-limit events), or "
          "lower import_options.rate_limit_share so scans leave more of it "
          "to others"));
  return MarkRateLimited(std::move(out), reset);
}

inline bool IsRateLimited(const absl::Status& status) {
  return status.GetPayload(kRateLimitedPayload).has_value();
}

// Auth0's reset time carried by a RateLimited status, if any.
inline std::optional<absl::Time> RateLimitResetOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRateLimitedPayload);
  int64_t seconds = 0;
  if (!payload.has_value() ||
      !absl::SimpleAtoi(std::string(*payload), &seconds)) {
    return std::nullopt;
  }
  return absl::FromUnixSeconds(seconds);
}

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_RATE_LIMITED_H_
