// What a simulated endpoint answers: a status and a JSON body, plus Auth0's
// error shapes.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_API_REPLY_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_API_REPLY_H_

#include <string>

#include "nlohmann/json.hpp"

namespace identitygraph::sim {

struct ApiReply {
  int status = 200;
  nlohmann::json body;
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
