#include "server/api_mapping.h"

#include <set>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace identitygraph {
namespace {

// Every number the API's enum declares, UNSPECIFIED included.
template <typename ProtoEnum>
std::vector<ProtoEnum> EveryValue(
    const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<ProtoEnum> out;
  for (int i = 0; i < descriptor->value_count(); ++i)
    out.push_back(static_cast<ProtoEnum>(descriptor->value(i)->number()));
  return out;
}

// Both directions over every value of both enums: the engine's values map onto
// distinct API values and back, and every API value but the ones named in
// `unmapped` maps onto an engine value and back.
template <typename EngineEnum, typename ProtoEnum>
void ExpectBijection(const std::vector<EngineEnum>& engine,
                     const google::protobuf::EnumDescriptor* descriptor,
                     std::set<int> unmapped) {
  std::set<int> seen;
  for (EngineEnum value : engine) {
    const ProtoEnum api = ToApi(value);
    EXPECT_NE(static_cast<int>(api), 0)
        << descriptor->name() << ": engine value " << static_cast<int>(value)
        << " maps to UNSPECIFIED";
    EXPECT_TRUE(seen.insert(static_cast<int>(api)).second)
        << descriptor->name() << ": two engine values map to " << api;
    auto back = FromApi(api);
    ASSERT_TRUE(back.has_value()) << descriptor->name() << " " << api;
    EXPECT_EQ(*back, value) << descriptor->name() << " " << api;
  }
  for (ProtoEnum api : EveryValue<ProtoEnum>(descriptor)) {
    const bool expect_unmapped = unmapped.count(static_cast<int>(api)) > 0;
    auto engine_value = FromApi(api);
    EXPECT_EQ(engine_value.has_value(), !expect_unmapped)
        << descriptor->name() << ": "
        << descriptor->FindValueByNumber(api)->name();
    if (engine_value.has_value()) {
      EXPECT_EQ(ToApi(*engine_value), api);
    }
  }
  // A number from a newer client maps to nothing.
  EXPECT_FALSE(FromApi(static_cast<ProtoEnum>(9999)).has_value());
}

TEST(ApiMappingTest, EntityKindsMapBothWaysForEveryValue) {
  std::vector<graph::VertexKind> kinds;
  for (int k = 0; k < graph::kVertexKindCount; ++k)
    kinds.push_back(static_cast<graph::VertexKind>(k));
  ExpectBijection<graph::VertexKind, v1::EntityKind>(
      kinds, v1::EntityKind_descriptor(), {v1::ENTITY_KIND_UNSPECIFIED});
}

TEST(ApiMappingTest, EdgeKindsMapBothWaysForEveryValue) {
  std::vector<graph::EdgeKind> kinds;
  for (int k = 0; k < graph::kEdgeKindCount; ++k)
    kinds.push_back(static_cast<graph::EdgeKind>(k));
  ExpectBijection<graph::EdgeKind, v1::EdgeKind>(
      kinds, v1::EdgeKind_descriptor(), {v1::EDGE_KIND_UNSPECIFIED});
}

TEST(ApiMappingTest, SourcesMapBothWaysForEveryValue) {
  std::vector<graph::VertexSource> sources;
  for (int s = 0; s < graph::kVertexSourceCount; ++s)
    sources.push_back(static_cast<graph::VertexSource>(s));
  ExpectBijection<graph::VertexSource, v1::EntitySource>(
      sources, v1::EntitySource_descriptor(), {v1::ENTITY_SOURCE_UNSPECIFIED});
}

TEST(ApiMappingTest, ScanPhasesMapBothWaysForEveryValue) {
  std::vector<importer::ImportPhase> phases;
  for (int p = static_cast<int>(importer::ImportPhase::kToken);
       p <= static_cast<int>(importer::ImportPhase::kBuild); ++p) {
    phases.push_back(static_cast<importer::ImportPhase>(p));
  }
  ExpectBijection<importer::ImportPhase, v1::ScanPhase>(
      phases, v1::ScanPhase_descriptor(),
      {v1::SCAN_PHASE_UNSPECIFIED, v1::SCAN_PHASE_PUBLISH});
}

TEST(ApiMappingTest,
     ReachabilityModesMapBothWaysAndUnspecifiedIsAuthorization) {
  for (graph::Reachability mode :
       {graph::Reachability::kAuthorization, graph::Reachability::kLogin}) {
    EXPECT_EQ(FromApi(ToApi(mode)), mode);
  }
  for (v1::ReachabilityMode mode :
       EveryValue<v1::ReachabilityMode>(v1::ReachabilityMode_descriptor())) {
    if (mode != v1::REACHABILITY_MODE_UNSPECIFIED) {
      EXPECT_EQ(ToApi(FromApi(mode)), mode);
    }
  }
  EXPECT_EQ(FromApi(v1::REACHABILITY_MODE_UNSPECIFIED),
            graph::Reachability::kAuthorization);
}

TEST(ApiMappingTest, CheckStatusesAndAudiencesCoverTheApi) {
  std::set<int> statuses, audiences;
  for (importer::CheckStatus status :
       {importer::CheckStatus::kOk, importer::CheckStatus::kWarning,
        importer::CheckStatus::kFailed, importer::CheckStatus::kSkipped,
        importer::CheckStatus::kRateLimited}) {
    statuses.insert(ToApi(status));
  }
  EXPECT_EQ(statuses.size() + 1,  // + UNSPECIFIED
            static_cast<size_t>(v1::CheckStatus_descriptor()->value_count()));
  EXPECT_EQ(statuses.count(v1::CHECK_STATUS_UNSPECIFIED), 0u);
  for (importer::ConnectionAudience audience :
       {importer::ConnectionAudience::kUnknown,
        importer::ConnectionAudience::kWorkforce,
        importer::ConnectionAudience::kCustomer}) {
    audiences.insert(ToApi(audience));
  }
  EXPECT_EQ(
      audiences.size(),
      static_cast<size_t>(v1::ConnectionAudience_descriptor()->value_count()));
}

}  // namespace
}  // namespace identitygraph
