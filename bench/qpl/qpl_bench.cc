// bench/qpl: latency of sgx_ql_get_quote_verification_collateral through the
// C ABI (dlopen of the built library) with a warm in-memory cache (target
// <= 5 us), a warm disk cache (each call preceded by sgx_qpl_global_init,
// which drops the memory cache; the re-init is included), and cold: the QPL
// cache cleared before each call, so the four documents come from thimd on
// loopback (thimd itself warm, thim-sim behind it).
#include <dlfcn.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <vector>

#include "server/http_server.h"
#include "sim/pcs_simulator.h"
#include "thim/sgx_dcap_quoteprov.h"
#include "thimd/app.h"

namespace {

using Get = quote3_error_t (*)(const uint8_t*, uint16_t, const char*, sgx_ql_qve_collateral_t**);
using Free = quote3_error_t (*)(sgx_ql_qve_collateral_t*);
using Clear = quote3_error_t (*)(uint32_t);
using Init = quote3_error_t (*)();

// Median and p99 of `n` timed calls, in microseconds.
void Report(const char* name, int n, const std::function<void()>& before, const std::function<bool()>& op) {
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    before();
    auto start = std::chrono::steady_clock::now();
    if (!op()) {
      std::fprintf(stderr, "%s: call failed\n", name);
      std::exit(1);
    }
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("%-28s n=%-6d median %9.2f us   p99 %9.2f us\n", name, n, us[us.size() / 2], us[us.size() * 99 / 100]);
}

}  // namespace

int main() {
  using namespace thim;
  spdlog::set_level(spdlog::level::err);
  auto dir = std::filesystem::temp_directory_path() / ("thim-qpl-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto pki = sim::IntelPki::Create(SystemClock::Instance().Now() - std::chrono::hours(24 * 365));
  if (!pki.ok() || !pki->Save((dir / "sim").string()).ok()) return 1;
  FakeClock sim_clock(SystemClock::Instance().Now()), thimd_clock(SystemClock::Instance().Now());
  sim::PcsSimulator simulator(*pki, sim::PcsSimOptions{}, sim_clock);
  auto router = std::make_shared<server::Router>();
  simulator.AddRoutes(*router);
  server::ServerOptions so;
  so.port = 0;
  so.threads = 2;
  server::HttpServer sim_server(so, router, nullptr);
  if (!sim_server.Start().ok()) return 1;
  thimd::Config c;
  c.server.port = 0;
  c.server.threads = 2;
  c.store.path = (dir / "thim.db").string();
  std::string sim_url = "http://127.0.0.1:" + std::to_string(sim_server.port());
  c.intel.pcs_url = sim_url;
  c.intel.root_crl_url = sim_url + "/IntelSGXRootCA.der";
  c.intel.root_ca_file = (dir / "sim" / "root_ca.pem").string();
  c.intel.rate_per_second = 1000;
  c.intel.burst = 1000;
  c.cache.warmup.identities_and_crls = false;
  c.baselines.default_baseline = "standard";
  c.log.level = "error";
  thimd::App app(c, thimd_clock);
  if (!app.Start().ok()) return 1;

  std::string conf = (dir / "qcnl.conf").string();
  std::ofstream(conf) << "{\"pccs_url\": \"http://127.0.0.1:" << app.port()
                      << "/sgx/certification/v4/\", \"verify_collateral_cache_expire_hours\": 1}";
  ::setenv("QCNL_CONF_PATH", conf.c_str(), 1);
  ::setenv("THIM_QPL_CACHE_DIR", (dir / "cache").c_str(), 1);
  void* lib = ::dlopen(THIM_QPL_LIB, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::fprintf(stderr, "%s\n", ::dlerror());
    return 1;
  }
  auto get = reinterpret_cast<Get>(::dlsym(lib, "sgx_ql_get_quote_verification_collateral"));
  auto release = reinterpret_cast<Free>(::dlsym(lib, "sgx_ql_free_quote_verification_collateral"));
  auto clear = reinterpret_cast<Clear>(::dlsym(lib, "sgx_qpl_clear_cache"));
  auto init = reinterpret_cast<Init>(::dlsym(lib, "sgx_qpl_global_init"));
  if (init() != SGX_QL_SUCCESS) return 1;
  const uint8_t fmspc[6] = {0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00};
  auto call = [&] {
    sgx_ql_qve_collateral_t* col = nullptr;
    bool ok = get(fmspc, 6, "processor", &col) == SGX_QL_SUCCESS;
    release(col);
    return ok;
  };
  if (!call()) return 1;  // fills thimd and the QPL cache
  Report("warm memory cache", 20000, [] {}, call);
  Report("warm disk cache (+re-init)", 500, [&] { init(); }, call);
  Report("cold (thimd on loopback)", 300, [&] { clear(SGX_QPL_CACHE_QV_COLLATERAL); }, call);
  app.Stop();
  sim_server.Stop();
  std::filesystem::remove_all(dir);
  return 0;
}
