#include "server/auth.h"

#include <string>

#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdmin[] = "admin-token-0123456789abcdef";
constexpr char kReader[] = "reader-token-0123456789abcdef";

Authorizer Make(std::vector<std::string> admin,
                std::vector<std::string> reader) {
  absl::StatusOr<Authorizer> authorizer =
      Authorizer::Create(std::move(admin), std::move(reader));
  EXPECT_TRUE(authorizer.ok()) << authorizer.status();
  return *std::move(authorizer);
}

struct AuthCase {
  std::string header;
  Role required;
  absl::StatusCode expected;
};

TEST(AuthorizerTest, DecisionTable) {
  Authorizer authorizer = Make({kAdmin}, {kReader});
  const std::string admin = std::string("Bearer ") + kAdmin;
  const std::string reader = std::string("Bearer ") + kReader;
  for (const AuthCase& c : {
           AuthCase{admin, Role::kAdmin, absl::StatusCode::kOk},
           AuthCase{admin, Role::kReader, absl::StatusCode::kOk},
           AuthCase{reader, Role::kReader, absl::StatusCode::kOk},
           AuthCase{reader, Role::kAdmin, absl::StatusCode::kPermissionDenied},
           AuthCase{"", Role::kAdmin, absl::StatusCode::kUnauthenticated},
           AuthCase{"", Role::kReader, absl::StatusCode::kUnauthenticated},
           AuthCase{"Bearer wrong-token-0123456789", Role::kAdmin,
                    absl::StatusCode::kUnauthenticated},
           AuthCase{"Bearer wrong-token-0123456789", Role::kReader,
                    absl::StatusCode::kUnauthenticated},
           AuthCase{std::string("Basic ") + kAdmin, Role::kAdmin,
                    absl::StatusCode::kUnauthenticated},
           AuthCase{kAdmin, Role::kAdmin, absl::StatusCode::kUnauthenticated},
           AuthCase{"Bearer ", Role::kAdmin,
                    absl::StatusCode::kUnauthenticated},
           AuthCase{std::string("bearer ") + kAdmin, Role::kAdmin,
                    absl::StatusCode::kOk},
           AuthCase{std::string("Bearer ") + kAdmin + "x", Role::kAdmin,
                    absl::StatusCode::kUnauthenticated},
           AuthCase{std::string("Bearer ") + std::string(kAdmin).substr(1),
                    Role::kAdmin, absl::StatusCode::kUnauthenticated},
       }) {
    absl::Status status = authorizer.Authorize(c.header, c.required);
    EXPECT_EQ(status.code(), c.expected) << "'" << c.header << "': " << status;
    // Tokens are never echoed back.
    EXPECT_THAT(status.message(), Not(HasSubstr("token-0123456789")));
  }
}

TEST(AuthorizerTest, NoReaderTokensOpensReadsOnly) {
  Authorizer authorizer = Make({kAdmin}, {});
  EXPECT_TRUE(authorizer.Authorize("", Role::kReader).ok());
  EXPECT_EQ(authorizer.Authorize("", Role::kAdmin).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(authorizer.reads_need_token());
}

TEST(AuthorizerTest, NoAdminTokensDisablesAdminRpcs) {
  Authorizer authorizer = Make({}, {kReader});
  absl::Status status =
      authorizer.Authorize(std::string("Bearer ") + kReader, Role::kAdmin);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("--admin_token_file"));
}

TEST(AuthorizerTest, RotationAcceptsEveryListedToken) {
  Authorizer authorizer = Make({kAdmin, "next-admin-token-0123456789"}, {});
  EXPECT_TRUE(
      authorizer.Authorize("Bearer next-admin-token-0123456789", Role::kAdmin)
          .ok());
  EXPECT_TRUE(
      authorizer.Authorize(std::string("Bearer ") + kAdmin, Role::kAdmin).ok());
}

TEST(AuthorizerTest, SameTokenForBothRolesIsRefused) {
  EXPECT_FALSE(Authorizer::Create({kAdmin}, {kAdmin}).ok());
}

TEST(ConstantTimeEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), "a"));
}

TEST(LoadTokenFileTest, ReadsTokensSkippingCommentsAndBlankLines) {
  TestTempDir dir;
  ASSERT_TRUE(
      WriteFileAtomically(dir.File("tokens"),
                          "# rotated 2026-11\n\n  first-token-0123456789  \n"
                          "second-token-0123456789\n",
                          0600)
          .ok());
  auto tokens = LoadTokenFile(dir.File("tokens"));
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_THAT(*tokens, ::testing::ElementsAre("first-token-0123456789",
                                              "second-token-0123456789"));
}

TEST(LoadTokenFileTest, RejectsMissingEmptyShortAndSpacedTokens) {
  TestTempDir dir;
  EXPECT_THAT(LoadTokenFile(dir.File("missing")).status().message(),
              HasSubstr("cannot read the token file"));
  struct Case {
    const char* contents;
    const char* hint;
  };
  for (const Case& c :
       {Case{"", "holds no token"},
        Case{"# only a comment\n", "holds no token"}, Case{"short\n", "line 1"},
        Case{"ok-token-0123456789\nwith space 0123456789\n", "line 2"}}) {
    ASSERT_TRUE(WriteFileAtomically(dir.File("tokens"), c.contents, 0600).ok());
    auto tokens = LoadTokenFile(dir.File("tokens"));
    ASSERT_FALSE(tokens.ok()) << c.contents;
    EXPECT_THAT(tokens.status().message(), HasSubstr(c.hint));
  }
}

}  // namespace
}  // namespace identitygraph
