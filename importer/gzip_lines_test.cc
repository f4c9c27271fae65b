#include "importer/gzip_lines.h"

#include <zlib.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph::importer {
namespace {

using ::testing::ElementsAre;

std::string Gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
               Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Feeds `compressed` in chunks of `chunk` bytes and collects the lines.
absl::Status Read(const std::string& compressed, size_t chunk,
                  std::vector<std::string>* lines, size_t max_line = 1 << 20) {
  GzipLines reader(
      [&](absl::string_view line) {
        lines->emplace_back(line);
        return absl::OkStatus();
      },
      max_line);
  for (size_t i = 0; i < compressed.size(); i += chunk) {
    absl::Status status =
        reader.Feed(absl::string_view(compressed).substr(i, chunk));
    if (!status.ok()) return status;
  }
  return reader.Finish();
}

TEST(GzipLinesTest, SplitsLinesWhateverTheChunking) {
  const std::string text = "{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}";
  for (size_t chunk : {1u, 2u, 7u, 4096u}) {
    std::vector<std::string> lines;
    ASSERT_TRUE(Read(Gzip(text), chunk, &lines).ok()) << chunk;
    EXPECT_THAT(lines, ElementsAre("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"))
        << chunk;
  }
}

TEST(GzipLinesTest, ReadsConcatenatedMembersAndLargeFiles) {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "{\"user_id\":\"auth0|" + std::to_string(i) + "\"}\n";
  std::vector<std::string> lines;
  ASSERT_TRUE(Read(Gzip(text) + Gzip("{\"last\":1}\n"), 1000, &lines).ok());
  ASSERT_EQ(lines.size(), 20001u);
  EXPECT_EQ(lines[19999], "{\"user_id\":\"auth0|19999\"}");
  EXPECT_EQ(lines.back(), "{\"last\":1}");
}

TEST(GzipLinesTest, ACutFileIsDataLoss) {
  const std::string whole = Gzip(std::string(100000, 'x') + "\n");
  std::vector<std::string> lines;
  absl::Status status = Read(whole.substr(0, whole.size() / 2), 100, &lines);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("cut"));
}

TEST(GzipLinesTest, NotGzipIsDataLoss) {
  std::vector<std::string> lines;
  EXPECT_EQ(Read("{\"plain\": \"json\"}\n", 5, &lines).code(),
            absl::StatusCode::kDataLoss);
}

TEST(GzipLinesTest, AnOverlongLineIsRefused) {
  std::vector<std::string> lines;
  EXPECT_EQ(Read(Gzip(std::string(5000, 'y') + "\n"), 64, &lines, 1024).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(GzipLinesTest, TheHandlersErrorStopsReading) {
  GzipLines reader(
      [](absl::string_view) { return absl::DataLossError("bad record"); });
  EXPECT_EQ(reader.Feed(Gzip("one\ntwo\n")).message(), "bad record");
  EXPECT_EQ(reader.Finish().message(), "bad record");
}

}  // namespace
}  // namespace identitygraph::importer
