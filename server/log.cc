#include "server/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace identitygraph {
namespace {

absl::Mutex log_mutex;

const char* SeverityName(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::kInfo:
      return "INFO";
    case LogSeverity::kWarning:
      return "WARNING";
    case LogSeverity::kError:
      return "ERROR";
  }
  return "?";
}

std::atomic<LogFormat> log_format{LogFormat::kText};

// `text` as the contents of a JSON string (RFC 8259): quotes, backslashes and
// control characters escaped; bytes that are not UTF-8 replaced by U+FFFD so
// that every line parses.
void AppendJsonString(absl::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n':
          out->append("\\n");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\r':
          out->append("\\r");
          break;
        default:
          absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
      }
      ++i;
    } else if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else {
      // A well-formed multi-byte sequence passes as it is (RFC 3629: no
      // overlong forms, surrogates or code points past U+10FFFF).
      const int length = c >= 0xc2 && c <= 0xdf   ? 2
                         : c >= 0xe0 && c <= 0xef ? 3
                         : c >= 0xf0 && c <= 0xf4 ? 4
                                                  : 0;
      bool valid = length > 0 && i + length <= text.size();
      for (int k = 1; valid && k < length; ++k) {
        valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
      }
      if (valid) {
        const unsigned char second = text[i + 1];
        valid = !(c == 0xe0 && second < 0xa0) &&
                !(c == 0xed && second >= 0xa0) &&
                !(c == 0xf0 && second < 0x90) && !(c == 0xf4 && second >= 0x90);
      }
      if (valid) {
        out->append(text.data() + i, length);
        i += length;
      } else {
        out->append("\xef\xbf\xbd");
        ++i;
      }
    }
  }
}

}  // namespace

void SetLogFormat(LogFormat format) { log_format = format; }

bool ParseLogFormat(absl::string_view name, LogFormat* format) {
  if (name == "text") {
    *format = LogFormat::kText;
  } else if (name == "json") {
    *format = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

std::string FormatLogLine(LogFormat format, absl::Time time,
                          LogSeverity severity, absl::string_view message) {
  const std::string when =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
  if (format == LogFormat::kText) {
    return absl::StrCat(when, " ", SeverityName(severity), " ", message, "\n");
  }
  std::string line = absl::StrCat("{\"time\":\"", when, "\",\"severity\":\"",
                                  SeverityName(severity), "\",\"message\":\"");
  AppendJsonString(message, &line);
  line.append("\"}\n");
  return line;
}

void Log(LogSeverity severity, absl::string_view message) {
  const std::string line =
      FormatLogLine(log_format.load(), absl::Now(), severity, message);
  absl::MutexLock lock(&log_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace identitygraph
