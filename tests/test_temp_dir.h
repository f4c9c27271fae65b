// A fresh temporary directory for one test, removed with everything in it
// afterwards.
#ifndef IDENTITYGRAPH_TESTS_TEST_TEMP_DIR_H_
#define IDENTITYGRAPH_TESTS_TEST_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace identitygraph {

class TestTempDir {
 public:
  TestTempDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern =
        std::string(base ? base : "/tmp") + "/identitygraph-test-XXXXXX";
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  TestTempDir(const TestTempDir&) = delete;
  TestTempDir& operator=(const TestTempDir&) = delete;
  ~TestTempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_TESTS_TEST_TEMP_DIR_H_
