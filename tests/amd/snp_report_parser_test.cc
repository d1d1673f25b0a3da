// The parser refuses anything it does not fully understand, naming where.
#include <gtest/gtest.h>

#include "amd/snp_report.h"
#include "amd/snp_verifier.h"
#include "testdata.h"

namespace thim::amd {
namespace {

Bytes Aci() { return testing::ReadRealBytes("confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin"); }
Bytes Genoa() { return testing::ReadRealBytes("trustee/extracted/az-snp-vtpm_evidence-genoa.snp_report.bin"); }

TEST(SnpReportParser, RealFieldsOfAnAzureMilanV2Report) {
  auto r = ParseSnpReport(Aci());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 2u);
  EXPECT_EQ(r->policy, 0x3001Fu);
  EXPECT_EQ(r->signing_key, SigningKey::kVcek);
  EXPECT_FALSE(r->cpuid_fam.has_value());
  EXPECT_FALSE(r->chip_id_masked());
  EXPECT_FALSE(r->debug_allowed());
  EXPECT_TRUE(r->smt_allowed());
}

TEST(SnpReportParser, GenoaV3CarriesCpuid) {
  auto r = ParseSnpReport(Genoa());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->cpuid_fam, 0x19);
  EXPECT_EQ(*r->cpuid_mod, 0x11);
  EXPECT_EQ(*r->cpuid_step, 0x01);
}

TEST(SnpReportParser, RejectsWrongSizes) {
  Bytes b = Aci();
  for (size_t n : {size_t{0}, size_t{4}, kSnpReportSize - 1, kSnpReportSize + 1}) {
    Bytes c(b.begin(), b.begin() + std::min(n, b.size()));
    c.resize(n);
    EXPECT_EQ(ParseSnpReport(c).status().code(), StatusCode::kInvalidArgument) << n;
  }
}

TEST(SnpReportParser, RejectsUnknownVersionsAndAlgorithms) {
  for (uint8_t v : {0, 1, 6, 255}) {
    Bytes b = Aci();
    b[0] = v;
    EXPECT_FALSE(ParseSnpReport(b).ok()) << int(v);
  }
  Bytes b = Aci();
  b[0x34] = 2;
  EXPECT_NE(ParseSnpReport(b).status().message().find("signature algorithm"), std::string::npos);
}

