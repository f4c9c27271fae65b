#include "server/page_token.h"

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace identitygraph {
namespace {

// The token's own layout; a change gets a new number and old tokens are
// refused as not this server's (a listing restarts, nothing worse).
constexpr uint8_t kTokenFormat = 1;
constexpr size_t kFingerprintBytes = 4;
constexpr size_t kChecksumBytes = 4;
constexpr absl::string_view kChecksumKey = "identitygraph page token v1";

// FNV-1a with a final mix, so that a change in any byte moves every bit of
// what is kept.
uint64_t Hash(absl::string_view prefix, absl::string_view data) {
  uint64_t hash = 1469598103934665603ULL;
  for (absl::string_view part : {prefix, data}) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
  }
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  return hash;
}

void PutUint32(uint32_t value, std::string* out) {
  for (int i = 0; i < 4; ++i)
    out->push_back(static_cast<char>(value >> (8 * i)));
}
uint32_t GetUint32(absl::string_view bytes) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i)
    value |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i]))
             << (8 * i);
  return value;
}

void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}
bool GetVarint(absl::string_view* bytes, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && !bytes->empty(); shift += 7) {
    const unsigned char byte = static_cast<unsigned char>(bytes->front());
    bytes->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

uint32_t Fingerprint(absl::string_view request_key) {
  return static_cast<uint32_t>(Hash("request", request_key));
}

bool KnownListing(uint8_t value) {
  return value >= static_cast<uint8_t>(Listing::kListUserApplications) &&
         value <= static_cast<uint8_t>(Listing::kListPermissionHolders);
}

absl::Status Restart(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "page_token ", why, "; restart the listing without a page_token"));
}

}  // namespace

const char* ListingName(Listing listing) {
  switch (listing) {
    case Listing::kListUserApplications:
      return "ListUserApplications";
    case Listing::kListApplicationUsers:
      return "ListApplicationUsers";
    case Listing::kListGroupMembers:
      return "ListGroupMembers";
    case Listing::kListScans:
      return "ListScans";
    case Listing::kListChangeBatches:
      return "ListChangeBatches";
    case Listing::kListUserPermissions:
      return "ListUserPermissions";
    case Listing::kListPermissionHolders:
      return "ListPermissionHolders";
  }
  return "an unknown listing";
}

std::string RequestKey(std::initializer_list<absl::string_view> parts) {
  std::string key;
  for (absl::string_view part : parts) {
    PutVarint(part.size(), &key);
    key.append(part.data(), part.size());
  }
  return key;
}

std::string EncodePageToken(Listing listing, int64_t snapshot_version,
                            absl::string_view request_key, uint64_t position) {
  std::string bytes;
  bytes.push_back(static_cast<char>(kTokenFormat));
  bytes.push_back(static_cast<char>(listing));
  PutVarint(static_cast<uint64_t>(snapshot_version), &bytes);
  PutVarint(position, &bytes);
  PutUint32(Fingerprint(request_key), &bytes);
  PutUint32(static_cast<uint32_t>(Hash(kChecksumKey, bytes)), &bytes);
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<uint64_t> DecodePageToken(absl::string_view token,
                                         Listing listing,
                                         int64_t snapshot_version,
                                         absl::string_view request_key) {
  if (token.empty()) return 0;
  const absl::Status not_ours = absl::InvalidArgumentError(
      "page_token is not a token this server issued, or it was altered; send "
      "the next_page_token of the previous page unchanged, or none for the "
      "first page");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes) ||
      bytes.size() < 4 + kFingerprintBytes + kChecksumBytes) {
    return not_ours;
  }
  const absl::string_view signed_part(bytes.data(),
                                      bytes.size() - kChecksumBytes);
  if (GetUint32(absl::string_view(bytes).substr(signed_part.size())) !=
      static_cast<uint32_t>(Hash(kChecksumKey, signed_part))) {
    return not_ours;
  }
  absl::string_view rest = signed_part;
  const uint8_t format = static_cast<uint8_t>(rest[0]);
  const uint8_t issued_by = static_cast<uint8_t>(rest[1]);
  rest.remove_prefix(2);
  uint64_t version = 0, position = 0;
  if (format != kTokenFormat || !KnownListing(issued_by) ||
      !GetVarint(&rest, &version) || !GetVarint(&rest, &position) ||
      rest.size() != kFingerprintBytes) {
    return not_ours;
  }
  if (issued_by != static_cast<uint8_t>(listing)) {
    return Restart(absl::StrCat("was issued by ",
                                ListingName(static_cast<Listing>(issued_by)),
                                ", not by ", ListingName(listing)));
  }
  if (static_cast<int64_t>(version) != snapshot_version) {
    return Restart(absl::StrCat("belongs to snapshot ", version,
                                ", but a newer scan has been published "
                                "(snapshot ",
                                snapshot_version, " is served now)"));
  }
  if (GetUint32(rest) != Fingerprint(request_key)) {
    return Restart(absl::StrCat("was issued for another request to ",
                                ListingName(listing),
                                " (another entity, mode or filter)"));
  }
  return position;
}

absl::StatusOr<int> PageSize(int requested, PageSizes sizes) {
  if (requested < 0 || requested > sizes.max_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be 0 (meaning ", sizes.default_size,
                     ") to ", sizes.max_size));
  }
  return requested == 0 ? sizes.default_size : requested;
}

}  // namespace identitygraph
