// Micro-benchmarks: the cached request path (lookup + per-request headers)
// and validation on ingest (parse + chain + signature) of real Intel data.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "cache/collateral_service.h"
#include "cache/intel_validator.h"
#include "core/bytes.h"
#include "intel/pinned_roots.h"
#include "intel/tcb_info.h"
#include "server/pcs_api.h"
#include "store/fake_store.h"

namespace thim {
namespace {

std::string Real(const std::string& rel) {
  const char* env = std::getenv("THIM_TESTDATA");
  auto s = ReadFileString(std::string(env ? env : THIM_TESTDATA_DIR) + "/" + rel);
  if (!s.ok()) std::abort();
  return *s;
}

// A source that always answers with the real SGX TCB info (FMSPC 00906ED50000).
class RealSource final : public cache::CollateralSource {
 public:
  StatusOr<cache::FetchedCollateral> Fetch(const cache::CollateralKey&, std::optional<std::chrono::seconds>*) override {
    cache::FetchedCollateral f;
    f.http_status = 200;
    f.body = Real("teepot/extracted/sgx_tcb_info_00906ED50000.body");
    f.issuer_chain = PercentEncode(Real("teepot/extracted/sgx_tcb_info_00906ED50000.chain.pem"));
    f.content_type = "application/json";
    return f;
  }
};

const TimePoint kInside = *ParseRfc3339("2025-06-01T00:00:00Z");

void BM_CachedLookup(benchmark::State& state) {
  FakeClock clock(kInside);
  auto service = std::make_shared<cache::CollateralService>(
      cache::CacheOptions{}, std::make_shared<store::FakeStore>(), std::make_shared<RealSource>(),
      std::make_shared<cache::IntelCollateralValidator>(intel::IntelSgxRootCa()), clock, nullptr);
  if (!service->Start().ok()) std::abort();
  auto key = *cache::MakeKey(cache::CollateralKind::kTcbInfo, cache::Tee::kSgx, 4, {.fmspc = "00906ED50000"});
  if (!service->GetBlocking(key, std::chrono::seconds(5)).ok()) std::abort();
  for (auto _ : state) {
    // What the PCS handler does per request once the query is parsed.
    auto k = cache::MakeKey(cache::CollateralKind::kTcbInfo, cache::Tee::kSgx, 4, {.fmspc = "00906ED50000"});
    service->Get(*k, [&](cache::CollateralService::Result r) {
      server::HttpResponse response = server::RespondWithItem(*service, **r);
      benchmark::DoNotOptimize(response);
    });
  }
  service->Stop();
}
BENCHMARK(BM_CachedLookup);

void BM_ValidateTcbInfoOnIngest(benchmark::State& state) {
  cache::IntelCollateralValidator validator(intel::IntelSgxRootCa());
  RealSource source;
  auto key = *cache::MakeKey(cache::CollateralKind::kTcbInfo, cache::Tee::kSgx, 4, {.fmspc = "00906ED50000"});
  auto doc = *source.Fetch(key, nullptr);
  for (auto _ : state) {
    auto v = validator.Validate(key, doc, kInside);
    if (!v.ok()) std::abort();
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_ValidateTcbInfoOnIngest);

void BM_ParseTcbInfo(benchmark::State& state) {
  std::string body = Real("teepot/extracted/sgx_tcb_info_00906ED50000.body");
  for (auto _ : state) benchmark::DoNotOptimize(intel::ParseTcbInfo(body));
}
BENCHMARK(BM_ParseTcbInfo);

}  // namespace
}  // namespace thim

BENCHMARK_MAIN();
