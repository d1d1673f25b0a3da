// Every real AMD SEV-SNP vector: parses, verifies at a date inside the key's
// validity, and fails on any flipped signed byte, the wrong chip's VCEK and
// the wrong product's chain.
#include <gtest/gtest.h>

#include "amd/pinned_arks.h"
#include "amd/snp_verifier.h"
#include "crypto/chain.h"
#include "real_vectors.h"

namespace thim::amd {
namespace {

using testing::AmdVector;
using testing::ReadChain;
using testing::ReadRealBytes;

struct Loaded {
  SnpReport report;
  EndorsementCert key;
  std::vector<crypto::Certificate> chain;
  SnpVerifyOptions options;
};

Loaded Load(const AmdVector& v) {
  auto report = ParseSnpReport(ReadRealBytes(v.report));
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  auto key = ParseEndorsementCertBytes(ReadRealBytes(v.key));
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  // A day after issue: inside every key's validity (VLEKs live one year).
  SnpVerifyOptions options{.at = key->cert.NotBefore() + std::chrono::hours(24)};
  return {*report, *key, ReadChain(v.chain), options};
}

class RealAmdVectorTest : public ::testing::TestWithParam<AmdVector> {};

TEST_P(RealAmdVectorTest, ParsesAndVerifies) {
  const AmdVector& v = GetParam();
  Loaded l = Load(v);
  EXPECT_EQ(l.key.product, v.product);
  EXPECT_EQ(FormatTcbm(l.report.reported_tcb), v.tcbm);
  EXPECT_EQ(FormatTcbm(l.key.TcbRaw()), v.tcbm);
  auto verified = VerifySnpReport(l.report, l.key, l.chain, l.options);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->product, v.product);
  ASSERT_EQ(verified->path.size(), 3u);
  EXPECT_EQ(verified->path.back(), PinnedArk(v.product));
}

TEST_P(RealAmdVectorTest, EveryFlippedSignedByteFails) {
  Loaded l = Load(GetParam());
  Bytes raw = l.report.raw;
  // Signed bytes, then the non-zero halves of r and s.
  std::vector<size_t> offsets;
  for (size_t i = 0; i < kSnpSignedSize; ++i) offsets.push_back(i);
  for (size_t i = 0; i < 48; ++i) offsets.push_back(0x2A0 + i), offsets.push_back(0x2E8 + i);
  for (size_t off : offsets) {
    Bytes mutated = raw;
    mutated[off] ^= 0x01;
    auto report = ParseSnpReport(mutated);
    if (!report.ok()) continue;  // refused by the parser: also a failure
    auto verified = VerifySnpReport(*report, l.key, l.chain, l.options);
    ASSERT_FALSE(verified.ok()) << "flip at 0x" << std::hex << off << " still verifies";
  }
}

TEST_P(RealAmdVectorTest, WrongProductChainIsUntrusted) {
  const AmdVector& v = GetParam();
  Loaded l = Load(v);
  std::string other = v.product == Product::kGenoa ? "go-sev-guest/verify/trust/ask_ark_milan.pem"
                                                   : "go-sev-guest/verify/trust/ask_ark_genoa.pem";
  auto verified = VerifySnpReport(l.report, l.key, ReadChain(other), l.options);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), StatusCode::kPermissionDenied) << verified.status().ToString();
  // Even with the intermediate name check out of the way, the other ARK does not sign it.
  std::vector<crypto::Certificate> own = l.chain;
  SnpVerifyOptions options = l.options;
  const crypto::Certificate& other_ark = PinnedArk(v.product == Product::kGenoa ? Product::kMilan : Product::kGenoa);
  options.ark = &other_ark;
  EXPECT_FALSE(VerifySnpReport(l.report, l.key, {own.front()}, options).ok());
}

TEST_P(RealAmdVectorTest, OutsideValidityFails) {
  Loaded l = Load(GetParam());
  l.options.at = l.key.cert.NotBefore() - std::chrono::hours(24);
  auto verified = VerifySnpReport(l.report, l.key, l.chain, l.options);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), StatusCode::kOutOfRange);
}

TEST_P(RealAmdVectorTest, FlippedCertificateByteFails) {
  Loaded l = Load(GetParam());
  Bytes der = l.key.cert.der();
  der[der.size() / 2] ^= 0x01;  // inside the TBS or signature
  auto cert = crypto::Certificate::FromDer(der);
  if (!cert.ok()) return;
  auto key = ParseEndorsementCert(*cert);
  if (!key.ok()) return;
  EXPECT_FALSE(VerifySnpReport(l.report, *key, l.chain, l.options).ok());
}

INSTANTIATE_TEST_SUITE_P(Real, RealAmdVectorTest, ::testing::ValuesIn(testing::RealAmdVectors()),
                         [](const auto& info) { return info.param.name; });

