// What a simulated endpoint answers: a status and a JSON body, plus Auth0's
// error shapes.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_API_REPLY_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_API_REPLY_H_

#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace identitygraph::sim {

struct ApiReply {
  ApiReply() = default;
  ApiReply(int status, nlohmann::json body)
      : status(status), body(std::move(body)) {}
  // A reply that is not JSON (export downloads are gzip files).
  static ApiReply Raw(int status, std::string body, std::string content_type) {
    ApiReply reply(status, nullptr);
    reply.raw_body = std::move(body);
    reply.raw_content_type = std::move(content_type);
    return reply;
  }

  int status = 200;
  nlohmann::json body;
  // When raw_content_type is set, raw_body is sent instead of `body`.
  std::string raw_body;
  std::string raw_content_type;
  // Extra response headers (e.g. the logs API's Link).
  std::vector<std::pair<std::string, std::string>> headers;
};

// A Management API error: {"statusCode", "error", "message", "errorCode"}.
inline ApiReply ApiError(int status, const std::string& message,
                         const std::string& error_code) {
  const char* reason = status == 400   ? "Bad Request"
                       : status == 401 ? "Unauthorized"
                       : status == 403 ? "Forbidden"
                       : status == 404 ? "Not Found"
                       : status == 429 ? "Too Many Requests"
                                       : "Internal Server Error";
  nlohmann::json body = {
      {"statusCode", status}, {"error", reason}, {"message", message}};
  if (!error_code.empty()) body["errorCode"] = error_code;
  return {status, body};
}

// An OAuth error of /oauth/token: {"error", "error_description"}.
inline ApiReply OAuthError(int status, const std::string& error,
                           const std::string& description) {
  return {status, {{"error", error}, {"error_description", description}}};
}

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_API_REPLY_H_
