// What the importer tells about each HTTP exchange with Auth0, for metrics:
// HttpClientOptions::observer hears every request any client made with those
// options sends (token requests included), whether or not an answer came.
//
//   class Counter : public HttpObserver {
//     void OnExchange(absl::string_view endpoint, absl::string_view status,
//                     absl::Duration elapsed) override { ... }
//   };
//
// `endpoint` is the request's path as a template (EndpointTemplate), so
// labels stay few however many users and roles a tenant has. Implementations
// must be thread-safe: every importer thread reports.
#ifndef IDENTITYGRAPH_IMPORTER_HTTP_OBSERVER_H_
#define IDENTITYGRAPH_IMPORTER_HTTP_OBSERVER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace identitygraph::importer {

class HttpObserver {
 public:
  virtual ~HttpObserver() = default;
  // `status` is the HTTP status ("200", "429"), or, when no answer came, what
  // happened instead: "timeout", "cancelled", "too_large", "network_error", or
  // "failed" (a streamed body's reader refused it).
  virtual void OnExchange(absl::string_view endpoint, absl::string_view status,
                          absl::Duration elapsed) = 0;
};

// The path of `url` with every segment that is not one of Auth0's fixed path
// words (api, v2, users, roles, members, oauth, token, ...) replaced by
// "{id}", without the query: "https://t.auth0.com/api/v2/roles/rol_1/users?
// page=2" -> "/api/v2/roles/{id}/users". At most 8 segments are kept (a
// longer path ends in "/..."), so the templates of any URLs are few.
std::string EndpointTemplate(absl::string_view url);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_HTTP_OBSERVER_H_
