// End-to-end verification of real quotes with real Intel collateral, at a
// time inside the collateral's validity (or, where no such time exists in
// the public data, with the expired item named). The expected verdicts are
// derived by hand from Intel's rules (reference intel-qpl-qvl.md §4.7); each
// test explains the derivation.
#include <gtest/gtest.h>

#include "describe_result.h"
#include "testdata.h"
#include "thim/verify.h"

namespace thim::verify {
namespace {

using thim::testing::At;
using thim::testing::ReadRealBytes;
using thim::testing::ReadRealString;

using testing::Describe;

// go-tdx-guest's TDX set (FMSPC 50806F000000), all valid on 2023-06-20.
Collateral GoTdxGuestCollateral() {
  Collateral c;
  c.tcb_info = ReadRealString("go-tdx-guest/testing/testdata/sample_tcbInfo_response");
  c.qe_identity = ReadRealString("go-tdx-guest/testing/testdata/sample_qeIdentity_response");
  c.tcb_info_issuer_chain = ReadRealString("go-tdx-guest/extracted/tcb_info_issuer_chain.urlencoded.txt");
  c.pck_crl = ReadRealBytes("go-tdx-guest/testing/testdata/pckcrl");
  c.pck_crl_issuer_chain = ReadRealString("go-tdx-guest/extracted/pck_crl_issuer_chain.pem");
  c.root_ca_crl = ReadRealBytes("go-tdx-guest/testing/testdata/rootcrl.der");
  return c;
}

// teepot's PCS capture of 2025-05-27 for TDX (FMSPC 00806F050000); no root
// CA CRL of 2025 exists in the public data, so go-tdx-guest's (valid to
// 2024-04-02) is used and reported as expired.
Collateral TeepotTdxCollateral() {
  Collateral c;
  c.tcb_info = ReadRealString("teepot/extracted/tdx_tcb_info.body");
  c.tcb_info_issuer_chain = ReadRealString("teepot/extracted/tdx_tcb_info.chain.pem");
  c.qe_identity = ReadRealString("teepot/extracted/tdx_qe_identity.body");
  c.qe_identity_issuer_chain = ReadRealString("teepot/extracted/tdx_qe_identity.chain.pem");
  c.pck_crl = ReadRealBytes("teepot/extracted/pck_crl_platform.body");
  c.pck_crl_issuer_chain = ReadRealString("teepot/extracted/pck_crl_platform.chain.pem");
  c.root_ca_crl = ReadRealBytes("go-tdx-guest/testing/testdata/rootcrl.der");
  return c;
}

// teepot's SGX capture of 2025-05-27 for FMSPC 00906ED50000 (the FMSPC of
// mobilecoin's hw_quote.dat); root CA CRL as above (expired).
Collateral TeepotSgxCollateral() {
  Collateral c;
  c.tcb_info = ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body");
  c.tcb_info_issuer_chain = ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.chain.pem");
  c.qe_identity = ReadRealString("teepot/extracted/sgx_qe_identity.body");
  c.qe_identity_issuer_chain = ReadRealString("teepot/extracted/sgx_qe_identity.chain.pem");
  c.pck_crl = ReadRealBytes("teepot/extracted/pck_crl_processor.body");
  c.root_ca_crl = ReadRealBytes("mobilecoin-attestation/verifier/data/tests/root_crl.der");
  return c;
}

// mobilecoin's own set, captured 2023-07-12 (TCB info and QE identity valid
// 2023-07-12..08-11, Processor CA CRL only 2023-04-21..05-21).
Collateral MobilecoinCollateral() {
  Collateral c;
  c.tcb_info = ReadRealString("mobilecoin-attestation/verifier/data/tests/fmspc_00906ED50000_2023_07_12.json");
  c.tcb_info_issuer_chain = ReadRealString("mobilecoin-attestation/verifier/data/tests/tcb_signer.pem") +
                            ReadRealString("mobilecoin-attestation/verifier/data/tests/root_ca.pem");
  c.qe_identity = ReadRealString("mobilecoin-attestation/verifier/data/tests/qe_identity.json");
  c.pck_crl = ReadRealBytes("mobilecoin-attestation/verifier/data/tests/processor_crl.der");
  c.root_ca_crl = ReadRealBytes("mobilecoin-attestation/verifier/data/tests/root_crl.pem");
  return c;
}

void ExpectAllStepsOkUpTo(const VerificationResult& r, const std::string& last) {
  ASSERT_FALSE(r.steps.empty());
  for (const auto& st : r.steps) {
    if (st.step == last) break;
    EXPECT_EQ(st.status, "OK") << st.step << ": " << st.detail;
  }
}

// TDX v4, Sapphire Rapids E4 (go-tdx-guest). Everything verifies at
// 2023-06-20 (TCB info 06-18..07-18, TD_QE identity and PCK CRL 06-08..07-08,
// root CRL 2023-04-03..2024-04-02, PCK 2022-09-20..2029), but the platform
// is not supported: the PCK's SGX TCB components are 03 03 02 02 02 01 00 02
// (PCESVN 11) and both TCB levels of this TCB info need COMP01 >= 5
// (5,5,2,2,3,1,0,3 with PCESVN 11 or 5). No level is at or below the
// platform, so Intel's verifier returns TCB_NOT_SUPPORTED.
TEST(RealQuoteVerifyTest, TdxV4SapphireRapidsIsTcbNotSupported) {
  VerifyOptions o{.at = At("2023-06-20T00:00:00Z"), .parse = {.trailing = TrailingBytes::kAllow}};
  auto r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/tdx_prod_quote_SPR_E4.dat"), GoTdxGuestCollateral(), o);
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kTcbNotSupported);
  EXPECT_EQ(r.error_status, "TCB_NOT_SUPPORTED");
  EXPECT_TRUE(r.verified());
  EXPECT_EQ(HexEncode(r.pck_tcb_components), "03030202020100020000000000000000");
  EXPECT_EQ(r.pck_pcesvn, 11);
  EXPECT_EQ(r.fmspc, "50806F000000");
  EXPECT_EQ(r.pck_ca, "platform");
  EXPECT_EQ(r.qe_status, "UpToDate");  // QE ISVSVN 4, TD_QE level isvsvn 4 UpToDate
  EXPECT_EQ(r.tcb_evaluation_data_number, 15u);
  EXPECT_FALSE(r.collateral_expired);
  ExpectAllStepsOkUpTo(r, "tcb_level");
  EXPECT_EQ(r.steps.back().step, "tcb_level");
  // Strict parsing (the default) refuses go-tdx-guest's appended test bytes.
  auto strict = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/tdx_prod_quote_SPR_E4.dat"), GoTdxGuestCollateral(),
                            {.at = o.at});
  EXPECT_EQ(strict.error_status, "UNSUPPORTED_QUOTE_FORMAT");
  EXPECT_EQ(strict.error, "quote: end of signature data at offset 4935: 39 trailing bytes after the quote");
}

