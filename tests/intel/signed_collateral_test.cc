// Real Intel collateral (../shared/testdata/real): every TCB info, enclave
// identity and evaluation-number list parses with the right values, verifies
// against its issuer chain at a date inside its validity, and fails with the
// right cause on a flipped byte, after nextUpdate, and under another root.
#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "intel/collateral_verifier.h"
#include "intel/enclave_identity.h"
#include "intel/pinned_roots.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"
#include "real_chain.h"
#include "testdata.h"

namespace thim::intel {
namespace {

using thim::testing::At;
using thim::testing::ReadRealString;

enum class Kind { kTcbInfo, kIdentity, kEvalNumbers };

struct RealDoc {
  const char* body;
  const char* chain;
  Kind kind;
  const char* inside;  // a time inside the validity of the document and its chain
};
void PrintTo(const RealDoc& d, std::ostream* os) { *os << d.body; }

const RealDoc kRealDocs[] = {
    {"teepot/extracted/tdx_tcb_info.body", "teepot/extracted/tdx_tcb_info.chain.pem", Kind::kTcbInfo, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_info_00906ED50000.body", "teepot/extracted/sgx_tcb_info_00906ED50000.chain.pem", Kind::kTcbInfo, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_info_alt.body", "teepot/extracted/sgx_tcb_info_alt.chain.pem", Kind::kTcbInfo, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_info_early.body", "teepot/extracted/sgx_tcb_info_early.chain.pem", Kind::kTcbInfo, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_info_v3.body", "teepot/extracted/sgx_tcb_info_v3.chain.pem", Kind::kTcbInfo, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_qe_identity.body", "teepot/extracted/sgx_qe_identity.chain.pem", Kind::kIdentity, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_qe_identity_v3.body", "teepot/extracted/sgx_qe_identity_v3.chain.pem", Kind::kIdentity, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_qve_identity.body", "teepot/extracted/sgx_qve_identity.chain.pem", Kind::kIdentity, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_qae_identity.body", "teepot/extracted/sgx_qae_identity.chain.pem", Kind::kIdentity, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/tdx_qe_identity.body", "teepot/extracted/tdx_qe_identity.chain.pem", Kind::kIdentity, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_eval_nums.body", "teepot/extracted/sgx_tcb_eval_nums.chain.pem", Kind::kEvalNumbers, "2025-06-01T00:00:00Z"},
    {"teepot/extracted/tdx_tcb_eval_nums.body", "teepot/extracted/tdx_tcb_eval_nums.chain.pem", Kind::kEvalNumbers, "2025-06-01T00:00:00Z"},
    {"go-tdx-guest/testing/testdata/sample_tcbInfo_response", "go-tdx-guest/extracted/tcb_info_issuer_chain.pem", Kind::kTcbInfo, "2023-06-20T00:00:00Z"},
    {"go-tdx-guest/testing/testdata/sample_qeIdentity_response", "go-tdx-guest/extracted/tcb_info_issuer_chain.pem", Kind::kIdentity, "2023-06-20T00:00:00Z"},
    {"mobilecoin-attestation/verifier/data/tests/fmspc_00906ED50000_2023_07_12.json", "mobilecoin-attestation/verifier/data/tests/tcb_signer.pem", Kind::kTcbInfo, "2023-07-20T00:00:00Z"},
    {"mobilecoin-attestation/verifier/data/tests/qe_identity.json", "mobilecoin-attestation/verifier/data/tests/tcb_signer.pem", Kind::kIdentity, "2023-07-20T00:00:00Z"},
};

StatusOr<SignedDocument> Parse(Kind kind, std::string_view text) {
  switch (kind) {
    case Kind::kTcbInfo: {
      ASSIGN_OR_RETURN(TcbInfo t, ParseTcbInfo(text));
      return t.document;
    }
    case Kind::kIdentity: {
      ASSIGN_OR_RETURN(EnclaveIdentity e, ParseEnclaveIdentity(text));
      return e.document;
    }
    case Kind::kEvalNumbers: {
      ASSIGN_OR_RETURN(TcbEvaluationDataNumbers n, ParseTcbEvaluationDataNumbers(text));
      return n.document;
    }
  }
  return InternalError("unreachable");
}


class RealCollateral : public ::testing::TestWithParam<RealDoc> {};

TEST_P(RealCollateral, VerifiesInsideValidity) {
  const RealDoc& d = GetParam();
  auto doc = Parse(d.kind, ReadRealString(d.body));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  Status st = VerifySignedDocument(*doc, testing::RealChain(d.chain), IntelSgxRootCa(), {.at = At(d.inside)});
  EXPECT_TRUE(st.ok()) << st.ToString();
  // The signed span is the raw body member value, byte-exact.
  EXPECT_EQ(doc->SignedBytes().front(), '{');
  EXPECT_EQ(doc->SignedBytes().back(), '}');
  EXPECT_NE(doc->text.find(std::string(doc->SignedBytes())), std::string::npos);
}

TEST_P(RealCollateral, OneFlippedByteIsBadSignature) {
  const RealDoc& d = GetParam();
  std::string text = ReadRealString(d.body);
  auto doc = Parse(d.kind, text);
  ASSERT_TRUE(doc.ok());
  // Flip a digit inside the signed span that keeps the JSON valid: the last
  // digit of issueDate's seconds ("…:SSZ").
  size_t pos = text.find("\"issueDate\":\"");
  ASSERT_NE(pos, std::string::npos);
  size_t digit = pos + 13 + 17;
  text[digit] = text[digit] == '0' ? '1' : '0';
  auto tampered = Parse(d.kind, text);
  ASSERT_TRUE(tampered.ok()) << tampered.status().ToString();
  Status st = VerifySignedDocument(*tampered, testing::RealChain(d.chain), IntelSgxRootCa(), {.at = At(d.inside)});
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("bad signature"), std::string::npos);
}

TEST_P(RealCollateral, AfterNextUpdateIsExpired) {
  const RealDoc& d = GetParam();
  auto doc = Parse(d.kind, ReadRealString(d.body));
  ASSERT_TRUE(doc.ok());
  TimePoint after = doc->next_update + std::chrono::seconds(1);
  // Use a chain valid then: for the 2018–2025 signer the chain itself may
  // have expired first; either way the cause is "expired".
  Status st = VerifySignedDocument(*doc, testing::RealChain(d.chain), IntelSgxRootCa(), {.at = after});
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange) << st.ToString();
  EXPECT_NE(st.message().find("expired"), std::string::npos);
}

