// A test suite base that runs one auth0-sim with the Acme demo tenant for the
// whole suite, its rate limits raised out of the way.
//
//   class MyTest : public AcmeSimFixture {};
//   TEST_F(MyTest, ...) { importer::HttpClientOptions http =
//   sim_->HttpOptions(); }
#ifndef IDENTITYGRAPH_TESTS_ACME_SIM_FIXTURE_H_
#define IDENTITYGRAPH_TESTS_ACME_SIM_FIXTURE_H_

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/sim_instance.h"

namespace identitygraph {

class AcmeSimFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto sim = SimInstance::Start(
        {absl::StrCat("--tenant_file=", AUTH0_SIM_DIR, "/fixtures/acme.json"),
         "--rate_burst=1000", "--rate_per_second=1000"});
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = sim->release();
  }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }

  inline static SimInstance* sim_ = nullptr;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_TESTS_ACME_SIM_FIXTURE_H_
