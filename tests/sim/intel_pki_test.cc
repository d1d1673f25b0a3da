#include "sim/pki/intel_pki.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/chain.h"
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
