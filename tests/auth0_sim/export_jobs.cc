#include "tests/auth0_sim/export_jobs.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"
#include "tests/auth0_sim/gzip.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

constexpr int kMaxCsvFields = 30;
constexpr absl::Duration kLocationLifetime = absl::Seconds(60);

std::string IsoTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

// Resolves an export field name such as "email", "identities[0].connection" or
// "app_metadata.team" against a user; null when absent.
Json Resolve(const Json& user, const std::string& path) {
  static const LazyRE2 kIndexed = {R"(^([^\[]+)\[([0-9]+)\]$)"};
  const Json* node = &user;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    std::string name(part);
    int index = -1;
    std::string index_text;
    if (RE2::FullMatch(re2::StringPiece(part.data(), part.size()), *kIndexed,
                       &name, &index_text)) {
      (void)absl::SimpleAtoi(index_text, &index);
    }
    if (!node->is_object() || !node->contains(name)) return nullptr;
    node = &(*node)[name];
    if (index >= 0) {
      if (!node->is_array() || index >= static_cast<int>(node->size()))
        return nullptr;
      node = &(*node)[static_cast<size_t>(index)];
    }
  }
  return *node;
}

std::string CsvCell(const Json& value) {
  std::string text = value.is_null()     ? ""
                     : value.is_string() ? value.get<std::string>()
                                         : value.dump();
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

ApiReply ExportJobs::Create(const std::string& body, absl::Time now) {
  Json request =
      body.empty() ? Json::object() : Json::parse(body, nullptr, false);
  if (!request.is_object()) {
    return ApiError(400, "Payload validation error: 'Invalid JSON'",
                    "invalid_body");
  }
  const std::string format = request.value("format", "json");
  if (format != "json" && format != "csv") {
    return ApiError(
        400,
        "Payload validation error: 'No enum match for: \"" + format +
            "\"' on property format (The format of the file. Valid values are: "
            "\"csv\" and \"json\".).",
        "invalid_body");
  }
  Json fields = request.value("fields", Json::array());
  if (!fields.is_array()) {
    return ApiError(
        400,
        "Payload validation error: 'Expected type array' on property fields",
        "invalid_body");
  }
  if (format == "csv" && static_cast<int>(fields.size()) > kMaxCsvFields) {
    return ApiError(
        400,
        absl::StrCat("Payload validation error: 'Array is too long (",
                     fields.size(), "), maximum ", kMaxCsvFields,
                     "' on property fields"),
        "invalid_body");
  }
  std::string connection_name;
  if (request.contains("connection_id")) {
    const Json& id = request["connection_id"];
    auto it = id.is_string()
                  ? tenant_.connection_index.find(id.get<std::string>())
                  : tenant_.connection_index.end();
    if (it == tenant_.connection_index.end()) {
      return ApiError(404, "The connection does not exist",
                      "inexistent_connection");
    }
    connection_name = tenant_.connections[it->second].value("name", "");
  }
  absl::MutexLock lock(&mutex_);
  const std::string id = absl::StrCat("job_sim", next_id_++);
  Json record = {{"id", id},
                 {"type", "users_export"},
                 {"status", "pending"},
                 {"format", format},
                 {"created_at", IsoTime(now)}};
  if (!connection_name.empty()) {
    record["connection_id"] = request["connection_id"];
    record["connection"] = connection_name;
  }
  if (request.contains("limit")) record["limit"] = request["limit"];
  if (!fields.empty()) record["fields"] = fields;
  Job& job = jobs_[id];
  job.record = record;
  job.file = MakeFile(request);
  return {201, record};
}

std::string ExportJobs::MakeFile(const Json& request) const {
  const Json fields = request.value("fields", Json::array());
  const std::string format = request.value("format", "json");
  const std::string connection_id = request.value("connection_id", "");
  std::string connection_name;
  if (!connection_id.empty()) {
    connection_name =
        tenant_.connections[tenant_.connection_index.at(connection_id)]["name"];
  }
  int64_t limit = request.value("limit", int64_t{0});
  std::string text;
  if (format == "csv") {
    std::vector<std::string> header;
    for (const Json& field : fields) {
      header.push_back(field.value("export_as", field.value("name", "")));
    }
    absl::StrAppend(&text, absl::StrJoin(header, ","), "\n");
  }
  int64_t written = 0;
  for (const Json& user : tenant_.users) {
    if (!connection_name.empty() &&
        user["identities"][0].value("connection", "") != connection_name) {
      continue;
    }
    if (limit > 0 && written >= limit) break;
    ++written;
    if (format == "csv") {
      std::vector<std::string> cells;
      for (const Json& field : fields)
        cells.push_back(CsvCell(Resolve(user, field.value("name", ""))));
      absl::StrAppend(&text, absl::StrJoin(cells, ","), "\n");
      continue;
    }
    if (fields.empty()) {
      absl::StrAppend(&text, user.dump(), "\n");
      continue;
    }
    Json line = Json::object();
    for (const Json& field : fields) {
      Json value = Resolve(user, field.value("name", ""));
      if (!value.is_null())
        line[field.value("export_as", field.value("name", ""))] = value;
    }
    absl::StrAppend(&text, line.dump(), "\n");
  }
  return Gzip(text);
}

ApiReply ExportJobs::Get(const std::string& id, absl::Time now) {
  absl::MutexLock lock(&mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end())
    return ApiError(404, "Job not found.", "inexistent_job");
  Job& job = it->second;
  ++job.polls;
  Json& record = job.record;
  if (job.polls < polls_to_complete_) {
    record["status"] = "processing";
    record["percentage_done"] = 100 * job.polls / polls_to_complete_;
    record["time_left_seconds"] = polls_to_complete_ - job.polls;
    return {200, record};
  }
  record["status"] = "completed";
  record["percentage_done"] = 100;
  record["time_left_seconds"] = 0;
  thread_local std::mt19937_64 random(std::random_device{}());
  const std::string nonce = absl::StrCat(random());
  job.locations[nonce] = now + kLocationLifetime;
  const std::string tenant_name =
      tenant_.domain.substr(0, tenant_.domain.find('.'));
  record["location"] = absl::StrCat(
      "https://", tenant_.domain, kExportDownloadPrefix, id, "/", nonce, "/",
      tenant_name, record["format"] == "csv" ? ".csv.gz" : ".json.gz");
  return {200, record};
}

ExportJobs::Download ExportJobs::Fetch(const std::string& path,
                                       absl::Time now) {
  static const LazyRE2 kLocation = {R"(^([^/]+)/([0-9]+)/[^/]+$)"};
  std::string id, nonce;
  const std::string denied =
      "<?xml version=\"1.0\" "
      "encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
      "<Message>Request has expired</Message></Error>";
  if (!RE2::FullMatch(path, *kLocation, &id, &nonce))
    return {403, denied, "application/xml"};
  absl::MutexLock lock(&mutex_);
  auto job = jobs_.find(id);
  if (job == jobs_.end()) return {403, denied, "application/xml"};
  auto location = job->second.locations.find(nonce);
  if (location == job->second.locations.end() || now >= location->second) {
    return {403, denied, "application/xml"};
  }
  return {200, job->second.file, "application/gzip"};
}

}  // namespace identitygraph::sim
