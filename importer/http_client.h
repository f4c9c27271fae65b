// HTTPS requests to Auth0 over libcurl: one reused connection per client, gzip,
// timeouts, a cap on the response body, and TLS always verified.
//
//   HttpClientOptions options;
//   options.connect_to = "127.0.0.1:8443";        // tests only: the tenant
//   simulator options.ca_file = "/tmp/sim/ca.pem"; HttpClient client(options);
//   absl::StatusOr<HttpResponse> response = client.Send(
//       {"GET", "https://acme.us.auth0.com/api/v2/roles", {{"Authorization",
//       "Bearer ..."}}});
//
// Only https:// URLs are sent and redirects are never followed, so a response
// cannot steer the importer to another host. `connect_to` and `ca_file` are the
// only way to point it elsewhere, and they keep the real host name for TLS
// verification.
//
// Errors (the request could not complete; HTTP error statuses are responses,
// not errors):
//   INVALID_ARGUMENT    the URL is not https://
//   DEADLINE_EXCEEDED   the connect or total timeout passed
//   RESOURCE_EXHAUSTED  the body is larger than `max_body_bytes`
//   CANCELLED           the request's `cancelled` flag was raised
//   (a body sink's own error, as it returned it)
//   UNAVAILABLE         anything else on the way (DNS, refused, reset, cut
//   body, TLS); the
//                       message has libcurl's reason
// Not thread-safe: give each thread its own client.
#ifndef IDENTITYGRAPH_IMPORTER_HTTP_CLIENT_H_
#define IDENTITYGRAPH_IMPORTER_HTTP_CLIENT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "importer/http_observer.h"

typedef void CURL;

namespace identitygraph::importer {

struct HttpClientOptions {
  // HOST:PORT that every request connects to instead of the URL's host (the
  // simulator).
  std::string connect_to;
  // PEM CA bundle to verify servers with, instead of the system's.
  std::string ca_file;
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration total_timeout = absl::Seconds(120);
  // Largest (decompressed) body accepted, unless the request streams it.
  size_t max_body_bytes = size_t{1} << 30;
  std::string user_agent = "identitygraph-importer/0.1";
  // Told about every exchange (metrics); must outlive the clients. Optional.
  HttpObserver* observer = nullptr;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, a 2xx body goes here chunk by chunk instead of into
  // HttpResponse::body, and is not capped (large downloads); an error from the
  // sink stops the transfer and is returned. Other statuses are collected.
  std::function<absl::Status(absl::string_view)> body_sink;
  // Overrides the client's total timeout when not zero.
  absl::Duration timeout = absl::ZeroDuration();
  // When set and true, the transfer stops within about a second: CANCELLED.
  const std::atomic<bool>* cancelled = nullptr;
};

struct HttpResponse {
  long status = 0;
  // Header names lowercased; the last value wins.
  std::map<std::string, std::string> headers;
  std::string body;
};

// The integer value of header `name` (lowercase), or nullopt when it is
// missing or not a number.
std::optional<int64_t> HeaderNumber(
    const std::map<std::string, std::string>& headers, const std::string& name);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request);

 private:
  absl::StatusOr<HttpResponse> Exchange(const HttpRequest& request);

  HttpClientOptions options_;
  CURL* curl_;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_HTTP_CLIENT_H_
