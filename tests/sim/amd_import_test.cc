// AMD items imported out of band (thim bundles): validated exactly like KDS
// answers, tampered ones refused naming why, CRLs never rolled back; and a
// whole AMD bundle section exported from one service and imported into
// another that cannot reach KDS.
#include <gtest/gtest.h>

#include "amd/amd_service.h"
#include "amd_test_kds.h"
#include "cache/amd_bundle.h"
#include "core/clock.h"
#include "core/pem.h"
#include "store/fake_store.h"

namespace thim::sim {
namespace {

using amd::KeyKind;
using amd::Product;

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

class AmdImportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new std::shared_ptr<AmdPki>(*AmdPki::Create(SystemClock::Instance().Now(), 2048));
    other_ = new std::shared_ptr<AmdPki>(*AmdPki::Create(SystemClock::Instance().Now(), 2048));
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete other_;
  }
  std::shared_ptr<amd::AmdService> Service(std::shared_ptr<amd::KdsSource> kds, std::shared_ptr<store::Store> store) {
    amd::AmdServiceOptions o;
    o.arks.emplace(Product::kMilan, (*pki_)->product(Product::kMilan).ark.cert);
    return std::make_shared<amd::AmdService>(std::move(kds), std::move(store), o, clock_);
  }
  std::shared_ptr<amd::AmdService> Offline() {
    auto kds = std::make_shared<ScriptedKds>(*pki_);
    kds->down = true;
    return Service(kds, std::make_shared<store::FakeStore>());
  }
  const AmdProductPki& Milan() { return (*pki_)->product(Product::kMilan); }

  static std::shared_ptr<AmdPki>* pki_;
  static std::shared_ptr<AmdPki>* other_;  // another PKI: right shapes, wrong ARK
  FakeClock clock_{SystemClock::Instance().Now()};
};
std::shared_ptr<AmdPki>* AmdImportTest::pki_ = nullptr;
std::shared_ptr<AmdPki>* AmdImportTest::other_ = nullptr;

TEST_F(AmdImportTest, ChainValidatedLikeAKdsAnswer) {
  auto service = Offline();
  auto ok = service->ImportChain(Product::kMilan, KeyKind::kVcek, Milan().vcek_chain_pem);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*service->Chain(Product::kMilan, KeyKind::kVcek))->pem, Milan().vcek_chain_pem);  // byte-exact, no KDS
  // The ASVK chain under the vcek key, another PKI's chain, a flipped byte, one certificate only.
  EXPECT_EQ(service->ImportChain(Product::kMilan, KeyKind::kVcek, Milan().vlek_chain_pem).status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(service->ImportChain(Product::kMilan, KeyKind::kVlek, (*other_)->product(Product::kMilan).vlek_chain_pem).ok());
  std::string tampered = Milan().vlek_chain_pem;
  tampered[tampered.find("-----END") - 20] ^= 0x01;
  EXPECT_FALSE(service->ImportChain(Product::kMilan, KeyKind::kVlek, tampered).ok());
  EXPECT_FALSE(service->ImportChain(Product::kMilan, KeyKind::kVlek, EncodePem("CERTIFICATE", Milan().asvk.cert.der())).ok());
  EXPECT_FALSE(service->ImportChain(Product::kMilan, KeyKind::kVlek, "not PEM at all").ok());
  EXPECT_EQ(service->PeekChain(Product::kMilan, KeyKind::kVlek), nullptr);  // nothing bad was kept
}

TEST_F(AmdImportTest, CrlSignedByTheArkAndNeverRolledBack) {
  auto store = std::make_shared<store::FakeStore>();
  auto kds = std::make_shared<ScriptedKds>(*pki_);
  kds->down = true;
  auto service = Service(kds, store);
  TimePoint now = clock_.Now();
  auto older = *IssueCrl({.this_update = now - std::chrono::hours(48), .next_update = now + std::chrono::hours(24),
                          .revoked_serials = {}, .crl_number = 5}, Milan().ark);
  auto newer = *IssueCrl({.this_update = now - std::chrono::hours(1), .next_update = now + std::chrono::hours(24 * 7),
                          .revoked_serials = {}, .crl_number = 6}, Milan().ark);
  ASSERT_TRUE(service->ImportCrl(Product::kMilan, KeyKind::kVcek, Text(newer.der())).ok());
  auto back = service->ImportCrl(Product::kMilan, KeyKind::kVcek, Text(older.der()));
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(back.status().message().find("older"), std::string::npos) << back.status().message();
  EXPECT_TRUE(service->ImportCrl(Product::kMilan, KeyKind::kVcek, Text(newer.der())).ok());  // the same again: fine
  auto held = service->Crl(Product::kMilan, KeyKind::kVcek);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ((*held)->der, Text(newer.der()));
  EXPECT_EQ(kds->calls.load(), 0);
  // Restarted on the same store: the newer one still wins.
  auto restarted = Service(kds, store);
  EXPECT_EQ(restarted->ImportCrl(Product::kMilan, KeyKind::kVcek, Text(older.der())).status().code(),
            StatusCode::kFailedPrecondition);

  // Signed by another ARK, a flipped signature byte, not a CRL, not yet valid.
  auto foreign = *IssueCrl({.this_update = now, .next_update = now + std::chrono::hours(24), .revoked_serials = {},
                            .crl_number = 9}, (*other_)->product(Product::kMilan).ark);
  EXPECT_EQ(service->ImportCrl(Product::kMilan, KeyKind::kVlek, Text(foreign.der())).status().code(), StatusCode::kDataLoss);
  std::string flipped = Text(newer.der());
  flipped[flipped.size() - 5] ^= 0x01;
  EXPECT_FALSE(service->ImportCrl(Product::kMilan, KeyKind::kVlek, flipped).ok());
  EXPECT_FALSE(service->ImportCrl(Product::kMilan, KeyKind::kVlek, std::string("\x30\x03\x02\x01\x00", 5)).ok());
  auto future = *IssueCrl({.this_update = now + std::chrono::hours(2), .next_update = now + std::chrono::hours(24),
                           .revoked_serials = {}, .crl_number = 9}, Milan().ark);
  EXPECT_FALSE(service->ImportCrl(Product::kMilan, KeyKind::kVlek, Text(future.der())).ok());
  EXPECT_FALSE(service->Crl(Product::kMilan, KeyKind::kVlek).ok());  // none of them was kept; KDS is down
}

