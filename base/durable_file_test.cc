#include "base/durable_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;

TEST(AtomicFileTest, WritesReplacesAndSetsTheModeExactly) {
  TestTempDir dir;
  const std::string path = dir.File("secret");
  ASSERT_TRUE(WriteFileAtomically(path, "first", 0600).ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second", 0600).ok());
  EXPECT_EQ(*ReadFile(path, 100), "second");
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(AtomicFileTest, FailedWriteNamesThePathAndLeavesNothingBehind) {
  TestTempDir dir;
  // A non-empty directory where the file should go makes the rename fail, even
  // for root.
  const std::string path = dir.File("config.json");
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
  ASSERT_TRUE(WriteFileAtomically(path + "/keep", "old", 0644).ok());
  absl::Status status = WriteFileAtomically(path, "new", 0644);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(path));
  EXPECT_EQ(*ReadFile(path + "/keep", 100), "old");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1) << "the temporary file was not removed";
}

TEST(AtomicFileTest, ReadFileReportsMissingOversizedAndNonRegularFiles) {
  TestTempDir dir;
  EXPECT_TRUE(absl::IsNotFound(ReadFile(dir.File("missing"), 10).status()));
  ASSERT_TRUE(
      WriteFileAtomically(dir.File("big"), std::string(100, 'x'), 0644).ok());
  absl::Status too_big = ReadFile(dir.File("big"), 10).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(too_big));
  EXPECT_THAT(too_big.message(), HasSubstr("more than the 10 allowed"));
  EXPECT_TRUE(absl::IsFailedPrecondition(ReadFile(dir.path(), 10).status()));
}

TEST(AtomicFileTest, EnsureDirectoryCreatesAndRejectsFiles) {
  TestTempDir dir;
  EXPECT_TRUE(EnsureDirectory(dir.File("data"), 0700).ok());
  EXPECT_TRUE(EnsureDirectory(dir.File("data"), 0700).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("file"), "x", 0644).ok());
  absl::Status status = EnsureDirectory(dir.File("file"), 0700);
  EXPECT_THAT(status.message(), HasSubstr("not a directory"));
}

TEST(TailFileTest, WritesFromAnOffsetAndDropsWhatWasAfterIt) {
  TestTempDir dir;
  const std::string path = dir.File("journal");
  ASSERT_TRUE(WriteFileAtomically(path, "header", 0600).ok());
  ASSERT_TRUE(WriteFileTailDurably(path, 6, "+one").ok());
  EXPECT_EQ(*ReadFile(path, 100), "header+one");
  // A torn tail after byte 10 is replaced by the next record.
  ASSERT_TRUE(WriteFileTailDurably(path, 10, "+torn-and-long").ok());
  ASSERT_TRUE(WriteFileTailDurably(path, 10, "+two").ok());
  EXPECT_EQ(*ReadFile(path, 100), "header+one+two");
  absl::Status missing = WriteFileTailDurably(dir.File("none"), 0, "x");
  EXPECT_TRUE(absl::IsNotFound(missing));
  EXPECT_THAT(std::string(missing.message()), HasSubstr(dir.File("none")));
}

}  // namespace
}  // namespace identitygraph
