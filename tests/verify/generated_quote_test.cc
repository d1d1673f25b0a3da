// Generated quotes on a simulated platform: every verdict and every failure
// class produced on purpose, each checked for Intel's status name.
#include <gtest/gtest.h>

#include "intel/pinned_roots.h"
#include "sim_platform.h"

namespace thim::verify {
namespace {

using testing::Describe;
using testing::kDay;
using testing::SimPlatform;
using testing::T0;
using testing::Tcb;

TEST(GeneratedQuoteTest, SgxV3EveryTcbLevelStatusIsTheVerdict) {
  // Level i of the simulated TCB info has components (7-i, 7-i, …) and status[i].
  const Verdict expected[] = {Verdict::kUpToDate, Verdict::kSWHardeningNeeded, Verdict::kConfigurationNeeded,
                              Verdict::kConfigurationAndSWHardeningNeeded, Verdict::kOutOfDate,
                              Verdict::kOutOfDateConfigurationNeeded, Verdict::kRevoked};
  SimPlatform p = SimPlatform::Make(false);
  for (int i = 0; i < 7; ++i) {
    p.pck_spec.sgx.tcb = Tcb(static_cast<uint8_t>(7 - i));
    p.pck.reset();
    auto r = p.Verify();
    SCOPED_TRACE(Describe(r));
    EXPECT_EQ(r.verdict, expected[i]) << "level " << i;
    EXPECT_EQ(r.error_status, "");
    EXPECT_EQ(FormatRfc3339(*r.tcb_date), FormatRfc3339(T0() - (i + 1) * 30 * kDay));
    EXPECT_EQ(r.advisory_ids.size(), i == 0 ? 0u : 1u);
  }
  // Below the lowest level: not supported. A lower PCESVN alone is enough.
  p.pck_spec.sgx.tcb = Tcb(7, 10);
  p.pck.reset();
  EXPECT_EQ(p.Verify().verdict, Verdict::kTcbNotSupported);
}

TEST(GeneratedQuoteTest, QeIdentityStatusMergesIntoTheVerdict) {
  SimPlatform p = SimPlatform::Make(false);
  p.quote.qe_isv_svn = 7;  // level 6 OutOfDate
  EXPECT_EQ(p.Verify().verdict, Verdict::kOutOfDate);
  p.pck_spec.sgx.tcb = Tcb(5);  // ConfigurationNeeded platform + QE OutOfDate
  p.pck.reset();
  EXPECT_EQ(p.Verify().verdict, Verdict::kOutOfDateConfigurationNeeded);
  p.quote.qe_isv_svn = 1;  // Revoked
  EXPECT_EQ(p.Verify().verdict, Verdict::kRevoked);
  p.quote.qe_isv_svn = 0;  // below every level
  auto r = p.Verify();
  EXPECT_EQ(r.verdict, Verdict::kTcbNotSupported);
  EXPECT_EQ(r.qe_status, "NotSupported");
}

TEST(GeneratedQuoteTest, TdxV4AndV5UpToDate) {
  SimPlatform p = SimPlatform::Make(true);
  auto r = p.Verify();
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kUpToDate);
  EXPECT_EQ(r.tdx_module_status, "UpToDate");
  for (BodyType t : {BodyType::kTd10, BodyType::kTd15}) {
    p.quote.version = 5;
    p.quote.body_type = t;
    r = p.Verify();
    EXPECT_EQ(r.verdict, Verdict::kUpToDate) << Describe(r);
    EXPECT_EQ(r.body_type, BodyTypeName(t));
  }
  // SGX v4 and v5 quotes exist too.
  SimPlatform s = SimPlatform::Make(false);
  s.quote.version = 4;
  EXPECT_EQ(s.Verify().verdict, Verdict::kUpToDate);
  s.quote.version = 5;
  s.quote.body_type = BodyType::kSgxEnclave;
  EXPECT_EQ(s.Verify().verdict, Verdict::kUpToDate);
}

TEST(GeneratedQuoteTest, TdxModuleStatusAndRelaunchAdvice) {
  SimPlatform p = SimPlatform::Make(true);
  p.quote.tee_tcb_svn = {3, 1, 5};  // TDX_01 isvsvn 3 ⇒ level 2 OutOfDate
  auto r = p.Verify();
  EXPECT_EQ(r.verdict, Verdict::kOutOfDate) << Describe(r);
  EXPECT_EQ(r.tdx_module_status, "OutOfDate");
  EXPECT_EQ(r.tcb_level_status, "UpToDate");  // the level itself; the module drags the platform down
  EXPECT_EQ(r.platform_status, "OutOfDate");
  p.pck_spec.sgx.tcb = Tcb(5);  // ConfigurationNeeded level + module OutOfDate
  p.pck.reset();
  EXPECT_EQ(p.Verify().verdict, Verdict::kOutOfDateConfigurationNeeded);
  p.quote.tee_tcb_svn = {0, 1, 5};  // module Revoked
  EXPECT_EQ(p.Verify().verdict, Verdict::kRevoked);
  // No module identity TDX_02.
  p.quote.tee_tcb_svn = {4, 2, 5};
  r = p.Verify();
  EXPECT_EQ(r.error_status, "TDX_MODULE_MISMATCH");
  EXPECT_EQ(r.error, "the TCB info has no module identity TDX_02");

  // TD 1.5: the module is out of date at launch (TEE_TCB_SVN) but was updated
  // in place to the current one (TEE_TCB_SVN2): relaunching the TD suffices.
  SimPlatform v5 = SimPlatform::Make(true);
  v5.quote.version = 5;
  v5.quote.body_type = BodyType::kTd15;
  v5.quote.tee_tcb_svn = {3, 1, 5};
  v5.quote.tee_tcb_svn2 = {4, 1, 5};
  EXPECT_EQ(v5.Verify().verdict, Verdict::kTdRelaunchAdvised);
  v5.quote.tee_tcb_svn2 = {3, 1, 5};  // not updated: plain OutOfDate
  EXPECT_EQ(v5.Verify().verdict, Verdict::kOutOfDate);
  v5.quote.tee_tcb_svn2 = {4, 1, 5};
  v5.pck_spec.sgx.tcb = Tcb(5);  // configuration component
  v5.pck.reset();
  EXPECT_EQ(v5.Verify().verdict, Verdict::kTdRelaunchAdvisedConfigurationNeeded);
}

TEST(GeneratedQuoteTest, TdxModuleSignerMustMatch) {
  SimPlatform p = SimPlatform::Make(true);
  p.quote.mrsigner_seam[0] = 1;
  auto r = p.Verify();
  EXPECT_EQ(r.error_status, "TDX_MODULE_MISMATCH");
  p.quote.mrsigner_seam[0] = 0;
  p.quote.seam_attributes[7] = 0x80;
  EXPECT_EQ(p.Verify().error_status, "TDX_MODULE_MISMATCH");
}

// Any byte of the signed region flipped: the quote never verifies. Header
// bytes the parser checks are UNSUPPORTED_QUOTE_FORMAT, all others
// INVALID_QUOTE_SIGNATURE (or, for TDX, a mismatch caught before it).
TEST(GeneratedQuoteTest, EveryFlippedSignedByteFails) {
  for (bool tdx : {false, true}) {
    SimPlatform p = SimPlatform::Make(tdx);
    Bytes good = p.Quote();
    auto prepared = *PrepareCollateral(p.MakeCollateral(), p.pki.root().cert);
    ASSERT_EQ(VerifyQuote(good, *prepared, p.Options()).verdict, Verdict::kUpToDate);
    size_t signed_length = tdx ? 632 : 432;
    std::map<std::string, int> seen;
    for (size_t i = 0; i < signed_length; ++i) {
      Bytes b = good;
      b[i] ^= 0x01;
      auto r = VerifyQuote(b, *prepared, p.Options());
      ASSERT_EQ(r.verdict, Verdict::kInvalid) << "byte " << i << "\n" << Describe(r);
      seen[r.error_status]++;
    }
    // TDX: 56 bytes are MRSIGNER_SEAM/SEAM_ATTRIBUTES (TDX_MODULE_MISMATCH), a few header bytes are parsed.
    EXPECT_GT(seen["INVALID_QUOTE_SIGNATURE"], tdx ? 500 : 400) << tdx;
    for (const auto& [status, n] : seen)
      EXPECT_TRUE(status == "INVALID_QUOTE_SIGNATURE" || status == "UNSUPPORTED_QUOTE_FORMAT" || status == "TDX_MODULE_MISMATCH")
          << status;
    // The QE report (inside the signature data) is covered by the PCK's signature.
    size_t qe_report_at = tdx ? 770 : 564;
    for (size_t i = qe_report_at; i < qe_report_at + 384; i += 7) {
      Bytes b = good;
      b[i] ^= 0x80;
      EXPECT_EQ(VerifyQuote(b, *prepared, p.Options()).error_status, "INVALID_QE_REPORT_SIGNATURE") << i;
    }
  }
}

TEST(GeneratedQuoteTest, WrongAttestationKeyAndBrokenQeReportData) {
  SimPlatform p = SimPlatform::Make(false);
  auto other = *crypto::PrivateKey::GenerateEcP256();
  p.quote.sign_quote_with = &other;
  auto r = p.Verify();
  EXPECT_EQ(r.error_status, "INVALID_QUOTE_SIGNATURE");
  EXPECT_EQ(r.steps.back().step, "quote_signature");
  p.quote.sign_quote_with = nullptr;
  p.quote.break_qe_report_data = true;
  r = p.Verify();
  EXPECT_EQ(r.error_status, "INVALID_QE_REPORT_DATA");
  // Different auth data than the QE hashed: also a report data mismatch.
  p.quote.break_qe_report_data = false;
  Bytes q = p.Quote();
  q[432 + 4 + 128 + 384 + 64 + 2] ^= 1;  // first QE auth data byte (v3)
  EXPECT_EQ(VerifyQuote(q, p.MakeCollateral(), p.Options()).error_status, "INVALID_QE_REPORT_DATA");
}

TEST(GeneratedQuoteTest, RevokedPckAndRevokedCa) {
  SimPlatform p = SimPlatform::Make(false);
  p.pck_crl.revoked_serials = {p.Pck().cert.SerialNumber()};
  auto r = p.Verify();
  EXPECT_EQ(r.verdict, Verdict::kRevoked);
  EXPECT_EQ(r.error_status, "SGX_PCK_REVOKED");
  EXPECT_FALSE(r.verified()) << "Intel stops at the PCK chain: the quote signature was never checked";
  EXPECT_FALSE(ApplyPolicy(r, Policy{.accepted = {Verdict::kRevoked}}).accepted);
  p.pck_crl.revoked_serials.clear();
  p.root_crl.revoked_serials = {p.pki.platform_ca().cert.SerialNumber()};
  r = p.Verify();
  EXPECT_EQ(r.verdict, Verdict::kRevoked);
  EXPECT_EQ(r.error_status, "SGX_INTERMEDIATE_CA_REVOKED");
  p.root_crl.revoked_serials = {p.pki.tcb_signer().cert.SerialNumber()};
  EXPECT_EQ(p.Verify().error_status, "SGX_TCB_SIGNING_CERT_REVOKED");
}

TEST(GeneratedQuoteTest, WrongQeIdentityFields) {
  SimPlatform p = SimPlatform::Make(false);
  p.quote.qe_mr_signer[5] ^= 1;
  auto r = p.Verify();
  EXPECT_EQ(r.error_status, "QE_IDENTITY_MISMATCH");
  EXPECT_NE(r.error.find("QE MRSIGNER"), std::string::npos) << r.error;
  p = SimPlatform::Make(false);
  p.quote.qe_isv_prod_id = 3;
  EXPECT_EQ(p.Verify().error, "QE ISVPRODID 3 is not 1");
  p = SimPlatform::Make(false);
  p.quote.qe_attributes[0] = 0x05;  // INIT set but not the masked bit 4
  EXPECT_EQ(p.Verify().error_status, "QE_IDENTITY_MISMATCH");
  p = SimPlatform::Make(false);
  p.quote.qe_miscselect = 1;
  EXPECT_EQ(p.Verify().error_status, "QE_IDENTITY_MISMATCH");
}

TEST(GeneratedQuoteTest, TcbInfoOfAnotherFmspcOrTee) {
  SimPlatform p = SimPlatform::Make(false);
  p.tcb_info.fmspc = "00906EA10000";
  auto r = p.Verify();
  EXPECT_EQ(r.error_status, "TCB_INFO_MISMATCH");
  EXPECT_EQ(r.error, "TCB info is for FMSPC 00906EA10000 PCE-ID 0000, the PCK certificate for FMSPC 00906ED50000 PCE-ID 0000");
  SimPlatform t = SimPlatform::Make(true);
  Collateral sgx = SimPlatform::Make(false).MakeCollateral();  // other PKI: refuse by signature first
  auto r2 = VerifyQuote(t.Quote(), sgx, t.Options());
  EXPECT_EQ(r2.verdict, Verdict::kInvalid);
  t.tcb_info.tee = intel::TeeType::kSgx;
  t.tcb_info.module_identities.clear();
  for (auto& l : t.tcb_info.levels) l.tdx.reset();
  EXPECT_EQ(t.Verify().error, "SGX TCB info for a TDX quote");
}

TEST(GeneratedQuoteTest, ExpiredCollateralIsReportedNotTerminal) {
  SimPlatform p = SimPlatform::Make(false);
  auto r = p.Verify(T0() + 31 * kDay);  // TCB info, QE identity and PCK CRL ended at T0+30d
  EXPECT_EQ(r.verdict, Verdict::kUpToDate);
  EXPECT_TRUE(r.collateral_expired);
  std::vector<std::string> items;
  for (const auto& e : r.expired) items.push_back(e.item);
  EXPECT_EQ(items, (std::vector<std::string>{"PCK CRL", "TCB info", "QE identity"}));
  // Exactly at nextUpdate counts as expired (Intel: earliest expiration <= date).
  r = p.Verify(T0() + 30 * kDay);
  EXPECT_TRUE(r.collateral_expired);
  r = p.Verify(T0() + 30 * kDay - std::chrono::seconds(1));
  EXPECT_FALSE(r.collateral_expired);
  EXPECT_EQ(*r.earliest_expiration, T0() + 30 * kDay);
  // Policy: rejected unless expired collateral is explicitly tolerated.
  r = p.Verify(T0() + 31 * kDay);
  Policy policy;
  auto d = ApplyPolicy(r, policy);
  EXPECT_FALSE(d.accepted);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0], "expired collateral (PCK CRL, TCB info, QE identity) is not accepted");
  policy.accept_expired_collateral = true;
  EXPECT_TRUE(ApplyPolicy(r, policy).accepted);
}

