// PCK certificate selection (reference intel-pcs-pccs.md §3.9) on generated
// certificate sets. Certificates are issued by the simulator's PKI and parsed
// back, so selection runs on exactly what it meets in production.
#include <gtest/gtest.h>

#include <cstdint>

#include "intel/pck_cert_selector.h"
#include "sim/pki/collateral_writer.h"
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

  // The chosen index, checking that the returned certificate is that one.
  static size_t Pick(const intel::PckSelectionInput& in, const std::vector<PckCertificate>& certs) {
    PckSelectError error = PckSelectError::kNotFound;
    auto chosen = intel::SelectPckCertificate(in, certs, &error);
    EXPECT_TRUE(chosen.ok()) << chosen.status().ToString();
    if (!chosen.ok()) return SIZE_MAX;
    EXPECT_EQ(error, PckSelectError::kNone);
    EXPECT_TRUE(chosen->cert.cert == certs[chosen->index].cert);
    return chosen->index;
  }

  static IntelPki* pki_;
};
IntelPki* PckSelection::pki_ = nullptr;

TEST_F(PckSelection, ExactMatch) {
  std::vector<PckCertificate> certs = {Cert(Tcb({5, 5}, 5)), Cert(Tcb({10, 10}, 13)), Cert(Tcb({8, 8}, 13))};
  EXPECT_EQ(Pick(Input(Tcb({10, 10}, 13)), certs), 1u);
  EXPECT_EQ(Pick(Input(Tcb({8, 8}, 13)), certs), 2u);
  EXPECT_EQ(Pick(Input(Tcb({5, 5}, 5)), certs), 0u);
}

TEST_F(PckSelection, ChoosesTheHighestLevelNotAboveTheRawTcb) {
  std::vector<PckCertificate> certs = {Cert(Tcb({5, 5}, 5)), Cert(Tcb({10, 10}, 13)), Cert(Tcb({8, 8}, 13)), Cert(Tcb({8, 8}, 9))};
  // Raw TCB between L1 and L0: L1's certificate.
  EXPECT_EQ(Pick(Input(Tcb({9, 9}, 13)), certs), 2u);
  // PCESVN below L1's: falls to L2.
  EXPECT_EQ(Pick(Input(Tcb({9, 9}, 10)), certs), 3u);
  // Far above everything: the top certificate.
  EXPECT_EQ(Pick(Input(Tcb({99, 99, 9}, 99)), certs), 1u);
  // Just at L3.
  EXPECT_EQ(Pick(Input(Tcb({5, 5}, 5)), certs), 0u);
}

TEST_F(PckSelection, IncomparableLevels) {
  // Certificates (9,7) and (7,9) are incomparable; both sit in L3's bucket
  // (neither reaches L2 = (8,8)). A raw TCB of (9,8) is only ≥ the first.
  std::vector<PckCertificate> certs = {Cert(Tcb({7, 9}, 13)), Cert(Tcb({9, 7}, 13))};
  EXPECT_EQ(Pick(Input(Tcb({9, 8}, 13)), certs), 1u);
  EXPECT_EQ(Pick(Input(Tcb({8, 9}, 13)), certs), 0u);
  // Raw ≥ both: within a bucket a certificate goes before the first one it
  // is ≥; incomparable ones keep their input order, so the first wins.
  EXPECT_EQ(Pick(Input(Tcb({9, 9}, 13)), certs), 0u);
  std::vector<PckCertificate> reversed = {certs[1], certs[0]};
  EXPECT_EQ(Pick(Input(Tcb({9, 9}, 13)), reversed), 0u);
  // A higher certificate in the same bucket goes first whatever the input order.
  std::vector<PckCertificate> same_bucket = {Cert(Tcb({6, 6}, 13)), Cert(Tcb({7, 7}, 13))};
  EXPECT_EQ(Pick(Input(Tcb({9, 9}, 13)), same_bucket), 1u);
}

TEST_F(PckSelection, NoMatch) {
  std::vector<PckCertificate> certs = {Cert(Tcb({10, 10}, 13))};
  PckSelectError error;
  auto r = intel::SelectPckCertificate(Input(Tcb({9, 9}, 13)), certs, &error);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(error, PckSelectError::kNotFound);
}

