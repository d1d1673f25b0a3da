#include "crypto/crl.h"

#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "testdata.h"

namespace thim::crypto {
namespace {

using thim::testing::At;
using thim::testing::ReadRealBytes;
using thim::testing::ReadRealString;

TEST(Crl, RealPlatformCrlPem) {
  CrlEncoding enc;
  auto crl = Crl::FromAny(ReadRealBytes("teepot/extracted/pck_crl_platform.body"), &enc);
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_EQ(enc, CrlEncoding::kPem);
  EXPECT_EQ(crl->IssuerCommonName(), "Intel SGX PCK Platform CA");
  EXPECT_EQ(crl->RevokedCount(), 44u);
  EXPECT_EQ(crl->CrlNumber(), 1u);
  EXPECT_EQ(FormatRfc3339(crl->ThisUpdate()), "2025-05-27T19:25:05Z");
  EXPECT_EQ(FormatRfc3339(*crl->NextUpdate()), "2025-06-26T19:25:05Z");
  auto chain = *ParseCertificateList(ReadRealString("teepot/extracted/pck_crl_platform.chain.pem"));
  EXPECT_TRUE(crl->VerifySignature(chain[0].public_key()).ok());
  EXPECT_EQ(crl->VerifySignature(chain[1].public_key()).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(crl->CheckValidity(At("2025-06-01T00:00:00Z")).ok());
  EXPECT_EQ(crl->CheckValidity(At("2025-06-27T00:00:00Z")).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(crl->CheckValidity(At("2025-05-27T19:25:04Z")).code(), StatusCode::kOutOfRange);
}

TEST(Crl, RealDerAndHexEncodingsAgree) {
  Bytes der = ReadRealBytes("go-tdx-guest/testing/testdata/pckcrl");
  CrlEncoding enc;
  auto a = Crl::FromAny(der, &enc);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(enc, CrlEncoding::kDer);
  EXPECT_EQ(a->RevokedCount(), 44u);
  std::string hex = HexEncode(der);
  auto b = Crl::FromAny(AsBytes(hex), &enc);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(enc, CrlEncoding::kHexDer);
  EXPECT_EQ(b->der(), a->der());
  auto upper = Crl::FromAny(AsBytes(HexEncode(der, true) + "\n"), &enc);
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->der(), a->der());
}

TEST(Crl, RealRootCrlSignedByRoot) {
  auto crl = Crl::FromAny(ReadRealBytes("go-tdx-guest/testing/testdata/rootcrl.der"));
  ASSERT_TRUE(crl.ok());
  auto root = Certificate::FromPem(ReadRealString("go-tdx-guest/verify/trusted_root.pem"));
  EXPECT_TRUE(crl->VerifySignature(root->public_key()).ok());
  EXPECT_EQ(crl->IssuerNameDer(), root->SubjectNameDer());
  auto pem = Crl::FromAny(ReadRealBytes("mobilecoin-attestation/verifier/data/tests/root_crl.pem"));
  ASSERT_TRUE(pem.ok());
  EXPECT_TRUE(pem->VerifySignature(root->public_key()).ok());
}

TEST(Crl, RevocationLookupOnRealEntries) {
  auto crl = *Crl::FromAny(ReadRealBytes("go-tdx-guest/testing/testdata/pckcrl"));
  // Serials of real PCK leaves are not listed.
  auto chain = *ParseCertificateList(ReadRealString("trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem"));
  EXPECT_FALSE(crl.IsRevoked(chain[0]));
  EXPECT_FALSE(crl.IsRevoked(Bytes{0x01}));
}

TEST(Crl, FlippedByteIsBadSignature) {
  Bytes der = ReadRealBytes("go-tdx-guest/testing/testdata/pckcrl");
  // Change the seconds digit of thisUpdate (UTCTime "YYMMDDhhmmssZ"): still
  // well-formed, no longer what Intel signed.
  std::string_view text = AsChars(der);
  size_t pos = text.find("Z\x17\x0d");  // end of thisUpdate, start of nextUpdate
  ASSERT_NE(pos, std::string_view::npos);
  der[pos - 1] = der[pos - 1] == '0' ? '1' : '0';
  auto crl = Crl::FromDer(der);
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  auto chain = *ParseCertificateList(ReadRealString("go-tdx-guest/extracted/pck_crl_issuer_chain.pem"));
  EXPECT_EQ(crl->VerifySignature(chain[0].public_key()).code(), StatusCode::kDataLoss);
}

TEST(Crl, GarbageInputs) {
  EXPECT_EQ(Crl::FromDer({}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Crl::FromAny(AsBytes("not a crl")).ok());
  EXPECT_FALSE(Crl::FromAny(AsBytes("3082")).ok());
  EXPECT_FALSE(Crl::FromAny(AsBytes("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")).ok());
  EXPECT_FALSE(Crl::FromPem(ReadRealString("go-tdx-guest/verify/trusted_root.pem")).ok());
  Bytes der = ReadRealBytes("go-tdx-guest/testing/testdata/pckcrl");
  Bytes truncated(der.begin(), der.begin() + 100);
  EXPECT_FALSE(Crl::FromAny(truncated).ok());
  der.push_back(0x00);
  EXPECT_FALSE(Crl::FromDer(der).ok());
}

}  // namespace
}  // namespace thim::crypto
