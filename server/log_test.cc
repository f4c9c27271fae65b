#include "server/log.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace identitygraph {
namespace {

TEST(LogTest, TextAndJsonLinesCarryTheSameFields) {
  const absl::Time time = absl::FromUnixMillis(1796180000123);
  EXPECT_EQ(FormatLogLine(LogFormat::kText, time, LogSeverity::kWarning,
                          "scans/3 failed"),
            "2026-12-02T02:53:20.123Z WARNING scans/3 failed\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, time, LogSeverity::kInfo,
                          "serving snapshot version 2"),
            "{\"time\":\"2026-12-02T02:53:20.123Z\",\"severity\":\"INFO\","
            "\"message\":\"serving snapshot version 2\"}\n");
}

TEST(LogTest, JsonEscapesWhatWouldBreakTheLine) {
  struct Case {
    std::string message;
    std::string escaped;
  } cases[] = {
      {"a \"quoted\" name", "a \\\"quoted\\\" name"},
      {"C:\\data", "C:\\\\data"},
      {"two\nlines\tand\r", "two\\nlines\\tand\\r"},
      {std::string("nul\0bell\x07", 9), "nul\\u0000bell\\u0007"},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91",
       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"},
      // Not UTF-8: a lone continuation byte, a truncated sequence, an
      // overlong form, a surrogate, a lead byte past U+10FFFF.
      {"x\x80y", "x\xef\xbf\xbdy"},
      {"end\xe2\x82", "end\xef\xbf\xbd\xef\xbf\xbd"},
      {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},
      {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
      {"\xf5\x80\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    const std::string line = FormatLogLine(LogFormat::kJson, absl::UnixEpoch(),
                                           LogSeverity::kError, c.message);
    EXPECT_EQ(line,
              "{\"time\":\"1970-01-01T00:00:00.000Z\",\"severity\":"
              "\"ERROR\",\"message\":\"" +
                  c.escaped + "\"}\n");
  }
}

TEST(LogTest, FormatsAreNamedTextOrJson) {
  LogFormat format;
  EXPECT_TRUE(ParseLogFormat("json", &format));
  EXPECT_EQ(format, LogFormat::kJson);
  EXPECT_TRUE(ParseLogFormat("text", &format));
  EXPECT_EQ(format, LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("JSON ", &format));
  EXPECT_FALSE(ParseLogFormat("", &format));
}

}  // namespace
}  // namespace identitygraph
