// libFuzzer target: any body as a GET /api/v2/logs answer, each event it
// yields mapped to the records it touches, and any text as a Management API
// path. Parsing fails with an error or gives events that all have a log_id;
// mapping never drops an event (each is relevant or noise). scripts/fuzz.sh
// runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "importer/change_mapping.h"
#include "importer/log_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace importer = identitygraph::importer;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  (void)importer::ManagementPathSegments(body);
  absl::StatusOr<importer::LogPage> page = importer::ParseLogPage(body, "");
  if (!page.ok()) {
    if (page.status().message().empty()) std::abort();
    return 0;
  }
  importer::ChangeSet changes;
  for (const importer::wire::LogEvent& event : page->events) {
    if (event.log_id().empty()) std::abort();
    importer::AddLogEvent(event, changes);
  }
  if (changes.events != static_cast<int64_t>(page->events.size()) ||
      changes.relevant + changes.noise != changes.events) {
    std::abort();
  }
  return 0;
}
