#include "server/config_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include "absl/time/time.h"
#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kSecret[] = "Zq8-secret-canary-value-0123456789";

v1::Config FullConfig() {
  v1::Config config;
  config.set_domain("acme.us.auth0.com");
  config.set_client_id("client1234567890");
  config.set_client_secret(kSecret);
  config.add_connections("google-workforce");
  config.add_connection_patterns("corp-.*");
  config.mutable_import_options()->set_login_reachability(true);
  return config;
}

TEST(ConfigStoreTest, StartsEmptyWithoutFiles) {
  TestTempDir dir;
  auto store = ConfigStore::Open(dir.path(), {});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get().revision(), 0);
  EXPECT_FALSE((*store)->Get().client_secret_set());
}

TEST(ConfigStoreTest, SavesAtomicallyAndReloadsTheSameConfig) {
  TestTempDir dir;
  const absl::Time now = absl::FromUnixSeconds(1790000000);
  {
    auto store = ConfigStore::Open(dir.path(), {});
    ASSERT_TRUE(store.ok());
    auto outcome = (*store)->Update(FullConfig(), {}, false, now);
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    ASSERT_THAT(outcome->violations, IsEmpty());
    EXPECT_EQ(outcome->config.revision(), 1);
    EXPECT_TRUE(outcome->config.client_secret_set());
    EXPECT_TRUE(outcome->config.client_secret().empty());
    EXPECT_EQ(outcome->config.client_secret_update_time().seconds(),
              1790000000);
  }
  auto reopened = ConfigStore::Open(dir.path(), {});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  v1::Config expected = FullConfig();
  expected.clear_client_secret();
  expected.set_client_secret_set(true);
  expected.set_revision(1);
  expected.mutable_update_time()->set_seconds(1790000000);
  expected.mutable_client_secret_update_time()->set_seconds(1790000000);
  EXPECT_EQ((*reopened)->Get().DebugString(), expected.DebugString());
  EXPECT_EQ((*reopened)->GetWithSecret().client_secret(), kSecret);
}

TEST(ConfigStoreTest, SecretLivesOnlyInItsOwnFileWithMode0600) {
  TestTempDir dir;
  auto store = ConfigStore::Open(dir.path(), {});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Update(FullConfig(), {}, false, absl::Now()).ok());
  struct stat info;
  ASSERT_EQ(::stat(dir.File("client_secret").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(*ReadFile(dir.File("client_secret"), 1000), kSecret);
  EXPECT_THAT(*ReadFile(dir.File("config.json"), 100000),
              Not(HasSubstr(kSecret)));
}

// Issue 14, defect 8: a config that says a secret is set, beside an empty or
// missing secret file, does not start silently without it.
TEST(ConfigStoreTest, ASecretSaidToBeSetMustBeThere) {
  for (bool remove : {false, true}) {
    TestTempDir dir;
    {
      auto store = ConfigStore::Open(dir.path(), {});
      ASSERT_TRUE(store.ok());
      ASSERT_TRUE((*store)->Update(FullConfig(), {}, false, absl::Now()).ok());
    }
    if (remove) {
      ASSERT_EQ(::unlink(dir.File("client_secret").c_str()), 0);
    } else {
      ASSERT_TRUE(
          WriteFileAtomically(dir.File("client_secret"), "", 0600).ok());
    }
    auto reopened = ConfigStore::Open(dir.path(), {});
    ASSERT_FALSE(reopened.ok()) << (remove ? "missing" : "empty");
    EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(reopened.status().message(), HasSubstr("client_secret"));
    EXPECT_THAT(reopened.status().message(), HasSubstr("config.json"));
  }
}

TEST(ConfigStoreTest, ValidateOnlySavesNothing) {
  TestTempDir dir;
  auto store = ConfigStore::Open(dir.path(), {});
  ASSERT_TRUE(store.ok());
  auto outcome = (*store)->Update(FullConfig(), {}, true, absl::Now());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->config.domain(), "acme.us.auth0.com");
  EXPECT_EQ((*store)->Get().revision(), 0);
  EXPECT_TRUE(
      absl::IsNotFound(ReadFile(dir.File("config.json"), 100).status()));
}

TEST(ConfigStoreTest, RefusedUpdateChangesNothing) {
  TestTempDir dir;
  auto store = ConfigStore::Open(dir.path(), {});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Update(FullConfig(), {}, false, absl::Now()).ok());
  v1::Config bad;
  bad.set_domain("https://acme.us.auth0.com");
  auto outcome = (*store)->Update(bad, {}, false, absl::Now());
  ASSERT_TRUE(outcome.ok());
  ASSERT_EQ(outcome->violations.size(), 1u);
  EXPECT_EQ((*store)->Get().domain(), "acme.us.auth0.com");
  EXPECT_EQ((*store)->Get().revision(), 1);
}

TEST(ConfigStoreTest, CorruptFilesGiveErrorsNamingTheFile) {
  struct Case {
    const char* contents;
    const char* hint;
  };
  for (const Case& c :
       {Case{"{not json", "not valid JSON"},
        Case{"{\"config\": {}}", "formatVersion"},
        Case{"{\"formatVersion\": 7, \"config\": {}}", "format version 7"},
        Case{"{\"formatVersion\": 1}", "no \"config\" object"},
        Case{"{\"formatVersion\": 1, \"config\": {\"domian\": \"x\"}}",
             "does not match the Config message"},
        Case{"{\"formatVersion\": 1, \"config\": {\"domain\": "
             "\"login.acme.com\"}}",
             "no longer valid"},
        Case{"", "not valid JSON"}}) {
    TestTempDir dir;
    ASSERT_TRUE(
        WriteFileAtomically(dir.File("config.json"), c.contents, 0644).ok());
    auto store = ConfigStore::Open(dir.path(), {});
    ASSERT_FALSE(store.ok()) << c.contents;
    EXPECT_THAT(store.status().message(), HasSubstr(dir.path())) << c.contents;
    EXPECT_THAT(store.status().message(), HasSubstr(c.hint)) << store.status();
    // Nothing was overwritten.
    EXPECT_EQ(*ReadFile(dir.File("config.json"), 1000), c.contents);
  }
}

TEST(ConfigStoreTest, LooseSecretFileModeIsTightened) {
  TestTempDir dir;
  ASSERT_TRUE(
      WriteFileAtomically(dir.File("client_secret"), kSecret, 0644).ok());
  auto store = ConfigStore::Open(dir.path(), {});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->Get().client_secret_set());
  struct stat info;
  ASSERT_EQ(::stat(dir.File("client_secret").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(ConfigStoreTest, InvalidSecretFileIsReportedByNameNotValue) {
  TestTempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.File("client_secret"),
                                  std::string(kSecret) + " x", 0600)
                  .ok());
  auto store = ConfigStore::Open(dir.path(), {});
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr(dir.File("client_secret")));
  EXPECT_THAT(store.status().message(), Not(HasSubstr(kSecret)));
}

}  // namespace
}  // namespace identitygraph
