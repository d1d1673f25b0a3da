// The simulator's AMD PKI and reports verify like real ones (same verifier,
// the sim's ARK pinned), for every product and report version, VCEK and VLEK.
#include <gtest/gtest.h>

#include "amd/snp_verifier.h"
#include "core/clock.h"
#include "sim/snp_report_generator.h"

namespace thim::sim {
namespace {

class AmdSimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new std::shared_ptr<AmdPki>(*AmdPki::Create(SystemClock::Instance().Now(), 2048)); }
  static void TearDownTestSuite() { delete pki_; }
  static std::shared_ptr<AmdPki>* pki_;
};
std::shared_ptr<AmdPki>* AmdSimTest::pki_ = nullptr;

TEST_F(AmdSimTest, EveryProductAndVersionVerifies) {
  for (amd::Product p : {amd::Product::kMilan, amd::Product::kGenoa, amd::Product::kTurin}) {
    for (uint32_t v : {2u, 3u, 5u}) {
      SnpReportSpec spec{.product = p, .version = v};
      auto bytes = GenerateSnpReport(**pki_, spec);
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      auto report = amd::ParseSnpReport(*bytes);
      ASSERT_TRUE(report.ok()) << report.status().ToString();
      if (v >= 3) {
        EXPECT_EQ(amd::ReportProduct(*report), p);
      }
      auto vcek = (*pki_)->Vcek(p, amd::ReportHwId(*report, p), spec.reported_tcb);
      ASSERT_TRUE(vcek.ok());
      auto key = amd::ParseEndorsementCert(vcek->cert);
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      EXPECT_EQ(key->struct_version, p == amd::Product::kTurin ? 1 : 0);
      const auto& pp = (**pki_).product(p);
      amd::SnpVerifyOptions options{.at = SystemClock::Instance().Now(), .crls = {pp.vcek_crl}, .ark = &pp.ark.cert};
      auto verified = amd::VerifySnpReport(*report, *key, {pp.ask.cert, pp.ark.cert}, options);
      EXPECT_TRUE(verified.ok()) << amd::ProductName(p) << " v" << v << ": " << verified.status().ToString();
      // AMD's own ARK does not sign the simulator's chain.
      options.ark = nullptr;
      EXPECT_EQ(amd::VerifySnpReport(*report, *key, {pp.ask.cert}, options).status().code(), StatusCode::kPermissionDenied);
    }
  }
}

TEST_F(AmdSimTest, VlekReportVerifiesWithTheAsvkChain) {
  SnpReportSpec spec{.product = amd::Product::kGenoa, .version = 3, .vlek_csp = "CN=sim.example"};
  auto report = amd::ParseSnpReport(*GenerateSnpReport(**pki_, spec));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->signing_key, amd::SigningKey::kVlek);
  EXPECT_TRUE(report->chip_id_masked());
  auto vlek = (*pki_)->Vlek(amd::Product::kGenoa, spec.reported_tcb, spec.vlek_csp);
  auto key = amd::ParseEndorsementCert(vlek->cert);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->csp_id, "CN=sim.example");
  const auto& pp = (**pki_).product(amd::Product::kGenoa);
  amd::SnpVerifyOptions options{.at = SystemClock::Instance().Now(), .crls = {}, .ark = &pp.ark.cert};
  EXPECT_TRUE(amd::VerifySnpReport(*report, *key, {pp.asvk.cert}, options).ok());
  // The VCEK chain's ASK is the wrong intermediate for a VLEK.
  EXPECT_FALSE(amd::VerifySnpReport(*report, *key, {pp.ask.cert}, options).ok());
}

TEST_F(AmdSimTest, LargeUcodeSplEncodesOnTwoBytes) {
  amd::TcbParts tcb{.bl = 4, .tee = 0, .snp = 24, .ucode = 0xD9};
  auto vcek = (*pki_)->Vcek(amd::Product::kMilan, SimChipId(amd::Product::kMilan, 5), tcb);
  ASSERT_TRUE(vcek.ok());
  auto raw = vcek->cert.ExtensionValue("1.3.6.1.4.1.3704.1.3.8");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, (Bytes{0x02, 0x02, 0x00, 0xD9}));  // as in the AWS VLEK
  EXPECT_EQ(amd::ParseEndorsementCert(vcek->cert)->tcb, tcb);
}

}  // namespace
}  // namespace thim::sim