TEST(GeneratedQuoteTest, EvaluationNumberBelowThePolicyMinimum) {
  SimPlatform p = SimPlatform::Make(false);
  p.tcb_info.eval_number = 17;
  p.qe_identity.eval_number = 16;
  auto r = p.Verify();
  EXPECT_EQ(r.tcb_evaluation_data_number, 16u);
  Policy policy;
  policy.min_tcb_evaluation_data_number = 17;
  auto d = ApplyPolicy(r, policy);
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"TCB evaluation data number 16 is below the minimum 17"}));
  policy.min_tcb_evaluation_data_number = 16;
  EXPECT_TRUE(ApplyPolicy(r, policy).accepted);
}

TEST(GeneratedQuoteTest, TruncatedAndExtendedQuotes) {
  SimPlatform p = SimPlatform::Make(true);
  Bytes good = p.Quote();
  auto prepared = *PrepareCollateral(p.MakeCollateral(), p.pki.root().cert);
  for (size_t n : {size_t{0}, size_t{47}, size_t{631}, size_t{1000}, good.size() - 1}) {
    auto r = VerifyQuote(ByteSpan(good).first(n), *prepared, p.Options());
    EXPECT_EQ(r.error_status, "UNSUPPORTED_QUOTE_FORMAT") << n;
  }
  Bytes longer = good;
  longer.push_back(0);
  auto r = VerifyQuote(longer, *prepared, p.Options());
  EXPECT_EQ(r.error_status, "UNSUPPORTED_QUOTE_FORMAT");
  EXPECT_EQ(r.error, "quote: end of signature data at offset " + std::to_string(good.size()) +
                         ": 1 trailing zero bytes after the quote");
  VerifyOptions padded = p.Options();
  padded.parse.trailing = TrailingBytes::kAllowZeroPadding;
  EXPECT_EQ(VerifyQuote(longer, *prepared, padded).verdict, Verdict::kUpToDate);
}

