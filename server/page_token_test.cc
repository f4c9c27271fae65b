#include "server/page_token.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;

constexpr Listing kEveryListing[] = {
    Listing::kListUserApplications, Listing::kListApplicationUsers,
    Listing::kListGroupMembers, Listing::kListScans};

TEST(PageTokenTest, AnEmptyTokenStartsAtTheBeginning) {
  auto start = DecodePageToken("", Listing::kListGroupMembers, 7, "k");
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(*start, 0u);
}

TEST(PageTokenTest, RoundTripsAndStaysShort) {
  for (Listing listing : kEveryListing) {
    for (uint64_t position : {uint64_t{1}, uint64_t{100}, uint64_t{1} << 40}) {
      const std::string key = RequestKey({"google-apps|ada", "authz"});
      const std::string token = EncodePageToken(listing, 123456, key, position);
      EXPECT_LE(token.size(), 32u) << token;
      auto decoded = DecodePageToken(token, listing, 123456, key);
      ASSERT_TRUE(decoded.ok()) << decoded.status();
      EXPECT_EQ(*decoded, position);
    }
  }
}

TEST(PageTokenTest, EveryListingRefusesEveryOtherListingsToken) {
  for (Listing issued : kEveryListing) {
    const std::string token = EncodePageToken(issued, 3, "key", 10);
    for (Listing asked : kEveryListing) {
      auto decoded = DecodePageToken(token, asked, 3, "key");
      if (asked == issued) {
        EXPECT_TRUE(decoded.ok());
        continue;
      }
      ASSERT_FALSE(decoded.ok());
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(decoded.status().message(),
                  HasSubstr(std::string("issued by ") + ListingName(issued)));
      EXPECT_THAT(decoded.status().message(), HasSubstr("restart the listing"));
    }
  }
}

TEST(PageTokenTest, ATokenFromAnotherSnapshotOrRequestIsRefused) {
  const std::string key = RequestKey({"app_1", "authz"});
  const std::string token =
      EncodePageToken(Listing::kListApplicationUsers, 3, key, 10);
  auto newer = DecodePageToken(token, Listing::kListApplicationUsers, 4, key);
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(newer.status().message(), HasSubstr("snapshot 3"));
  EXPECT_THAT(newer.status().message(), HasSubstr("restart the listing"));
  auto other = DecodePageToken(token, Listing::kListApplicationUsers, 3,
                               RequestKey({"app_2", "authz"}));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other.status().message(), HasSubstr("another request"));
  // Parts are length-prefixed: moving a character across parts is another key.
  EXPECT_NE(RequestKey({"ab", "c"}), RequestKey({"a", "bc"}));
}

TEST(PageTokenTest, EveryFlippedBitIsRefusedNeverMisPaged) {
  const std::string key = RequestKey({"grp_1", "direct"});
  const std::string token =
      EncodePageToken(Listing::kListGroupMembers, 9, key, 200);
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string altered = bytes;
      altered[i] ^= static_cast<char>(1 << bit);
      auto decoded = DecodePageToken(absl::WebSafeBase64Escape(altered),
                                     Listing::kListGroupMembers, 9, key);
      ASSERT_FALSE(decoded.ok()) << "byte " << i << " bit " << bit;
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(PageTokenTest, GarbageIsRefusedSayingWhatToSend) {
  for (const std::string& garbage :
       std::vector<std::string>{"garbage", "%%%", "v3.10", "before:7", "AAAA",
                                std::string(500, 'A')}) {
    auto decoded = DecodePageToken(garbage, Listing::kListScans, 0, "");
    ASSERT_FALSE(decoded.ok()) << garbage;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(decoded.status().message(), HasSubstr("not a token"));
  }
}

TEST(PageTokenTest, PageSizesDefaultAndBound) {
  struct Case {
    int requested;
    bool ok;
    int size;
  };
  for (const Case& c : std::vector<Case>{{0, true, 100},
                                         {1, true, 1},
                                         {1000, true, 1000},
                                         {1001, false, 0},
                                         {-1, false, 0}}) {
    auto size = PageSize(c.requested, kAccessPageSizes);
    EXPECT_EQ(size.ok(), c.ok) << c.requested;
    if (size.ok()) {
      EXPECT_EQ(*size, c.size);
    } else {
      EXPECT_THAT(size.status().message(),
                  HasSubstr("0 (meaning 100) to 1000"));
    }
  }
}

}  // namespace
}  // namespace identitygraph
