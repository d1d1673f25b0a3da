// End to end: quotes generated with thim-sim's PKI, verified with collateral
// fetched over HTTP (libcurl) from thim-sim's PCS directly and through a real
// thimd in front of it. Two independent pieces of thim (the simulator's
// collateral writer and the verifier) must agree on every byte.
#include <gtest/gtest.h>

#include "integration/harness.h"
#include "sim/quote/quote_generator.h"
#include "sim/quote/sim_quote.h"
#include "core/pem.h"
#include "thim/verify.h"
#include "upstream/curl_http_client.h"
#include "verify/sources/collateral_sources.h"

namespace thim::verify {
namespace {

class SimQuoteEndToEnd : public thim::testing::ThimdWithSim {
 protected:
  // A platform at the simulator's UpToDate level of evaluation number 17
  // (SGX 11,11,2,4,1,128,14,0 / PCESVN 13; TDX components 6,0,8; TDX_01 isvsvn 4).
  Bytes MakeQuote(bool tdx, uint16_t qe_svn, Bytes serial = {}) {
    sim::PckSpec spec;
    spec.ca = intel::PckCaType::kPlatform;
    spec.serial = serial;
    spec.sgx.tcb.components = {11, 11, 2, 4, 1, 128, 14, 0};
    spec.sgx.tcb.pcesvn = 13;
    spec.sgx.fmspc = *HexDecode(tdx ? "00806F050000" : "00906ED50000");
    spec.not_before = SystemClock::Instance().Now() - std::chrono::hours(24);
    spec.not_after = spec.not_before + std::chrono::hours(24 * 365);
    pck_ = std::make_unique<sim::IssuedCert>(*pki_->IssuePck(spec));
    sim::QuoteSpec q;
    q.version = tdx ? 4 : 3;
    q.tdx = tdx;
    q.qe_isv_prod_id = tdx ? 2 : 1;
    q.qe_isv_svn = qe_svn;
    q.qe_mr_signer = Arr(tdx ? "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5"
                             : "8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF");
    q.tee_tcb_svn = {4, 1, 8};
    q.pck_chain_pem = EncodePem("CERTIFICATE", pck_->cert.der()) + pki_->PckCaChainPem(spec.ca);
    q.pck_key = &pck_->key;
    q.attestation_key = &attestation_key_;
    return *sim::GenerateQuote(q);
  }
  static std::array<uint8_t, 32> Arr(const char* hex) {
    Bytes b = *HexDecode(hex);
    std::array<uint8_t, 32> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return a;
  }
  VerificationResult VerifyVia(const std::string& base, ByteSpan quote) {
    auto query = QueryForQuote(quote, {});
    EXPECT_TRUE(query.ok()) << query.status().ToString();
    upstream::CurlHttpClient http;
    auto c = CollateralFromUrl(http, base, *query);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (!c.ok()) return {};
    return VerifyQuote(quote, *c, {.at = SystemClock::Instance().Now(), .root = pki_->root().cert});
  }

  crypto::PrivateKey attestation_key_ = *crypto::PrivateKey::GenerateEcP256();
  std::unique_ptr<sim::IssuedCert> pck_;
};

TEST_F(SimQuoteEndToEnd, SgxAndTdxQuotesVerifyAgainstTheSimulatorAndThroughThimd) {
  StartThimd();
  std::string sim = "http://127.0.0.1:" + std::to_string(sim_server_->port());
  std::string thimd = "http://127.0.0.1:" + std::to_string(app_->port());
  for (bool tdx : {false, true}) {
    Bytes quote = MakeQuote(tdx, tdx ? 4 : 8);
    for (const std::string& base : {sim, thimd}) {
      auto r = VerifyVia(base, quote);
      EXPECT_EQ(r.verdict, Verdict::kUpToDate) << base << " tdx=" << tdx << " " << r.error_status << ": " << r.error;
      EXPECT_FALSE(r.collateral_expired);
      EXPECT_EQ(r.tcb_evaluation_data_number, 17u);
    }
    // A QE two SVNs behind is OutOfDate at the simulator's QE identity.
    auto r = VerifyVia(thimd, MakeQuote(tdx, tdx ? 2 : 6));
    EXPECT_EQ(r.verdict, Verdict::kOutOfDate) << r.error_status << ": " << r.error;
  }
}

TEST_F(SimQuoteEndToEnd, RevocationsServedByTheSimulator) {
  StartThimd();
  std::string thimd = "http://127.0.0.1:" + std::to_string(app_->port());
  // The simulator's PCK CRLs always list serial 0DEAD0.
  auto r = VerifyVia(thimd, MakeQuote(false, 8, {0x0D, 0xEA, 0xD0}));
  EXPECT_EQ(r.error_status, "SGX_PCK_REVOKED") << r.error;
  EXPECT_EQ(r.verdict, Verdict::kRevoked);
  // The Platform CA revoked in the root CA CRL (asked of the simulator directly:
  // thimd would refuse to serve collateral whose chain it cannot validate).
  SimControl("/_sim/revoke?what=platform_ca");
  r = VerifyVia("http://127.0.0.1:" + std::to_string(sim_server_->port()), MakeQuote(false, 8));
  EXPECT_EQ(r.error_status, "SGX_INTERMEDIATE_CA_REVOKED") << r.error;
}

}  // namespace
}  // namespace thim::verify

namespace thim::verify {
namespace {

// `thim-sim quote` from the simulator's state directory: its defaults sit at
// the UpToDate level the simulator serves, for SGX, TDX v4 and TDX v5 (TD 1.5).
TEST_F(SimQuoteEndToEnd, SimQuoteFromTheStateDirectory) {
  StartThimd();
  std::string thimd = "http://127.0.0.1:" + std::to_string(app_->port());
  for (int kind = 0; kind < 3; ++kind) {
    sim::SimQuoteRequest req;
    req.state_dir = (dir_ / "sim").string();
    req.tdx = kind > 0;
    req.td15 = kind == 2;
    auto quote = sim::GenerateSimQuote(req);
    ASSERT_TRUE(quote.ok()) << quote.status().ToString();
    auto r = VerifyVia(thimd, *quote);
    EXPECT_EQ(r.verdict, Verdict::kUpToDate) << kind << " " << r.error_status << ": " << r.error;
    EXPECT_EQ(r.quote_version, kind == 0 ? 3 : kind == 1 ? 4 : 5);
  }
  sim::SimQuoteRequest old;
  old.state_dir = (dir_ / "sim").string();
  old.sgx_tcb[0] = old.sgx_tcb[1] = 10;  // one below the top: SWHardeningNeeded
  auto r = VerifyVia(thimd, *sim::GenerateSimQuote(old));
  EXPECT_EQ(r.verdict, Verdict::kSWHardeningNeeded);
  EXPECT_EQ(r.advisory_ids, (std::vector<std::string>{"INTEL-SA-00615"}));
}

}  // namespace
}  // namespace thim::verify