TEST(GeneratedQuoteTest, ChainsMustEndInThePinnedRoot) {
  SimPlatform p = SimPlatform::Make(false);
  VerifyOptions intel_root = p.Options();
  intel_root.root = intel::IntelSgxRootCa();
  auto r = VerifyQuote(p.Quote(), p.MakeCollateral(), intel_root);
  EXPECT_EQ(r.verdict, Verdict::kInvalid);
  // The simulated root has Intel's DN, so its CRL names the right issuer but fails its signature.
  EXPECT_EQ(r.error_status, "SGX_CRL_INVALID_SIGNATURE");
  // With the collateral checked against the sim root, a quote from another PKI is refused at the PCK chain.
  SimPlatform other = SimPlatform::Make(false);
  r = VerifyQuote(other.Quote(), p.MakeCollateral(), p.Options());
  EXPECT_EQ(r.error_status, "SGX_ROOT_CA_UNTRUSTED");
  // A two-certificate chain.
  p.quote.pck_chain_pem = EncodePem("CERTIFICATE", p.Pck().cert.der()) + p.pki.RootPem();
  Bytes q = sim::GenerateQuote(p.quote).value();
  r = VerifyQuote(q, p.MakeCollateral(), p.Options());
  EXPECT_EQ(r.error_status, "UNSUPPORTED_CERT_FORMAT");
  EXPECT_EQ(r.error, "PCK certificate chain holds 2 certificates, expected 3 (PCK, CA, root)");
}

