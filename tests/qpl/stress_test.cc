// The library under concurrency, without thimd (so the sanitizer builds stay
// small: `make tsan-qpl`, `make asan-qpl`): 16 threads calling the collateral
// functions for a few seconds against a canned loopback PCCS while one thread
// clears the cache and another reloads the configuration. No races (TSan), no
// leaks (LSan), every answer complete.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "abi_client.h"
#include "upstream/loopback_http_server.h"

namespace thim::testing {
namespace {

using upstream::testing::LoopbackHttpServer;
using upstream::testing::LoopbackReply;
using upstream::testing::LoopbackRequest;

const char kChain[] = "-----BEGIN%20CERTIFICATE-----%0AMIIB%0A-----END%20CERTIFICATE-----%0A";

LoopbackReply Canned(const LoopbackRequest& r) {
  LoopbackReply out;
  if (r.target.find("/pckcrl?") != std::string::npos) {
    out.body = "3082 pck crl";
    out.headers = {{"SGX-PCK-CRL-Issuer-Chain", kChain}, {"Cache-Control", "max-age=3600"}};
  } else if (r.target.find("/tcb?") != std::string::npos) {
    out.body = r.target.find("/tdx/") != std::string::npos ? "{\"tcbInfo\":{\"id\":\"TDX\"}}" : "{\"tcbInfo\":{\"id\":\"SGX\"}}";
    out.headers = {{"TCB-Info-Issuer-Chain", kChain}};
  } else if (r.target.find("/qe/identity?") != std::string::npos) {
    out.body = "{\"enclaveIdentity\":{}}";
    out.headers = {{"SGX-Enclave-Identity-Issuer-Chain", kChain}};
  } else if (r.target.find("/rootcacrl") != std::string::npos) {
    out.body = "3082 root crl";
  } else {
    out.status = 404;
  }
  return out;
}

TEST(QplStress, SixteenThreadsWithCacheChurnAndReloads) {
  LoopbackHttpServer server(Canned);
  auto dir = std::filesystem::temp_directory_path() / ("thim-qpl-stress-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string conf = (dir / "qcnl.conf").string();
  std::ofstream(conf) << "{\"pccs_url\": \"http://127.0.0.1:" << server.port()
                      << "/sgx/certification/v4/\", \"verify_collateral_cache_expire_hours\": 1}";
  ::setenv("QCNL_CONF_PATH", conf.c_str(), 1);
  ::setenv("THIM_QPL_CACHE_DIR", (dir / "cache").c_str(), 1);
  qpl_abi_t abi;
  char err[256];
  ASSERT_EQ(qpl_abi_open(&abi, err, sizeof err), 0) << err;
  ASSERT_EQ(abi.global_init(), SGX_QL_SUCCESS);

  const uint8_t fmspc[6] = {0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00};
  std::atomic<int> failures{0}, calls{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&, t] {
      while (!stop) {
        sgx_ql_qve_collateral_t* c = nullptr;
        quote3_error_t st = t % 2 ? abi.tdx_get_collateral(fmspc, 6, "platform", &c)
                                  : abi.get_collateral(fmspc, 6, "processor", &c);
        if (st != SGX_QL_SUCCESS || qpl_check_collateral(c) != 0 ||
            c->tee_type != (t % 2 ? 0x81u : 0u) ||
            std::string(c->tcb_info).find(t % 2 ? "TDX" : "SGX") == std::string::npos)
          ++failures;
        if (t % 2) abi.tdx_free_collateral(c);
        else abi.free_collateral(c);
        ++calls;
      }
    });
  std::thread churn([&] {
    for (int i = 0; !stop; ++i) {
      if (i % 2) abi.clear_cache(SGX_QPL_CACHE_QV_COLLATERAL);
      else abi.global_init();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  // 3 s in the normal suite; the sanitizer targets ask for the 10 s.
  const char* secs = std::getenv("THIM_QPL_STRESS_SECONDS");
  std::this_thread::sleep_for(std::chrono::seconds(secs ? std::clamp(std::atoi(secs), 1, 600) : 3));
  stop = true;
  for (auto& t : threads) t.join();
  churn.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(calls.load(), 16);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace thim::testing
