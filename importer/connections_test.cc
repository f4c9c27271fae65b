#include "importer/connections.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph::importer {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Names(const std::vector<Connection>& connections) {
  std::vector<std::string> names;
  for (const Connection& c : connections) names.push_back(c.name);
  return names;
}

const std::vector<Connection> kTenant = {
    {"con_1", "google-workforce", "", "google-apps"},
    {"con_2", "okta-saml", "", "samlp"},
    {"con_3", "corp-okta", "", "okta"},
    {"con_4", "customers", "", "auth0"}};

TEST(SelectConnectionsTest, ExactNamesAndWholeNamePatterns) {
  ConnectionSelection selection = SelectConnections(
      kTenant, {"google-workforce", "old-ad"}, {"okta-.*", "corp", "zzz.*"});
  EXPECT_THAT(Names(selection.selected),
              ElementsAre("google-workforce", "okta-saml"));
  EXPECT_THAT(selection.missing_names, ElementsAre("old-ad"));
  // "corp" matches no whole name (corp-okta needs corp-.*).
  EXPECT_THAT(selection.patterns_matching_nothing,
              ElementsAre("corp", "zzz.*"));
}

TEST(SelectConnectionsTest, AConnectionChosenTwiceIsListedOnce) {
  ConnectionSelection selection =
      SelectConnections(kTenant, {"corp-okta"}, {"corp-.*", ".*okta"});
  // Chosen by its name and by both patterns (".*okta" must match the whole
  // name, so not okta-saml), yet listed once.
  EXPECT_THAT(Names(selection.selected), ElementsAre("corp-okta"));
  EXPECT_TRUE(selection.missing_names.empty());
}

TEST(SelectConnectionsTest, ProblemsAreNamedOncePerKind) {
  EXPECT_THAT(
      SelectionProblems(SelectConnections(
          kTenant, {"google-workforce", "a", "b"}, {"okta-.*", "zzz.*"})),
      ElementsAre("selected connections not in the tenant: a, b",
                  "connection patterns matching nothing: zzz.*"));
  EXPECT_TRUE(
      SelectionProblems(SelectConnections(kTenant, {"customers"}, {})).empty());
  EXPECT_EQ(NothingSelectedMessage(kTenant),
            "no connection of the tenant matches the configuration; the "
            "tenant has: google-workforce, okta-saml, corp-okta, customers");
}

TEST(HintAudienceTest, ByStrategy) {
  std::string reason;
  EXPECT_EQ(HintAudience(kTenant[0], &reason), ConnectionAudience::kWorkforce);
  EXPECT_THAT(reason, ::testing::HasSubstr("enterprise"));
  EXPECT_EQ(HintAudience(kTenant[3], &reason), ConnectionAudience::kCustomer);
  EXPECT_EQ(HintAudience({"con_5", "x", "", "custom"}, &reason),
            ConnectionAudience::kUnknown);
}

}  // namespace
}  // namespace identitygraph::importer
