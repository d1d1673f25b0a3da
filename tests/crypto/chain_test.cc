#include "crypto/chain.h"

#include <gtest/gtest.h>

#include "crypto/test_certs.h"
#include "real_chain.h"
#include "testdata.h"

namespace thim::crypto {
namespace {

using thim::testing::At;
using thim::testing::ReadRealString;

Certificate IntelRoot() { return *Certificate::FromPem(ReadRealString("go-tdx-guest/verify/trusted_root.pem")); }


TEST(RealChain, TdxPckChainVerifiesToIntelRoot) {
  auto chain = thim::testing::RealChain("go-tdx-guest/extracted/tdx_prod_quote_SPR_E4.pck_chain.pem");
  ASSERT_EQ(chain.size(), 3u);
  auto path = VerifyChain(chain, IntelRoot(), {.at = At("2023-06-01T00:00:00Z")});
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(path->size(), 3u);
  EXPECT_EQ(path->back().SubjectCommonName(), "Intel SGX Root CA");
}

TEST(RealChain, EveryRealPckChainVerifies) {
  for (const char* file : {"go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem",
                           "go-tdx-guest/extracted/quote_v5_sample.pck_chain.pem",
                           "trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem"}) {
    auto path = VerifyChain(thim::testing::RealChain(file), IntelRoot(), {.at = At("2026-06-01T00:00:00Z")});
    EXPECT_TRUE(path.ok()) << file << ": " << path.status().ToString();
  }
}

TEST(RealChain, ChainWithoutRootVerifies) {
  auto chain = thim::testing::RealChain("go-tdx-guest/extracted/tdx_prod_quote_SPR_E4.pck_chain.pem");
  chain.pop_back();
  EXPECT_TRUE(VerifyChain(chain, IntelRoot(), {.at = At("2023-06-01T00:00:00Z")}).ok());
}

TEST(RealChain, UrlEncodedIssuerChainParses) {
  auto chain = ParseCertificateList(ReadRealString("go-tdx-guest/extracted/tcb_info_issuer_chain.urlencoded.txt"));
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].SubjectCommonName(), "Intel SGX TCB Signing");
  EXPECT_TRUE(VerifyChain(*chain, IntelRoot(), {.at = At("2023-06-20T00:00:00Z")}).ok());
}

TEST(RealChain, ExpiredAndNotYetValid) {
  auto chain = thim::testing::RealChain("go-tdx-guest/extracted/tcb_info_issuer_chain.pem");  // signer valid 2018-05-21..2025-05-21
  auto late = VerifyChain(chain, IntelRoot(), {.at = At("2025-06-01T00:00:00Z")});
  EXPECT_EQ(late.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(late.status().message().find("expired"), std::string::npos);
  auto early = VerifyChain(chain, IntelRoot(), {.at = At("2017-01-01T00:00:00Z")});
  EXPECT_EQ(early.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(early.status().message().find("not yet valid"), std::string::npos);
}

TEST(RealChain, WrongRootIsUntrusted) {
  auto chain = thim::testing::RealChain("go-tdx-guest/extracted/tcb_info_issuer_chain.pem");
  auto amd_ark = ParseCertificateList(ReadRealString("go-sev-guest/verify/trust/ask_ark_milan.pem"))->back();
  auto r = VerifyChain(chain, amd_ark, {.at = At("2023-06-20T00:00:00Z")});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("untrusted root"), std::string::npos);
  chain.pop_back();  // without the root in the chain, still untrusted
  r = VerifyChain(chain, amd_ark, {.at = At("2023-06-20T00:00:00Z")});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
}

TEST(RealChain, WrongOrderExtraAndMissing) {
  auto chain = thim::testing::RealChain("go-tdx-guest/extracted/tdx_prod_quote_SPR_E4.pck_chain.pem");  // leaf, platform CA, root
  TimePoint at = At("2023-06-01T00:00:00Z");
  std::vector<Certificate> swapped = {chain[1], chain[0], chain[2]};
  auto r = VerifyChain(swapped, IntelRoot(), {.at = at});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("out of order"), std::string::npos) << r.status().ToString();

  std::vector<Certificate> missing = {chain[0], chain[2]};
  r = VerifyChain(missing, IntelRoot(), {.at = at});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("missing"), std::string::npos) << r.status().ToString();

  std::vector<Certificate> extra = {chain[0], chain[1], chain[2], chain[1]};
  r = VerifyChain(extra, IntelRoot(), {.at = at});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("extra"), std::string::npos) << r.status().ToString();

  EXPECT_EQ(VerifyChain({}, IntelRoot(), {.at = at}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyChain({chain[2]}, IntelRoot(), {.at = at}).status().code(), StatusCode::kInvalidArgument);
}

