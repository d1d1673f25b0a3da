// Test harness: a thim-sim PCS (with its Azure IMDS) and a thimd, each on a free loopback port,
// with their own fake clocks, plus a small HTTP client.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "server/http_server.h"
#include "server/test_client.h"
#include "sim/imds_simulator.h"
#include "sim/pcs_simulator.h"
#include "thimd/app.h"

namespace thim::testing {

// The header THIM's node-local /metadata/THIM routes require.
inline const std::string kMetadataHeader = "Metadata: true\r\n";

class ThimdWithSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spdlog::set_level(spdlog::level::err);  // expected upstream failures would flood the output
    pki_ = new sim::IntelPki(*sim::IntelPki::Create(SystemClock::Instance().Now() - std::chrono::hours(24 * 365)));
  }
  static void TearDownTestSuite() { delete pki_; }

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("thim-it-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(pki_->Save((dir_ / "sim").string()).ok());
    StartSim();
  }
  void TearDown() override {
    StopThimd();
    if (sim_server_) sim_server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  void StartSim() {
    sim_ = std::make_unique<sim::PcsSimulator>(*pki_, sim::PcsSimOptions{}, sim_clock_);
    imds_ = std::make_unique<sim::ImdsSimulator>();
    auto router = std::make_shared<server::Router>();
    sim_->AddRoutes(*router);
    imds_->AddRoutes(*router);
    server::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    sim_server_ = std::make_unique<server::HttpServer>(o, router, nullptr);
    ASSERT_TRUE(sim_server_->Start().ok());
  }

  thimd::Config DefaultConfig() {
    thimd::Config c;
    c.server.port = 0;
    c.server.threads = 2;
    c.store.path = (dir_ / "thim.db").string();
    std::string sim = "http://127.0.0.1:" + std::to_string(sim_server_->port());
    c.intel.pcs_url = sim;
    c.intel.root_crl_url = sim + "/IntelSGXRootCA.der";
    c.intel.root_ca_file = (dir_ / "sim" / "root_ca.pem").string();
    c.intel.timeout_seconds = 5;
    c.intel.max_attempts = 2;
    c.intel.rate_per_second = 1000;
    c.intel.burst = 1000;
    c.cache.warmup.identities_and_crls = false;
    c.baselines.default_baseline = "standard";  // mirror Intel unless a test sets a baseline
    c.log.level = "error";
    return c;
  }

  void StartThimd(thimd::Config config) {
    app_ = std::make_unique<thimd::App>(config, thimd_clock_);
    Status st = app_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void StartThimd() { StartThimd(DefaultConfig()); }
  void StopThimd() {
    if (app_) app_->Stop();
    app_.reset();
  }

  ClientResponse Thimd(const std::string& target, const std::string& headers = "") {
    TestClient c(app_->port());
    return c.Get(target, headers);
  }
  ClientResponse Sim(const std::string& target) {
    TestClient c(sim_server_->port());
    return c.Get(target);
  }
  void SimControl(const std::string& target) {
    TestClient c(sim_server_->port());
    auto r = c.Get(target, "", "POST");
    ASSERT_EQ(r.status, 200) << target << " " << r.body;
  }
  uint64_t SimCount(const std::string& path) {
    auto j = nlohmann::json::parse(Sim("/_sim/stats").body);
    return j["paths"].value(path, 0);
  }
  std::string Metrics() { return Thimd("/metrics").body; }
  // The value of a metric line that starts with `prefix` (0 if absent).
  double Metric(const std::string& prefix) {
    std::string text = Metrics();
    size_t pos = text.find("\n" + prefix + " ");
    if (pos == std::string::npos) return 0;
    return std::stod(text.substr(pos + prefix.size() + 2));
  }

  static sim::IntelPki* pki_;
  std::filesystem::path dir_;
  FakeClock sim_clock_{SystemClock::Instance().Now()};
  FakeClock thimd_clock_{SystemClock::Instance().Now()};
  std::unique_ptr<sim::PcsSimulator> sim_;
  std::unique_ptr<sim::ImdsSimulator> imds_;  // Azure IMDS /metadata/instance on the sim's port
  std::unique_ptr<server::HttpServer> sim_server_;
  std::unique_ptr<thimd::App> app_;
};

inline sim::IntelPki* ThimdWithSim::pki_ = nullptr;

}  // namespace thim::testing
