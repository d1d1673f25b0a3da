// The background refresh of AMD CRLs and chains on a fake clock, against a
// scripted KDS whose CRL the simulated PKI re-issues; and the AMD series on
// /metrics moving with it.
#include <gtest/gtest.h>

#include "amd/amd_metrics.h"
#include "amd/amd_refresher.h"
#include "amd_test_kds.h"
#include "core/clock.h"
#include "store/fake_store.h"

namespace thim::sim {
namespace {

using amd::KeyKind;
using amd::Product;
using std::chrono::hours;

// The value of the metric line that starts with `series` (-1 if absent).
double Sample(const std::string& text, const std::string& series) {
  size_t pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(text.substr(pos + series.size() + 2));
}

class AmdRefresherTest : public ::testing::Test {
 protected:
  // Each test re-issues CRLs: a PKI of its own.
  void SetUp() override {
    pki_ = *AmdPki::Create(start_, 2048);
    kds_ = std::make_shared<ScriptedKds>(pki_);
    amd::AmdServiceOptions o;
    o.arks.emplace(Product::kMilan, pki_->product(Product::kMilan).ark.cert);
    o.stale_grace = hours(72);
    service_ = std::make_shared<amd::AmdService>(kds_, std::make_shared<store::FakeStore>(), o, clock_);
    amd::AmdRefreshOptions r;
    r.crl_refresh_before = hours(48);
    r.retry_min = std::chrono::minutes(5);
    r.retry_max = hours(1);
    refresher_ = std::make_shared<amd::AmdRefresher>(service_, r, clock_);
  }
  std::string HeldCrl() { return (*service_->Crl(Product::kMilan, KeyKind::kVcek))->der; }
  std::string KdsCrl() {
    Bytes der = pki_->Crl(Product::kMilan, KeyKind::kVcek).der();
    return std::string(der.begin(), der.end());
  }

