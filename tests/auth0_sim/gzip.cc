#include "tests/auth0_sim/gzip.h"

#include <zlib.h>

#include <string>

namespace identitygraph::sim {

std::string Gzip(const std::string& data) {
  z_stream stream{};
  // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of
  // zlib's own.
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
               Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&stream, data.size()) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace identitygraph::sim
