// What every fetcher shares: turning Auth0's error answers into statuses that
// say what to do, parsing JSON into wire messages, URL encoding, and walking
// Auth0's two paging styles without ever sending a request Auth0 would refuse
// (per_page and take at most 100, no offset past record 1000).
//
//   wire::RolesPage page;
//   absl::Status status = ForEachOffsetPage(
//       caller, {"roles", "read:roles"}, base + "/api/v2/roles", audience,
//       &page, [&] { for (auto& r : page.roles()) ...; return absl::OkStatus();
//       });
//
// Errors:
//   PERMISSION_DENIED  403: a scope is missing; the message names it and where
//                      to grant it (optional sources are skipped on this code)
//   NOT_FOUND          404: the record went away while the import ran
//   INVALID_ARGUMENT   400: Auth0 refused the request (a bug here: report it)
//   UNAVAILABLE        anything else, including answers that are not JSON of
//                      the expected shape, or a paging loop
#ifndef IDENTITYGRAPH_IMPORTER_AUTH0_API_H_
#define IDENTITYGRAPH_IMPORTER_AUTH0_API_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "importer/authorized_caller.h"

namespace identitygraph::importer {

// What a request reads, for messages: "role members", and the scopes Auth0
// wants for it: "read:users and read:roles".
struct Resource {
  std::string what;
  std::string scopes;
};

// The status for a non-2xx answer about `resource`. `audience_label` names the
// API in remediation ("Auth0 Management API").
absl::Status ErrorFromResponse(
    const HttpResponse& response, const Resource& resource,
    absl::string_view api_label = "Auth0 Management API");

// Parses Auth0 JSON into `message`, ignoring unknown fields. UNAVAILABLE naming
// `what` when the body is not JSON of that shape.
absl::Status ParseJson(absl::string_view body,
                       google::protobuf::Message* message,
                       absl::string_view what);

// Percent-encodes everything but unreserved characters (RFC 3986), for query
// values and path segments such as user ids ("samlp|ken").
std::string UrlEncode(absl::string_view text);

// GETs `url` and parses a 200 answer into `message`. An answer that does not
// parse is asked for again (a cut or a broken proxy can garble one), up to
// five times in all; other statuses are ErrorFromResponse's.
absl::Status GetJson(AuthorizedCaller& caller, const Resource& resource,
                     const std::string& url, const std::string& audience,
                     google::protobuf::Message* message,
                     absl::string_view api_label = "Auth0 Management API");

// As GetJson, for a document polled whole: when the 200 answer's body is
// byte for byte the one `*fingerprint` was taken of (an in-process hash; 0:
// none yet), leaves `message` as it is and answers false, without parsing;
// otherwise parses it, updates `*fingerprint` and answers true.
absl::StatusOr<bool> GetJsonIfChanged(
    AuthorizedCaller& caller, const Resource& resource, const std::string& url,
    const std::string& audience, google::protobuf::Message* message,
    uint64_t* fingerprint,
    absl::string_view api_label = "Auth0 Management API");

// Reads `url` (which may already have a query) page by page with `from`/`take`
// into `page` (a message with a string field `next`), calling `on_page` after
// each. Stops when `next` is absent, or repeats (a loop). `take` is at most 100
// unless the endpoint allows more (connection clients allow 1000).
absl::Status ForEachCheckpointPage(
    AuthorizedCaller& caller, const Resource& resource, const std::string& url,
    const std::string& audience, google::protobuf::Message* page,
    const std::function<absl::Status()>& on_page, int take = 100);

// Reads `url` page by page with page/per_page=100/include_totals=true into
// `page` (a message with an int64 field `total` and one repeated field of
// records), calling `on_page` after each, until `total` records were seen or a
// page comes back short. Refuses (FAILED_PRECONDITION) to go past record
// 1000 when `capped`, instead of sending what Auth0 answers with a 400.
absl::Status ForEachOffsetPage(AuthorizedCaller& caller,
                               const Resource& resource, const std::string& url,
                               const std::string& audience,
                               google::protobuf::Message* page,
                               const std::function<absl::Status()>& on_page,
                               bool capped = false);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_AUTH0_API_H_
