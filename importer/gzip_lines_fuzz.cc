// libFuzzer target: any bytes as a gzip NDJSON export, fed in chunks whose
// sizes the input chooses. GzipLines must deliver lines or fail with an
// error, and never deliver a line over its bound. scripts/fuzz.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "importer/gzip_lines.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr size_t kMaxLine = 4096;
  identitygraph::importer::GzipLines lines(
      [](absl::string_view line) {
        if (line.size() > kMaxLine || line.empty()) std::abort();
        return absl::OkStatus();
      },
      kMaxLine);
  // The first byte picks the chunk size, as the network would.
  const size_t chunk = 1 + data[0] % 97;
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::Status status;
  while (!rest.empty() && status.ok()) {
    const size_t n = rest.size() < chunk ? rest.size() : chunk;
    status = lines.Feed(rest.substr(0, n));
    rest.remove_prefix(n);
  }
  if (status.ok()) (void)lines.Finish();
  return 0;
}