// TDX v4 from Google Cloud COS, with Intel's collateral of 2025-05-27. The
// PCK has SGX 07 07 02 02 03 01 00 03 / PCESVN 11, so the first TCB level
// (7,7,2,2,3,1,0,3 / 11, TDX 5,0,7 from index 2 on) matches: TEE_TCB_SVN is
// 04 01 07 — TEE_TCB_SVN[1] = 1 > 0, so TDX components 0 and 1 are left to
// the module identity TDX_01, whose first level with isvsvn <= 4 is 4
// UpToDate. QE ISVSVN 6 >= TD_QE level 4 UpToDate. Verdict UpToDate. The
// only root CA CRL in the data expired 2024-04-02: reported, not terminal.
TEST(RealQuoteVerifyTest, TdxV4CosIsUpToDateWithTheRootCrlExpired) {
  VerifyOptions o{.at = At("2025-06-01T00:00:00Z"), .parse = {.trailing = TrailingBytes::kAllowZeroPadding}};
  auto r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat"), TeepotTdxCollateral(), o);
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kUpToDate);
  EXPECT_EQ(r.error_status, "");
  EXPECT_EQ(r.tdx_module_status, "UpToDate");
  EXPECT_EQ(r.qe_status, "UpToDate");
  EXPECT_EQ(FormatRfc3339(*r.tcb_date), "2024-03-13T00:00:00Z");
  EXPECT_EQ(r.tcb_evaluation_data_number, 17u);
  EXPECT_TRUE(r.advisory_ids.empty());
  ASSERT_EQ(r.expired.size(), 1u);
  EXPECT_EQ(r.expired[0].item, "root CA CRL");
  EXPECT_EQ(FormatRfc3339(r.expired[0].until), "2024-04-02T10:22:51Z");
  EXPECT_TRUE(r.collateral_expired);
  ExpectAllStepsOkUpTo(r, "collateral_expiration");
}