TEST(GeneratedQuoteTest, PreparedCollateralIsReusedAcrossQuotes) {
  SimPlatform p = SimPlatform::Make(false);
  auto prepared = *PrepareCollateral(p.MakeCollateral(), p.pki.root().cert);
  for (int i = 0; i < 20; ++i) {
    p.quote.report_data[0] = static_cast<uint8_t>(i);
    auto r = VerifyQuote(p.Quote(), *prepared, p.Options());
    ASSERT_EQ(r.verdict, Verdict::kUpToDate) << Describe(r);
    EXPECT_EQ(r.quote->ReportData()[0], i);
  }
}

TEST(GeneratedQuoteTest, PolicyMeasurementsAndAdvisories) {
  SimPlatform p = SimPlatform::Make(false);
  p.pck_spec.sgx.tcb = Tcb(6);  // SWHardeningNeeded, INTEL-SA-00001
  auto r = p.Verify();
  ASSERT_EQ(r.verdict, Verdict::kSWHardeningNeeded);
  Policy policy;
  EXPECT_EQ(ApplyPolicy(r, policy).reasons, (std::vector<std::string>{"status SWHardeningNeeded is not accepted"}));
  policy.accepted = {Verdict::kUpToDate, Verdict::kSWHardeningNeeded};
  EXPECT_TRUE(ApplyPolicy(r, policy).accepted);
  policy.allowed_advisory_ids = std::vector<std::string>{"INTEL-SA-00002"};
  EXPECT_EQ(ApplyPolicy(r, policy).reasons, (std::vector<std::string>{"advisory INTEL-SA-00001 is not allowed"}));
  policy.allowed_advisory_ids->push_back("INTEL-SA-00001");
  policy.mr_enclave = Bytes(32, 0xEE);
  policy.mr_signer = Bytes(32, 0x55);
  policy.report_data = Bytes(8, 0xAB);
  EXPECT_TRUE(ApplyPolicy(r, policy).accepted);
  policy.mr_signer = Bytes(32, 0x56);
  auto d = ApplyPolicy(r, policy);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].substr(0, 12), "MRSIGNER is ");
  policy.mr_signer.reset();
  policy.mr_td = Bytes(48, 0);
  EXPECT_EQ(ApplyPolicy(r, policy).reasons, (std::vector<std::string>{"MRTD/RTMRs expected, but this is an SGX quote"}));
  policy.mr_td.reset();
  policy.max_collateral_age = std::chrono::hours(12);
  EXPECT_EQ(ApplyPolicy(r, policy).reasons,
            (std::vector<std::string>{"collateral issued 2025-01-01T00:00:00Z is older than 43200 s"}));
  // Revoked is never accepted.
  policy = Policy{};
  policy.accepted = {Verdict::kRevoked};
  p.pck_spec.sgx.tcb = Tcb(1);
  p.pck.reset();
  r = p.Verify();
  ASSERT_EQ(r.verdict, Verdict::kRevoked);
  EXPECT_FALSE(ApplyPolicy(r, policy).accepted);
}

