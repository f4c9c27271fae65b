// Checks of the generated API code: the JSON forms operators type with grpcurl
// / buf curl parse as documented, and the standard messages reflection must
// serve are in the pool.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "grpc/health/v1/health.pb.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/config_service.pb.h"

namespace identitygraph {
namespace {

using ::google::protobuf::util::JsonStringToMessage;
using ::testing::ElementsAre;

TEST(ProtoJsonTest, UpdateConfigRequestAsOperatorsTypeIt) {
  v1::UpdateConfigRequest request;
  ASSERT_TRUE(JsonStringToMessage(
                  R"json({"config": {"domain": "acme.us.auth0.com",
                                     "clientId": "abc",
                                     "connections": ["google-workforce"],
                                     "authorizationExtension": {"enabled": true}},
                          "updateMask": "domain,clientId,authorizationExtension.enabled",
                          "validateOnly": true})json",
                  &request)
                  .ok());
  EXPECT_EQ(request.config().domain(), "acme.us.auth0.com");
  EXPECT_EQ(request.config().client_id(), "abc");
  EXPECT_TRUE(request.config().authorization_extension().enabled());
  EXPECT_TRUE(request.validate_only());
  // The JSON form of a field mask is lowerCamelCase; the paths are the proto
  // field names.
  EXPECT_THAT(
      request.update_mask().paths(),
      ElementsAre("domain", "client_id", "authorization_extension.enabled"));
}

TEST(ProtoJsonTest, ProtoFieldNamesAreAcceptedToo) {
  v1::UpdateConfigRequest request;
  ASSERT_TRUE(
      JsonStringToMessage(
          R"json({"config": {"client_id": "abc"}, "validate_only": true})json",
          &request)
          .ok());
  EXPECT_EQ(request.config().client_id(), "abc");
}

TEST(ProtoPoolTest, StandardMessagesAreInTheGeneratedPool) {
  // Touch the generated classes so the linker keeps their descriptors.
  grpc::health::v1::HealthCheckRequest health;
  google::rpc::BadRequest bad_request;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  EXPECT_NE(pool->FindServiceByName("grpc.health.v1.Health"), nullptr);
  EXPECT_NE(pool->FindMessageTypeByName("google.rpc.BadRequest"), nullptr);
  EXPECT_NE(pool->FindServiceByName("identitygraph.v1.ConfigService"), nullptr);
  EXPECT_NE(pool->FindServiceByName("identitygraph.v1.AccessService"), nullptr);
  EXPECT_NE(pool->FindServiceByName("identitygraph.v1.ScanService"), nullptr);
}

}  // namespace
}  // namespace identitygraph
