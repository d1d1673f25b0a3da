// TCB baselines served by thimd (the sim: oldest 16, standard 17, early 18).
#include "harness.h"

namespace thim::testing {
namespace {

const std::string kTcb = "/sgx/certification/v4/tcb?fmspc=00906ED50000";

std::string EvalOf(const ClientResponse& r) { return r.Header("thim-tcb-evaluation-data-number"); }

TEST_F(ThimdWithSim, BaselinesDefaultLagPinnedTenantExplicitAndFloor) {
  auto config = DefaultConfig();
  config.baselines.default_baseline = "lag:1";
  config.baselines.tenants = {{"contoso", "early"}, {"fabrikam", "eval:16"}};
  config.baselines.fmspc = {{"00606A000000", "standard"}};
  StartThimd(config);

  auto dflt = Thimd(kTcb);
  ASSERT_EQ(dflt.status, 200) << dflt.body;
  EXPECT_EQ(dflt.Header("thim-tcb-baseline"), "lag:1");
  EXPECT_EQ(EvalOf(dflt), "16");
  EXPECT_NE(dflt.body.find("\"tcbEvaluationDataNumber\":16"), std::string::npos);
  // Intel's client always sends update=standard: it means "no preference".
  EXPECT_EQ(EvalOf(Thimd(kTcb + "&update=standard")), "16");
  // Per-FMSPC override, per-tenant (clientid as THIM clients send it, or a header).
  EXPECT_EQ(EvalOf(Thimd("/sgx/certification/v4/tcb?fmspc=00606A000000")), "17");
  auto contoso = Thimd(kTcb + "&clientid=contoso");
  EXPECT_EQ(contoso.Header("thim-tcb-baseline"), "early");
  EXPECT_EQ(EvalOf(contoso), "18");
  EXPECT_EQ(EvalOf(Thimd(kTcb, "THIM-Tenant: fabrikam\r\n")), "16");
  EXPECT_EQ(EvalOf(Thimd(kTcb + "&clientid=unknown-tenant")), "16");  // falls back to the default
  // Explicit requests are served as asked.
  EXPECT_EQ(EvalOf(Thimd(kTcb + "&update=early")), "18");
  auto pinned = Thimd(kTcb + "&tcbEvaluationDataNumber=17");
  EXPECT_EQ(EvalOf(pinned), "17");
  EXPECT_EQ(pinned.Header("thim-tcb-baseline"), "eval:17");
  // Identities follow the same baseline.
  auto qe = Thimd("/sgx/certification/v4/qe/identity");
  EXPECT_EQ(EvalOf(qe), "16");
  EXPECT_NE(qe.body.find("\"tcbEvaluationDataNumber\":16"), std::string::npos);
  // A new evaluation number moves "early" but not the default.
  SimControl("/_sim/new-eval-number");
  EXPECT_EQ(EvalOf(Thimd("/sgx/certification/v4/tcb?fmspc=30806F040000&clientid=contoso")), "19");
  EXPECT_EQ(EvalOf(Thimd("/sgx/certification/v4/tcb?fmspc=30806F040000")), "16");
}

TEST_F(ThimdWithSim, FloorIsNeverUndercut) {
  auto config = DefaultConfig();
  config.baselines.default_baseline = "lag:1";
  config.baselines.floor = 17;
  config.baselines.tenants = {{"old", "eval:16"}};
  StartThimd(config);
  EXPECT_EQ(EvalOf(Thimd(kTcb)), "17");                  // lag:1 would be 16
  EXPECT_EQ(EvalOf(Thimd(kTcb + "&clientid=old")), "17");  // a tenant cannot go below either
  auto refused = Thimd(kTcb + "&tcbEvaluationDataNumber=16");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("floor"), std::string::npos);
  EXPECT_EQ(Thimd(kTcb + "&tcbEvaluationDataNumber=18").status, 200);
}

TEST_F(ThimdWithSim, StandardCanBeHonouredLiterally) {
  auto config = DefaultConfig();
  config.baselines.default_baseline = "lag:1";
  config.baselines.standard_means_baseline = false;
  StartThimd(config);
  EXPECT_EQ(EvalOf(Thimd(kTcb + "&update=standard")), "17");
  EXPECT_EQ(EvalOf(Thimd(kTcb)), "16");
}

}  // namespace
}  // namespace thim::testing
