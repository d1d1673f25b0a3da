#include "sim/pki/intel_pki.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/chain.h"
#include "crypto/public_key.h"
#include "intel/collateral_verifier.h"
#include "intel/enclave_identity.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "sim/pki/collateral_writer.h"
#include "testdata.h"

namespace thim::sim {
namespace {

using thim::testing::At;

class IntelPkiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new IntelPki(*IntelPki::Create(At("2024-01-01T00:00:00Z"))); }
  static void TearDownTestSuite() { delete pki_; }
  static IntelPki* pki_;
  TimePoint now = At("2025-06-01T00:00:00Z");
};
IntelPki* IntelPkiTest::pki_ = nullptr;

TEST_F(IntelPkiTest, ChainsVerifyToItsRoot) {
  auto signing = *crypto::ParseCertificateList(pki_->TcbSigningChainPem());
  ASSERT_EQ(signing.size(), 2u);
  EXPECT_EQ(signing[0].SubjectCommonName(), "Intel SGX TCB Signing");
  EXPECT_TRUE(crypto::VerifyChain(signing, pki_->root().cert, {.at = now}).ok());
  for (auto ca : {intel::PckCaType::kProcessor, intel::PckCaType::kPlatform}) {
    auto chain = *crypto::ParseCertificateList(pki_->PckCaChainPem(ca));
    EXPECT_TRUE(crypto::VerifyChain(chain, pki_->root().cert, {.at = now}).ok());
  }
}

TEST_F(IntelPkiTest, SignedTcbInfoParsesAndVerifies) {
  for (auto tee : {intel::TeeType::kSgx, intel::TeeType::kTdx}) {
    TcbInfoSpec spec;
    spec.tee = tee;
    spec.issue_date = now - std::chrono::hours(1);
    spec.next_update = now + std::chrono::hours(24 * 30);
    TcbLevelSpec up;
    up.sgx.components = {7, 7, 2, 2, 3, 1, 0, 3};
    up.sgx.pcesvn = 11;
    TcbLevelSpec old = up;
    old.sgx.components[0] = 5;
    old.status = "OutOfDate";
    old.advisory_ids = {"INTEL-SA-00960"};
    if (tee == intel::TeeType::kTdx) {
      up.tdx = std::array<uint8_t, 16>{5, 0, 7};
      old.tdx = std::array<uint8_t, 16>{3, 0, 5};
      spec.module_identities.push_back({});
    }
    spec.levels = {up, old};
    auto text = SignDocument("tcbInfo", TcbInfoBody(spec), pki_->tcb_signer().key);
    ASSERT_TRUE(text.ok());
    auto info = intel::ParseTcbInfo(*text);
    ASSERT_TRUE(info.ok()) << info.status().ToString() << "\n" << *text;
    EXPECT_EQ(info->id, tee);
    EXPECT_EQ(info->levels.size(), 2u);
    EXPECT_EQ(info->levels[1].status, intel::TcbStatus::kOutOfDate);
    auto chain = *crypto::ParseCertificateList(pki_->TcbSigningChainPem());
    EXPECT_TRUE(intel::VerifySignedDocument(info->document, chain, pki_->root().cert, {.at = now}).ok());
    // No whitespace: compact, as Intel serves it.
    EXPECT_EQ(text->find(' '), std::string::npos);
  }
}

TEST_F(IntelPkiTest, V2FormatIdentitiesAndEvalNumbers) {
  TcbInfoSpec v2;
  v2.version = 2;
  v2.issue_date = now;
  v2.next_update = now + std::chrono::hours(1);
  v2.levels = {TcbLevelSpec{}};
  auto info = intel::ParseTcbInfo(*SignDocument("tcbInfo", TcbInfoBody(v2), pki_->tcb_signer().key));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->version, 2);

  EnclaveIdentitySpec id;
  id.id = intel::EnclaveId::kTdQe;
  id.isvprodid = 2;
  id.issue_date = now;
  id.next_update = now + std::chrono::hours(1);
  auto identity = intel::ParseEnclaveIdentity(*SignDocument("enclaveIdentity", EnclaveIdentityBody(id), pki_->tcb_signer().key));
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->id, intel::EnclaveId::kTdQe);

  TcbEvalNumbersSpec n;
  n.issue_date = now;
  n.next_update = now + std::chrono::hours(1);
  n.numbers = {{18, "2024-11-12T00:00:00Z", "2024-11-13T00:00:00Z"}, {17, "2024-03-12T00:00:00Z", "2024-03-13T00:00:00Z"}};
  auto numbers = intel::ParseTcbEvaluationDataNumbers(
      *SignDocument("tcbEvaluationDataNumbers", TcbEvalNumbersBody(n), pki_->tcb_signer().key));
  ASSERT_TRUE(numbers.ok()) << numbers.status().ToString();
  EXPECT_EQ(numbers->Newest(), 18u);
}

