#include "server/config_update.h"

#include <functional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::Config Saved() {
  v1::Config saved;
  saved.set_domain("acme.us.auth0.com");
  saved.set_client_id("client1234567890");
  saved.set_client_secret("saved-secret-0123456789");
  saved.set_client_secret_set(true);
  saved.add_connections("google-workforce");
  saved.set_revision(4);
  return saved;
}

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

TEST(ApplyConfigUpdateTest, WithoutMaskCopiesOnlySetFieldsAndKeepsTheSecret) {
  v1::Config patch;
  patch.add_connection_patterns("okta-.*");
  ConfigUpdateResult result = ApplyConfigUpdate(Saved(), patch, {}, {});
  ASSERT_THAT(result.violations, IsEmpty());
  EXPECT_EQ(result.merged.domain(), Saved().domain());
  EXPECT_EQ(result.merged.client_id(), "client1234567890");
  EXPECT_EQ(result.merged.client_secret(), "saved-secret-0123456789");
  EXPECT_THAT(result.merged.connections(), ElementsAre("google-workforce"));
  EXPECT_THAT(result.merged.connection_patterns(), ElementsAre("okta-.*"));
  EXPECT_FALSE(result.secret_changed);
}

// The saved secret belongs to the saved application of the saved tenant: an
// update pointing elsewhere brings its own, or it would be sent there.
TEST(ApplyConfigUpdateTest, AnotherTenantOrApplicationNeedsItsOwnSecret) {
  struct Case {
    const char* name;
    std::function<void(v1::Config&)> change;
    bool with_secret;
    bool refused;
  } cases[] = {
      {"domain", [](v1::Config& c) { c.set_domain("evil.eu.auth0.com"); },
       false, true},
      {"client id", [](v1::Config& c) { c.set_client_id("otherclient12345"); },
       false, true},
      {"domain with its secret",
       [](v1::Config& c) { c.set_domain("acme.eu.auth0.com"); }, true, false},
      {"connections only",
       [](v1::Config& c) { c.add_connections("okta-saml"); }, false, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Config patch;
    c.change(patch);
    if (c.with_secret) patch.set_client_secret("eu-secret-0123456789");
    ConfigUpdateResult result = ApplyConfigUpdate(Saved(), patch, {}, {});
    if (c.refused) {
      ASSERT_EQ(result.violations.size(), 1u);
      EXPECT_EQ(result.violations[0].field, "config.client_secret");
      EXPECT_EQ(result.violations[0].reason, "NEW_APPLICATION_NEEDS_SECRET");
    } else {
      EXPECT_THAT(result.violations, IsEmpty());
    }
  }
  // Before any secret is saved there is nothing to protect.
  v1::Config unsaved = Saved();
  unsaved.clear_client_secret();
  v1::Config patch;
  patch.set_domain("acme.eu.auth0.com");
  EXPECT_THAT(ApplyConfigUpdate(unsaved, patch, {}, {}).violations, IsEmpty());
}

TEST(ApplyConfigUpdateTest, MaskReplacesListsAndCanClearThem) {
  v1::Config patch;
  patch.add_connection_patterns("corp-.*");
  ConfigUpdateResult result = ApplyConfigUpdate(
      Saved(), patch, Mask({"connections", "connection_patterns"}), {});
  ASSERT_THAT(result.violations, IsEmpty());
  EXPECT_THAT(result.merged.connections(), IsEmpty());
  EXPECT_THAT(result.merged.connection_patterns(), ElementsAre("corp-.*"));
}

TEST(ApplyConfigUpdateTest, MaskNamingTheSecretSetsIt) {
  v1::Config patch;
  patch.set_client_secret("new-secret-0123456789");
  ConfigUpdateResult result =
      ApplyConfigUpdate(Saved(), patch, Mask({"client_secret"}), {});
  ASSERT_THAT(result.violations, IsEmpty());
  EXPECT_TRUE(result.secret_changed);
  EXPECT_EQ(result.merged.client_secret(), "new-secret-0123456789");
}

TEST(ApplyConfigUpdateTest, MaskNamingAnEmptySecretIsRefused) {
  ConfigUpdateResult result =
      ApplyConfigUpdate(Saved(), v1::Config(), Mask({"client_secret"}), {});
  ASSERT_EQ(result.violations.size(), 1u);
  EXPECT_EQ(result.violations[0].reason, "CLIENT_SECRET_REQUIRED");
}

TEST(ApplyConfigUpdateTest, UnknownAndOutputOnlyPathsAreRefused) {
  ConfigUpdateResult result =
      ApplyConfigUpdate(Saved(), v1::Config(),
                        Mask({"domian", "revision", "client_secret_set"}), {});
  ASSERT_EQ(result.violations.size(), 3u);
  EXPECT_EQ(result.violations[0].field, "update_mask");
  EXPECT_THAT(result.violations[0].description,
              HasSubstr("updatable paths are domain"));
  EXPECT_THAT(result.violations[1].description, HasSubstr("output only"));
}

TEST(ApplyConfigUpdateTest, OutputOnlyFieldsInThePatchAreIgnored) {
  v1::Config patch;
  patch.set_revision(99);
  patch.set_client_secret_set(false);
  patch.add_connections("okta-saml");
  ConfigUpdateResult result = ApplyConfigUpdate(Saved(), patch, {}, {});
  ASSERT_THAT(result.violations, IsEmpty());
  EXPECT_EQ(result.merged.revision(), 4);
  EXPECT_TRUE(result.merged.client_secret_set());
}

TEST(ApplyConfigUpdateTest, UnsetTimesStayUnset) {
  v1::Config patch;
  patch.set_domain("acme.eu.auth0.com");
  patch.mutable_update_time()->set_seconds(5);
  ConfigUpdateResult result = ApplyConfigUpdate(v1::Config(), patch, {}, {});
  ASSERT_THAT(result.violations, IsEmpty());
  EXPECT_FALSE(result.merged.has_update_time());
  EXPECT_FALSE(result.merged.has_client_secret_update_time());
  EXPECT_FALSE(result.merged.has_authorization_extension());
  EXPECT_FALSE(result.merged.has_import_options());
}

TEST(ApplyConfigUpdateTest, SubMessagePathsAndCanonicalExtensionUrl) {
  v1::Config patch;
  patch.mutable_authorization_extension()->set_enabled(true);
  patch.mutable_authorization_extension()->set_api_url(
      "https://acme.us.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api/");
  ConfigUpdateResult result = ApplyConfigUpdate(Saved(), patch, {}, {});
  ASSERT_THAT(result.violations, IsEmpty());
  EXPECT_EQ(result.merged.authorization_extension().api_url(),
            "https://acme.us.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api");
  EXPECT_EQ(result.merged.authorization_extension().audience(),
            "urn:auth0-authz-api");

  // Naming the parent replaces the whole sub-message: enabled without a URL is
  // refused.
  v1::Config enable_only;
  enable_only.mutable_authorization_extension()->set_enabled(true);
  ConfigUpdateResult refused = ApplyConfigUpdate(
      result.merged, enable_only, Mask({"authorization_extension"}), {});
  ASSERT_EQ(refused.violations.size(), 1u);
  EXPECT_EQ(refused.violations[0].reason, "EXTENSION_URL_REQUIRED");
}

TEST(ApplyConfigUpdateTest, FollowingChangesIsSetAndClearedByItsPaths) {
  v1::Config patch;
  patch.mutable_import_options()->set_follow_changes(true);
  patch.mutable_import_options()->mutable_change_poll_interval()->set_seconds(
      10);
  ConfigUpdateResult on = ApplyConfigUpdate(Saved(), patch, {}, {});
  ASSERT_THAT(on.violations, IsEmpty());
  EXPECT_THAT(on.updated_paths,
              ElementsAre("import_options.follow_changes",
                          "import_options.change_poll_interval"));
  EXPECT_TRUE(on.merged.import_options().follow_changes());
  EXPECT_EQ(on.merged.import_options().change_poll_interval().seconds(), 10);

  // false is the default, so only a mask can turn following off.
  ConfigUpdateResult off = ApplyConfigUpdate(
      on.merged, v1::Config(), Mask({"import_options.follow_changes"}), {});
  ASSERT_THAT(off.violations, IsEmpty());
  EXPECT_FALSE(off.merged.import_options().follow_changes());
  EXPECT_EQ(off.merged.import_options().change_poll_interval().seconds(), 10);
}

TEST(ApplyConfigUpdateTest, DirectUserPermissionsAreSetAndClearedByTheirPath) {
  v1::Config patch;
  patch.mutable_import_options()->set_user_permissions(true);
  ConfigUpdateResult on = ApplyConfigUpdate(Saved(), patch, {}, {});
  ASSERT_THAT(on.violations, IsEmpty());
  EXPECT_THAT(on.updated_paths, ElementsAre("import_options.user_permissions"));
  EXPECT_TRUE(on.merged.import_options().user_permissions());
  EXPECT_EQ(on.merged.import_options().include_organizations(),
            Saved().import_options().include_organizations());

  ConfigUpdateResult off = ApplyConfigUpdate(
      on.merged, v1::Config(), Mask({"import_options.user_permissions"}), {});
  ASSERT_THAT(off.violations, IsEmpty());
  EXPECT_FALSE(off.merged.import_options().user_permissions());
}

TEST(ApplyConfigUpdateTest, InvalidValuesAreReportedNotMerged) {
  v1::Config patch;
  patch.set_domain("login.acme.com");
  ConfigUpdateResult result =
      ApplyConfigUpdate(Saved(), patch, Mask({"domain"}), {});
  ASSERT_EQ(result.violations.size(), 1u);
  EXPECT_EQ(result.violations[0].reason, "DOMAIN_CUSTOM");
}

}  // namespace
}  // namespace identitygraph