// TDX v4 from an Azure CVM: PCK SGX 06 06 02 02 03 01 00 03 / 11 is below
// the first level's 7,7 but matches the second (6,6,2,2,3,1,0,3 / 11, TDX
// 3,0,6 — TEE_TCB_SVN 02 01 06, components 2.. = 6 >= 6): OutOfDate of
// 2023-08-09 with INTEL-SA-00960, -00982, -00986. The module TDX_01 at
// isvsvn 2 is OutOfDate too; OutOfDate merged with OutOfDate stays OutOfDate.
TEST(RealQuoteVerifyTest, TdxV4AzureIsOutOfDateWithAdvisories) {
  VerifyOptions o{.at = At("2025-06-01T00:00:00Z"), .parse = {.trailing = TrailingBytes::kAllowZeroPadding}};
  auto r = VerifyQuote(ReadRealBytes("trustee/deps/verifier/test_data/az-tdx-vtpm/td-quote.bin"), TeepotTdxCollateral(), o);
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kOutOfDate);
  EXPECT_EQ(r.tdx_module_status, "OutOfDate");
  EXPECT_EQ(FormatRfc3339(*r.tcb_date), "2023-08-09T00:00:00Z");
  EXPECT_EQ(r.advisory_ids, (std::vector<std::string>{"INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986"}));
}

// SGX v3 (mobilecoin hw_quote.dat) with its own 2023 collateral at
// 2023-07-13: the PCK (SGX TCB below) matches the SWHardeningNeeded level of
// 2023-02-15 (INTEL-SA-00334, INTEL-SA-00615); the QE's ISVSVN 9 is above the
// QE identity's UpToDate level 8. The Processor CA CRL of the set ended
// 2023-05-21, before the PCK was even issued (2023-06-08): no instant makes
// this set fully valid, so the CRL is reported expired.
TEST(RealQuoteVerifyTest, SgxV3WithItsOwn2023CollateralIsSWHardeningNeeded) {
  auto r = VerifyQuote(ReadRealBytes("mobilecoin-attestation/verifier/data/tests/hw_quote.dat"), MobilecoinCollateral(),
                       {.at = At("2023-07-13T00:00:00Z")});
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kSWHardeningNeeded);
  EXPECT_EQ(r.fmspc, "00906ED50000");
  EXPECT_EQ(r.pck_ca, "processor");
  EXPECT_EQ(r.qe_status, "UpToDate");
  EXPECT_EQ(FormatRfc3339(*r.tcb_date), "2023-02-15T00:00:00Z");
  EXPECT_EQ(r.advisory_ids, (std::vector<std::string>{"INTEL-SA-00334", "INTEL-SA-00615"}));
  EXPECT_EQ(r.tcb_evaluation_data_number, 15u);
  ASSERT_EQ(r.expired.size(), 1u);
  EXPECT_EQ(r.expired[0].item, "PCK CRL");
}

