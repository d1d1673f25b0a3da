// The AMD cache against a scripted KDS (the simulator's PKI behind a fake
// source): validation of what KDS answers, single flight, store reload.
#include <gtest/gtest.h>

#include <thread>

#include "amd/amd_service.h"
#include "core/clock.h"
#include "core/pem.h"
#include "sim/snp_report_generator.h"
#include "store/fake_store.h"

namespace thim::sim {
namespace {

// Answers KDS paths from the simulated PKI; `swap_chip` makes it lie.
class FakeKds : public amd::KdsSource {
 public:
  explicit FakeKds(std::shared_ptr<AmdPki> pki) : pki_(std::move(pki)) {}
  StatusOr<std::string> Get(const std::string& path) override {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let concurrent callers pile up
    if (down) return UnavailableError("KDS down");
    const auto& pp = pki_->product(amd::Product::kMilan);
    if (path == "/vcek/v1/Milan/cert_chain") return pp.vcek_chain_pem;
    if (path == "/vcek/v1/Milan/crl") return std::string(pp.vcek_crl.der().begin(), pp.vcek_crl.der().end());
    if (path.rfind("/vcek/v1/Milan/", 0) == 0) {
      Bytes chip = SimChipId(amd::Product::kMilan, swap_chip ? 99 : 0);
      auto v = pki_->Vcek(amd::Product::kMilan, chip, tcb);
      return std::string(v->cert.der().begin(), v->cert.der().end());
    }
    return NotFoundError("no " + path);
  }
  std::shared_ptr<AmdPki> pki_;
  std::atomic<int> calls{0};
  bool down = false;
  bool swap_chip = false;
  amd::TcbParts tcb{.bl = 3, .tee = 0, .snp = 8, .ucode = 115};
};

class AmdServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new std::shared_ptr<AmdPki>(*AmdPki::Create(SystemClock::Instance().Now(), 2048)); }
  static void TearDownTestSuite() { delete pki_; }
  std::unique_ptr<amd::AmdService> Service(std::shared_ptr<FakeKds> kds, std::shared_ptr<store::Store> store) {
    amd::AmdServiceOptions o;
    o.arks.emplace(amd::Product::kMilan, (*pki_)->product(amd::Product::kMilan).ark.cert);
    return std::make_unique<amd::AmdService>(kds, store, o);
  }
  static std::shared_ptr<AmdPki>* pki_;
  Bytes chip_ = SimChipId(amd::Product::kMilan, 0);
  uint64_t tcb_ = 0x7308000000000003;
};
std::shared_ptr<AmdPki>* AmdServiceTest::pki_ = nullptr;

TEST_F(AmdServiceTest, ConcurrentCallersShareOneKdsCall) {
  auto kds = std::make_shared<FakeKds>(*pki_);
  auto service = Service(kds, std::make_shared<store::FakeStore>());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      if (service->Vcek(amd::Product::kMilan, chip_, tcb_).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(kds->calls.load(), 2);  // cert_chain + one VCEK
}

TEST_F(AmdServiceTest, RefusesTheWrongChipsVcekFromKds) {
  auto kds = std::make_shared<FakeKds>(*pki_);
  kds->swap_chip = true;
  auto service = Service(kds, nullptr);
  auto v = service->Vcek(amd::Product::kMilan, chip_, tcb_);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kDataLoss);
  kds->swap_chip = false;
  kds->tcb.snp = 9;  // KDS answers another TCB
  EXPECT_EQ(service->Vcek(amd::Product::kMilan, chip_, tcb_).status().code(), StatusCode::kDataLoss);
}

TEST_F(AmdServiceTest, StoreServesAfterRestartWithoutKds) {
  auto store = std::make_shared<store::FakeStore>();
  auto kds = std::make_shared<FakeKds>(*pki_);
  ASSERT_TRUE(Service(kds, store)->Vcek(amd::Product::kMilan, chip_, tcb_).ok());
  ASSERT_TRUE(Service(kds, store)->Crl(amd::Product::kMilan, amd::KeyKind::kVcek).ok());
  kds->down = true;
  auto restarted = Service(kds, store);
  auto v = restarted->Vcek(amd::Product::kMilan, chip_, tcb_);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(restarted->ListVceks().size(), 1u);
  EXPECT_TRUE(restarted->Crl(amd::Product::kMilan, amd::KeyKind::kVcek).ok());
  // Unknown chip while KDS is down: Unavailable, and the failure is not cached as success.
  EXPECT_EQ(restarted->Vcek(amd::Product::kMilan, SimChipId(amd::Product::kMilan, 1), tcb_).status().code(),
            StatusCode::kUnavailable);
}

TEST_F(AmdServiceTest, ImportValidatesLikeAFetch) {
  auto kds = std::make_shared<FakeKds>(*pki_);
  auto service = Service(kds, std::make_shared<store::FakeStore>());
  auto vcek = (*pki_)->Vcek(amd::Product::kMilan, SimChipId(amd::Product::kMilan, 3), kds->tcb);
  ASSERT_TRUE(service->ImportVcek(vcek->cert.der()).ok());
  Bytes junk = vcek->cert.der();
  junk[junk.size() - 10] ^= 1;  // signature byte
  EXPECT_FALSE(service->ImportVcek(junk).ok());
  EXPECT_FALSE(service->ImportVcek(Bytes{0x30, 0x00}).ok());
  EXPECT_EQ(service->Vcek(amd::Product::kMilan, Bytes(10, 0), tcb_).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim::sim
