#include "importer/http_observer.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "importer/auth0_rules.h"

namespace identitygraph::importer {
namespace {

constexpr int kMaxTemplateSegments = 8;

// The fixed words of the paths the importer calls (Management API v2, the
// token endpoint, the Authorization Extension under kExtensionApiPath).
bool IsPathWord(absl::string_view segment) {
  static const auto* const kWords = new absl::flat_hash_set<absl::string_view>(
      {"api", "v2", "oauth", "token", "users", "roles", "groups", "members",
       "permissions", "clients", "connections", "organizations",
       "resource-servers", "jobs", "users-exports", "logs", "configuration",
       "export", "applications"});
  // The extension's id, the same on every tenant.
  return kWords->contains(segment) ||
         absl::StrCat("/", segment, "/api") == kExtensionApiPath;
}

}  // namespace

std::string EndpointTemplate(absl::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != url.npos) {
    url.remove_prefix(scheme + 3);
    const size_t path = url.find('/');
    url.remove_prefix(path == url.npos ? url.size() : path);
  }
  url = url.substr(0, url.find_first_of("?#"));
  std::string out;
  int kept = 0;
  for (absl::string_view segment :
       absl::StrSplit(url, '/', absl::SkipEmpty())) {
    if (kept++ == kMaxTemplateSegments) {
      out += "/...";
      break;
    }
    absl::StrAppend(&out, "/", IsPathWord(segment) ? segment : "{id}");
  }
  return out.empty() ? "/" : out;
}

}  // namespace identitygraph::importer
