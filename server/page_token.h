// The page tokens of every listing RPC, and their page sizes. A token is
// opaque to callers, short (about 20 characters), tamper-evident, and bound to
// what it pages through:
//
//   - the RPC that issued it (a ListGroupMembers token is refused by
//     ListUserApplications),
//   - the snapshot version it was made on (a token from before a newer scan
//     was published is refused: positions would shift under the caller),
//   - the request's identifying fields (a token for Ada's applications is
//     refused for Grace's), and
//   - the position to continue from.
//
//   const std::string key = RequestKey({user_id, mode, kinds});
//   absl::StatusOr<uint64_t> start = DecodePageToken(
//       request.page_token(), Listing::kListUserApplications, version, key);
//   ... answer from *start ...
//   response.set_next_page_token(EncodePageToken(
//       Listing::kListUserApplications, version, key, next));
//
// Every refusal is INVALID_ARGUMENT saying what did not match and to restart
// the listing without a token. The check is integrity, not secrecy: a token
// confers no access (the caller may read the whole listing anyway), so a
// checksum keyed by a constant is enough to refuse altered and mixed-up
// tokens; nothing is signed with a per-server secret, so any replica accepts
// another's tokens for the same snapshot.
#ifndef IDENTITYGRAPH_SERVER_PAGE_TOKEN_H_
#define IDENTITYGRAPH_SERVER_PAGE_TOKEN_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace identitygraph {

// Every RPC that pages. The numbers are part of issued tokens: never reuse one.
enum class Listing : uint8_t {
  kListUserApplications = 1,
  kListApplicationUsers = 2,
  kListGroupMembers = 3,
  kListScans = 4,
  kListChangeBatches = 5,
  kListUserPermissions = 6,
  kListPermissionHolders = 7,
};
const char* ListingName(Listing listing);

// The identifying fields of a request, joined unambiguously (each part is
// length-prefixed), for binding a token to them.
std::string RequestKey(std::initializer_list<absl::string_view> parts);

// `snapshot_version` is 0 for listings that are not of a snapshot (ListScans).
std::string EncodePageToken(Listing listing, int64_t snapshot_version,
                            absl::string_view request_key, uint64_t position);

// The position `token` continues from; 0 for an empty token (the first page).
absl::StatusOr<uint64_t> DecodePageToken(absl::string_view token,
                                         Listing listing,
                                         int64_t snapshot_version,
                                         absl::string_view request_key);

// Page sizes: 0 means `default_size`; INVALID_ARGUMENT outside 0..max_size.
struct PageSizes {
  int default_size;
  int max_size;
};
// AccessService's listings.
inline constexpr PageSizes kAccessPageSizes = {100, 1000};
// ScanService's ListScans.
inline constexpr PageSizes kScanPageSizes = {20, 100};
absl::StatusOr<int> PageSize(int requested, PageSizes sizes);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_PAGE_TOKEN_H_
