// Bearer-token authorisation of RPCs.
//
// Two roles: admins (ConfigService, ScanService, and everything readers may
// call) and readers (AccessService). Tokens come from files given on the
// command line, one token per line (several lines allow rotation without
// downtime; blank lines and lines starting with '#' are ignored). Callers send
// `authorization: Bearer TOKEN` metadata. Tokens are compared in constant time,
// and never logged or echoed.
//
// Outcomes of Authorize:
//   no admin tokens configured, admin RPC    -> PERMISSION_DENIED (admin RPCs
//   disabled) no reader tokens configured, read RPC    -> OK without any token
//   no or malformed authorization metadata   -> UNAUTHENTICATED
//   a token that matches no configured token -> UNAUTHENTICATED
//   the reader token on an admin RPC         -> PERMISSION_DENIED
#ifndef IDENTITYGRAPH_SERVER_AUTH_H_
#define IDENTITYGRAPH_SERVER_AUTH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace identitygraph {

enum class Role { kReader, kAdmin };

// The shortest token accepted, so that a guessable token cannot be configured
// by mistake.
inline constexpr size_t kMinTokenLength = 16;

// Reads a token file. Errors name the file and say what is wrong (missing,
// empty, a token too short or with characters that cannot travel in HTTP/2
// metadata).
absl::StatusOr<std::vector<std::string>> LoadTokenFile(const std::string& path);

// Compares without an early exit, so the time taken does not reveal how much
// matched.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

class Authorizer {
 public:
  // Either list may be empty: no admin tokens disables admin RPCs; no reader
  // tokens opens reads to every caller. A token in both lists is refused.
  static absl::StatusOr<Authorizer> Create(
      std::vector<std::string> admin_tokens,
      std::vector<std::string> reader_tokens);

  // Decides whether a caller presenting `authorization_header` (empty when
  // absent) may call an RPC that requires `required`.
  absl::Status Authorize(absl::string_view authorization_header,
                         Role required) const;

  // The same, reading the metadata of a call.
  absl::Status Authorize(const grpc::ServerContextBase& context,
                         Role required) const;

  bool reads_need_token() const { return !reader_tokens_.empty(); }
  bool admin_enabled() const { return !admin_tokens_.empty(); }

 private:
  Authorizer(std::vector<std::string> admin_tokens,
             std::vector<std::string> reader_tokens)
      : admin_tokens_(std::move(admin_tokens)),
        reader_tokens_(std::move(reader_tokens)) {}

  std::vector<std::string> admin_tokens_;
  std::vector<std::string> reader_tokens_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_AUTH_H_