TEST_P(RealCollateral, WrongRootIsUntrusted) {
  const RealDoc& d = GetParam();
  auto doc = Parse(d.kind, ReadRealString(d.body));
  ASSERT_TRUE(doc.ok());
  auto amd_ark = testing::RealChain("go-sev-guest/verify/trust/ask_ark_milan.pem").back();
  Status st = VerifySignedDocument(*doc, testing::RealChain(d.chain), amd_ark, {.at = At(d.inside)});
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied) << st.ToString();
  EXPECT_NE(st.message().find("untrusted root"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(AllRealDocuments, RealCollateral, ::testing::ValuesIn(kRealDocs), [](const auto& info) {
  std::string name = info.param.body;
  name = name.substr(name.rfind('/') + 1);
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

TEST(RealTcbInfo, TdxFieldValues) {
  auto t = ParseTcbInfo(ReadRealString("teepot/extracted/tdx_tcb_info.body"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->id, TeeType::kTdx);
  EXPECT_EQ(t->version, 3);
  EXPECT_EQ(t->FmspcHex(), "00806F050000");
  EXPECT_EQ(t->PceIdHex(), "0000");
  EXPECT_EQ(t->tcb_evaluation_data_number, 17u);
  EXPECT_EQ(FormatRfc3339(t->issue_date), "2025-05-27T19:31:43Z");
  EXPECT_EQ(FormatRfc3339(t->next_update), "2025-06-26T19:31:43Z");
  ASSERT_EQ(t->levels.size(), 4u);
  EXPECT_EQ(t->levels[0].status, TcbStatus::kUpToDate);
  EXPECT_EQ(t->levels[0].sgx.components[0], 7);
  EXPECT_EQ(t->levels[0].sgx.pcesvn, 11);
  ASSERT_TRUE(t->levels[0].tdx);
  EXPECT_EQ((*t->levels[0].tdx)[0], 5);
  EXPECT_EQ((*t->levels[0].tdx)[2], 7);
  EXPECT_EQ(t->levels[1].status, TcbStatus::kOutOfDate);
  EXPECT_EQ(t->levels[1].advisory_ids.size(), 3u);
  ASSERT_TRUE(t->tdx_module);
  EXPECT_EQ(t->tdx_module->mrsigner, Bytes(48, 0));
  ASSERT_EQ(t->tdx_module_identities.size(), 2u);
  EXPECT_EQ(t->tdx_module_identities[0].id, "TDX_03");
  EXPECT_EQ(t->tdx_module_identities[1].id, "TDX_01");
  EXPECT_EQ(t->tdx_module_identities[1].levels[0].isvsvn, 4);
}

TEST(RealTcbInfo, SgxV4AndV3Formats) {
  auto v4 = ParseTcbInfo(ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body"));
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  EXPECT_EQ(v4->version, 3);
  EXPECT_EQ(v4->id, TeeType::kSgx);
  EXPECT_EQ(v4->FmspcHex(), "00906ED50000");
  EXPECT_EQ(v4->levels.size(), 19u);
  EXPECT_EQ(v4->levels[0].status, TcbStatus::kSWHardeningNeeded);
  EXPECT_EQ(v4->levels[0].sgx.components[0], 21);
  EXPECT_EQ(v4->levels[0].sgx.components[5], 128);
  EXPECT_EQ(v4->levels[0].sgx.pcesvn, 13);
  EXPECT_FALSE(v4->levels[0].tdx);

  auto v3 = ParseTcbInfo(ReadRealString("teepot/extracted/sgx_tcb_info_v3.body"));
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  EXPECT_EQ(v3->version, 2);
  EXPECT_EQ(v3->levels.size(), 19u);
  EXPECT_EQ(v3->levels[0].sgx, v4->levels[0].sgx);  // same levels, other format
  EXPECT_TRUE(v3->levels[0].advisory_ids.empty());

  auto early = ParseTcbInfo(ReadRealString("teepot/extracted/sgx_tcb_info_early.body"));
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->tcb_evaluation_data_number, 19u);
  EXPECT_EQ(early->levels.size(), 21u);
  EXPECT_EQ(early->levels[0].sgx.components[0], 22);
}

TEST(RealTcbInfo, GoTdxGuestV4AndTdx15) {
  auto t = ParseTcbInfo(ReadRealString("go-tdx-guest/testing/testdata/sample_tcbInfo_response"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->FmspcHex(), "50806F000000");
  EXPECT_EQ(t->tcb_evaluation_data_number, 15u);
  auto v5 = ParseTcbInfo(ReadRealString("go-tdx-guest/testing/testdata/sample_tcbinfo_response_v5"));
  ASSERT_TRUE(v5.ok()) << v5.status().ToString();
  EXPECT_EQ(v5->FmspcHex(), "90C06F000000");
  EXPECT_EQ(v5->tcb_evaluation_data_number, 18u);
  EXPECT_EQ(v5->id, TeeType::kTdx);
  // The TDX 1.5 TCB info is signed by the same key as the 2018–2025 chain
  // (issued 2026-02-01, after that certificate expired): the signature
  // verifies with the re-issued signer.
  auto chain = testing::RealChain("teepot/extracted/tdx_tcb_info.chain.pem");
  EXPECT_TRUE(VerifySignedDocument(v5->document, chain, IntelSgxRootCa(), {.at = At("2026-02-10T00:00:00Z")}).ok());
}

TEST(RealIdentity, FieldValues) {
  auto qe = ParseEnclaveIdentity(ReadRealString("teepot/extracted/sgx_qe_identity.body"));
  ASSERT_TRUE(qe.ok()) << qe.status().ToString();
  EXPECT_EQ(qe->id, EnclaveId::kQe);
  EXPECT_EQ(qe->isvprodid, 1);
  EXPECT_EQ(HexEncode(qe->mrsigner, true), "8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF");
  EXPECT_EQ(qe->tcb_evaluation_data_number, 17u);
  ASSERT_EQ(qe->levels.size(), 6u);
  EXPECT_EQ(qe->levels[0].isvsvn, 8);
  EXPECT_EQ(qe->levels[0].status, TcbStatus::kUpToDate);
  EXPECT_EQ(qe->levels[1].status, TcbStatus::kOutOfDate);
  EXPECT_EQ(HexEncode(qe->attributes_mask, true), "FBFFFFFFFFFFFFFF0000000000000000");
  auto td = ParseEnclaveIdentity(ReadRealString("teepot/extracted/tdx_qe_identity.body"));
  ASSERT_TRUE(td.ok());
  EXPECT_EQ(td->id, EnclaveId::kTdQe);
  EXPECT_EQ(td->isvprodid, 2);
  auto qae = ParseEnclaveIdentity(ReadRealString("teepot/extracted/sgx_qae_identity.body"));
  EXPECT_EQ(qae->id, EnclaveId::kQae);
  EXPECT_EQ(qae->isvprodid, 3);
}

TEST(RealEvalNumbers, FieldValues) {
  auto n = ParseTcbEvaluationDataNumbers(ReadRealString("teepot/extracted/tdx_tcb_eval_nums.body"));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->id, TeeType::kTdx);
  ASSERT_EQ(n->numbers.size(), 3u);
  EXPECT_EQ(n->Newest(), 19u);
  EXPECT_EQ(FormatRfc3339(n->numbers[0].tcb_date), "2025-05-14T00:00:00Z");
}

TEST(PinnedRoot, IsIntelSgxRootCa) {
  EXPECT_EQ(IntelSgxRootCa().SubjectCommonName(), "Intel SGX Root CA");
  EXPECT_TRUE(IntelSgxRootCa() == *crypto::Certificate::FromPem(ReadRealString("go-tdx-guest/verify/trusted_root.pem")));
}

TEST(CrlVerification, RealPckAndRootCrls) {
  auto crl = crypto::Crl::FromPem(ReadRealString("teepot/extracted/pck_crl_platform.body"));
  ASSERT_TRUE(crl.ok());
  auto chain = testing::RealChain("teepot/extracted/pck_crl_platform.chain.pem");
  EXPECT_TRUE(VerifyCrl(*crl, chain, IntelSgxRootCa(), {.at = At("2025-06-01T00:00:00Z")}).ok());
  EXPECT_EQ(VerifyCrl(*crl, chain, IntelSgxRootCa(), {.at = At("2025-07-01T00:00:00Z")}).code(), StatusCode::kOutOfRange);
  auto processor_chain = testing::RealChain("teepot/extracted/pck_crl_processor.chain.pem");
  EXPECT_EQ(VerifyCrl(*crl, processor_chain, IntelSgxRootCa(), {.at = At("2025-06-01T00:00:00Z")}).code(), StatusCode::kInvalidArgument);
  auto der = crypto::Crl::FromAny(thim::testing::ReadRealBytes("teepot/extracted/pck_crl_processor_der.der"));
  ASSERT_TRUE(der.ok());
  EXPECT_TRUE(VerifyCrl(*der, testing::RealChain("teepot/extracted/pck_crl_processor_der.chain.pem"), IntelSgxRootCa(),
                        {.at = At("2025-06-01T00:00:00Z")}).ok());
  auto root_crl = crypto::Crl::FromAny(thim::testing::ReadRealBytes("go-tdx-guest/testing/testdata/rootcrl.der"));
  ASSERT_TRUE(root_crl.ok());
  EXPECT_TRUE(VerifyCrl(*root_crl, {IntelSgxRootCa()}, IntelSgxRootCa(), {.at = At("2023-06-01T00:00:00Z")}).ok());
  EXPECT_EQ(VerifyCrl(*root_crl, {IntelSgxRootCa()}, IntelSgxRootCa(), {.at = At("2025-06-01T00:00:00Z")}).code(),
            StatusCode::kOutOfRange);
  auto amd_ark = testing::RealChain("go-sev-guest/verify/trust/ask_ark_milan.pem").back();
  EXPECT_EQ(VerifyCrl(*crl, chain, amd_ark, {.at = At("2025-06-01T00:00:00Z")}).code(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace thim::intel