TEST(SnpReportParser, EveryReservedByteIsChecked) {
  // v2 reserved ranges, the signer-info word, version padding and signature tail.
  std::vector<std::pair<size_t, size_t>> ranges = {{0x04C, 0x050}, {0x188, 0x1A0}, {0x1EB, 0x1EC},
                                                   {0x1EF, 0x1F0}, {0x1F8, 0x2A0}, {0x330, 0x4A0}};
  for (auto [begin, end] : ranges) {
    for (size_t i = begin; i < end; ++i) {
      Bytes b = Aci();
      b[i] = 0x80;
      auto r = ParseSnpReport(b);
      ASSERT_FALSE(r.ok()) << "byte 0x" << std::hex << i;
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(SnpReportParser, V3AndV5Layouts) {
  Bytes b = Genoa();
  b[0x18A + 1] = 1;  // after CPUID_STEP: reserved
  EXPECT_FALSE(ParseSnpReport(b).ok());
  // v5: mitigation vectors at 0x1F8 / 0x200 are fields, 0x208.. reserved.
  Bytes v5 = Genoa();
  v5[0] = 5;
  v5[0x1F8] = 0x11;
  v5[0x200] = 0x22;
  auto r = ParseSnpReport(v5);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r->launch_mit_vector, 0x11u);
  EXPECT_EQ(*r->current_mit_vector, 0x22u);
  v5[0x208] = 1;
  EXPECT_FALSE(ParseSnpReport(v5).ok());
  // The same bytes in a v3 report are reserved.
  Bytes v3 = Genoa();
  v3[0x1F8] = 0x11;
  EXPECT_FALSE(ParseSnpReport(v3).ok());
}

TEST(SnpReportParser, PolicyAndSignerBits) {
  Bytes b = Aci();
  b[0x08 + 2] &= ~0x02;  // bit 17 must be one
  EXPECT_NE(ParseSnpReport(b).status().message().find("bit 17"), std::string::npos);
  b = Aci();
  b[0x08 + 3] |= 0x04;  // bit 26: undefined
  EXPECT_FALSE(ParseSnpReport(b).ok());
  b = Aci();
  b[0x48] = 2 << 2;  // SIGNING_KEY 2 is reserved
  EXPECT_FALSE(ParseSnpReport(b).ok());
  b = Aci();
  b[0x30] = 4;  // VMPL 4
  EXPECT_FALSE(ParseSnpReport(b).ok());
}

TEST(SnpReportParser, HclWrapperChecks) {
  Bytes hcl = testing::ReadRealBytes("trustee/deps/verifier/test_data/az-snp-vtpm/hcl-report.bin");
  Bytes shortened(hcl.begin(), hcl.begin() + 100);
  EXPECT_FALSE(ParseSnpReportOrHcl(shortened).ok());
  hcl[12] = 4;  // request type: not SNP
  EXPECT_FALSE(ParseSnpReportOrHcl(hcl).ok());
}

TEST(SnpPolicy, ChecksEachRule) {
  auto r = ParseSnpReport(Aci());
  ASSERT_TRUE(r.ok());
  auto key = ParseEndorsementCertBytes(
      testing::ReadRealBytes("confidential-sidecar-containers/extracted/uvm_host_amd_certificate.vcekCert.pem"));
  ASSERT_TRUE(key.ok());
  SnpVerification v{.report = *r, .key = *key, .product = Product::kMilan, .path = {}};
  EXPECT_TRUE(CheckSnpPolicy(v, {}).empty());
  SnpPolicy p;
  p.min_tcb = TcbParts{.bl = 3, .tee = 0, .snp = 8, .ucode = 0x73};
  EXPECT_TRUE(CheckSnpPolicy(v, p).empty());
  p.min_tcb->snp = 9;
  EXPECT_EQ(CheckSnpPolicy(v, p).size(), 1u);
  p = {};
  p.allow_smt = false;
  p.vmpl = 1;
  p.measurement = Bytes(48, 0);
  p.report_data = Bytes{0xFF};
  auto objections = CheckSnpPolicy(v, p);
  EXPECT_EQ(objections.size(), 4u);
  p = {};
  p.measurement = Bytes(r->measurement.begin(), r->measurement.end());
  p.report_data = Bytes(r->report_data.begin(), r->report_data.begin() + 32);
  EXPECT_TRUE(CheckSnpPolicy(v, p).empty());
  Bytes dbg = Aci();
  dbg[0x08 + 2] |= 0x08;  // bit 19: debug
  v.report = *ParseSnpReport(dbg);
  EXPECT_EQ(CheckSnpPolicy(v, {}).size(), 1u);
  p = {};
  p.allow_debug = true;
  EXPECT_TRUE(CheckSnpPolicy(v, p).empty());
}

TEST(TcbVersion, LayoutsPerProduct) {
  TcbParts t{.bl = 1, .tee = 2, .snp = 3, .ucode = 4, .fmc = 5};
  EXPECT_EQ(FormatTcbm(EncodeTcb(Product::kTurin, t)), "0400000003020105");
  TcbParts m{.bl = 1, .tee = 2, .snp = 3, .ucode = 4};
  EXPECT_EQ(FormatTcbm(EncodeTcb(Product::kMilan, m)), "0403000000000201");
  EXPECT_EQ(DecodeTcb(Product::kGenoa, 0x0403000000000201), m);
  EXPECT_EQ(*ParseProduct("Genoa-B2"), Product::kGenoa);
  EXPECT_EQ(*ParseProduct("Bergamo"), Product::kGenoa);
  EXPECT_FALSE(ParseProduct("milan").ok());
  EXPECT_EQ(ProductFromCpuid(0x1A, 0x02), Product::kTurin);
  EXPECT_EQ(ProductFromCpuid(0x17, 0x31), std::nullopt);
}

}  // namespace
}  // namespace thim::amd