TEST_F(AmdImportTest, VcekMustBeTheChipAndTcbItsKeyNames) {
  auto service = Offline();
  ASSERT_TRUE(service->ImportChain(Product::kMilan, KeyKind::kVcek, Milan().vcek_chain_pem).ok());
  amd::TcbParts tcb{.bl = 3, .tee = 0, .snp = 8, .ucode = 115};
  Bytes chip = SimChipId(Product::kMilan, 4);
  auto vcek = (*pki_)->Vcek(Product::kMilan, chip, tcb);
  amd::VcekRequest right{.product = Product::kMilan, .hw_id = chip, .tcb = tcb};
  amd::VcekRequest wrong_chip{.product = Product::kMilan, .hw_id = SimChipId(Product::kMilan, 5), .tcb = tcb};
  amd::VcekRequest wrong_tcb{.product = Product::kMilan, .hw_id = chip, .tcb = {.bl = 4, .tee = 0, .snp = 8, .ucode = 115}};
  EXPECT_EQ(service->ImportVcek(vcek->cert.der(), wrong_chip).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(service->ImportVcek(vcek->cert.der(), wrong_tcb).status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(service->ImportVcek(vcek->cert.der(), right).ok());
  auto served = service->Vcek(Product::kMilan, chip, amd::EncodeTcb(Product::kMilan, tcb));
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_EQ((*served)->der, Text(vcek->cert.der()));
}

TEST_F(AmdImportTest, ExportedSectionImportsIntoAnOfflineService) {
  auto kds = std::make_shared<ScriptedKds>(*pki_);
  auto online = Service(kds, std::make_shared<store::FakeStore>());
  Bytes chip = SimChipId(Product::kMilan, 0);
  uint64_t tcb = amd::EncodeTcb(Product::kMilan, kds->tcb);
  ASSERT_TRUE(online->Vcek(Product::kMilan, chip, tcb).ok());
  for (KeyKind k : {KeyKind::kVcek, KeyKind::kVlek}) {
    ASSERT_TRUE(online->Chain(Product::kMilan, k).ok());
    ASSERT_TRUE(online->Crl(Product::kMilan, k).ok());
  }
  cache::AmdBundle section = cache::ExportAmd(*online);
  EXPECT_EQ(section.chains.size(), 2u);
  EXPECT_EQ(section.crls.size(), 2u);
  ASSERT_EQ(section.vceks.size(), 1u);
  // Through the bundle text and back.
  auto bundle = cache::ReadBundle(cache::WriteBundle({.amd = section}, clock_.Now()));
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  auto offline = Offline();
  for (const auto& r : cache::ImportAmd(*offline, bundle->amd)) EXPECT_TRUE(r.status.ok()) << r.key << ": " << r.status.ToString();
  EXPECT_EQ((*offline->Vcek(Product::kMilan, chip, tcb))->der, (*online->Vcek(Product::kMilan, chip, tcb))->der);
  for (KeyKind k : {KeyKind::kVcek, KeyKind::kVlek}) {
    EXPECT_EQ((*offline->Chain(Product::kMilan, k))->pem, (*online->Chain(Product::kMilan, k))->pem);
    EXPECT_EQ((*offline->Crl(Product::kMilan, k))->der, (*online->Crl(Product::kMilan, k))->der);
  }
  // A VCEK before its chain cannot be validated offline: refused, named.
  cache::AmdBundle vcek_only{.chains = {}, .crls = {}, .vceks = bundle->amd.vceks};
  auto results = cache::ImportAmd(*Offline(), vcek_only);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].status.ok());
  EXPECT_EQ(results[0].key, amd::VcekStoreKey(Product::kMilan, chip, tcb));
}

}  // namespace
}  // namespace thim::sim
