// VerifySignedDocument: each failure has its own cause (DataLoss bad
// signature, PermissionDenied untrusted root / wrong signer, OutOfRange
// expired / not yet valid), on real Intel collateral and on documents signed
// by a private hierarchy built here.
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/certificate.h"
#include "crypto/private_key.h"
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


SignedDocument Parse(const std::string& text) {
  std::string name = *DetectSignedBodyName(text);
  if (name == "tcbInfo") return ParseTcbInfo(text)->document;
  if (name == "enclaveIdentity") return ParseEnclaveIdentity(text)->document;
  return ParseTcbEvaluationDataNumbers(text)->document;
}

struct Issued {
  crypto::Certificate cert;
  crypto::PrivateKey key;
};

// A P-256 certificate for `cn`, self-signed when `issuer` is null.
Issued MakeCert(const std::string& cn, const Issued* issuer, bool ca) {
  crypto::PrivateKey key = *crypto::PrivateKey::GenerateEcP256();
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert.raw()) : name);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(ToUnixSeconds(At("2018-01-01T00:00:00Z"))));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(ToUnixSeconds(At("2049-01-01T00:00:00Z"))));
  X509_set_pubkey(x, key.raw());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer->cert.raw() : x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
                            std::pair{NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, issuer ? issuer->key.raw() : key.raw(), EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  crypto::Certificate cert = *crypto::Certificate::FromDer(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  X509_free(x);
  return {cert, key};
}

// A CRL of `issuer` listing `revoked_serial`, valid 2025-01-01..2026-01-01.
crypto::Crl MakeCrl(const Issued& issuer, long revoked_serial) {
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.cert.raw()));
  ASN1_TIME* t = ASN1_TIME_new();
  ASN1_TIME_set(t, static_cast<time_t>(ToUnixSeconds(At("2025-01-01T00:00:00Z"))));
  X509_CRL_set1_lastUpdate(crl, t);
  ASN1_TIME_set(t, static_cast<time_t>(ToUnixSeconds(At("2026-01-01T00:00:00Z"))));
  X509_CRL_set1_nextUpdate(crl, t);
  X509_REVOKED* r = X509_REVOKED_new();
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  ASN1_INTEGER_set(serial, revoked_serial);
  X509_REVOKED_set_serialNumber(r, serial);
  X509_REVOKED_set_revocationDate(r, t);
  X509_CRL_add0_revoked(crl, r);
  ASN1_INTEGER_free(serial);
  ASN1_TIME_free(t);
  X509_CRL_sort(crl);
  X509_CRL_sign(crl, issuer.key.raw(), EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl, &der);
  crypto::Crl out = *crypto::Crl::FromDer(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  X509_CRL_free(crl);
  return out;
}

// `text` re-signed by `signer` (signature member replaced, span unchanged).
std::string Resign(const std::string& text, const crypto::PrivateKey& signer) {
  SignedDocument doc = Parse(text);
  Bytes sig = *signer.SignEcdsaP256Raw(AsBytes(doc.SignedBytes()));
  std::string out = text;
  size_t at = out.rfind(HexEncode(doc.signature));
  out.replace(at, 128, HexEncode(sig));
  return out;
}

struct Real {
  const char* body;
  const char* chain;
  const char* inside;
};

const Real kAll[] = {
    {"teepot/extracted/tdx_tcb_info.body", "teepot/extracted/tdx_tcb_info.chain.pem", "2025-06-01T00:00:00Z"},
    {"teepot/extracted/tdx_tcb_info_00806F050000.body", "teepot/extracted/tdx_tcb_info_00806F050000.chain.pem", "2025-06-01T00:00:00Z"},
    {"teepot/extracted/tdx_tcb_info_eval17.body", "teepot/extracted/tdx_tcb_info_eval17.chain.pem", "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_info_00906ED50000.body", "teepot/extracted/sgx_tcb_info_00906ED50000.chain.pem", "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_info_v3.body", "teepot/extracted/sgx_tcb_info_v3.chain.pem", "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_qve_identity.body", "teepot/extracted/sgx_qve_identity.chain.pem", "2025-06-01T00:00:00Z"},
    {"teepot/extracted/tdx_qe_identity.body", "teepot/extracted/tdx_qe_identity.chain.pem", "2025-06-01T00:00:00Z"},
    {"teepot/extracted/sgx_tcb_eval_nums.body", "teepot/extracted/sgx_tcb_eval_nums.chain.pem", "2025-06-01T00:00:00Z"},
    {"go-tdx-guest/testing/testdata/sample_tcbInfo_response", "go-tdx-guest/extracted/tcb_info_issuer_chain.pem", "2023-06-20T00:00:00Z"},
    {"go-tdx-guest/testing/testdata/sample_qeIdentity_response", "go-tdx-guest/extracted/tcb_info_issuer_chain.pem", "2023-06-20T00:00:00Z"},
    {"mobilecoin-attestation/verifier/data/tests/fmspc_00906ED50000_2023_07_12.json", "mobilecoin-attestation/verifier/data/tests/tcb_signer.pem", "2023-07-20T00:00:00Z"},
    {"mobilecoin-attestation/verifier/data/tests/qe_identity.json", "mobilecoin-attestation/verifier/data/tests/tcb_signer.pem", "2023-07-20T00:00:00Z"},
};

