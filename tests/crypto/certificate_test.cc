#include "crypto/certificate.h"

#include <gtest/gtest.h>

#include "core/pem.h"
#include "testdata.h"

namespace thim::crypto {
namespace {

using thim::testing::ReadRealBytes;
using thim::testing::ReadRealString;

TEST(Certificate, IntelRootFields) {
  auto root = Certificate::FromPem(ReadRealString("go-tdx-guest/verify/trusted_root.pem"));
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->SubjectCommonName(), "Intel SGX Root CA");
  EXPECT_TRUE(root->IsSelfIssued());
  EXPECT_TRUE(root->IsCa());
  EXPECT_EQ(root->Version(), 3);
  EXPECT_EQ(root->public_key().Algorithm(), "EC P-256");
  EXPECT_EQ(FormatRfc3339(root->NotAfter()), "2049-12-31T23:59:59Z");
  EXPECT_TRUE(root->IsSignedBy(root->public_key()));
  auto cdp = root->CrlDistributionPoints();
  ASSERT_EQ(cdp.size(), 1u);
  EXPECT_NE(cdp[0].find("certificates.trustedservices.intel.com/IntelSGXRootCA"), std::string::npos);
}

TEST(Certificate, PckLeafHasSgxExtension) {
  auto chain = ParseCertificateList(ReadRealString("go-tdx-guest/extracted/tdx_prod_quote_SPR_E4.pck_chain.pem"));
  ASSERT_TRUE(chain.ok());
  const Certificate& leaf = (*chain)[0];
  EXPECT_EQ(leaf.SubjectCommonName(), "Intel SGX PCK Certificate");
  EXPECT_NE(leaf.IssuerCommonName().find("Platform"), std::string::npos);
  auto ext = leaf.ExtensionValue("1.2.840.113741.1.13.1");
  ASSERT_TRUE(ext.ok()) << ext.status().ToString();
  EXPECT_EQ((*ext)[0], 0x30);  // a SEQUENCE
  EXPECT_EQ(leaf.ExtensionValue("1.2.3.4").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(leaf.ExtensionValue("not an oid").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(leaf.SerialHex().empty());
  EXPECT_FALSE(leaf.IsCa());
}

TEST(Certificate, DerAndPemAgree) {
  auto blocks = ParsePem(ReadRealString("mobilecoin-attestation/verifier/data/tests/root_ca.pem"));
  ASSERT_TRUE(blocks.ok());
  auto a = Certificate::FromDer((*blocks)[0].der);
  auto b = Certificate::FromPem(ReadRealString("mobilecoin-attestation/verifier/data/tests/root_ca.pem"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
  auto c = ParseCertificateList(AsChars((*blocks)[0].der));  // a single DER cert
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 1u);
}

TEST(Certificate, GarbageAndTruncatedInputs) {
  auto blocks = *ParsePem(ReadRealString("mobilecoin-attestation/verifier/data/tests/root_ca.pem"));
  Bytes der = blocks[0].der;
  EXPECT_EQ(Certificate::FromDer({}).status().code(), StatusCode::kInvalidArgument);
  for (size_t cut : {size_t{1}, size_t{10}, der.size() / 2, der.size() - 1}) {
    Bytes truncated(der.begin(), der.begin() + static_cast<long>(cut));
    EXPECT_EQ(Certificate::FromDer(truncated).status().code(), StatusCode::kInvalidArgument) << cut;
  }
  Bytes trailing = der;
  trailing.push_back(0);
  auto t = Certificate::FromDer(trailing);
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("trailing"), std::string::npos);
  Bytes garbage(500, 0xAB);
  EXPECT_FALSE(Certificate::FromDer(garbage).ok());
  EXPECT_FALSE(Certificate::FromPem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(Certificate::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n").ok());
  EXPECT_FALSE(Certificate::FromPem("-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n").ok());
  EXPECT_FALSE(ParseCertificateList("hello").ok());
  EXPECT_FALSE(ParseCertificateList("").ok());
  // Two certificates where exactly one is expected.
  EXPECT_FALSE(Certificate::FromPem(ReadRealString("go-tdx-guest/extracted/tcb_info_issuer_chain.pem")).ok());
}

TEST(Certificate, FlippedSignatureByteFailsIsSignedBy) {
  auto chain = *ParseCertificateList(ReadRealString("go-tdx-guest/extracted/tcb_info_issuer_chain.pem"));
  Bytes der = chain[0].der();
  der[der.size() - 5] ^= 0x01;  // inside the signature value
  auto tampered = Certificate::FromDer(der);
  ASSERT_TRUE(tampered.ok());
  EXPECT_FALSE(tampered->IsSignedBy(chain[1].public_key()));
  EXPECT_TRUE(chain[0].IsSignedBy(chain[1].public_key()));
}

}  // namespace
}  // namespace thim::crypto