TEST(RealAmdVectors, WrongChipsVcekIsRefused) {
  // Same product and TCB (tcbm 7308000000000003), different chips.
  auto vectors = testing::RealAmdVectors();
  Loaded aci = Load(vectors[1]);
  Loaded virtee = Load(vectors[2]);
  ASSERT_NE(aci.key.hw_id, virtee.key.hw_id);
  aci.options.at = std::max(aci.options.at, virtee.options.at);  // both keys valid
  auto verified = VerifySnpReport(aci.report, virtee.key, aci.chain, aci.options);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(verified.status().message().find("chip"), std::string::npos) << verified.status().ToString();
}

TEST(RealAmdVectors, VcekForAnotherTcbIsRefused) {
  auto vectors = testing::RealAmdVectors();
  Loaded trustee = Load(vectors[3]);  // CURRENT_TCB ...08ce, REPORTED_TCB ...0873
  EXPECT_NE(trustee.report.current_tcb, trustee.report.reported_tcb);
  trustee.key.tcb.ucode ^= 1;
  auto verified = VerifySnpReport(trustee.report, trustee.key, trustee.chain, trustee.options);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.status().message().find("REPORTED_TCB"), std::string::npos);
}

TEST(RealAmdVectors, VcekForVlekReportIsRefused) {
  auto vectors = testing::RealAmdVectors();
  Loaded vlek = Load(vectors[4]);
  Loaded vcek = Load(vectors[3]);
  EXPECT_EQ(vlek.report.signing_key, SigningKey::kVlek);
  EXPECT_FALSE(VerifySnpReport(vlek.report, vcek.key, vcek.chain, vlek.options).ok());
  EXPECT_FALSE(VerifySnpReport(vcek.report, vlek.key, vlek.chain, vcek.options).ok());
}

TEST(RealAmdVectors, ThimJsonMatchesItsReport) {
  // The real THIM answer and the ACI report it was served for.
  auto json = testing::ReadRealString("confidential-sidecar-containers/pkg/attest/test_data/uvm_host_amd_certificate.json");
  EXPECT_NE(json.find("\"tcbm\": \"7308000000000003\""), std::string::npos);
  auto report = ParseSnpReport(ReadRealBytes("confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(FormatTcbm(report->reported_tcb), "7308000000000003");
  TcbParts t = DecodeTcb(Product::kMilan, report->reported_tcb);
  EXPECT_EQ(t, (TcbParts{.bl = 3, .tee = 0, .snp = 8, .ucode = 0x73}));
}

TEST(RealAmdVectors, HclReportUnwraps) {
  bool from_hcl = false;
  auto report = ParseSnpReportOrHcl(ReadRealBytes("trustee/deps/verifier/test_data/az-snp-vtpm/hcl-report.bin"), &from_hcl);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(from_hcl);
  EXPECT_EQ(report->raw, ReadRealBytes("trustee/extracted/az-snp-vtpm_hcl-report.snp_report.bin"));
}

TEST(RealAmdVectors, GenoaReportKnowsItsProduct) {
  auto report = ParseSnpReport(ReadRealBytes("trustee/extracted/az-snp-vtpm_evidence-genoa.snp_report.bin"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->version, 3u);
  EXPECT_EQ(ReportProduct(*report), Product::kGenoa);
  // A Milan VCEK cannot sign a Genoa report.
  auto vectors = testing::RealAmdVectors();
  Loaded milan = Load(vectors[1]);
  auto verified = VerifySnpReport(*report, milan.key, milan.chain, milan.options);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.status().message().find("Genoa"), std::string::npos);
}

TEST(RealAmdVectors, AwsVlekExtensions) {
  auto key = ParseEndorsementCertBytes(ReadRealBytes("trustee/deps/verifier/test_data/snp/test-vlek.der"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->kind, EndorsementKind::kVlek);
  EXPECT_EQ(key->csp_id, "CN=cc-us-east-2.amazonaws.com");
  EXPECT_EQ(key->tcb.ucode, 0xD9);  // DER 02 02 00 D9
  EXPECT_TRUE(key->hw_id.empty());
}

TEST(RealAmdVectors, TurinVcekParsesAndChains) {
  auto key = ParseEndorsementCertBytes(ReadRealBytes("virtee-sev/tests/certs_data/vcek_turin.der"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->product, Product::kTurin);
  EXPECT_EQ(key->struct_version, 1);
  EXPECT_EQ(HexEncode(key->hw_id), "1e550a8ee5cf9f4d");
  // fmcSPL lands in byte 0 of the Turin TCB layout.
  EXPECT_EQ(static_cast<uint8_t>(key->TcbRaw()), key->tcb.fmc);
  EXPECT_EQ(DecodeTcb(Product::kTurin, key->TcbRaw()), key->tcb);
  std::vector<crypto::Certificate> chain{key->cert};
  for (auto& c : ReadChain("virtee-sev/tests/certs_data/cert_chain_turin")) chain.push_back(c);
  crypto::ChainOptions options{.at = key->cert.NotBefore() + std::chrono::hours(24)};
  auto path = crypto::VerifyChain(chain, PinnedArk(Product::kTurin), options);
  EXPECT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_FALSE(crypto::VerifyChain(chain, PinnedArk(Product::kMilan), options).ok());
}

}  // namespace
}  // namespace thim::amd