TEST_F(PckSelection, MismatchesAreDistinctErrors) {
  // Each failure has its own code and the documented Status code.
  auto expect = [&](std::vector<PckCertificate> certs, intel::PckSelectionInput in, PckSelectError want, StatusCode code) {
    PckSelectError error = PckSelectError::kNone;
    auto r = intel::SelectPckCertificate(in, certs, &error);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(error, want) << intel::PckSelectErrorName(error) << ": " << r.status().ToString();
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(intel::PckSelectErrorName(want)), std::string::npos) << r.status().ToString();
  };
  const auto kPrecondition = StatusCode::kFailedPrecondition;
  const auto kInvalid = StatusCode::kInvalidArgument;
  auto raw = Tcb({10, 10}, 13);
  expect({Cert(raw, "00906ED50000", Bytes(16, 0x11), Bytes{0x01, 0x00})}, Input(raw), PckSelectError::kPceIdMismatch, kPrecondition);
  expect({Cert(raw, "00606A000000")}, Input(raw), PckSelectError::kFmspcMismatch, kPrecondition);
  expect({Cert(raw), Cert(Tcb({8, 8}, 13), "00906ED50000", Bytes(16, 0x22))}, Input(raw), PckSelectError::kPpidMismatch,
         kPrecondition);
  // tcbType 0: the certificate's CPUSVN must equal its 16 component SVNs.
  expect({Cert(raw, "00906ED50000", Bytes(16, 0x11), Bytes(2, 0), Bytes(16, 0x77))}, Input(raw), PckSelectError::kCpuSvnMismatch,
         kPrecondition);
  auto in = Input(raw);
  in.tcb_type = 1;
  expect({Cert(raw)}, in, PckSelectError::kUnsupportedTcbType, kPrecondition);
  in = Input(raw);
  in.tcb_pce_id = {0x01, 0x00};
  expect({Cert(raw)}, in, PckSelectError::kTcbPceIdMismatch, kPrecondition);
  in = Input(raw);
  in.tcb_version = 1;
  expect({Cert(raw)}, in, PckSelectError::kInvalidVersion, kInvalid);
  in = Input(raw);
  in.tcb_levels.clear();
  expect({Cert(raw)}, in, PckSelectError::kInvalidTcb, kInvalid);
  expect({}, Input(raw), PckSelectError::kInvalidArgument, kInvalid);
  in = Input(raw);
  in.raw_cpusvn.pop_back();
  expect({Cert(raw)}, in, PckSelectError::kInvalidArgument, kInvalid);
  in = Input(raw);
  in.pce_id = {0};
  expect({Cert(raw)}, in, PckSelectError::kInvalidArgument, kInvalid);
  PckCertificate hollow = Cert(raw);
  hollow.fmspc.clear();
  expect({hollow}, Input(raw), PckSelectError::kInvalidCertificate, kInvalid);
  expect({Cert(raw)}, Input(Tcb({9, 9}, 13)), PckSelectError::kNotFound, StatusCode::kNotFound);
  // A mismatch anywhere in the set fails the whole selection, even when a
  // good certificate precedes it: mixed collateral is not guessed around.
  expect({Cert(raw), Cert(Tcb({8, 8}, 13), "00606A000000")}, Input(raw), PckSelectError::kFmspcMismatch, kPrecondition);
}

TEST_F(PckSelection, IncomparableTcbLevelsFollowTcbInfoOrder) {
  // Levels (10,5) and (5,10) are incomparable; a raw TCB ≥ both picks the
  // certificate of whichever level the TCB info lists first.
  std::vector<PckCertificate> certs = {Cert(Tcb({10, 5}, 13)), Cert(Tcb({5, 10}, 13))};
  auto in = Input(Tcb({10, 10}, 13));
  in.tcb_levels = {Tcb({10, 5}, 13), Tcb({5, 10}, 13), Tcb({5, 5}, 13)};
  EXPECT_EQ(Pick(in, certs), 0u);
  in.tcb_levels = {Tcb({5, 10}, 13), Tcb({10, 5}, 13), Tcb({5, 5}, 13)};
  EXPECT_EQ(Pick(in, certs), 1u);
  // A raw TCB that reaches only one of them gets that one.
  in.raw_cpusvn[0] = 5;
  EXPECT_EQ(Pick(in, certs), 1u);
}