TEST(VerifyRealCollateral, EveryByteOfTheSpanIsCovered) {
  for (const Real& r : kAll) {
    SignedDocument doc = Parse(ReadRealString(r.body));
    auto chain = testing::RealChain(r.chain);
    ASSERT_TRUE(VerifySignedDocument(doc, chain, IntelSgxRootCa(), {.at = At(r.inside)}).ok()) << r.body;
    // Change bytes spread over the whole span, first and last included.
    for (size_t i = 0; i < doc.signed_length; i += std::max<size_t>(1, doc.signed_length / 40)) {
      for (size_t k : {i, doc.signed_length - 1}) {
        SignedDocument bad = doc;
        bad.text[bad.signed_offset + k] ^= 0x01;
        Status st = VerifySignedDocument(bad, chain, IntelSgxRootCa(), {.at = At(r.inside)});
        EXPECT_EQ(st.code(), StatusCode::kDataLoss) << r.body << " byte " << k;
        EXPECT_EQ(st.message().rfind("bad signature on " + doc.body_name, 0), 0u) << st.ToString();
      }
    }
    // And the signature itself: r, s.
    for (size_t k : {0, 31, 32, 63}) {
      SignedDocument bad = doc;
      bad.signature[k] ^= 0x80;
      EXPECT_EQ(VerifySignedDocument(bad, chain, IntelSgxRootCa(), {.at = At(r.inside)}).code(), StatusCode::kDataLoss) << r.body;
    }
  }
}

TEST(VerifyRealCollateral, MobilecoinChainWithRootAndUpperCaseSignature) {
  std::string text = ReadRealString("mobilecoin-attestation/verifier/data/tests/fmspc_00906ED50000_2023_07_12.json");
  auto chain = testing::RealChain("mobilecoin-attestation/verifier/data/tests/tcb_signer.pem");
  chain.push_back(testing::RealChain("mobilecoin-attestation/verifier/data/tests/root_ca.pem")[0]);
  SignedDocument doc = Parse(text);
  std::string sig = HexEncode(doc.signature);
  std::string upper = text;
  upper.replace(upper.rfind(sig), 128, HexEncode(doc.signature, true));
  EXPECT_TRUE(VerifySignedDocument(Parse(upper), chain, IntelSgxRootCa(), {.at = At("2023-07-20T00:00:00Z")}).ok());
}

TEST(VerifyRealCollateral, ValidityWindowEdges) {
  SignedDocument doc = Parse(ReadRealString("teepot/extracted/tdx_qe_identity.body"));
  auto chain = testing::RealChain("teepot/extracted/tdx_qe_identity.chain.pem");
  EXPECT_TRUE(VerifySignedDocument(doc, chain, IntelSgxRootCa(), {.at = doc.issue_date}).ok());
  EXPECT_TRUE(VerifySignedDocument(doc, chain, IntelSgxRootCa(), {.at = doc.next_update}).ok());
  Status late = VerifySignedDocument(doc, chain, IntelSgxRootCa(), {.at = doc.next_update + std::chrono::seconds(1)});
  EXPECT_EQ(late.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(late.message(), "expired: enclaveIdentity nextUpdate 2025-06-26T19:22:46Z is before 2025-06-26T19:22:47Z");
  Status early = VerifySignedDocument(doc, chain, IntelSgxRootCa(), {.at = doc.issue_date - std::chrono::seconds(1)});
  EXPECT_EQ(early.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(early.message(), "not yet valid: enclaveIdentity issueDate 2025-05-27T19:22:46Z is after 2025-05-27T19:22:45Z");
}

TEST(VerifyRealCollateral, SignerCertificateMustBeValidThen) {
  // teepot bodies (2025) with the 2018–2025 signing certificate: same key, but it expired on 2025-05-21.
  SignedDocument doc = Parse(ReadRealString("teepot/extracted/tdx_tcb_info.body"));
  Status st = VerifySignedDocument(doc, testing::RealChain("go-tdx-guest/extracted/tcb_info_issuer_chain.pem"), IntelSgxRootCa(),
                                   {.at = At("2025-06-01T00:00:00Z")});
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange) << st.ToString();
  EXPECT_NE(st.message().find("expired"), std::string::npos);
  // go-tdx-guest bodies (2023) with the re-issued certificate: not valid before 2025-05-06.
  SignedDocument old = Parse(ReadRealString("go-tdx-guest/testing/testdata/sample_tcbInfo_response"));
  st = VerifySignedDocument(old, testing::RealChain("teepot/extracted/tdx_tcb_info.chain.pem"), IntelSgxRootCa(), {.at = At("2023-06-20T00:00:00Z")});
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange) << st.ToString();
  EXPECT_NE(st.message().find("not yet valid"), std::string::npos);
}

