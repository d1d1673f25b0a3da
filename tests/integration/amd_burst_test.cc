// A burst of VM starts against a throttled KDS: 500 requests for 50 chips.
// Every request is answered, thimd never calls KDS faster than KDS allows
// (no 429 at all), one KDS call per chip, and once cached nothing fails.
#include <algorithm>
#include <atomic>
#include <thread>

#include "amd_harness.h"

namespace thim::testing {
namespace {

constexpr int kChips = 50;
constexpr int kRequests = 500;
constexpr int kClients = 25;

struct Round {
  int ok = 0;
  std::vector<double> latencies_ms;
};

Round Burst(uint16_t port) {
  std::vector<std::string> targets;
  for (int i = 0; i < kChips; ++i) {
    targets.push_back("/metadata/THIM/amd/certification?platformId=" + HexEncode(sim::SimChipId(amd::Product::kMilan, i)) +
                      "&tcbVersion=7308000000000003");
  }
  std::atomic<int> ok{0};
  std::vector<std::vector<double>> lat(kClients);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      for (int k = t; k < kRequests; k += kClients) {
        auto start = std::chrono::steady_clock::now();
        TestClient c(port);
        auto r = c.Get(targets[k % kChips], kMetadataHeader);
        lat[t].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (r.status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  Round round{ok.load(), {}};
  for (auto& l : lat) round.latencies_ms.insert(round.latencies_ms.end(), l.begin(), l.end());
  std::sort(round.latencies_ms.begin(), round.latencies_ms.end());
  return round;
}

double Pct(const std::vector<double>& sorted, double p) { return sorted[static_cast<size_t>(p * (sorted.size() - 1))]; }

TEST_F(ThimdWithKds, BurstOfVmStartsStaysUnderKdsThrottle) {
  const auto interval = std::chrono::milliseconds(40);
  kds_->SetThrottle(interval);
  thimd::Config c = AmdConfig();
  c.amd.rate_per_second = 1000.0 / 60;  // one KDS call per 60 ms: inside the 40 ms throttle
  c.amd.burst = 1;
  c.amd.max_concurrency = 2;
  StartThimd(c);

  auto cold_start = std::chrono::steady_clock::now();
  Round cold = Burst(app_->port());
  double cold_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - cold_start).count();
  EXPECT_EQ(cold.ok, kRequests);
  sim::KdsSimStats s = kds_->Stats();
  EXPECT_EQ(s.throttled, 0u) << "thimd went over KDS's throttle";
  EXPECT_EQ(s.vcek_requests, static_cast<uint64_t>(kChips)) << "one KDS call per chip (single flight)";
  EXPECT_GE(s.min_gap_ms, interval.count());

  Round warm = Burst(app_->port());
  EXPECT_EQ(warm.ok, kRequests);
  EXPECT_EQ(kds_->Stats().vcek_requests, static_cast<uint64_t>(kChips)) << "the warm round calls KDS again";
  std::printf("[ figures ] cold burst: %d requests / %d chips in %.2f s, %llu KDS VCEK calls, 0 throttled; "
              "warm: p50 %.2f ms, p99 %.2f ms, max %.2f ms (connection per request)\n",
              kRequests, kChips, cold_s, static_cast<unsigned long long>(s.vcek_requests), Pct(warm.latencies_ms, 0.5),
              Pct(warm.latencies_ms, 0.99), warm.latencies_ms.back());
}

TEST_F(ThimdWithKds, ThrottledKdsIsRetriedAfterRetryAfter) {
  // thimd configured too fast for KDS: the 429s are retried after Retry-After,
  // and every request is still answered.
  kds_->SetThrottle(std::chrono::milliseconds(1000));
  thimd::Config c = AmdConfig();
  c.amd.max_attempts = 4;
  StartThimd(c);
  for (int i = 0; i < 2; ++i) {
    auto r = Thimd("/metadata/THIM/amd/certification?platformId=" + HexEncode(sim::SimChipId(amd::Product::kMilan, 100 + i)) +
                       "&tcbVersion=7308000000000003",
                   kMetadataHeader);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_GE(kds_->Stats().throttled, 1u);
}

TEST_F(ThimdWithKds, KdsOutageAfterCachingChangesNothing) {
  StartThimd(AmdConfig());
  std::string target = "/metadata/THIM/amd/certification";
  ASSERT_EQ(Thimd(target, kMetadataHeader).status, 200);
  kds_->SetOutage(true);
  EXPECT_EQ(Thimd(target, kMetadataHeader).status, 200);
  EXPECT_EQ(Thimd("/vcek/v1/Milan/cert_chain").status, 200);
  // A chip never seen: KDS is down → 503 with Retry-After, not a crash or a hang.
  auto r = Thimd(target + "?platformId=" + HexEncode(sim::SimChipId(amd::Product::kMilan, 42)) + "&tcbVersion=1",
                 kMetadataHeader);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_FALSE(r.Header("retry-after").empty());
}

}  // namespace
}  // namespace thim::testing