TEST(RealChain, RealPckCrlAppliesToPlatformChain) {
  auto chain = thim::testing::RealChain("trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem");
  auto crl = Crl::FromPem(ReadRealString("teepot/extracted/pck_crl_platform.body"));
  ASSERT_TRUE(crl.ok());
  auto ok = VerifyChain(chain, IntelRoot(), {.at = At("2025-06-01T00:00:00Z"), .crls = {*crl}});
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  // The same CRL on the day it was not yet issued.
  auto early = VerifyChain(chain, IntelRoot(), {.at = At("2025-05-27T19:25:02Z"), .crls = {*crl}});
  EXPECT_EQ(early.status().code(), StatusCode::kOutOfRange);
  // A processor-CA CRL does not belong to a platform-CA chain.
  auto processor = Crl::FromPem(ReadRealString("teepot/extracted/pck_crl_processor.body"));
  auto wrong = VerifyChain(chain, IntelRoot(), {.at = At("2025-06-01T00:00:00Z"), .crls = {*processor}});
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  // Requiring a CRL for every CA fails without the root CRL.
  auto strict = VerifyChain(chain, IntelRoot(), {.at = At("2025-06-01T00:00:00Z"), .crls = {*crl}, .require_crl_for_every_ca = true});
  EXPECT_EQ(strict.status().code(), StatusCode::kFailedPrecondition);
}

TEST(RealChain, AmdRsaPssChainVerifies) {
  auto chain = *ParseCertificateList(ReadRealString("go-sev-guest/verify/trust/ask_ark_genoa.pem"));
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].SignatureAlgorithm(), "rsassaPss");
  auto vcek = Certificate::FromDer(thim::testing::ReadRealBytes("go-sev-guest/verify/testdata/vcek.testcer"));
  ASSERT_TRUE(vcek.ok()) << vcek.status().ToString();
  auto milan = *ParseCertificateList(ReadRealString("go-sev-guest/verify/trust/ask_ark_milan.pem"));
  auto path = VerifyChain({*vcek, milan[0]}, milan[1], {.at = At("2023-01-01T00:00:00Z")});
  EXPECT_TRUE(path.ok()) << path.status().ToString();
  auto wrong_product = VerifyChain({*vcek, chain[0]}, chain[1], {.at = At("2023-01-01T00:00:00Z")});
  EXPECT_FALSE(wrong_product.ok());
}

class GeneratedChain : public ::testing::Test {
 protected:
  TimePoint t0 = At("2024-01-01T00:00:00Z");
  TimePoint t1 = At("2034-01-01T00:00:00Z");
  testing::Issued root = testing::MakeCert("Test Root CA", nullptr, true, t0, t1, 1);
  testing::Issued ca = testing::MakeCert("Test Intermediate CA", &root, true, t0, t1, 2);
  testing::Issued leaf = testing::MakeCert("Test Leaf", &ca, false, t0, t1, 77);
  TimePoint at = At("2025-01-01T00:00:00Z");
};

TEST_F(GeneratedChain, RevokedLeaf) {
  Crl crl = testing::MakeCrl(ca, At("2024-12-01T00:00:00Z"), At("2025-02-01T00:00:00Z"), {5, 77});
  auto r = VerifyChain({leaf.cert, ca.cert}, root.cert, {.at = at, .crls = {crl}});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("revoked"), std::string::npos);
  Crl clean = testing::MakeCrl(ca, At("2024-12-01T00:00:00Z"), At("2025-02-01T00:00:00Z"), {5});
  EXPECT_TRUE(VerifyChain({leaf.cert, ca.cert}, root.cert, {.at = at, .crls = {clean}}).ok());
}

TEST_F(GeneratedChain, RevokedIntermediateViaRootCrl) {
  Crl root_crl = testing::MakeCrl(root, At("2024-12-01T00:00:00Z"), At("2025-02-01T00:00:00Z"), {2});
  auto r = VerifyChain({leaf.cert, ca.cert}, root.cert, {.at = at, .crls = {root_crl}});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(GeneratedChain, CrlSignedByAnotherKeyIsBadSignature) {
  testing::Issued impostor = testing::MakeCert("Test Intermediate CA", &root, true, t0, t1, 3);  // same name, other key
  Crl forged = testing::MakeCrl(impostor, At("2024-12-01T00:00:00Z"), At("2025-02-01T00:00:00Z"), {});
  auto r = VerifyChain({leaf.cert, ca.cert}, root.cert, {.at = at, .crls = {forged}});
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST_F(GeneratedChain, ExpiredCrl) {
  Crl old = testing::MakeCrl(ca, At("2024-01-01T00:00:00Z"), At("2024-02-01T00:00:00Z"), {});
  auto r = VerifyChain({leaf.cert, ca.cert}, root.cert, {.at = at, .crls = {old}});
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
}

TEST_F(GeneratedChain, LeafSignedByImpostorIsBadSignature) {
  testing::Issued impostor = testing::MakeCert("Test Intermediate CA", &root, true, t0, t1, 3);
  testing::Issued forged_leaf = testing::MakeCert("Test Leaf", &impostor, false, t0, t1, 78);
  auto r = VerifyChain({forged_leaf.cert, ca.cert}, root.cert, {.at = at});
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST_F(GeneratedChain, SameNameRootWithOtherKeyIsUntrusted) {
  testing::Issued other_root = testing::MakeCert("Test Root CA", nullptr, true, t0, t1, 1);
  auto r = VerifyChain({leaf.cert, ca.cert}, other_root.cert, {.at = at});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  auto r2 = VerifyChain({leaf.cert, ca.cert, root.cert}, other_root.cert, {.at = at});
  EXPECT_EQ(r2.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(GeneratedChain, NonCaIssuerRejected) {
  testing::Issued child = testing::MakeCert("Test Child", &leaf, false, t0, t1, 99);
  auto r = VerifyChain({child.cert, leaf.cert, ca.cert}, root.cert, {.at = at});
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace thim::crypto
