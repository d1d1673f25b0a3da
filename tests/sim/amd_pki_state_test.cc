// thim-sim's AMD PKI survives a restart: Save then Load gives the same ARK,
// ASK, ASVK, keys and CRLs, the same VCEK/VLEK for a chip at a TCB, and a
// report signed before the restart verifies against the chain served after
// it. Damaged state is an error naming the file, never a crash.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "amd/snp_verifier.h"
#include "core/clock.h"
#include "core/pem.h"
#include "crypto/chain.h"
#include "sim/pki/state_files.h"
#include "sim/snp_report_generator.h"
#include "testdata.h"

namespace thim::sim {
namespace {

namespace fs = std::filesystem;
constexpr amd::Product kAll[] = {amd::Product::kMilan, amd::Product::kGenoa, amd::Product::kTurin};
const amd::TcbParts kTcb{.bl = 3, .tee = 0, .snp = 8, .ucode = 115, .fmc = 0};

class AmdPkiStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = thim::testing::FreshTestDir("thim-amd-state");
  }
  void TearDown() override { fs::remove_all(dir_); }
  // A fresh PKI saved to dir_.
  std::shared_ptr<AmdPki> SavedPki() {
    auto pki = *AmdPki::Create(SystemClock::Instance().Now(), 2048);
    EXPECT_TRUE(pki->Save(dir_.string()).ok());
    return pki;
  }
  static std::string Slurp(const fs::path& p) { return *ReadFileString(p.string()); }
  static void Spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary | std::ios::trunc) << text; }

  fs::path dir_;
};

TEST_F(AmdPkiStateTest, AReissuedCrlIsServedAgainAfterARestart) {
  auto before = SavedPki();
  TimePoint now = SystemClock::Instance().Now();
  auto reissued = before->ReissueCrl(amd::Product::kGenoa, amd::KeyKind::kVlek, now, now + std::chrono::hours(24 * 30));
  ASSERT_TRUE(reissued.ok()) << reissued.status().ToString();
  auto after = AmdPki::Load(dir_.string(), now);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ((*after)->Crl(amd::Product::kGenoa, amd::KeyKind::kVlek).der(), reissued->der());
  EXPECT_EQ((*after)->Crl(amd::Product::kGenoa, amd::KeyKind::kVcek).der(),
            before->Crl(amd::Product::kGenoa, amd::KeyKind::kVcek).der());
}