TEST_F(IntelPkiTest, PckCertificatesAndCrls) {
  PckSpec spec;
  spec.sgx.tcb.components = {9, 9, 2, 4, 1, 128};
  spec.sgx.tcb.pcesvn = 13;
  spec.sgx.fmspc = *HexDecode("00906ED50000");
  spec.ca = intel::PckCaType::kProcessor;
  spec.serial = {0x42};
  spec.not_before = now - std::chrono::hours(24);
  spec.not_after = now + std::chrono::hours(24 * 365);
  auto leaf = pki_->IssuePck(spec);
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  auto pck = intel::ParsePckCertificate(leaf->cert);
  ASSERT_TRUE(pck.ok()) << pck.status().ToString();
  EXPECT_EQ(pck->FmspcHex(), "00906ED50000");
  EXPECT_EQ(pck->tcb.components[5], 128);  // two-byte DER INTEGER
  EXPECT_EQ(pck->tcb.pcesvn, 13);
  EXPECT_EQ(pck->ca_type, intel::PckCaType::kProcessor);
  auto chain = *crypto::ParseCertificateList(pki_->PckCaChainPem(intel::PckCaType::kProcessor));
  std::vector<crypto::Certificate> full = {leaf->cert, chain[0], chain[1]};
  EXPECT_TRUE(crypto::VerifyChain(full, pki_->root().cert, {.at = now}).ok());
  auto crl = pki_->PckCrl(intel::PckCaType::kProcessor, {.this_update = now - std::chrono::hours(1),
                                                        .next_update = now + std::chrono::hours(24 * 30),
                                                        .revoked_serials = {{0x42}}});
  ASSERT_TRUE(crl.ok());
  auto revoked = crypto::VerifyChain(full, pki_->root().cert, {.at = now, .crls = {*crl}});
  EXPECT_EQ(revoked.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(intel::VerifyCrl(*crl, {chain[0], chain[1]}, pki_->root().cert, {.at = now}).ok());

  spec.ca = intel::PckCaType::kPlatform;
  auto platform = intel::ParsePckCertificate(pki_->IssuePck(spec)->cert);
  ASSERT_TRUE(platform.ok()) << platform.status().ToString();
  EXPECT_TRUE(platform->configuration && platform->configuration->smt_enabled);
  EXPECT_EQ(platform->platform_instance_id->size(), 16u);
}

TEST_F(IntelPkiTest, HierarchyHasIntelsShape) {
  const auto& root = pki_->root().cert;
  EXPECT_TRUE(root.IsCa());
  EXPECT_TRUE(root.IsSelfIssued());
  EXPECT_EQ(root.Version(), 3);
  EXPECT_EQ(root.SignatureAlgorithm(), "ecdsa-with-SHA256");
  EXPECT_EQ(root.public_key().EcRawPoint().size(), 64u);  // P-256
  for (const char* part : {"O=Intel Corporation", "L=Santa Clara", "ST=CA", "C=US"})
    EXPECT_NE(root.SubjectOneLine().find(part), std::string::npos) << root.SubjectOneLine();
  ASSERT_EQ(root.CrlDistributionPoints().size(), 1u);
  EXPECT_TRUE(root.CrlDistributionPoints()[0].ends_with("/IntelSGXRootCA.der"));
  // SKI and AKI present on every certificate (the root's AKI names itself).
  for (const auto* c : {&pki_->root(), &pki_->processor_ca(), &pki_->platform_ca(), &pki_->tcb_signer()}) {
    EXPECT_TRUE(c->cert.ExtensionValue("2.5.29.14").ok()) << c->cert.SubjectCommonName();
    EXPECT_TRUE(c->cert.ExtensionValue("2.5.29.35").ok()) << c->cert.SubjectCommonName();
    EXPECT_TRUE(c->cert.IsSignedBy(pki_->root().key.public_key()));
  }
  EXPECT_NE(pki_->processor_ca().cert.SubjectCommonName().find("Processor"), std::string::npos);
  EXPECT_NE(pki_->platform_ca().cert.SubjectCommonName().find("Platform"), std::string::npos);
  for (const auto* ca : {&pki_->processor_ca(), &pki_->platform_ca()}) {
    EXPECT_TRUE(ca->cert.IsCa());
    EXPECT_NE(ca->cert.SubjectCommonName().find("CA"), std::string::npos);
  }
  EXPECT_NE(pki_->tcb_signer().cert.SubjectCommonName().find("SGX TCB Signing"), std::string::npos);
  EXPECT_FALSE(pki_->tcb_signer().cert.IsCa());
  PckSpec spec;
  spec.not_before = now;
  spec.not_after = now + std::chrono::hours(24);
  auto leaf = pki_->IssuePck(spec);
  ASSERT_TRUE(leaf.ok());
  EXPECT_NE(leaf->cert.SubjectCommonName().find("SGX PCK Certificate"), std::string::npos);
  EXPECT_FALSE(leaf->cert.IsCa());
  EXPECT_EQ(leaf->cert.IssuerCommonName(), pki_->platform_ca().cert.SubjectCommonName());
}

// The signature covers exactly the bytes of the body member's value as served
// (reference §2.6): verify it by hand over that span, and see that any other
// span (a byte more, a byte changed) fails.
TEST_F(IntelPkiTest, SignatureCoversTheExactBodyBytes) {
  TcbInfoSpec spec;
  spec.issue_date = now;
  spec.next_update = now + std::chrono::hours(24 * 30);
  spec.levels = {TcbLevelSpec{}};
  std::string body = TcbInfoBody(spec);
  auto text = SignDocument("tcbInfo", body, pki_->tcb_signer().key);
  ASSERT_TRUE(text.ok());
  const std::string prefix = "{\"tcbInfo\":";
  ASSERT_TRUE(text->starts_with(prefix));
  size_t end = text->find(",\"signature\":\"");
  ASSERT_NE(end, std::string::npos);
  std::string_view span = std::string_view(*text).substr(prefix.size(), end - prefix.size());
  EXPECT_EQ(span, body);
  std::string sig_hex = text->substr(end + 14, 128);
  EXPECT_EQ(*text, prefix + body + ",\"signature\":\"" + sig_hex + "\"}");
  EXPECT_EQ(sig_hex, HexEncode(*HexDecode(sig_hex)));  // lower case, 64 bytes r||s
  Bytes sig = *HexDecode(sig_hex);
  ASSERT_EQ(sig.size(), 64u);
  const auto& key = pki_->tcb_signer().cert.public_key();
  EXPECT_TRUE(crypto::VerifyEcdsaP256Raw(key, AsBytes(span), sig).ok());
  std::string_view longer = std::string_view(*text).substr(prefix.size() - 1, end - prefix.size() + 1);
  EXPECT_FALSE(crypto::VerifyEcdsaP256Raw(key, AsBytes(longer), sig).ok());
  std::string altered(span);
  altered[altered.size() / 2] ^= 1;
  EXPECT_FALSE(crypto::VerifyEcdsaP256Raw(key, AsBytes(altered), sig).ok());
  // Key order as Intel serves it.
  EXPECT_TRUE(body.starts_with("{\"id\":\"SGX\",\"version\":3,\"issueDate\":\"2025-06-01T00:00:00Z\",\"nextUpdate\":"
                               "\"2025-07-01T00:00:00Z\",\"fmspc\":\"00906ED50000\",\"pceId\":\"0000\",\"tcbType\":0,"
                               "\"tcbEvaluationDataNumber\":17,\"tcbLevels\":[{\"tcb\":{\"sgxtcbcomponents\":[{\"svn\":0},"))
      << body;
}

TEST_F(IntelPkiTest, RootCrlRevokesAnIntermediate) {
  auto chain = *crypto::ParseCertificateList(pki_->PckCaChainPem(intel::PckCaType::kPlatform));
  auto crl = pki_->RootCrl({.this_update = now - std::chrono::hours(1),
                            .next_update = now + std::chrono::hours(24 * 365),
                            .revoked_serials = {pki_->platform_ca().cert.SerialNumber()}});
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_TRUE(crl->IsRevoked(pki_->platform_ca().cert));
  EXPECT_FALSE(crl->IsRevoked(pki_->processor_ca().cert));
  EXPECT_EQ(crypto::VerifyChain(chain, pki_->root().cert, {.at = now, .crls = {*crl}}).status().code(),
            StatusCode::kPermissionDenied);
  auto processor = *crypto::ParseCertificateList(pki_->PckCaChainPem(intel::PckCaType::kProcessor));
  EXPECT_TRUE(crypto::VerifyChain(processor, pki_->root().cert, {.at = now, .crls = {*crl}}).ok());
  // Outside the CRL's window it no longer vouches for anything.
  EXPECT_EQ(crypto::VerifyChain(processor, pki_->root().cert, {.at = now + std::chrono::hours(24 * 400), .crls = {*crl}})
                .status()
                .code(),
            StatusCode::kOutOfRange);
}

TEST_F(IntelPkiTest, SaveAndLoadKeepTheSameHierarchy) {
  auto dir = std::filesystem::temp_directory_path() / ("thim-pki-" + std::to_string(::getpid()));
  ASSERT_TRUE(pki_->Save(dir.string()).ok());
  EXPECT_EQ(std::filesystem::status(dir / "root_ca.key").permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);
  auto loaded = IntelPki::Load(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->root().cert == pki_->root().cert);
  EXPECT_TRUE(loaded->tcb_signer().cert == pki_->tcb_signer().cert);
  EXPECT_EQ(loaded->tcb_signer().key.public_key().EcRawPoint(), pki_->tcb_signer().key.public_key().EcRawPoint());
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(IntelPki::Load(dir.string()).ok());
}

}  // namespace
}  // namespace thim::sim
