// Internal to graph/: the little-endian byte writer and bounds-checked reader
// of the snapshot file and the snapshot journal, and their checksum.
#ifndef IDENTITYGRAPH_GRAPH_BYTE_CODEC_H_
#define IDENTITYGRAPH_GRAPH_BYTE_CODEC_H_

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"

namespace identitygraph::graph {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "graph files are little-endian; add byte swapping for this "
              "platform");

// FNV-1a, 64 bits: catches torn and flipped bytes, not tampering.
inline uint64_t Fnv1a64(absl::string_view data) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

class ByteWriter {
 public:
  template <typename T>
  void Put(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  void Bytes(absl::string_view bytes) {
    out_.append(bytes.data(), bytes.size());
  }
  // A u32 length, then the bytes.
  void String(absl::string_view text) {
    Put<uint32_t>(static_cast<uint32_t>(text.size()));
    Bytes(text);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Every read checks what is left, so a short or hostile input fails the read
// instead of reading past the end.
class ByteReader {
 public:
  explicit ByteReader(absl::string_view data) : data_(data) {}
  template <typename T>
  bool Get(T* value) {
    if (data_.size() - position_ < sizeof(T)) return false;
    std::memcpy(value, data_.data() + position_, sizeof(T));
    position_ += sizeof(T);
    return true;
  }
  bool Bytes(size_t count, absl::string_view* bytes) {
    if (data_.size() - position_ < count) return false;
    *bytes = data_.substr(position_, count);
    position_ += count;
    return true;
  }
  bool String(std::string* text) {
    uint32_t size = 0;
    absl::string_view bytes;
    if (!Get(&size) || !Bytes(size, &bytes)) return false;
    text->assign(bytes.data(), bytes.size());
    return true;
  }
  size_t left() const { return data_.size() - position_; }

 private:
  absl::string_view data_;
  size_t position_ = 0;
};

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_BYTE_CODEC_H_