TEST(VerifyRealCollateral, OnlyTheTcbSigningCertificateMaySign) {
  // The PCK Platform CA chains to the Intel root too, but does not sign collateral.
  SignedDocument doc = Parse(ReadRealString("teepot/extracted/tdx_tcb_info.body"));
  Status st = VerifySignedDocument(doc, testing::RealChain("teepot/extracted/pck_crl_platform.chain.pem"), IntelSgxRootCa(),
                                   {.at = At("2025-06-01T00:00:00Z")});
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied) << st.ToString();
  EXPECT_NE(st.message().find("\"Intel SGX PCK Platform CA\""), std::string::npos) << st.ToString();
  EXPECT_EQ(VerifySignedDocument(doc, {}, IntelSgxRootCa(), {.at = At("2025-06-01T00:00:00Z")}).code(), StatusCode::kInvalidArgument);
}

TEST(VerifyForgedCollateral, PrivateHierarchy) {
  Issued root = MakeCert("Intel SGX Root CA", nullptr, true);  // same name, other key
  Issued signer = MakeCert("Intel SGX TCB Signing", &root, false);
  Issued other = MakeCert("Some Other Signer", &root, false);
  std::string real = ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body");
  TimePoint at = At("2025-06-01T00:00:00Z");

  SignedDocument forged = Parse(Resign(real, signer.key));
  EXPECT_TRUE(VerifySignedDocument(forged, {signer.cert, root.cert}, root.cert, {.at = at}).ok());
  EXPECT_TRUE(VerifySignedDocument(forged, {signer.cert}, root.cert, {.at = at}).ok());
  // Under the pinned Intel root the look-alike hierarchy is untrusted, with or without its root in the chain.
  for (const auto& chain : {std::vector{signer.cert, root.cert}, std::vector{signer.cert}}) {
    Status st = VerifySignedDocument(forged, chain, IntelSgxRootCa(), {.at = at});
    EXPECT_EQ(st.code(), StatusCode::kPermissionDenied) << st.ToString();
    EXPECT_NE(st.message().find("untrusted root"), std::string::npos) << st.ToString();
  }
  // And the real document under the private root.
  Status st = VerifySignedDocument(Parse(real), testing::RealChain("teepot/extracted/sgx_tcb_info_00906ED50000.chain.pem"), root.cert, {.at = at});
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied) << st.ToString();
  EXPECT_NE(st.message().find("untrusted root"), std::string::npos) << st.ToString();

  // A certificate of the right hierarchy, but not a TCB signing one.
  st = VerifySignedDocument(Parse(Resign(real, other.key)), {other.cert, root.cert}, root.cert, {.at = at});
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("\"Some Other Signer\""), std::string::npos) << st.ToString();

  // The root CA CRL revoking the signer (serial 2), and one revoking something else.
  st = VerifySignedDocument(forged, {signer.cert, root.cert}, root.cert, {.at = at, .crls = {MakeCrl(root, 2)}});
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied) << st.ToString();
  EXPECT_NE(st.message().find("revoked"), std::string::npos) << st.ToString();
  EXPECT_TRUE(VerifySignedDocument(forged, {signer.cert, root.cert}, root.cert, {.at = at, .crls = {MakeCrl(root, 7)}}).ok());

  // Signed by a key other than the signer certificate's.
  st = VerifySignedDocument(Parse(Resign(real, other.key)), {signer.cert, root.cert}, root.cert, {.at = at});
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace thim::intel
