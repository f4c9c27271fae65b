#include "importer/gzip_lines.h"

#include <zlib.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace identitygraph::importer {

struct GzipLines::Stream {
  z_stream z{};
  bool ready = false;
};

GzipLines::GzipLines(LineHandler on_line, size_t max_line_bytes)
    : stream_(std::make_unique<Stream>()),
      on_line_(std::move(on_line)),
      max_line_bytes_(max_line_bytes) {
  // 16 + MAX_WBITS: gzip framing, not zlib's.
  stream_->ready = inflateInit2(&stream_->z, 16 + MAX_WBITS) == Z_OK;
}

GzipLines::~GzipLines() {
  if (stream_->ready) inflateEnd(&stream_->z);
}

absl::Status GzipLines::Deliver(absl::string_view text) {
  bytes_ += static_cast<int64_t>(text.size());
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    if (newline == absl::string_view::npos) {
      if (partial_.size() + text.size() > max_line_bytes_) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "an export line is longer than ", max_line_bytes_, " bytes"));
      }
      partial_.append(text.data(), text.size());
      return absl::OkStatus();
    }
    absl::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    if (partial_.size() + line.size() > max_line_bytes_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "an export line is longer than ", max_line_bytes_, " bytes"));
    }
    if (!partial_.empty()) {
      partial_.append(line.data(), line.size());
      std::string whole = std::move(partial_);
      partial_.clear();
      if (!whole.empty() && whole.back() == '\r') whole.pop_back();
      if (whole.empty()) continue;
      ++lines_;
      if (absl::Status status = on_line_(whole); !status.ok()) return status;
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    ++lines_;
    if (absl::Status status = on_line_(line); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status GzipLines::Feed(absl::string_view compressed) {
  if (!failed_.ok()) return failed_;
  if (!stream_->ready)
    return failed_ = absl::InternalError("zlib could not start");
  compressed_bytes_ += static_cast<int64_t>(compressed.size());
  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  char out[64 * 1024];
  // Runs while input is left, or while the last round filled the buffer (zlib
  // may hold more output).
  do {
    if (ended_) {
      if (z.avail_in == 0) break;
      // Another gzip member follows (concatenated files are valid gzip).
      if (inflateReset(&z) != Z_OK)
        return failed_ = absl::DataLossError("zlib could not restart");
      ended_ = false;
    }
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = sizeof(out);
    const int result = inflate(&z, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) {
      return failed_ = absl::DataLossError(
                 absl::StrCat("the export file is not valid gzip (",
                              z.msg != nullptr ? z.msg : "zlib error", ")"));
    }
    const size_t produced = sizeof(out) - z.avail_out;
    if (absl::Status status = Deliver(absl::string_view(out, produced));
        !status.ok()) {
      return failed_ = status;
    }
    if (result == Z_STREAM_END) ended_ = true;
    if (result == Z_BUF_ERROR && produced == 0) break;
  } while (z.avail_in > 0 || z.avail_out == 0);
  return absl::OkStatus();
}

absl::Status GzipLines::Finish() {
  if (!failed_.ok()) return failed_;
  if (!ended_) {
    return failed_ = absl::DataLossError(
               "the export file ended before its gzip stream did (a cut "
               "download?)");
  }
  if (!partial_.empty()) {
    std::string last = std::move(partial_);
    partial_.clear();
    ++lines_;
    if (absl::Status status = on_line_(last); !status.ok())
      return failed_ = status;
  }
  return absl::OkStatus();
}

}  // namespace identitygraph::importer
