// Debian 12's RE2 (2022-06) takes re2::StringPiece, and Debian's Abseil has its
// own string_view type, so the two do not convert implicitly. This is the one
// bridge.
#ifndef IDENTITYGRAPH_IMPORTER_RE2_UTIL_H_
#define IDENTITYGRAPH_IMPORTER_RE2_UTIL_H_

#include "absl/strings/string_view.h"
#include "re2/re2.h"

namespace identitygraph {

inline re2::StringPiece Piece(absl::string_view text) {
  return re2::StringPiece(text.data(), text.size());
}

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_IMPORTER_RE2_UTIL_H_