  TimePoint start_ = SystemClock::Instance().Now();
  FakeClock clock_{start_};
  std::shared_ptr<AmdPki> pki_;
  std::shared_ptr<ScriptedKds> kds_;
  std::shared_ptr<amd::AmdService> service_;
  std::shared_ptr<amd::AmdRefresher> refresher_;
};

TEST_F(AmdRefresherTest, NewCrlPickedUpBeforeNextUpdateWithoutARequest) {
  // The sim's first CRL: thisUpdate start-1h, nextUpdate start+7d.
  ASSERT_EQ(HeldCrl(), KdsCrl());
  EXPECT_EQ(refresher_->RunOnce(), 0);  // nothing due
  clock_.Advance(hours(24 * 4));
  EXPECT_EQ(refresher_->RunOnce(), 0);  // still more than 48 h (less jitter) ahead of nextUpdate
  ASSERT_TRUE(pki_->ReissueCrl(Product::kMilan, KeyKind::kVcek, clock_.Now(), clock_.Now() + hours(24 * 7)).ok());
  clock_.Advance(hours(24 + 12));  // 5.5 days in: inside the 48 h margin whatever the jitter
  EXPECT_EQ(refresher_->RunOnce(), 1);
  EXPECT_EQ(refresher_->Stats().crl_updated, 1u);
  int calls = kds_->calls.load();
  EXPECT_EQ(HeldCrl(), KdsCrl());  // the new one, and the request did not call KDS
  EXPECT_EQ(kds_->calls.load(), calls);
  EXPECT_EQ(refresher_->RunOnce(), 0);  // the new CRL is not due for days
}

TEST_F(AmdRefresherTest, UnchangedCrlBacksOffInsteadOfLooping) {
  ASSERT_TRUE(service_->Crl(Product::kMilan, KeyKind::kVcek).ok());
  clock_.Advance(hours(24 * 6));
  EXPECT_EQ(refresher_->RunOnce(), 1);
  EXPECT_EQ(refresher_->Stats().crl_unchanged, 1u);  // KDS has nothing newer yet
  EXPECT_EQ(refresher_->RunOnce(), 0);                // backoff: not again at once
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_EQ(refresher_->RunOnce(), 1);
  EXPECT_EQ(refresher_->Stats().crl_unchanged, 2u);
  EXPECT_EQ(refresher_->RunOnce(), 0);  // the backoff doubled
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_EQ(refresher_->RunOnce(), 0);
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_EQ(refresher_->RunOnce(), 1);
}

TEST_F(AmdRefresherTest, OutageServesTheStaleCopyAndMetricsShowIt) {
  MetricsRegistry registry;
  amd::RegisterAmdMetrics(registry, service_, {}, refresher_, clock_);
  std::string before = registry.Render();
  EXPECT_EQ(Sample(before, "thim_amd_kds_requests_total"), 0);
  EXPECT_EQ(before.find("thim_amd_crl_stale{"), std::string::npos);  // no CRL held yet

  std::string held = HeldCrl();
  std::string text = registry.Render();
  EXPECT_EQ(Sample(text, "thim_amd_kds_requests_total"), 1);
  EXPECT_EQ(Sample(text, R"(thim_amd_crl_stale{product="Milan",kind="vcek"})"), 0);
  double left = Sample(text, R"(thim_amd_crl_seconds_until_next_update{product="Milan",kind="vcek"})");
  EXPECT_NEAR(left, 7 * 86400, 60);

  kds_->down = true;
  clock_.Advance(hours(24 * 8));  // past nextUpdate
  EXPECT_EQ(refresher_->RunOnce(), 1);
  EXPECT_EQ(refresher_->Stats().crl_failed, 1u);
  auto served = service_->Crl(Product::kMilan, KeyKind::kVcek);
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_TRUE((*served)->stale);
  EXPECT_EQ((*served)->der, held);
  text = registry.Render();
  EXPECT_EQ(Sample(text, R"(thim_amd_crl_stale{product="Milan",kind="vcek"})"), 1);
  EXPECT_LT(Sample(text, R"(thim_amd_crl_seconds_until_next_update{product="Milan",kind="vcek"})"), 0);
  EXPECT_EQ(Sample(text, R"(thim_amd_refresh_total{item="crl",outcome="failed"})"), 1);
  EXPECT_GE(Sample(text, "thim_amd_kds_failures_total"), 2);  // the refresher's and the request's
  // Past the grace: no longer served.
  clock_.Advance(hours(72));
  EXPECT_EQ(service_->Crl(Product::kMilan, KeyKind::kVcek).status().code(), StatusCode::kUnavailable);
  // KDS back: the refresher (after its backoff) brings a fresh one.
  kds_->down = false;
  ASSERT_TRUE(pki_->ReissueCrl(Product::kMilan, KeyKind::kVcek, clock_.Now(), clock_.Now() + hours(24 * 7)).ok());
  clock_.Advance(hours(1));
  EXPECT_EQ(refresher_->RunOnce(), 1);  // the CRL (no chain is held: none was asked for)
  EXPECT_EQ(refresher_->Stats().crl_updated, 1u);
  EXPECT_EQ(HeldCrl(), KdsCrl());
}

TEST_F(AmdRefresherTest, ThrottledAndVcekCountersMove) {
  MetricsRegistry registry;
  amd::RegisterAmdMetrics(registry, service_, {}, refresher_, clock_);
  Bytes chip = SimChipId(Product::kMilan, 0);
  uint64_t tcb = amd::EncodeTcb(Product::kMilan, kds_->tcb);
  ASSERT_TRUE(service_->Vcek(Product::kMilan, chip, tcb).ok());
  ASSERT_TRUE(service_->Vcek(Product::kMilan, chip, tcb).ok());
  kds_->throttled = true;
  EXPECT_EQ(service_->Vcek(Product::kMilan, SimChipId(Product::kMilan, 1), tcb).status().code(),
            StatusCode::kResourceExhausted);
  std::string text = registry.Render();
  EXPECT_EQ(Sample(text, "thim_amd_vcek_memory_hits_total"), 1);
  EXPECT_EQ(Sample(text, "thim_amd_vceks_in_memory"), 1);
  EXPECT_EQ(Sample(text, "thim_amd_kds_requests_total"), 3);  // chain, VCEK, the throttled VCEK
  EXPECT_EQ(Sample(text, "thim_amd_kds_throttled_total"), 1);
  EXPECT_NE(text.find("# TYPE thim_amd_kds_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE thim_amd_vceks_in_memory gauge"), std::string::npos);
  EXPECT_EQ(text.find("\nthim_amd_kds_429_total "), std::string::npos);  // no KDS client given: no sample
}

TEST_F(AmdRefresherTest, HeldChainRefetchedWeeklyAndKeptThroughAnOutage) {
  auto chain = service_->Chain(Product::kMilan, KeyKind::kVlek);
  ASSERT_TRUE(chain.ok());
  clock_.Advance(hours(24 * 6));
  EXPECT_EQ(refresher_->RunOnce(), 0);  // a week (less up to 10 %) is not over
  clock_.Advance(hours(24 * 2));
  EXPECT_EQ(refresher_->RunOnce(), 1);
  EXPECT_EQ(refresher_->Stats().chain_unchanged, 1u);  // KDS serves the same chain
  EXPECT_EQ(refresher_->RunOnce(), 0);                 // fetched now: due in a week again
  kds_->down = true;
  clock_.Advance(hours(24 * 8));
  EXPECT_EQ(refresher_->RunOnce(), 1);
  EXPECT_EQ(refresher_->Stats().chain_failed, 1u);
  auto held = service_->Chain(Product::kMilan, KeyKind::kVlek);
  ASSERT_TRUE(held.ok());  // still served
  EXPECT_EQ((*held)->pem, (*chain)->pem);
  EXPECT_EQ(refresher_->RunOnce(), 0);  // backoff
}

}  // namespace
}  // namespace thim::sim