TEST(GeneratedQuoteTest, TdxMeasurementsInThePolicy) {
  SimPlatform p = SimPlatform::Make(true);
  p.quote.rtmr[2].fill(0x22);
  auto r = p.Verify();
  ASSERT_EQ(r.verdict, Verdict::kUpToDate);
  Policy policy;
  policy.mr_td = Bytes(48, 0x7D);
  policy.rtmr[2] = Bytes(48, 0x22);
  EXPECT_TRUE(ApplyPolicy(r, policy).accepted);
  policy.rtmr[3] = Bytes(48, 0x22);
  EXPECT_EQ(ApplyPolicy(r, policy).reasons.size(), 1u);
}

}  // namespace
}  // namespace thim::verify

namespace thim::verify {
namespace {

TEST(CollateralCacheTest, SameContentIsPreparedOnceAndEntriesAreBounded) {
  testing::SimPlatform p = testing::SimPlatform::Make(false);
  CollateralCache cache(2);
  Collateral c = p.MakeCollateral();
  auto a = cache.Get(c, p.pki.root().cert);
  auto b = cache.Get(c, p.pki.root().cert);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(VerifyQuote(p.Quote(), **a, p.Options()).verdict, Verdict::kUpToDate);
  for (uint32_t n : {18u, 19u, 20u}) {
    p.tcb_info.eval_number = n;
    ASSERT_TRUE(cache.Get(p.MakeCollateral(), p.pki.root().cert).ok());
  }
  EXPECT_EQ(cache.size(), 2u);
  // A failure is not cached and names Intel's status.
  c.tcb_info[c.tcb_info.size() / 2] ^= 0x01;
  auto bad = cache.Get(c, p.pki.root().cert);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(cache.size(), 2u);
}

}  // namespace
}  // namespace thim::verify
