// libFuzzer target: any string as a page token of each listing. Decoding
// must refuse what the server did not issue for this request, and a token
// the server issues must decode to its position. scripts/fuzz.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "server/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using identitygraph::Listing;
  if (size < 2) return 0;
  const Listing listing = static_cast<Listing>(1 + data[0] % 4);
  const int64_t version = data[1];
  const std::string key = identitygraph::RequestKey({"user", "ada"});
  const absl::string_view token(reinterpret_cast<const char*>(data) + 2,
                                size - 2);
  absl::StatusOr<uint64_t> position =
      identitygraph::DecodePageToken(token, listing, version, key);
  if (position.ok()) {
    const std::string issued =
        identitygraph::EncodePageToken(listing, version, key, *position);
    absl::StatusOr<uint64_t> again =
        identitygraph::DecodePageToken(issued, listing, version, key);
    if (!again.ok() || *again != *position) std::abort();
  }
  // Whatever position the input names, the token for it round-trips.
  uint64_t wanted = 0;
  for (size_t i = 2; i < size && i < 10; ++i) wanted = wanted << 8 | data[i];
  const std::string issued =
      identitygraph::EncodePageToken(listing, version, key, wanted);
  absl::StatusOr<uint64_t> decoded =
      identitygraph::DecodePageToken(issued, listing, version, key);
  if (!decoded.ok() || *decoded != wanted) std::abort();
  return 0;
}
