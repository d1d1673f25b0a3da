// The "highest level not above the platform" walk on real collateral, with
// the expectations worked out in ../shared/testdata/real/README.md.
#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "intel/pck_certificate.h"
#include "intel/tcb_info.h"
#include "real_chain.h"
#include "testdata.h"

namespace thim::intel {
namespace {

using thim::testing::ReadRealString;

PckCertificate Pck(const char* chain) {
  return *ParsePckCertificate(testing::RealChain(chain)[0]);
}

TEST(MatchTcbLevel, RealTdxPlatforms) {
  auto info = *ParseTcbInfo(ReadRealString("teepot/extracted/tdx_tcb_info.body"));
  // COS quote: PCK 07 07 02 02 03 01 00 03 / 11, TEE_TCB_SVN 04 01 07 → the first level (UpToDate).
  std::array<uint8_t, 16> cos_tee = {4, 1, 7};
  auto cos = MatchTcbLevel(info, Pck("go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem").tcb, &cos_tee);
  ASSERT_TRUE(cos.ok()) << cos.status().ToString();
  EXPECT_EQ(*cos, &info.levels[0]);
  EXPECT_EQ((*cos)->status, TcbStatus::kUpToDate);
  // Azure quote: PCK 06 06 02 02 03 01 00 03 / 11, TEE_TCB_SVN 02 01 06 → the second level (OutOfDate 2023-08-09).
  std::array<uint8_t, 16> az_tee = {2, 1, 6};
  auto az = MatchTcbLevel(info, Pck("trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem").tcb, &az_tee);
  ASSERT_TRUE(az.ok());
  EXPECT_EQ(*az, &info.levels[1]);
  EXPECT_EQ((*az)->status, TcbStatus::kOutOfDate);
  EXPECT_EQ(FormatRfc3339((*az)->tcb_date), "2023-08-09T00:00:00Z");
  // The TDX components decide too: a TEE_TCB_SVN below every level's (module version 0) matches nothing.
  std::array<uint8_t, 16> low_tee = {0, 0, 1};
  EXPECT_EQ(MatchTcbLevel(info, Pck("go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem").tcb, &low_tee).status().code(),
            StatusCode::kNotFound);
}

TEST(MatchTcbLevel, SgxWalkAndNoMatch) {
  auto info = *ParseTcbInfo(ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body"));
  SgxTcb top = info.levels[0].sgx;
  EXPECT_EQ(*MatchTcbLevel(info, top), &info.levels[0]);
  SgxTcb above = top;
  above.components[0] = 255;
  EXPECT_EQ(*MatchTcbLevel(info, above), &info.levels[0]);
  SgxTcb lower_pce = top;
  lower_pce.pcesvn = 0;  // below every level's PCESVN
  EXPECT_EQ(MatchTcbLevel(info, lower_pce).status().code(), StatusCode::kNotFound);
  // One component below the top level: the walk goes down to the next level that fits.
  SgxTcb second = top;
  second.components[0] = static_cast<uint8_t>(top.components[0] - 1);
  auto m = MatchTcbLevel(info, second);
  ASSERT_TRUE(m.ok());
  EXPECT_NE(*m, &info.levels[0]);
  EXPECT_TRUE(TcbNotAbove((*m)->sgx, second));
}

}  // namespace
}  // namespace thim::intel
