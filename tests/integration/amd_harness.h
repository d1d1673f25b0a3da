// thimd with an AMD KDS simulator beside the Intel one (harness.h): the sim's
// ARKs pinned through amd.ark_files, this node being chip 0 of the Milan sim.
#pragma once

#include <fstream>

#include "core/pem.h"
#include "harness.h"
#include "sim/kds_simulator.h"
#include "sim/snp_report_generator.h"

namespace thim::testing {

class ThimdWithKds : public ThimdWithSim {
 protected:
  static void SetUpTestSuite() {
    ThimdWithSim::SetUpTestSuite();
    // RSA-2048 instead of AMD's 4096: the same code paths, a faster start.
    amd_pki_ = new std::shared_ptr<sim::AmdPki>(*sim::AmdPki::Create(SystemClock::Instance().Now(), 2048));
  }
  static void TearDownTestSuite() {
    delete amd_pki_;
    ThimdWithSim::TearDownTestSuite();
  }

  void SetUp() override {
    ThimdWithSim::SetUp();
    kds_ = std::make_unique<sim::KdsSimulator>(*amd_pki_, sim::KdsSimOptions{.vcek_interval = std::chrono::milliseconds(0)});
    auto router = std::make_shared<server::Router>();
    kds_->AddRoutes(*router);
    server::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    kds_server_ = std::make_unique<server::HttpServer>(o, router, nullptr);
    ASSERT_TRUE(kds_server_->Start().ok());
  }
  void TearDown() override {
    StopThimd();
    if (kds_server_) kds_server_->Stop();
    ThimdWithSim::TearDown();
  }

  std::string ArkFile(amd::Product p) {
    std::string path = (dir_ / ("ark_" + std::string(amd::ProductName(p)) + ".pem")).string();
    std::ofstream(path) << EncodePem("CERTIFICATE", (*amd_pki_)->product(p).ark.cert.der());
    return path;
  }

  thimd::Config AmdConfig() {
    thimd::Config c = DefaultConfig();
    c.amd.kds_url = "http://127.0.0.1:" + std::to_string(kds_server_->port());
    c.amd.rate_per_second = 1000;
    c.amd.burst = 1000;
    c.amd.max_concurrency = 8;
    c.amd.timeout_seconds = 10;
    for (amd::Product p : {amd::Product::kMilan, amd::Product::kGenoa, amd::Product::kTurin})
      c.amd.ark_files[std::string(amd::ProductName(p))] = ArkFile(p);
    c.amd.node.product = "Milan";
    c.amd.node.chip_id = HexEncode(sim::SimChipId(amd::Product::kMilan, 0));
    c.amd.node.reported_tcb = "7308000000000003";
    return c;
  }

  ClientResponse Kds(const std::string& target) {
    TestClient c(kds_server_->port());
    return c.Get(target);
  }

  static std::shared_ptr<sim::AmdPki>* amd_pki_;
  std::unique_ptr<sim::KdsSimulator> kds_;
  std::unique_ptr<server::HttpServer> kds_server_;
};

inline std::shared_ptr<sim::AmdPki>* ThimdWithKds::amd_pki_ = nullptr;

}  // namespace thim::testing