TEST_F(AmdPkiStateTest, SaveThenLoadGivesTheSameCasKeysAndCrls) {
  EXPECT_FALSE(AmdPki::Saved(dir_.string()));
  auto before = SavedPki();
  EXPECT_TRUE(AmdPki::Saved(dir_.string()));
  auto after = AmdPki::Load(dir_.string(), SystemClock::Instance().Now());
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  for (amd::Product p : kAll) {
    SCOPED_TRACE(std::string(amd::ProductName(p)));
    const AmdProductPki& a = before->product(p);
    const AmdProductPki& b = (*after)->product(p);
    EXPECT_EQ(a.ark.cert.der(), b.ark.cert.der());
    EXPECT_EQ(a.ask.cert.der(), b.ask.cert.der());
    EXPECT_EQ(a.asvk.cert.der(), b.asvk.cert.der());
    EXPECT_EQ(a.ark.key.ToPem(), b.ark.key.ToPem());
    EXPECT_EQ(a.ask.key.ToPem(), b.ask.key.ToPem());
    EXPECT_EQ(a.asvk.key.ToPem(), b.asvk.key.ToPem());
    EXPECT_EQ(a.vcek_crl.der(), b.vcek_crl.der());
    EXPECT_EQ(a.vlek_crl.der(), b.vlek_crl.der());
    EXPECT_EQ(a.vcek_chain_pem, b.vcek_chain_pem);
    EXPECT_EQ(a.vlek_chain_pem, b.vlek_chain_pem);
    // thimd pins this file (amd.ark_files).
    EXPECT_EQ(Slurp(dir_ / ("ark_" + std::string(amd::ProductName(p)) + ".pem")), EncodePem("CERTIFICATE", a.ark.cert.der()));
    struct stat st{};
    ASSERT_EQ(::stat((dir_ / "amd" / std::string(amd::ProductName(p)) / "ask.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

TEST_F(AmdPkiStateTest, VceksAndVleksAreTheSameAfterARestart) {
  // Issued before Save (written by Save) and after it (written when issued).
  auto early = *AmdPki::Create(SystemClock::Instance().Now(), 2048);
  Bytes chip0 = SimChipId(amd::Product::kMilan, 0), chip1 = SimChipId(amd::Product::kMilan, 1);
  Bytes turin_chip = SimChipId(amd::Product::kTurin, 3);
  turin_chip.resize(amd::HwIdLength(amd::Product::kTurin));  // Turin's hwID is the first 8 bytes
  auto vcek0 = early->Vcek(amd::Product::kMilan, chip0, kTcb);
  ASSERT_TRUE(vcek0.ok());
  ASSERT_TRUE(early->Save(dir_.string()).ok());
  auto vcek1 = early->Vcek(amd::Product::kMilan, chip1, kTcb);
  auto turin = early->Vcek(amd::Product::kTurin, turin_chip, kTcb);
  auto vlek = early->Vlek(amd::Product::kGenoa, kTcb, "CN=sim.example");
  ASSERT_TRUE(vcek1.ok() && turin.ok() && vlek.ok());

  auto later = AmdPki::Load(dir_.string(), SystemClock::Instance().Now() + std::chrono::hours(48));
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  auto again0 = (*later)->Vcek(amd::Product::kMilan, chip0, kTcb);
  auto again1 = (*later)->Vcek(amd::Product::kMilan, chip1, kTcb);
  auto again_turin = (*later)->Vcek(amd::Product::kTurin, turin_chip, kTcb);
  auto again_vlek = (*later)->Vlek(amd::Product::kGenoa, kTcb, "CN=sim.example");
  ASSERT_TRUE(again0.ok() && again1.ok() && again_turin.ok() && again_vlek.ok());
  EXPECT_EQ(again0->cert.der(), vcek0->cert.der());
  EXPECT_EQ(again0->key.ToPem(), vcek0->key.ToPem());
  EXPECT_EQ(again1->cert.der(), vcek1->cert.der());
  EXPECT_EQ(again_turin->cert.der(), turin->cert.der());
  EXPECT_EQ(again_vlek->cert.der(), vlek->cert.der());
  EXPECT_EQ(again_vlek->key.ToPem(), vlek->key.ToPem());
  // Another TCB is another certificate.
  amd::TcbParts newer = kTcb;
  newer.snp = 9;
  auto other = (*later)->Vcek(amd::Product::kMilan, chip0, newer);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->cert.der(), vcek0->cert.der());
}

TEST_F(AmdPkiStateTest, AReportFromBeforeTheRestartVerifiesAgainstTheChainServedAfter) {
  auto before = SavedPki();
  for (amd::Product p : kAll) {
    SCOPED_TRACE(std::string(amd::ProductName(p)));
    for (bool vlek : {false, true}) {
      SnpReportSpec spec{.product = p, .version = 3, .vlek_csp = vlek ? "CN=sim.example" : ""};
      auto bytes = GenerateSnpReport(*before, spec);
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();

      auto after = AmdPki::Load(dir_.string(), SystemClock::Instance().Now());
      ASSERT_TRUE(after.ok()) << after.status().ToString();
      auto report = amd::ParseSnpReport(*bytes);
      ASSERT_TRUE(report.ok());
      auto key_cert = vlek ? (*after)->Vlek(p, spec.reported_tcb, spec.vlek_csp)
                           : (*after)->Vcek(p, amd::ReportHwId(*report, p), spec.reported_tcb);
      ASSERT_TRUE(key_cert.ok());
      auto key = amd::ParseEndorsementCert(key_cert->cert);
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      const AmdProductPki& served = (*after)->product(p);
      auto chain = crypto::ParseCertificateList(vlek ? served.vlek_chain_pem : served.vcek_chain_pem);
      ASSERT_TRUE(chain.ok());
      amd::SnpVerifyOptions options{.at = SystemClock::Instance().Now(),
                                    .crls = {vlek ? served.vlek_crl : served.vcek_crl},
                                    .ark = &served.ark.cert};
      auto verified = amd::VerifySnpReport(*report, *key, *chain, options);
      EXPECT_TRUE(verified.ok()) << (vlek ? "VLEK: " : "VCEK: ") << verified.status().ToString();
      // The ARK pinned before the restart still anchors it.
      options.ark = &before->product(p).ark.cert;
      EXPECT_TRUE(amd::VerifySnpReport(*report, *key, *chain, options).ok());
    }
  }
}

TEST_F(AmdPkiStateTest, CrlsAboutToLapseAreReissuedOnLoad) {
  auto before = SavedPki();
  TimePoint month = SystemClock::Instance().Now() + std::chrono::hours(24 * 30);
  auto after = AmdPki::Load(dir_.string(), month);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  const AmdProductPki& pp = (*after)->product(amd::Product::kGenoa);
  EXPECT_TRUE(pp.vcek_crl.CheckValidity(month).ok());
  EXPECT_EQ(pp.vcek_crl.CrlNumber(), 2u);
  EXPECT_TRUE(pp.vcek_crl.VerifySignature(before->product(amd::Product::kGenoa).ark.cert.public_key()).ok());
  // Saved again, the next load finds the fresh one.
  ASSERT_TRUE((*after)->Save(dir_.string()).ok());
  auto third = AmdPki::Load(dir_.string(), month);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)->product(amd::Product::kGenoa).vcek_crl.der(), pp.vcek_crl.der());
}

TEST_F(AmdPkiStateTest, DamagedStateIsAnErrorNamingTheFile) {
  SavedPki();
  fs::path genoa = dir_ / "amd" / "Genoa";
  fs::path milan = dir_ / "amd" / "Milan";
  auto load = [&] { return AmdPki::Load(dir_.string(), SystemClock::Instance().Now()); };
  auto expect_error = [&](const std::string& file) {
    auto r = load();
    ASSERT_FALSE(r.ok()) << "damaged " << file << " was accepted";
    EXPECT_NE(r.status().message().find(file), std::string::npos) << r.status().ToString();
  };
  std::string ask = Slurp(genoa / "ask.pem");
  Spit(genoa / "ask.pem", ask.substr(0, ask.size() / 2));  // torn
  expect_error("ask.pem");
  Spit(genoa / "ask.pem", Slurp(milan / "ask.pem"));  // another product's ASK (and not this key's)
  expect_error("Genoa/ask");
  Spit(genoa / "ask.pem", ask);
  std::string key = Slurp(genoa / "ark.key");
  Spit(genoa / "ark.key", Slurp(genoa / "asvk.key"));  // a key that is not the ARK's
  expect_error("ark.key");
  Spit(genoa / "ark.key", "garbage");
  expect_error("ark.key");
  Spit(genoa / "ark.key", key);
  std::string crl = Slurp(genoa / "vlek_crl.der");
  Spit(genoa / "vlek_crl.der", std::string("\x30\x03\x02\x01", 4));
  expect_error("vlek_crl.der");
  Spit(genoa / "vlek_crl.der", Slurp(milan / "vlek_crl.der"));  // signed by another ARK
  expect_error("vlek_crl.der");
  Spit(genoa / "vlek_crl.der", crl);
  fs::remove(dir_ / "amd" / "Turin" / "asvk.pem");  // partial
  expect_error("Turin/asvk.pem");
  fs::remove_all(dir_ / "amd" / "Turin");
  expect_error("Turin");
}

TEST_F(AmdPkiStateTest, ADamagedIssuedVcekIsAnErrorNotANewKey) {
  auto pki = SavedPki();
  Bytes chip = SimChipId(amd::Product::kMilan, 7);
  ASSERT_TRUE(pki->Vcek(amd::Product::kMilan, chip, kTcb).ok());
  std::vector<fs::path> issued;
  for (const auto& e : fs::directory_iterator(dir_ / "amd" / "issued")) issued.push_back(e.path());
  ASSERT_EQ(issued.size(), 1u);
  Spit(issued[0], "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  auto after = AmdPki::Load(dir_.string(), SystemClock::Instance().Now());
  ASSERT_TRUE(after.ok());
  auto vcek = (*after)->Vcek(amd::Product::kMilan, chip, kTcb);
  ASSERT_FALSE(vcek.ok());
  EXPECT_EQ(vcek.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(vcek.status().message().find(issued[0].filename().string()), std::string::npos) << vcek.status().ToString();
  // Other chips are unaffected.
  EXPECT_TRUE((*after)->Vcek(amd::Product::kMilan, SimChipId(amd::Product::kMilan, 8), kTcb).ok());
}

TEST(SimStateFiles, WritesAtomicallyWithTheRightMode) {
  fs::path dir = fs::temp_directory_path() / ("thim-state-files-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ASSERT_TRUE(WriteStateFile(dir / "a" / "b.key", "secret", true).ok());
  ASSERT_TRUE(WriteStateFile(dir / "a" / "b.key", "secret2", true).ok());
  EXPECT_EQ(*ReadFileString((dir / "a" / "b.key").string()), "secret2");
  struct stat st{};
  ASSERT_EQ(::stat((dir / "a" / "b.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "a")) ++files;
  EXPECT_EQ(files, 1u);  // no temporary left behind
  fs::create_directories(dir / "ro");
  ::chmod((dir / "ro").c_str(), 0500);
  if (::geteuid() != 0) {
    EXPECT_EQ(WriteStateFile(dir / "ro" / "x", "x", false).code(), StatusCode::kUnavailable);
  }
  ::chmod((dir / "ro").c_str(), 0700);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace thim::sim
