#include "importer/change_mapping.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "importer/auth0_api.h"

namespace identitygraph::importer {
namespace {

// At most this many imprecise events are described per change set.
constexpr size_t kMaxImpreciseKept = 10;

// Management API collections whose changes cannot change the graph (tenant
// settings, branding, actions, credentials, consents, tickets, the log
// itself, and the importer's own client grants).
const absl::flat_hash_set<std::string>& InertCollections() {
  static const auto* const kInert =
      new absl::flat_hash_set<std::string>{"actions",
                                           "anomaly",
                                           "attack-protection",
                                           "blacklists",
                                           "branding",
                                           "client-grants",
                                           "custom-domains",
                                           "device-credentials",
                                           "email-templates",
                                           "emails",
                                           "event-streams",
                                           "flows",
                                           "forms",
                                           "grants",
                                           "guardian",
                                           "hooks",
                                           "keys",
                                           "log-streams",
                                           "logs",
                                           "network-acls",
                                           "prompts",
                                           "refresh-tokens",
                                           "risk-assessments",
                                           "rules",
                                           "rules-configs",
                                           "self-service-profiles",
                                           "sessions",
                                           "stats",
                                           "supplemental-signals",
                                           "tenants",
                                           "tickets",
                                           "token-exchange-profiles",
                                           "users-by-email",
                                           "verifiable-credentials"};
  return *kInert;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool PercentDecode(absl::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = HexValue(text[i + 1]), low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return true;
}

// The string field `key` of a JSON object body; empty when absent. The body
// goes through protobuf's own JSON code rather than Map lookups inlined here:
// under TSan the inlined map code does not match Debian's libprotobuf (it
// crashed in CI).
std::string BodyString(const google::protobuf::Value& body,
                       const std::string& key) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(body, &json).ok()) return "";
  wire::LogBodyIds ids;
  if (!ParseJson(json, &ids, "a response body").ok()) return "";
  if (key == "user_id") return ids.user_id();
  if (key == "client_id") return ids.client_id();
  return ids.id();
}

class Mapper {
 public:
  Mapper(const wire::LogEvent& event, ChangeSet& changes)
      : event_(event), changes_(changes) {}

  void Map() {
    ++changes_.events;
    const std::string& type = event_.type();
    if (type == "sapi") return ApiOperation();
    if (type == "s") {
      if (event_.user_id().empty()) return Noise();
      changes_.logged_in[event_.user_id()] = event_.connection_id().empty()
                                                 ? event_.connection()
                                                 : event_.connection_id();
      return Relevant();
    }
    // A signup, a deletion, a changed username or email: the user's record.
    if (type == "ss" || type == "sdu" || type == "scu" || type == "sce") {
      if (event_.user_id().empty()) return Every(RecordKind::kUser, type);
      Read(RecordKind::kUser, event_.user_id());
      return Relevant();
    }
    if (type == "sui") return Every(RecordKind::kUser, "sui (users imported)");
    Noise();
  }

 private:
  void Relevant() { ++changes_.relevant; }
  void Noise() { ++changes_.noise; }
  void Read(RecordKind kind, const std::string& id,
            const std::string& member = "") {
    changes_.reads.insert({kind, id, member});
  }
  void Every(RecordKind kind, absl::string_view why) {
    changes_.every_record_of.insert(kind);
    if (changes_.imprecise.size() < kMaxImpreciseKept) {
      changes_.imprecise.push_back(
          absl::StrCat("log ", event_.log_id(), " (", why, "): every ",
                       RecordKindName(kind), " is read again"));
    }
    Relevant();
  }
  void FullScan(absl::string_view why) {
    if (changes_.full_scan_reason.empty()) {
      changes_.full_scan_reason =
          absl::StrCat("log event ", event_.log_id(), " ", why);
    }
    Relevant();
  }

