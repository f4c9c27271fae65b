#include "graph/graph_builder.h"

#include <memory>

#include "gmock/gmock.h"
#include "graph/queries.h"
#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(GraphBuilderTest, DeduplicatesEntitiesAndFillsMissingFields) {
  GraphBuilder builder;
  VertexId first = builder.AddEntity(VertexKind::kUser, "google-apps|ada");
  VertexId again = builder.AddEntity(VertexKind::kUser, "google-apps|ada",
                                     "Ada", "Ada@Acme.com");
  EXPECT_EQ(first, again);
  // The same id under another kind is another entity.
  EXPECT_NE(builder.AddEntity(VertexKind::kGroup, "google-apps|ada"), first);
  auto snapshot = std::move(builder).Build(3, absl::FromUnixSeconds(100));
  EXPECT_EQ(snapshot->version(), 3);
  EXPECT_EQ(snapshot->create_time(), absl::FromUnixSeconds(100));
  EXPECT_EQ(snapshot->vertex_count(), 2u);
  EXPECT_EQ(snapshot->name(first), "Ada");
  EXPECT_EQ(snapshot->email(first), "Ada@Acme.com");
}

TEST(GraphBuilderTest, DropsAndCountsEdgesWithMissingEndsOrWrongKinds) {
  GraphBuilder builder;
  builder.AddEntity(VertexKind::kUser, "u1");
  builder.AddEntity(VertexKind::kGroup, "g1");
  VertexId role = builder.AddEntity(VertexKind::kRole, "r1");
  EXPECT_TRUE(builder.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser, "u1",
                              VertexKind::kGroup, "g1"));
  EXPECT_TRUE(builder.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser, "u1",
                              VertexKind::kGroup,
                              "g1"));  // duplicate: merged at Build
  EXPECT_FALSE(builder.AddEdge(EdgeKind::kGroupMember, VertexKind::kUser,
                               "filtered-out", VertexKind::kGroup, "g1"));
  EXPECT_FALSE(builder.AddEdge(EdgeKind::kGroupMember, VertexKind::kRole, "r1",
                               VertexKind::kGroup,
                               "g1"));  // a role cannot be a member
  EXPECT_FALSE(
      builder.AddEdge(EdgeKind::kOrganizationRole, 0, role, /*via=*/role));
  EXPECT_EQ(builder.dropped_edges()[static_cast<int>(EdgeKind::kGroupMember)],
            2);
  EXPECT_EQ(
      builder.dropped_edges()[static_cast<int>(EdgeKind::kOrganizationRole)],
      1);
  auto snapshot = std::move(builder).Build(1, absl::Now());
  EXPECT_EQ(snapshot->edge_count(), 1u);
  EXPECT_EQ(snapshot->edge_counts()[static_cast<int>(EdgeKind::kGroupMember)],
            1);
  EXPECT_EQ(snapshot->vertex_counts()[static_cast<int>(VertexKind::kRole)], 1);
}

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GraphBuilder builder;
    ada_ = builder.AddEntity(VertexKind::kUser, "google-apps|ada",
                             "Ada Lovelace", "Ada@Acme.com");
    payroll_ =
        builder.AddEntity(VertexKind::kApplication, "PAYROLL1", "Payroll");
    payroll_api_ =
        builder.AddEntity(VertexKind::kApi, "https://api/payroll", "Payroll");
    payroll2_ =
        builder.AddEntity(VertexKind::kApplication, "PAYROLL2", "Payroll");
    builder.AddEntity(VertexKind::kApplication, "WIKI", "wiki");
    builder.AddEntity(VertexKind::kApplication, "PAYSLIPS", "Payslips");
    VertexId connection =
        builder.AddEntity(VertexKind::kConnection, "con_1", "okta-saml");
    builder.SetAttribute(connection, "strategy", "samlp");
    builder.SetAttribute(connection, "strategy", "okta");
    connection_ = connection;
    snapshot_ = std::move(builder).Build(1, absl::Now());
  }
  VertexId ada_, payroll_, payroll_api_, payroll2_, connection_;
  std::shared_ptr<const Snapshot> snapshot_;
};

TEST_F(LookupTest, ById) {
  EXPECT_EQ(snapshot_->FindById(VertexKind::kUser, "google-apps|ada"), ada_);
  EXPECT_EQ(snapshot_->FindById(VertexKind::kGroup, "google-apps|ada"),
            kNoVertex);
  EXPECT_EQ(snapshot_->FindById(VertexKind::kUser, "nobody"), kNoVertex);
}

TEST_F(LookupTest, ByEmailIgnoresCase) {
  EXPECT_EQ(snapshot_->FindByEmail("ada@acme.com"), ada_);
  EXPECT_EQ(snapshot_->FindByEmail("ADA@ACME.COM"), ada_);
  EXPECT_EQ(snapshot_->FindByEmail("grace@acme.com"), kNoVertex);
}

TEST_F(LookupTest, ByExactNameReportsEveryCandidate) {
  EXPECT_THAT(snapshot_->FindByName(VertexKind::kApplication, "Payroll"),
              ElementsAre(payroll_, payroll2_));
  EXPECT_THAT(snapshot_->FindByName(VertexKind::kApi, "Payroll"),
              ElementsAre(payroll_api_));
  EXPECT_THAT(snapshot_->FindByName(VertexKind::kApplication, "payroll"),
              IsEmpty());
}

TEST_F(LookupTest, UniqueNameOrTheCandidates) {
  auto api = FindUniqueByName(*snapshot_, VertexKind::kApi, "Payroll");
  ASSERT_TRUE(api.ok());
  EXPECT_EQ(*api, payroll_api_);
  auto ambiguous =
      FindUniqueByName(*snapshot_, VertexKind::kApplication, "Payroll");
  EXPECT_EQ(ambiguous.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ambiguous.status().message(),
              ::testing::HasSubstr(
                  "2 applications are named 'Payroll'; name one by id: "
                  "PAYROLL1, PAYROLL2"));
  EXPECT_TRUE(absl::IsNotFound(
      FindUniqueByName(*snapshot_, VertexKind::kApplication, "Nothing")
          .status()));
}

TEST_F(LookupTest, ByNamePrefixIgnoresCaseFiltersKindsAndLimits) {
  bool more = false;
  auto apps =
      snapshot_->FindByNamePrefix("pay", {VertexKind::kApplication}, 10, &more);
  EXPECT_EQ(apps.size(), 3u);  // Payroll, Payroll, Payslips
  EXPECT_FALSE(more);
  auto limited = snapshot_->FindByNamePrefix("PAY", {}, 2, &more);
  EXPECT_EQ(limited.size(), 2u);
  EXPECT_TRUE(more);
  EXPECT_THAT(snapshot_->FindByNamePrefix("zzz", {}, 10, &more), IsEmpty());
}

TEST_F(LookupTest, AttributesKeepTheLastValuePerKey) {
  auto attributes = snapshot_->attributes(connection_);
  ASSERT_EQ(attributes.size(), 1u);
  EXPECT_EQ(attributes[0].first, "strategy");
  EXPECT_EQ(attributes[0].second, "okta");
  EXPECT_TRUE(snapshot_->attributes(ada_).empty());
  EXPECT_GT(snapshot_->MemoryBytes(), 0u);
}

}  // namespace
}  // namespace identitygraph::graph
