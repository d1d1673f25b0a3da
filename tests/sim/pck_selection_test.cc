// PCK certificate selection on generated certificate sets, and malformed SGX
// extensions. Levels and certificates are built with the simulator's PKI.
#include <gtest/gtest.h>

#include "intel/pck_cert_selector.h"
#include "sim/pki/intel_pki.h"
#include "testdata.h"

namespace thim::sim {
namespace {

using intel::PckCertificate;
using intel::PckSelectError;
using intel::SgxTcb;
using thim::testing::At;

SgxTcb Tcb(std::initializer_list<uint8_t> comps, uint16_t pcesvn) {
  SgxTcb t;
  std::copy(comps.begin(), comps.end(), t.components.begin());
  t.pcesvn = pcesvn;
  return t;
}

class PckSelection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new IntelPki(*IntelPki::Create(At("2024-01-01T00:00:00Z"))); }
  static void TearDownTestSuite() { delete pki_; }

  PckCertificate Cert(const SgxTcb& tcb, const char* fmspc = "00906ED50000", Bytes ppid = Bytes(16, 0x11),
                      Bytes pce_id = Bytes(2, 0), Bytes cpusvn = {}) {
    PckSpec spec;
    spec.sgx.tcb = tcb;
    spec.sgx.fmspc = *HexDecode(fmspc);
    spec.sgx.ppid = std::move(ppid);
    spec.sgx.pce_id = std::move(pce_id);
    spec.sgx.cpusvn = std::move(cpusvn);
    spec.not_before = At("2024-01-01T00:00:00Z");
    spec.not_after = At("2030-01-01T00:00:00Z");
    auto issued = pki_->IssuePck(spec);
    EXPECT_TRUE(issued.ok());
    auto pck = intel::ParsePckCertificate(issued->cert);
    EXPECT_TRUE(pck.ok()) << pck.status().ToString();
    return *pck;
  }

  // TCB info levels highest first: L0 (10,10 / 13), L1 (8,8 / 13), L2 (8,8 / 9), L3 (5,5 / 5).
  intel::PckSelectionInput Input(const SgxTcb& raw) {
    intel::PckSelectionInput in;
    in.raw_cpusvn = Bytes(raw.components.begin(), raw.components.end());
    in.raw_pcesvn = raw.pcesvn;
    in.pce_id = Bytes(2, 0);
    in.tcb_fmspc = *HexDecode("00906ED50000");
    in.tcb_pce_id = Bytes(2, 0);
    in.tcb_levels = {Tcb({10, 10}, 13), Tcb({8, 8}, 13), Tcb({8, 8}, 9), Tcb({5, 5}, 5)};
    return in;
  }

  static IntelPki* pki_;
};
IntelPki* PckSelection::pki_ = nullptr;

TEST_F(PckSelection, ExactMatch) {
  std::vector<PckCertificate> certs = {Cert(Tcb({5, 5}, 5)), Cert(Tcb({10, 10}, 13)), Cert(Tcb({8, 8}, 13))};
  auto chosen = intel::SelectPckCertificate(Input(Tcb({10, 10}, 13)), certs);
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  EXPECT_EQ(*chosen, 1u);
}

TEST_F(PckSelection, ChoosesTheHighestLevelNotAboveTheRawTcb) {
  std::vector<PckCertificate> certs = {Cert(Tcb({5, 5}, 5)), Cert(Tcb({10, 10}, 13)), Cert(Tcb({8, 8}, 13)), Cert(Tcb({8, 8}, 9))};
  // Raw TCB between L1 and L0: L1's certificate.
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({9, 9}, 13)), certs), 2u);
  // PCESVN below L1's: falls to L2.
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({9, 9}, 10)), certs), 3u);
  // Far above everything: the top certificate.
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({99, 99, 9}, 99)), certs), 1u);
  // Just at L3.
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({5, 5}, 5)), certs), 0u);
}

TEST_F(PckSelection, IncomparableLevels) {
  // Certificates (9,7) and (7,9) are incomparable; both sit in L3's bucket
  // (neither reaches L2 = (8,8)). A raw TCB of (9,8) is only ≥ the first.
  std::vector<PckCertificate> certs = {Cert(Tcb({7, 9}, 13)), Cert(Tcb({9, 7}, 13))};
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({9, 8}, 13)), certs), 1u);
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({8, 9}, 13)), certs), 0u);
  // Raw ≥ both: within a bucket a certificate goes before the first one it
  // is ≥; incomparable ones keep their input order, so the first wins.
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({9, 9}, 13)), certs), 0u);
  std::vector<PckCertificate> reversed = {certs[1], certs[0]};
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({9, 9}, 13)), reversed), 0u);
  // A higher certificate in the same bucket goes first whatever the input order.
  std::vector<PckCertificate> same_bucket = {Cert(Tcb({6, 6}, 13)), Cert(Tcb({7, 7}, 13))};
  EXPECT_EQ(*intel::SelectPckCertificate(Input(Tcb({9, 9}, 13)), same_bucket), 1u);
}