  void ApiOperation() {
    const wire::LogRequest& request = event_.details().request();
    const std::string method = absl::AsciiStrToLower(request.method());
    if (request.path().empty()) {
      return FullScan(
          "is a Management API change without details.request.path, so "
          "what it changed is unknown");
    }
    const std::vector<std::string> at = ManagementPathSegments(request.path());
    if (at.empty()) {
      return FullScan(absl::StrCat("changed ", request.path(),
                                   ", which is not a Management API path "
                                   "identitygraph can read"));
    }
    const google::protobuf::Value& response =
        event_.details().response().body();
    const std::string& collection = at[0];
    const std::string id = at.size() > 1 ? at[1] : "";
    const std::string sub = at.size() > 2 ? at[2] : "";
    const std::string where = absl::StrCat(method, " ", request.path());
    if (collection == "users") {
      if (id.empty())
        return Created(RecordKind::kUser, response, "user_id", where);
      Read(sub == "roles"         ? RecordKind::kUserRoles
           : sub == "permissions" ? RecordKind::kUserPermissions
                                  : RecordKind::kUser,
           id);
      return Relevant();
    }
    if (collection == "roles") {
      if (id.empty()) return Created(RecordKind::kRole, response, "id", where);
      if (sub == "users") {
        Read(RecordKind::kRoleMembers, id);
      } else if (sub == "permissions") {
        Read(RecordKind::kRolePermissions, id);
      } else {
        Read(RecordKind::kRole, id);
        if (!sub.empty() || method == "delete") {
          Read(RecordKind::kRoleMembers, id);
          Read(RecordKind::kRolePermissions, id);
        }
      }
      return Relevant();
    }
    if (collection == "clients") {
      if (id.empty())
        return Created(RecordKind::kClient, response, "client_id", where);
      Read(RecordKind::kClient, id);
      return Relevant();
    }
    if (collection == "connections") {
      // A new connection may match the selection; a deleted one takes its
      // users with it.
      if (id.empty()) return Every(RecordKind::kConnection, where);
      if (sub == "users" || method == "delete") {
        Read(RecordKind::kConnection, id);
        return Every(RecordKind::kUser, where);
      }
      if (sub.empty() || sub == "clients") {
        Read(RecordKind::kConnectionClients, id);
        if (sub.empty()) Read(RecordKind::kConnection, id);
      }
      return Relevant();
    }
    if (collection == "organizations") {
      if (id.empty())
        return Created(RecordKind::kOrganization, response, "id", where);
      if (sub == "members" && at.size() >= 5 && at[4] == "roles") {
        Read(RecordKind::kOrganizationMemberRoles, id, at[3]);
      } else if (sub == "members") {
        Read(RecordKind::kOrganizationMembers, id);
      } else {
        Read(RecordKind::kOrganization, id);
        if (method == "delete") Read(RecordKind::kOrganizationMembers, id);
      }
      return Relevant();
    }
    if (collection == "groups") {
      if (id.empty()) return Every(RecordKind::kGroup, where);
      Read(sub == "members" ? RecordKind::kGroupMembers : RecordKind::kGroup,
           id);
      return Relevant();
    }
    if (collection == "resource-servers") {
      return Every(RecordKind::kResourceServer, where);
    }
    if (collection == "jobs") {
      if (id == "users-imports") return Every(RecordKind::kUser, where);
      return Noise();  // exports, verification emails, job status
    }
    if (InertCollections().contains(collection)) return Noise();
    FullScan(absl::StrCat("changed ", request.path(),
                          ", a part of the Management API identitygraph "
                          "does not know"));
  }

  // POST to a collection: the new record's id is in the response.
  void Created(RecordKind kind, const google::protobuf::Value& response,
               const std::string& id_key, const std::string& where) {
    const std::string id = BodyString(response, id_key);
    if (id.empty())
      return Every(kind, absl::StrCat(where, " without the new id"));
    Read(kind, id);
    if (kind == RecordKind::kUser) {
      Read(RecordKind::kUserRoles, id);
      Read(RecordKind::kUserPermissions, id);
    }
    Relevant();
  }

  const wire::LogEvent& event_;
  ChangeSet& changes_;
};

}  // namespace

absl::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kUser:
      return "user";
    case RecordKind::kUserRoles:
      return "user's roles";
    case RecordKind::kUserPermissions:
      return "user's direct permissions";
    case RecordKind::kRole:
      return "role";
    case RecordKind::kRoleMembers:
      return "role's members";
    case RecordKind::kRolePermissions:
      return "role's permissions";
    case RecordKind::kClient:
      return "application";
    case RecordKind::kConnection:
      return "connection";
    case RecordKind::kConnectionClients:
      return "connection's applications";
    case RecordKind::kGroup:
      return "native group";
    case RecordKind::kGroupMembers:
      return "native group's members";
    case RecordKind::kOrganization:
      return "organization";
    case RecordKind::kOrganizationMembers:
      return "organization's members";
    case RecordKind::kOrganizationMemberRoles:
      return "organization member's roles";
    case RecordKind::kResourceServer:
      return "API";
  }
  return "record";
}

std::vector<std::string> ManagementPathSegments(absl::string_view path) {
  path = path.substr(0, path.find('?'));
  constexpr absl::string_view kPrefix = "/api/v2/";
  if (!absl::StartsWith(path, kPrefix)) return {};
  path.remove_prefix(kPrefix.size());
  std::vector<std::string> out;
  for (absl::string_view segment :
       absl::StrSplit(path, '/', absl::SkipEmpty())) {
    std::string decoded;
    if (!PercentDecode(segment, decoded) || decoded.empty()) return {};
    out.push_back(std::move(decoded));
  }
  return out;
}

void AddLogEvent(const wire::LogEvent& event, ChangeSet& changes) {
  Mapper(event, changes).Map();
}

}  // namespace identitygraph::importer
