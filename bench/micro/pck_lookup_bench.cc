// PCK certificate lookups from a store of many platforms (default 100,000
// platforms × 10 certificates; THIM_BENCH_PLATFORMS overrides):
//   BM_PckLookupCached   – the answer is memoised in memory (the hot path);
//   BM_PckLookupUncached – every lookup reads the platform from SQLite, parses
//                          its 10 certificates and runs Intel's selection.
// Counters: RSS and the store's size on disk. The store is built once, before
// the benchmarks run (certificates are real, signed by a generated PKI; 64
// distinct platforms' certificate sets are reused so setup stays minutes, not
// hours — lookups cannot tell).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cache/collateral_service.h"
#include "cache/intel_validator.h"
#include "cache/platform_service.h"
#include "core/bytes.h"
#include "intel/pck_cert_list.h"
#include "sim/pki/collateral_writer.h"
#include "sim/pki/intel_pki.h"
#include "store/fake_store.h"
#include "store/sqlite_store.h"

namespace thim {
namespace {

constexpr const char* kFmspc = "00906ED50000";
constexpr int kLevels = 10;

struct World {
  TimePoint now = SystemClock::Instance().Now();
  FakeClock clock{now};
  std::unique_ptr<sim::IntelPki> pki;
  std::shared_ptr<cache::CollateralService> collateral;
  std::shared_ptr<store::Store> store;
  std::string db_path;
  size_t platforms = 100000;
};
World* g_world = nullptr;

class NoSource final : public cache::CollateralSource {
 public:
  StatusOr<cache::FetchedCollateral> Fetch(const cache::CollateralKey&, std::optional<std::chrono::seconds>*) override {
    return UnavailableError("benchmark: no upstream");
  }
};

intel::SgxTcb Level(int i) {
  intel::SgxTcb t;
  uint8_t c = static_cast<uint8_t>(12 - i);
  t.components = {c, c, 2, 4, 1, 128, 14, 0};
  t.pcesvn = 13;
  return t;
}

std::string QeId(size_t i) {
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%032zX", i);
  return buf;
}

void Die(const Status& st, const char* what) {
  if (st.ok()) return;
  std::fprintf(stderr, "setup failed: %s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

void Setup() {
  auto& w = *(g_world = new World());
  if (const char* n = std::getenv("THIM_BENCH_PLATFORMS")) w.platforms = std::strtoull(n, nullptr, 10);
  w.pki = std::make_unique<sim::IntelPki>(*sim::IntelPki::Create(w.now - std::chrono::hours(24)));

  // The FMSPC's TCB info, with the 10 levels the certificates are issued at.
  sim::TcbInfoSpec spec;
  spec.fmspc = kFmspc;
  spec.issue_date = w.now - std::chrono::hours(1);
  spec.next_update = w.now + std::chrono::hours(24 * 30);
  for (int i = 0; i < kLevels; ++i) spec.levels.push_back({.sgx = Level(i), .status = i == 0 ? "UpToDate" : "OutOfDate"});
  auto doc = sim::SignDocument("tcbInfo", sim::TcbInfoBody(spec), w.pki->tcb_signer().key);
  Die(doc.status(), "sign TCB info");
  w.collateral = std::make_shared<cache::CollateralService>(
      cache::CacheOptions{}, std::make_shared<store::FakeStore>(), std::make_shared<NoSource>(),
      std::make_shared<cache::IntelCollateralValidator>(w.pki->root().cert), w.clock, nullptr);
  Die(w.collateral->Start(), "collateral start");
  cache::FetchedCollateral tcb{.http_status = 200, .body = *doc, .issuer_chain = PercentEncode(w.pki->TcbSigningChainPem()),
                               .content_type = "application/json"};
  Die(w.collateral->Import(*cache::MakeKey(cache::CollateralKind::kTcbInfo, cache::Tee::kSgx, 4, {.fmspc = kFmspc}), tcb).status(),
      "import TCB info");

  // 64 platforms' certificate sets, reused round robin.
  std::vector<std::string> bodies;
  for (int set = 0; set < 64; ++set) {
    std::vector<intel::PckCertListEntry> entries;
    for (int i = 0; i < kLevels; ++i) {
      sim::PckSpec pck;
      pck.sgx.tcb = Level(i);
      pck.sgx.ppid = Bytes(16, static_cast<uint8_t>(set));
      pck.sgx.fmspc = *HexDecode(kFmspc);
      pck.ca = intel::PckCaType::kProcessor;
      pck.not_before = w.now - std::chrono::hours(1);
      pck.not_after = w.now + std::chrono::hours(24 * 365);
      auto issued = w.pki->IssuePck(pck);
      Die(issued.status(), "issue PCK");
      intel::PckCertListEntry e{.tcb = Level(i), .tcbm = intel::FormatTcbm(Level(i).components, 13)};
      e.cert = *intel::ParsePckCertificate(issued->cert);
      entries.push_back(std::move(e));
    }
    bodies.push_back(intel::WritePckCertList(entries));
  }

  w.db_path = (std::filesystem::temp_directory_path() / ("thim-pck-bench-" + std::to_string(::getpid()) + ".db")).string();
  auto store = store::OpenSqliteStore({.path = w.db_path});
  Die(store.status(), "open store");
  w.store = std::move(*store);
  std::string chain = PercentEncode(w.pki->PckCaChainPem(intel::PckCaType::kProcessor));
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < w.platforms; ++i) {
    store::PlatformRecord r;
    r.qe_id = QeId(i);
    r.pce_id = "0000";
    r.id = r.qe_id + "-0000";
    r.fmspc = kFmspc;
    r.ca_type = "processor";
    r.pck_certs = bodies[i % bodies.size()];
    r.issuer_chain = chain;
    r.certs_fetched_at = std::chrono::duration_cast<std::chrono::seconds>(w.now.time_since_epoch()).count();
    r.source = "benchmark";
    Die(w.store->PutPlatform(r), "put platform");
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "store: %zu platforms × %d certificates written in %.1f s (%.0f platforms/s)\n", w.platforms, kLevels, secs,
               static_cast<double>(w.platforms) / secs);
}

double RssMiB() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

double StoreMiB() {
  std::error_code ec;
  double bytes = 0;
  for (const char* suffix : {"", "-wal"}) {
    auto n = std::filesystem::file_size(g_world->db_path + suffix, ec);
    if (!ec) bytes += static_cast<double>(n);
  }
  return bytes / (1024.0 * 1024.0);
}

std::shared_ptr<cache::PlatformService> Service(size_t memory_platforms) {
  cache::PlatformOptions o;
  o.fill_mode = cache::FillMode::kOffline;  // everything is in the store
  o.max_cached_platforms = memory_platforms;
  o.check_interval = std::chrono::hours(24);
  auto s = std::make_shared<cache::PlatformService>(o, g_world->store, nullptr, g_world->collateral, g_world->pki->root().cert,
                                                    g_world->clock, nullptr);
  Die(s->Start(), "platform service");
  return s;
}

cache::RawTcb Raw(size_t i) {
  auto t = Level(static_cast<int>(i % kLevels));
  return {.cpusvn = Bytes(t.components.begin(), t.components.end()), .pcesvn = t.pcesvn};
}

void BM_PckLookupCached(benchmark::State& state) {
  size_t working_set = std::min<size_t>(10000, g_world->platforms);
  auto service = Service(working_set * 2);
  for (size_t i = 0; i < working_set; ++i)  // memoise
    if (!service->GetPckCertBlocking({.qe_id = QeId(i), .pce_id = "0000"}, Raw(i)).ok()) state.SkipWithError("warm-up failed");
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    size_t n = i++ % working_set;
    service->GetPckCert({.qe_id = QeId(n), .pce_id = "0000"}, Raw(n), [&](StatusOr<cache::PckAnswer> a) { ok += a.ok(); });
  }
  if (ok != static_cast<size_t>(state.iterations())) state.SkipWithError("a cached lookup failed");
  state.SetItemsProcessed(state.iterations());
  state.counters["rss_MiB"] = RssMiB();
  state.counters["store_MiB"] = StoreMiB();
  service->Stop();
}
BENCHMARK(BM_PckLookupCached)->UseRealTime();

void BM_PckLookupUncached(benchmark::State& state) {
  auto service = Service(1000);  // far fewer than the store holds: every lookup below misses
  size_t i = 0;
  for (auto _ : state) {
    // A stride walks the whole store before returning to a platform.
    size_t n = (i++ * 7919) % g_world->platforms;
    auto a = service->GetPckCertBlocking({.qe_id = QeId(n), .pce_id = "0000"}, Raw(n));
    if (!a.ok()) state.SkipWithError(a.status().ToString().c_str());
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rss_MiB"] = RssMiB();
  state.counters["store_MiB"] = StoreMiB();
  service->Stop();
}
BENCHMARK(BM_PckLookupUncached)->UseRealTime();

}  // namespace
}  // namespace thim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  thim::Setup();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  thim::g_world->collateral->Stop();
  std::filesystem::remove(thim::g_world->db_path);
  std::filesystem::remove(thim::g_world->db_path + "-wal");
  std::filesystem::remove(thim::g_world->db_path + "-shm");
  return 0;
}