// The same quote against Intel's collateral of 2025-05-27 (evaluation data
// number 17): TCB recoveries since 2023 moved the same PCK TCB (level of
// 2023-02-15) to OutOfDate, adding INTEL-SA-00828, -00219, -00289.
TEST(RealQuoteVerifyTest, SgxV3With2025CollateralIsOutOfDate) {
  auto r = VerifyQuote(ReadRealBytes("mobilecoin-attestation/verifier/data/tests/hw_quote.dat"), TeepotSgxCollateral(),
                       {.at = At("2025-06-01T00:00:00Z")});
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kOutOfDate);
  EXPECT_EQ(FormatRfc3339(*r.tcb_date), "2023-02-15T00:00:00Z");
  EXPECT_EQ(r.tcb_evaluation_data_number, 17u);
  EXPECT_EQ(r.advisory_ids, (std::vector<std::string>{"INTEL-SA-00828", "INTEL-SA-00219", "INTEL-SA-00289", "INTEL-SA-00334",
                                                      "INTEL-SA-00615"}));
}

// TDX v5 (TD 1.5 body) with go-tdx-guest's v5 TCB info (issued 2026-02-01,
// evaluation data number 18) at 2026-02-10. TEE_TCB_SVN 0B 01 04: module
// TDX_01 at isvsvn 11 >= 6 is UpToDate; TDX components from index 2 (4 >= 3)
// and the PCK's SGX TCB match the first, UpToDate level of 2024-11-13. QE
// ISVSVN 7 >= 4 UpToDate. No relaunch advice (nothing is OutOfDate). The only
// public TD_QE identity, PCK CRL and root CA CRL are older and expired; the
// evaluation data number used is min(18, 17) = 17.
TEST(RealQuoteVerifyTest, TdxV5IsUpToDateWithOlderItemsExpired) {
  Collateral c = TeepotTdxCollateral();
  c.tcb_info = ReadRealString("go-tdx-guest/testing/testdata/sample_tcbinfo_response_v5");
  auto r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/quote_v5_sample.dat"), c, {.at = At("2026-02-10T00:00:00Z")});
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kUpToDate);
  EXPECT_EQ(r.quote_version, 5);
  EXPECT_EQ(r.body_type, "TD report 1.5");
  EXPECT_EQ(r.fmspc, "90C06F000000");
  EXPECT_EQ(r.tdx_module_status, "UpToDate");
  EXPECT_EQ(FormatRfc3339(*r.tcb_date), "2024-11-13T00:00:00Z");
  EXPECT_EQ(r.tcb_info_evaluation_data_number, 18u);
  EXPECT_EQ(r.tcb_evaluation_data_number, 17u);
  std::vector<std::string> expired;
  for (const auto& e : r.expired) expired.push_back(e.item);
  EXPECT_EQ(expired, (std::vector<std::string>{"root CA CRL", "PCK CRL", "QE identity"}));
}

// Collateral for another platform or another TEE is refused by Intel's step 4.10.
TEST(RealQuoteVerifyTest, RealQuoteWithTheWrongTcbInfoIsTcbInfoMismatch) {
  Collateral c = TeepotTdxCollateral();  // FMSPC 00806F050000
  auto r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/quote_v5_sample.dat"), c, {.at = At("2025-06-01T00:00:00Z")});
  EXPECT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_EQ(r.error_status, "TCB_INFO_MISMATCH");
  EXPECT_EQ(r.error, "TCB info is for FMSPC 00806F050000 PCE-ID 0000, the PCK certificate for FMSPC 90C06F000000 PCE-ID 0000");
  // SGX collateral for a TDX quote (the PCK CRL is checked before the TCB info type).
  c = TeepotSgxCollateral();
  c.qe_identity = ReadRealString("teepot/extracted/tdx_qe_identity.body");
  r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/quote_v5_sample.dat"), c, {.at = At("2025-06-01T00:00:00Z")});
  EXPECT_EQ(r.error_status, "INVALID_PCK_CRL");  // the Processor CA CRL for a Platform CA PCK: caught first
}

