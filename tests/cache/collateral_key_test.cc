#include "cache/collateral_key.h"

#include <gtest/gtest.h>

namespace thim::cache {
namespace {

TEST(CollateralKey, TcbInfoKeysAndTargets) {
  auto k = MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = "00906ed50000"});
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->fmspc, "00906ED50000");
  EXPECT_EQ(k->CacheKey(), "intel/v4/sgx/tcb?fmspc=00906ED50000&update=standard");
  EXPECT_EQ(k->UpstreamTarget(), "/sgx/certification/v4/tcb?fmspc=00906ED50000&update=standard");
  auto early = MakeKey(CollateralKind::kTcbInfo, Tee::kTdx, 4, {.fmspc = "00806F050000", .update = "EARLY"});
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->UpstreamTarget(), "/tdx/certification/v4/tcb?fmspc=00806F050000&update=early");
  auto pinned = MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 3, {.fmspc = "00906ED50000", .eval_number = "17"});
  ASSERT_TRUE(pinned.ok());
  EXPECT_EQ(pinned->CacheKey(), "intel/v3/sgx/tcb?fmspc=00906ED50000&tcbEvaluationDataNumber=17");
  EXPECT_NE(pinned->CacheKey(), k->CacheKey());
}

TEST(CollateralKey, InvalidParameters) {
  EXPECT_EQ(MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = "00906ED5000"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = "00906ED5000G"}).status().code(), StatusCode::kInvalidArgument);
  auto both = MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = "00906ED50000", .update = "early", .eval_number = "17"});
  EXPECT_EQ(both.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(both.status().message().find("mutually exclusive"), std::string::npos);
  for (const char* bad : {"", "x", "-1", "0", "1.5", "99999999999", "17 "})
    EXPECT_EQ(MakeKey(CollateralKind::kQeIdentity, Tee::kSgx, 4, {.eval_number = bad}).status().code(), StatusCode::kInvalidArgument)
        << bad;
  EXPECT_EQ(MakeKey(CollateralKind::kQeIdentity, Tee::kSgx, 4, {.update = "latest"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = "root"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = "platform", .encoding = "hex"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeKey(CollateralKind::kFmspcs, Tee::kSgx, 4, {.platform = "E7"}).status().code(), StatusCode::kInvalidArgument);
}

TEST(CollateralKey, EndpointsThatDoNotExist) {
  EXPECT_EQ(MakeKey(CollateralKind::kTcbEvalNumbers, Tee::kSgx, 3, {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(MakeKey(CollateralKind::kFmspcs, Tee::kSgx, 3, {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(MakeKey(CollateralKind::kQveIdentity, Tee::kTdx, 4, {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(MakeKey(CollateralKind::kTcbInfo, Tee::kTdx, 3, {.fmspc = "00806F050000"}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 5, {.fmspc = "00806F050000"}).status().code(), StatusCode::kInvalidArgument);
}

TEST(CollateralKey, PckCrlAndListsAndRoot) {
  auto crl = MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = "Platform", .encoding = "DER"});
  ASSERT_TRUE(crl.ok());
  EXPECT_EQ(crl->UpstreamTarget(), "/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
  auto pem = MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = "processor"});
  EXPECT_EQ(pem->UpstreamTarget(), "/sgx/certification/v4/pckcrl?ca=processor");
  auto fmspcs = MakeKey(CollateralKind::kFmspcs, Tee::kSgx, 4, {});
  EXPECT_EQ(fmspcs->UpstreamTarget(), "/sgx/certification/v4/fmspcs");
  auto e5 = MakeKey(CollateralKind::kFmspcs, Tee::kSgx, 4, {.platform = "e5"});
  EXPECT_EQ(e5->UpstreamTarget(), "/sgx/certification/v4/fmspcs?platform=E5");
  auto evals = MakeKey(CollateralKind::kTcbEvalNumbers, Tee::kTdx, 4, {});
  EXPECT_EQ(evals->UpstreamTarget(), "/tdx/certification/v4/tcbevaluationdatanumbers");
  CollateralKey root;
  root.kind = CollateralKind::kRootCaCrl;
  EXPECT_EQ(root.CacheKey(), "intel/rootcacrl");
  EXPECT_EQ(root.UpstreamTarget(), "");
}

TEST(CollateralKey, CacheKeyRoundTrips) {
  std::vector<CollateralKey> keys;
  keys.push_back(*MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = "00906ED50000", .update = "early"}));
  keys.push_back(*MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 3, {.fmspc = "00906ED50000", .eval_number = "17"}));
  keys.push_back(*MakeKey(CollateralKind::kQeIdentity, Tee::kTdx, 4, {}));
  keys.push_back(*MakeKey(CollateralKind::kQaeIdentity, Tee::kSgx, 4, {.eval_number = "19"}));
  keys.push_back(*MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = "platform", .encoding = "der"}));
  keys.push_back(*MakeKey(CollateralKind::kFmspcs, Tee::kSgx, 4, {.platform = "client"}));
  keys.push_back(*MakeKey(CollateralKind::kTcbEvalNumbers, Tee::kSgx, 4, {}));
  CollateralKey root;
  root.kind = CollateralKind::kRootCaCrl;
  keys.push_back(root);
  for (const auto& k : keys) {
    auto parsed = ParseCacheKey(k.CacheKey());
    ASSERT_TRUE(parsed.ok()) << k.CacheKey();
    EXPECT_EQ(*parsed, k) << k.CacheKey();
  }
  for (const char* bad : {"", "intel/", "intel/v4/sgx/tcb", "intel/v4/sgx/tcb?fmspc=00906ed50000&update=standard",
                          "intel/v9/sgx/tcb?fmspc=00906ED50000&update=standard", "intel/v4/xyz/tcb?fmspc=00906ED50000",
                          "intel/v4/sgx/nothing", "intel/v4/sgx/tcb?fmspc=00906ED50000&update=standard&extra=1"})
    EXPECT_FALSE(ParseCacheKey(bad).ok()) << bad;
}

}  // namespace
}  // namespace thim::cache
