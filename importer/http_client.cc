#include "importer/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace identitygraph::importer {

std::optional<int64_t> HeaderNumber(
    const std::map<std::string, std::string>& headers,
    const std::string& name) {
  auto it = headers.find(name);
  int64_t value = 0;
  if (it == headers.end() || !absl::SimpleAtoi(it->second, &value))
    return std::nullopt;
  return value;
}
namespace {

// The observer's status label: the HTTP status, or what came instead.
std::string ExchangeOutcome(const absl::StatusOr<HttpResponse>& response) {
  if (response.ok()) return absl::StrCat(response->status);
  switch (response.status().code()) {
    case absl::StatusCode::kDeadlineExceeded:
      return "timeout";
    case absl::StatusCode::kCancelled:
      return "cancelled";
    case absl::StatusCode::kResourceExhausted:
      return "too_large";
    case absl::StatusCode::kUnavailable:
      return "network_error";
    default:  // a body sink refused what came
      return "failed";
  }
}

struct Collector {
  CURL* curl;
  HttpResponse* response;
  size_t max_body_bytes;
  const std::function<absl::Status(absl::string_view)>* sink;
  bool too_large = false;
  absl::Status sink_status;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* collector = static_cast<Collector*>(user);
  const size_t bytes = size * count;
  if (*collector->sink) {
    long status = 0;
    curl_easy_getinfo(collector->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      collector->sink_status =
          (*collector->sink)(absl::string_view(data, bytes));
      return collector->sink_status.ok() ? bytes : 0;
    }
  }
  if (collector->response->body.size() + bytes > collector->max_body_bytes) {
    collector->too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  collector->response->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const absl::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    response->headers[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  } else if (absl::StartsWith(line, "HTTP/")) {
    response->headers
        .clear();  // a new response (e.g. after 100 Continue) starts
  }
  return size * count;
}

// libcurl calls this about once a second, and whenever data moves.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancelled = static_cast<const std::atomic<bool>*>(user);
  return cancelled->load() ? 1 : 0;  // non-zero aborts the transfer
}

long Milliseconds(absl::Duration duration) {
  return static_cast<long>(absl::ToInt64Milliseconds(duration));
}

// libcurl must be initialised once per process before any handle is made.
void InitialiseCurlOnce() {
  static const bool initialised = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == 0;
  }();
  (void)initialised;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)) {
  InitialiseCurlOnce();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
}

absl::StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  if (!absl::StartsWithIgnoreCase(request.url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to send to '", request.url,
                     "': only https:// URLs are used"));
  }
  if (curl_ == nullptr)
    return absl::InternalError("libcurl could not make a handle");
  if (options_.observer == nullptr) return Exchange(request);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response = Exchange(request);
  options_.observer->OnExchange(EndpointTemplate(request.url),
                                ExchangeOutcome(response), absl::Now() - start);
  return response;
}

absl::StatusOr<HttpResponse> HttpClient::Exchange(const HttpRequest& request) {
  // Reset clears per-request options but keeps the connection cache: keep-alive
  // survives.
  curl_easy_reset(curl_);
  HttpResponse response;
  Collector collector{
      curl_, &response,       options_.max_body_bytes, &request.body_sink,
      false, absl::OkStatus()};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers =
        curl_slist_append(headers, absl::StrCat(name, ": ", value).c_str());
  }
  curl_slist* connect_to = nullptr;
  if (!options_.connect_to.empty()) {
    connect_to = curl_slist_append(
        nullptr, absl::StrCat("::", options_.connect_to).c_str());
  }
  curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty())
    curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (connect_to != nullptr)
    curl_easy_setopt(curl_, CURLOPT_CONNECT_TO, connect_to);
  curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING,
                   "");  // every encoding libcurl decodes
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                   Milliseconds(options_.connect_timeout));
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS,
                   Milliseconds(request.timeout > absl::ZeroDuration()
                                    ? request.timeout
                                    : options_.total_timeout));
  // A transfer that stalls (under 1 KiB/s for the connect timeout) is cut
  // early, so long downloads need no short total timeout to notice trouble.
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, Milliseconds(options_.connect_timeout) / 1000));
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &collector);
  if (request.cancelled != nullptr) {
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA,
                     const_cast<std::atomic<bool>*>(request.cancelled));
  }
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response);
  if (request.method == "POST") {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  const CURLcode code = curl_easy_perform(curl_);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_to);
  if (!collector.sink_status.ok()) return collector.sink_status;
  if (collector.too_large) {
    return absl::ResourceExhaustedError(
        absl::StrCat(request.url, " answered with more than ",
                     options_.max_body_bytes, " bytes"));
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return absl::CancelledError(
        absl::StrCat("the request to ", request.url, " was cancelled"));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(absl::StrCat(
        request.url, " did not answer in time: ", curl_easy_strerror(code)));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(
        "request to ", request.url, " failed: ", curl_easy_strerror(code)));
  }
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace identitygraph::importer