TEST(RealQuoteVerifyTest, BrokenCollateralIsNamedWithIntelsStatus) {
  Collateral c = TeepotTdxCollateral();
  c.tcb_info[c.tcb_info.find("\"fmspc\"") + 10] ^= 1;  // inside the signed body
  auto r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat"), c,
                       {.at = At("2025-06-01T00:00:00Z"), .parse = {.trailing = TrailingBytes::kAllowZeroPadding}});
  EXPECT_EQ(r.error_status, "TCB_INFO_INVALID_SIGNATURE");
  EXPECT_EQ(r.steps.back().step, "collateral");
  c = TeepotTdxCollateral();
  c.root_ca_crl = ReadRealBytes("teepot/extracted/pck_crl_processor_der.der");
  r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat"), c,
                  {.at = At("2025-06-01T00:00:00Z"), .parse = {.trailing = TrailingBytes::kAllowZeroPadding}});
  EXPECT_EQ(r.error_status, "SGX_CRL_UNKNOWN_ISSUER");
  c = TeepotTdxCollateral();
  c.qe_identity = ReadRealString("teepot/extracted/sgx_qe_identity.body");
  c.qe_identity_issuer_chain = ReadRealString("teepot/extracted/sgx_qe_identity.chain.pem");
  r = VerifyQuote(ReadRealBytes("go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat"), c,
                  {.at = At("2025-06-01T00:00:00Z"), .parse = {.trailing = TrailingBytes::kAllowZeroPadding}});
  EXPECT_EQ(r.error_status, "QE_IDENTITY_MISMATCH");
  EXPECT_EQ(r.error, "a TDX quote needs the TD_QE identity, got QE");
}

}  // namespace
}  // namespace thim::verify

namespace thim::verify {
namespace {

// The PCS v3 API form of the same 2025 collateral (TCB info version 2 with
// flat sgxtcbcompNNsvn, QE identity without advisory IDs) gives the same
// verdict; the advisories come only from the v4 form.
TEST(RealQuoteVerifyTest, SgxV3WithPcsV3ApiCollateral) {
  Collateral c = TeepotSgxCollateral();
  c.tcb_info = ReadRealString("teepot/extracted/sgx_tcb_info_v3.body");
  c.tcb_info_issuer_chain = ReadRealString("teepot/extracted/sgx_tcb_info_v3.chain.pem");
  c.qe_identity = ReadRealString("teepot/extracted/sgx_qe_identity_v3.body");
  auto r = VerifyQuote(ReadRealBytes("mobilecoin-attestation/verifier/data/tests/hw_quote.dat"), c, {.at = At("2025-06-01T00:00:00Z")});
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kOutOfDate);
  EXPECT_EQ(FormatRfc3339(*r.tcb_date), "2023-02-15T00:00:00Z");
  EXPECT_TRUE(r.advisory_ids.empty());
}

// The minimum baseline with real data: Intel's "early" TCB info (evaluation
// number 19) beside the "standard" one (17). With the standard QE identity
// (17) the number used is min(19, 17) = 17, so a baseline of 19 rejects
// either set: the QE identity must be as recent as the TCB info.
TEST(RealQuoteVerifyTest, EvaluationNumberBaselineOnRealCollateral) {
  Collateral early = TeepotSgxCollateral();
  early.tcb_info = ReadRealString("teepot/extracted/sgx_tcb_info_early.body");
  early.tcb_info_issuer_chain = ReadRealString("teepot/extracted/sgx_tcb_info_early.chain.pem");
  Bytes quote = ReadRealBytes("mobilecoin-attestation/verifier/data/tests/hw_quote.dat");
  auto r = VerifyQuote(quote, early, {.at = At("2025-06-01T00:00:00Z")});
  SCOPED_TRACE(Describe(r));
  EXPECT_EQ(r.verdict, Verdict::kOutOfDate);
  EXPECT_EQ(r.tcb_info_evaluation_data_number, 19u);
  EXPECT_EQ(r.qe_identity_evaluation_data_number, 17u);
  EXPECT_EQ(r.tcb_evaluation_data_number, 17u);
  Policy policy{.accepted = {Verdict::kOutOfDate}, .min_tcb_evaluation_data_number = 17, .accept_expired_collateral = true};
  EXPECT_TRUE(ApplyPolicy(r, policy).accepted);
  policy.min_tcb_evaluation_data_number = 19;
  EXPECT_EQ(ApplyPolicy(r, policy).reasons, (std::vector<std::string>{"TCB evaluation data number 17 is below the minimum 19"}));
}

}  // namespace
}  // namespace thim::verify
