// An append-only pool of strings addressed by index: one character buffer and
// one offset per string, so a million short strings cost their bytes plus 4
// each, not 32 (std::string) plus a heap block. Views stay valid as long as the
// pool is not appended to.
#ifndef IDENTITYGRAPH_GRAPH_STRING_POOL_H_
#define IDENTITYGRAPH_GRAPH_STRING_POOL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace identitygraph::graph {

class StringPool {
 public:
  StringPool() : offsets_{0} {}

  // Appends `text` and returns its index.
  uint32_t Add(absl::string_view text) {
    chars_.append(text.data(), text.size());
    offsets_.push_back(static_cast<uint32_t>(chars_.size()));
    return static_cast<uint32_t>(offsets_.size() - 2);
  }

  absl::string_view Get(uint32_t index) const {
    return absl::string_view(chars_.data() + offsets_[index],
                             offsets_[index + 1] - offsets_[index]);
  }

  size_t size() const { return offsets_.size() - 1; }

  // The raw parts, for the snapshot file.
  const std::string& chars() const { return chars_; }
  const std::vector<uint32_t>& offsets() const { return offsets_; }
  // Rebuilds a pool from raw parts. REQUIRES: offsets start at 0, never
  // decrease, and end at chars.size() (the snapshot file checks this before
  // calling).
  static StringPool FromParts(std::string chars,
                              std::vector<uint32_t> offsets) {
    StringPool pool;
    pool.chars_ = std::move(chars);
    pool.offsets_ = std::move(offsets);
    return pool;
  }

  size_t MemoryBytes() const {
    return chars_.capacity() + offsets_.capacity() * sizeof(uint32_t);
  }

  void ShrinkToFit() {
    chars_.shrink_to_fit();
    offsets_.shrink_to_fit();
  }

 private:
  std::string chars_;
  std::vector<uint32_t> offsets_;
};

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_STRING_POOL_H_
