// Unpacks a gzip stream as it arrives and hands over its lines one at a time,
// so an export file of any size is parsed without holding it in memory.
//
//   GzipLines lines([&](absl::string_view line) { return ParseUser(line); });
//   request.body_sink = [&](absl::string_view chunk) { return
//   lines.Feed(chunk); };
//   ... after the transfer: absl::Status done = lines.Finish();
//
// Empty lines are skipped; a last line without a newline is still delivered.
// Errors: DATA_LOSS for data that is not gzip or ends early, RESOURCE_EXHAUSTED
// for a line over `max_line_bytes`, or the line callback's own error.
#ifndef IDENTITYGRAPH_IMPORTER_GZIP_LINES_H_
#define IDENTITYGRAPH_IMPORTER_GZIP_LINES_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace identitygraph::importer {

class GzipLines {
 public:
  using LineHandler = std::function<absl::Status(absl::string_view)>;

  explicit GzipLines(LineHandler on_line,
                     size_t max_line_bytes = size_t{1} << 20);
  GzipLines(const GzipLines&) = delete;
  GzipLines& operator=(const GzipLines&) = delete;
  ~GzipLines();

  absl::Status Feed(absl::string_view compressed);
  // Call once the transfer is complete: checks the stream ended properly and
  // delivers a last unterminated line.
  absl::Status Finish();

  int64_t lines() const { return lines_; }
  int64_t compressed_bytes() const { return compressed_bytes_; }
  int64_t bytes() const { return bytes_; }

 private:
  absl::Status Deliver(absl::string_view text);

  struct Stream;
  std::unique_ptr<Stream> stream_;
  LineHandler on_line_;
  const size_t max_line_bytes_;
  std::string partial_;  // the start of a line whose end has not arrived
  bool ended_ = false;   // the last gzip member ended
  absl::Status failed_;
  int64_t lines_ = 0;
  int64_t compressed_bytes_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_GZIP_LINES_H_
