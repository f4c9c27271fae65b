// What to do about a failure, carried beside the status message as a payload,
// never inside it, so TestConnection and scan errors show "what happened" and
// "how to fix it" apart. Where a status leaves for a person as one line (a
// log line, a gRPC error), WithFix joins the two.
//
//   return WithRemediation(absl::UnauthenticatedError("Auth0 refused ..."),
//                          "Check the client id, ...");
//   std::string fix = RemediationOf(status);  // "" when there is none
//   LogError(WithFix(status));                // "Auth0 refused .... Check ..."
#ifndef IDENTITYGRAPH_IMPORTER_REMEDIATION_H_
#define IDENTITYGRAPH_IMPORTER_REMEDIATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace identitygraph::importer {

inline constexpr char kRemediationPayload[] =
    "type.identitygraph.dev/remediation";

// `status` with `fix` as its remediation payload; the message is unchanged.
inline absl::Status WithRemediation(const absl::Status& status,
                                    const std::string& fix) {
  absl::Status out = status;
  out.SetPayload(kRemediationPayload, absl::Cord(fix));
  return out;
}

// The remediation for missing scopes of `api` (its name in the dashboard):
// "Grant <scopes> to the application under Applications > APIs > <api> >
// Machine to Machine Applications; ..." with when the change takes effect.
inline std::string GrantScopes(absl::string_view scopes,
                               absl::string_view api) {
  return absl::StrCat(
      "Grant ", scopes, " to the application under Applications > APIs > ", api,
      " > Machine to Machine Applications. Scopes are written into a token "
      "when it is issued, so they reach only new tokens: TestConnection and "
      "every scan ask for fresh ones");
}
inline constexpr char kManagementApiName[] = "Auth0 Management API";

inline std::string RemediationOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRemediationPayload);
  return payload.has_value() ? std::string(*payload) : std::string();
}

// The message, then ". " and the remediation when there is one.
inline std::string WithFix(const absl::Status& status) {
  const std::string fix = RemediationOf(status);
  return fix.empty() ? std::string(status.message())
                     : absl::StrCat(status.message(), ". ", fix);
}

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_REMEDIATION_H_