TEST_F(PckSelection, NoMatch) {
  std::vector<PckCertificate> certs = {Cert(Tcb({10, 10}, 13))};
  PckSelectError error;
  auto r = intel::SelectPckCertificate(Input(Tcb({9, 9}, 13)), certs, &error);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(error, PckSelectError::kNotFound);
}

TEST_F(PckSelection, MismatchesAreDistinctErrors) {
  PckSelectError error;
  auto expect = [&](std::vector<PckCertificate> certs, intel::PckSelectionInput in, PckSelectError want) {
    auto r = intel::SelectPckCertificate(in, certs, &error);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(error, want) << intel::PckSelectErrorName(error) << ": " << r.status().ToString();
  };
  auto raw = Tcb({10, 10}, 13);
  expect({Cert(raw, "00906ED50000", Bytes(16, 0x11), Bytes{0x01, 0x00})}, Input(raw), PckSelectError::kPceIdMismatch);
  expect({Cert(raw, "00606A000000")}, Input(raw), PckSelectError::kFmspcMismatch);
  expect({Cert(raw), Cert(Tcb({8, 8}, 13), "00906ED50000", Bytes(16, 0x22))}, Input(raw), PckSelectError::kPpidMismatch);
  expect({Cert(raw, "00906ED50000", Bytes(16, 0x11), Bytes(2, 0), Bytes(16, 0x77))}, Input(raw), PckSelectError::kCpuSvnMismatch);
  auto in = Input(raw);
  in.tcb_type = 1;
  expect({Cert(raw)}, in, PckSelectError::kUnsupportedTcbType);
  in = Input(raw);
  in.tcb_pce_id = {0x01, 0x00};
  expect({Cert(raw)}, in, PckSelectError::kTcbPceIdMismatch);
  in = Input(raw);
  in.tcb_version = 1;
  expect({Cert(raw)}, in, PckSelectError::kUnsupportedVersion);
  expect({}, Input(raw), PckSelectError::kInvalidArgument);
}

// Malformed SGX extensions: each gets a precise error, never a crash.
class MalformedSgxExtension : public PckSelection {
 protected:
  Status ParseWith(Bytes ext_der, intel::PckCaType ca = intel::PckCaType::kProcessor) {
    CertSpec spec;
    spec.subject.cn = "Intel SGX PCK Certificate";
    spec.not_before = At("2024-01-01T00:00:00Z");
    spec.not_after = At("2030-01-01T00:00:00Z");
    spec.extensions.push_back({std::string(intel::kSgxExtensionOid), std::move(ext_der), false});
    auto key = crypto::PrivateKey::GenerateEcP256();
    auto cert = IssueCertificate(spec, *key, &pki_->ca(ca));
    EXPECT_TRUE(cert.ok());
    return intel::ParsePckCertificate(*cert).status();
  }
};

TEST_F(MalformedSgxExtension, GarbageTruncatedAndWrongShapes) {
  EXPECT_EQ(ParseWith({0x01, 0x02, 0x03}).code(), StatusCode::kInvalidArgument);
  SgxExtensionSpec good;
  Bytes der = *EncodeSgxExtension(good);
  Bytes truncated(der.begin(), der.begin() + static_cast<long>(der.size() / 2));
  EXPECT_EQ(ParseWith(truncated).code(), StatusCode::kInvalidArgument);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(ParseWith(trailing).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseWith(der).ok());
  // A processor certificate with the platform-only entries (7 instead of 5).
  SgxExtensionSpec platform_shaped = good;
  platform_shaped.platform_instance_id = Bytes(16, 1);
  platform_shaped.configuration = intel::PlatformConfiguration{};
  Status st = ParseWith(*EncodeSgxExtension(platform_shaped));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("expected 5"), std::string::npos) << st.ToString();
  // A platform certificate without them.
  st = ParseWith(der, intel::PckCaType::kPlatform);
  EXPECT_NE(st.message().find("expected 7"), std::string::npos) << st.ToString();
  // Wrong sizes.
  SgxExtensionSpec bad_fmspc = good;
  bad_fmspc.fmspc = Bytes(5, 0);
  EXPECT_FALSE(EncodeSgxExtension(bad_fmspc).ok());
  SgxExtensionSpec bad_cpusvn = good;
  bad_cpusvn.cpusvn = Bytes(15, 0);
  st = ParseWith(*EncodeSgxExtension(bad_cpusvn));
  EXPECT_NE(st.message().find("CPUSVN"), std::string::npos) << st.ToString();
  SgxExtensionSpec bad_type = good;
  bad_type.sgx_type = 7;
  st = ParseWith(*EncodeSgxExtension(bad_type));
  EXPECT_NE(st.message().find("SGX Type"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace thim::sim
