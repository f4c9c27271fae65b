#include "server/auth.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/durable_file.h"
#include "importer/re2_util.h"
#include "re2/re2.h"
#include "server/log.h"

namespace identitygraph {
namespace {

constexpr size_t kMaxTokenFileBytes = size_t{64} << 10;
// Printable ASCII without spaces: what an HTTP/2 header value carries
// unchanged.
const LazyRE2 kTokenCharacters = {R"(^[\x21-\x7e]+$)"};

bool MatchesAny(const std::vector<std::string>& tokens,
                absl::string_view candidate) {
  bool matched = false;
  for (const std::string& token : tokens) {
    // No early exit: every configured token is compared.
    matched |= ConstantTimeEquals(token, candidate);
  }
  return matched;
}

}  // namespace

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  const size_t length = a.size() > b.size() ? a.size() : b.size();
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < length; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference |= static_cast<unsigned char>(x ^ y);
  }
  return difference == 0;
}

absl::StatusOr<std::vector<std::string>> LoadTokenFile(
    const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, kMaxTokenFileBytes);
  if (!text.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the token file: ", text.status().message()));
  }
  std::vector<std::string> tokens;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    if (line.size() < kMinTokenLength ||
        !RE2::FullMatch(Piece(line), *kTokenCharacters)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line_number, " of the token file ", path,
          " is not a usable token: tokens are at least ", kMinTokenLength,
          " printable ASCII characters without spaces (make one with `openssl "
          "rand -hex 32`)"));
    }
    tokens.emplace_back(line);
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the token file ", path,
        " holds no token; put one token per line (e.g. from `openssl rand -hex "
        "32`)"));
  }
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    LogWarning(
        absl::StrCat("the token file ", path,
                     " is readable by group or others; consider chmod 600"));
  }
  return tokens;
}

absl::StatusOr<Authorizer> Authorizer::Create(
    std::vector<std::string> admin_tokens,
    std::vector<std::string> reader_tokens) {
  for (const std::string& token : reader_tokens) {
    if (MatchesAny(admin_tokens, token)) {
      return absl::InvalidArgumentError(
          "a token appears in both the admin and the reader token files; give "
          "readers "
          "their own token");
    }
  }
  return Authorizer(std::move(admin_tokens), std::move(reader_tokens));
}

absl::Status Authorizer::Authorize(absl::string_view header,
                                   Role required) const {
  if (required == Role::kAdmin && admin_tokens_.empty()) {
    return absl::PermissionDeniedError(
        "admin RPCs are disabled: the server was started without "
        "--admin_token_file");
  }
  if (required == Role::kReader && reader_tokens_.empty())
    return absl::OkStatus();
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "missing credentials: send the metadata 'authorization: Bearer "
        "<token>'");
  }
  // The scheme is case-insensitive (RFC 7235); one space separates it from the
  // token.
  constexpr absl::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "malformed authorization metadata: expected 'Bearer <token>'");
  }
  absl::string_view token =
      absl::StripAsciiWhitespace(header.substr(kScheme.size()));
  const bool admin = MatchesAny(admin_tokens_, token);
  const bool reader = MatchesAny(reader_tokens_, token);
  if (!admin && !reader) {
    return absl::UnauthenticatedError(
        "the bearer token is not valid for this server");
  }
  if (required == Role::kAdmin && !admin) {
    return absl::PermissionDeniedError(
        "this RPC needs the admin token; the reader token may only call "
        "AccessService");
  }
  return absl::OkStatus();
}

absl::Status Authorizer::Authorize(const grpc::ServerContextBase& context,
                                   Role required) const {
  // client_metadata() builds a map of every header on first use: not worth it
  // when reads need no token.
  if (required == Role::kReader && reader_tokens_.empty())
    return absl::OkStatus();
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  absl::string_view header;
  if (it != metadata.end())
    header = absl::string_view(it->second.data(), it->second.size());
  return Authorize(header, required);
}

}  // namespace identitygraph