TEST_F(PckSelection, BucketOrderBeatsTheRawTcbsClosestMatch) {
  // (10,10/13) is ≥ L0 and goes to the first bucket; (12,9/13) only reaches
  // L1. A raw TCB ≥ both takes the first bucket's certificate even though the
  // other has a higher first component.
  std::vector<PckCertificate> certs = {Cert(Tcb({12, 9}, 13)), Cert(Tcb({10, 10}, 13))};
  EXPECT_EQ(Pick(Input(Tcb({12, 10}, 13)), certs), 1u);
  // Certificates below every level still serve a raw TCB just as low (the final bucket).
  std::vector<PckCertificate> low = {Cert(Tcb({2, 2}, 2)), Cert(Tcb({3, 3}, 3))};
  EXPECT_EQ(Pick(Input(Tcb({3, 3}, 3)), low), 1u);
  EXPECT_EQ(Pick(Input(Tcb({2, 9}, 9)), low), 0u);
}

TEST_F(PckSelection, EqualCertificatesTheLaterInsertedWins) {
  // Intel inserts a certificate before the first one it is ≥ (equal counts),
  // so of two certificates with the same TCB the later one is chosen.
  std::vector<PckCertificate> twins = {Cert(Tcb({8, 8}, 13)), Cert(Tcb({8, 8}, 13))};
  EXPECT_EQ(Pick(Input(Tcb({9, 9}, 13)), twins), 1u);
}

// End to end: levels from a signed, parsed TCB info (UseTcbInfo), PCK
// certificates from the Processor CA, one certificate per level as PCS's
// pckcerts would return.
TEST_F(PckSelection, WithParsedTcbInfo) {
  TcbInfoSpec spec;
  spec.fmspc = "00906ED50000";
  spec.issue_date = At("2025-01-01T00:00:00Z");
  spec.next_update = At("2025-01-31T00:00:00Z");
  std::vector<SgxTcb> level_tcbs = {Tcb({21, 21, 2, 4, 1, 128, 14}, 13), Tcb({19, 19, 2, 4, 1, 128, 14}, 13),
                                    Tcb({17, 17, 2, 4, 1, 128}, 11), Tcb({15, 15, 2, 4, 1, 128}, 11)};
  for (const auto& t : level_tcbs) spec.levels.push_back(TcbLevelSpec{.sgx = t});
  auto text = SignDocument("tcbInfo", TcbInfoBody(spec), pki_->tcb_signer().key);
  ASSERT_TRUE(text.ok());
  auto info = intel::ParseTcbInfo(*text);
  ASSERT_TRUE(info.ok()) << info.status().ToString();

  std::vector<PckCertificate> certs;
  for (auto it = level_tcbs.rbegin(); it != level_tcbs.rend(); ++it) certs.push_back(Cert(*it));  // lowest first
  intel::PckSelectionInput in;
  intel::UseTcbInfo(*info, in);
  in.pce_id = Bytes(2, 0);
  ASSERT_EQ(in.tcb_levels, level_tcbs);
  auto raw = [&](const SgxTcb& t) {
    in.raw_cpusvn = Bytes(t.components.begin(), t.components.end());
    in.raw_pcesvn = t.pcesvn;
    return in;
  };
  EXPECT_EQ(Pick(raw(Tcb({21, 21, 2, 4, 1, 128, 14}, 13)), certs), 3u);
  EXPECT_EQ(Pick(raw(Tcb({20, 20, 2, 4, 1, 128, 14}, 13)), certs), 2u);
  EXPECT_EQ(Pick(raw(Tcb({20, 20, 2, 4, 1, 128, 14}, 12)), certs), 1u);  // PCESVN below 13
  EXPECT_EQ(Pick(raw(Tcb({16, 16, 2, 4, 1, 128, 14}, 13)), certs), 0u);
  EXPECT_EQ(intel::SelectPckCertificate(raw(Tcb({14, 14, 2, 4, 1, 128}, 13)), certs).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace thim::sim
