#include "importer/auth0_api.h"

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "importer/remediation.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

constexpr int kPerPage = 100;
constexpr int64_t kOffsetCap = 1000;
constexpr int kParseAttempts = 5;

// Auth0's own words, cut short: bodies of proxies can be whole HTML pages.
std::string Excerpt(absl::string_view text) {
  constexpr size_t kMax = 200;
  std::string out(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  return out;
}

std::string Separator(const std::string& url) {
  return absl::StrContains(url, '?') ? "&" : "?";
}

const google::protobuf::FieldDescriptor* Field(
    const google::protobuf::Message& message, const char* name) {
  return message.GetDescriptor()->FindFieldByName(name);
}

// The number of records on a page: the size of its one repeated message field.
int RecordCount(const google::protobuf::Message& page) {
  const google::protobuf::Descriptor* descriptor = page.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated() &&
        field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      return page.GetReflection()->FieldSize(page, field);
    }
  }
  return 0;
}

}  // namespace

absl::Status ErrorFromResponse(const HttpResponse& response,
                               const Resource& resource,
                               absl::string_view api_label) {
  wire::ApiError error;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const bool auth0_shaped = google::protobuf::util::JsonStringToMessage(
                                response.body, &error, options)
                                .ok() &&
                            !error.message().empty();
  const std::string said =
      auth0_shaped ? absl::StrCat(" (Auth0 said: ", error.message(), ")") : "";
  switch (response.status) {
    case 403:
      return WithRemediation(
          absl::PermissionDeniedError(absl::StrCat(
              "reading ", resource.what, " needs ", resource.scopes, said)),
          GrantScopes(resource.scopes, api_label));
    case 404:
      return absl::NotFoundError(
          absl::StrCat("reading ", resource.what, ": not found", said,
                       "; it was probably deleted while the import ran"));
    case 400:
      return absl::InvalidArgumentError(
          absl::StrCat("Auth0 refused the request for ", resource.what, said,
                       "; this is a bug in identitygraph, please report it"));
    case 401:
      return absl::UnauthenticatedError(absl::StrCat(
          "Auth0 did not accept the access token for ", resource.what, said,
          "; check client id, secret and tenant domain"));
    default:
      return absl::UnavailableError(absl::StrCat(
          "reading ", resource.what, " failed with HTTP ", response.status,
          auth0_shaped ? said : "",
          auth0_shaped ? "" : absl::StrCat(": ", Excerpt(response.body)),
          "; try again later"));
  }
}

absl::Status ParseJson(absl::string_view body,
                       google::protobuf::Message* message,
                       absl::string_view what) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  message->Clear();
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), message,
      options);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "Auth0 answered with something that is not ", what, " (",
        Excerpt(std::string(status.message())), "; the body began: ",
        Excerpt(body.substr(0, 80)), "); try again later"));
  }
  return absl::OkStatus();
}

std::string UrlEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

absl::StatusOr<bool> GetJsonIfChanged(
    AuthorizedCaller& caller, const Resource& resource, const std::string& url,
    const std::string& audience, google::protobuf::Message* message,
    uint64_t* fingerprint, absl::string_view api_label) {
  absl::Status parsed;
  for (int attempt = 0; attempt < kParseAttempts; ++attempt) {
    absl::StatusOr<HttpResponse> response = caller.Get(url, audience);
    if (!response.ok()) return response.status();
    if (response->status != 200)
      return ErrorFromResponse(*response, resource, api_label);
    // Never 0, which stands for none.
    const uint64_t print = absl::Hash<std::string>()(response->body) | 1;
    if (print == *fingerprint) return false;
    parsed = ParseJson(response->body, message,
                       absl::StrCat("a page or record of ", resource.what));
    if (parsed.ok()) {
      *fingerprint = print;
      return true;
    }
  }
  return parsed;
}

absl::Status GetJson(AuthorizedCaller& caller, const Resource& resource,
                     const std::string& url, const std::string& audience,
                     google::protobuf::Message* message,
                     absl::string_view api_label) {
  // No fingerprint is 0: every answer is parsed.
  uint64_t none = 0;
  return GetJsonIfChanged(caller, resource, url, audience, message, &none,
                          api_label)
      .status();
}

absl::Status ForEachCheckpointPage(
    AuthorizedCaller& caller, const Resource& resource, const std::string& url,
    const std::string& audience, google::protobuf::Message* page,
    const std::function<absl::Status()>& on_page, int take) {
  const google::protobuf::FieldDescriptor* next_field = Field(*page, "next");
  const std::string first = absl::StrCat(url, Separator(url), "take=", take);
  std::string from;
  absl::flat_hash_set<std::string> seen;
  while (true) {
    const std::string page_url =
        from.empty() ? first : absl::StrCat(first, "&from=", UrlEncode(from));
    if (absl::Status got = GetJson(caller, resource, page_url, audience, page);
        !got.ok()) {
      return got;
    }
    if (absl::Status status = on_page(); !status.ok()) return status;
    from = page->GetReflection()->GetString(*page, next_field);
    if (from.empty()) return absl::OkStatus();
    // A cursor seen twice would loop forever: Auth0 never does that, a broken
    // proxy might.
    if (!seen.insert(from).second) {
      return absl::UnavailableError(absl::StrCat(
          "Auth0 returned the same page cursor twice while reading ",
          resource.what, "; try again later"));
    }
  }
}

absl::Status ForEachOffsetPage(AuthorizedCaller& caller,
                               const Resource& resource, const std::string& url,
                               const std::string& audience,
                               google::protobuf::Message* page,
                               const std::function<absl::Status()>& on_page,
                               bool capped) {
  const google::protobuf::FieldDescriptor* total_field = Field(*page, "total");
  int64_t seen = 0;
  for (int64_t number = 0;; ++number) {
    if (capped && (number + 1) * kPerPage > kOffsetCap) {
      return absl::FailedPreconditionError(
          absl::StrCat("more than ", kOffsetCap, " ", resource.what,
                       ": Auth0's offset paging stops there"));
    }
    const std::string page_url =
        absl::StrCat(url, Separator(url), "page=", number,
                     "&per_page=", kPerPage, "&include_totals=true");
    if (absl::Status got = GetJson(caller, resource, page_url, audience, page);
        !got.ok()) {
      return got;
    }
    const int count = RecordCount(*page);
    const int64_t total = page->GetReflection()->GetInt64(*page, total_field);
    if (absl::Status status = on_page(); !status.ok()) return status;
    seen += count;
    if (count < kPerPage || seen >= total) return absl::OkStatus();
  }
}

}  // namespace identitygraph::importer
